import { Command, CommandRunner as CliCommand, Option, SubCommand } from 'nest-commander';
import type { Pool } from 'pg';
import type { INestApplication } from '@nestjs/common';
import { EVENT_STORE, type EventStore } from '@app/event-store';
import { PG_POOL } from '@app/platform';
import { listDeadLetters, ProjectionRuntime, projectionStatus, ProjectionStatus, retryDeadLetter, ShadowBuilds, skipDeadLetter } from '@app/projections';
import { cliActor, json, out, position, Progress, withApp } from './cli-support';

const pool = (app: INestApplication): Pool => app.get<symbol, Pool>(PG_POOL, { strict: false });
const store = (app: INestApplication): EventStore => app.get<symbol, EventStore>(EVENT_STORE, { strict: false });
const status = (app: INestApplication): Promise<ProjectionStatus[]> => projectionStatus(pool(app), store(app), app.get(ProjectionRuntime).definitions);
const sleep = (ms: number, signal: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    const t = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => (clearTimeout(t), resolve()), { once: true });
  });

@SubCommand({ name: 'status', description: 'each projection: version, state, position, lag (events, seconds), dead letters (GET /v1/ops/projections)' })
export class ProjectionsStatusCommand extends CliCommand {
  async run(_args: string[], options: { json?: boolean }): Promise<void> {
    await withApp({}, async ({ app }) => {
      const all = await status(app);
      if (options.json) return out(json(all));
      out(`${'projection'.padEnd(22)} ${'build'.padEnd(30)} ${'state'.padEnd(10)} ${'position'.padStart(10)} ${'lag'.padStart(8)} ${'lag s'.padStart(8)} dead letters`);
      for (const p of all) {
        if (p.builds.length === 0) out(`${p.name.padEnd(22)} ${'(no build yet: starts where projections run)'.padEnd(30)}`);
        for (const b of p.builds) {
          out(`${p.name.padEnd(22)} ${b.buildId.padEnd(30)} ${b.state.padEnd(10)} ${b.position.padStart(10)} ${String(b.lagEvents).padStart(8)} ${b.lagSeconds.toFixed(1).padStart(8)} ${p.deadLetters}${b.lastError ? `  error: ${b.lastError}` : ''}`);
        }
      }
    });
  }

  @Option({ flags: '--json', description: 'print the status as JSON' })
  parseJson(): boolean {
    return true;
  }
}

@SubCommand({
  name: 'rebuild',
  arguments: '<projection>',
  description: 'rebuild a projection ("all": every one) from position 0 beside the live build, which serves until the new one has caught up and takes over in one transaction; shows its progress until then',
})
export class ProjectionsRebuildCommand extends CliCommand {
  async run([name]: string[], options: { wait?: boolean }): Promise<void> {
    // the projections run here too: without an API running, this process does the rebuild; with one, whichever
    // holds the projection's lock does, and this process only watches
    await withApp({ runProjections: true }, async ({ app, signal }) => {
      const runtime = app.get(ProjectionRuntime);
      const names = name === 'all' ? runtime.definitions.map((d) => d.name) : [name!];
      for (const n of names) if (!runtime.definition(n)) throw new Error(`Unknown projection "${n}": ${runtime.definitions.map((d) => d.name).join(', ')}`);
      const builds = new Map<string, string>();
      for (const n of names) builds.set(n, await runtime.requestRebuild(n));
      for (const [n, id] of builds) out(`${n}: rebuild ${id} requested`);
      if (options.wait === false) return;
      const progress = new Progress('rebuild');
      while (!signal.aborted) {
        const all = await status(app);
        let done = 0;
        let total = 0;
        let switched = 0;
        let rate = 0;
        for (const [n, id] of builds) {
          const p = all.find((s) => s.name === n)!;
          const b = p.builds.find((x) => x.buildId === id);
          const head = Number(p.headPosition);
          total += head;
          if (!b || b.state === 'live') {
            switched += 1;
            done += head;
          } else {
            done += Number(b.position);
            rate += b.progress?.eventsPerSecond ?? 0;
            if (b.lastError) out(`${n}: ${b.lastError} (see npm run cli -- dead-letters list)`);
          }
        }
        progress.update(done, total, 'positions', rate);
        if (switched === builds.size) break;
        await sleep(500, signal);
      }
      progress.stop();
      if (signal.aborted) {
        out('stopped watching: the live builds keep serving; the rebuilds continue where their locks are held (or when an instance with RUN_PROJECTIONS starts)');
        process.exitCode = 130;
      } else out(`rebuilt and switched: ${[...builds.keys()].join(', ')}`);
    });
  }

  @Option({ flags: '--no-wait', description: 'only request the rebuild' })
  parseNoWait(): boolean {
    return false;
  }
}

@Command({ name: 'projections', description: 'projection status and rebuilds (docs/operations.md)', subCommands: [ProjectionsStatusCommand, ProjectionsRebuildCommand] })
export class ProjectionsCommand extends CliCommand {
  async run(): Promise<void> {
    this.command.help();
  }
}

@SubCommand({ name: 'list', description: 'shadow builds (what-if, as-of) and their progress' })
export class BuildsListCommand extends CliCommand {
  async run(): Promise<void> {
    await withApp({}, async ({ app }) => out(json(await app.get(ShadowBuilds).list())));
  }
}

interface StartOptions {
  target?: bigint;
  parameters?: Record<string, unknown>;
  purpose?: string;
  wait?: boolean;
}

@SubCommand({ name: 'start', arguments: '<projection>', description: 'start a shadow build (with --target: as of that position; --parameters: a what-if) and show its progress until it reaches its target or the head' })
export class BuildsStartCommand extends CliCommand {
  async run([projection]: string[], options: StartOptions): Promise<void> {
    await withApp({ runProjections: true }, async ({ app, signal }) => {
      const builds = app.get(ShadowBuilds);
      const build = await builds.start({ projection: projection!, targetPosition: options.target, parameters: options.parameters, purpose: options.purpose, createdBy: 'cli' });
      out(`shadow build ${build.buildId} started (read it with X-Read-Build: ${build.buildId})`);
      if (options.wait === false) return;
      const progress = new Progress(build.buildId);
      while (!signal.aborted) {
        const view = (await builds.list({ projection })).find((b) => b.buildId === build.buildId);
        if (!view) throw new Error(`shadow build ${build.buildId} was dropped`);
        const target = Number(view.progress.targetPosition ?? view.progress.headPosition);
        progress.update(Number(view.progress.position), target, 'positions', view.progress.eventsPerSecond);
        if (view.lastError) out(`stopped: ${view.lastError}`);
        if (view.progress.reachedTarget || (view.progress.targetPosition === null && view.progress.position === view.progress.headPosition)) break;
        await sleep(500, signal);
      }
      progress.stop();
      out(signal.aborted ? 'stopped watching: the build goes on where its lock is held' : `${build.buildId} is ready`);
    });
  }

  @Option({ flags: '--target <position>', description: 'stop at this position (an as-of build)' })
  parseTarget(value: string): bigint {
    return position(value, '--target');
  }

  @Option({ flags: '--parameters <json>', description: 'build parameters as JSON (e.g. policies what-if: {"policies":{"ignoreVersions":[…]}})' })
  parseParameters(value: string): Record<string, unknown> {
    const parsed = JSON.parse(value) as unknown;
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('--parameters expects a JSON object');
    return parsed as Record<string, unknown>;
  }

  @Option({ flags: '--purpose <text>', description: 'why the build exists (shown in the list)' })
  parsePurpose(value: string): string {
    return value;
  }

  @Option({ flags: '--no-wait', description: 'only start it' })
  parseNoWait(): boolean {
    return false;
  }
}

@SubCommand({ name: 'drop', arguments: '<buildId>', description: 'drop a shadow build (its schema and rows)' })
export class BuildsDropCommand extends CliCommand {
  async run([buildId]: string[]): Promise<void> {
    await withApp({}, async ({ app }) => {
      const dropped = await app.get(ShadowBuilds).drop(buildId!);
      out(`dropped ${dropped.buildId}`);
    });
  }
}

@Command({ name: 'builds', description: 'shadow builds: list, start (what-if, as-of), drop', subCommands: [BuildsListCommand, BuildsStartCommand, BuildsDropCommand] })
export class BuildsCommand extends CliCommand {
  async run(): Promise<void> {
    this.command.help();
  }
}

@SubCommand({ name: 'list', description: 'dead letters (default: open ones)' })
export class DeadLettersListCommand extends CliCommand {
  async run(_args: string[], options: { projection?: string; resolved?: boolean }): Promise<void> {
    await withApp({}, async ({ app }) => out(json(await listDeadLetters(pool(app), { projection: options.projection, status: options.resolved ? 'resolved' : 'open', limit: 500 }))));
  }

  @Option({ flags: '--projection <name>', description: 'only this projection' })
  parseProjection(value: string): string {
    return value;
  }

  @Option({ flags: '--resolved', description: 'resolved ones instead of open ones' })
  parseResolved(): boolean {
    return true;
  }
}

@SubCommand({ name: 'retry', arguments: '<id>', description: 'retry a dead letter (after fixing its cause): the stopped build resumes at it' })
export class DeadLettersRetryCommand extends CliCommand {
  async run([id]: string[]): Promise<void> {
    await withApp({}, async ({ app }) => out(json(await retryDeadLetter(pool(app), app.get(ProjectionRuntime), id!))));
  }
}

@SubCommand({ name: 'skip', arguments: '<id>', description: 'skip a poison event: the build goes on without it (recorded with --reason)' })
export class DeadLettersSkipCommand extends CliCommand {
  async run([id]: string[], options: { reason?: string }): Promise<void> {
    if (!options.reason) throw new Error('--reason is required: say why the read model may lack this event');
    await withApp({}, async ({ app }) => out(json(await skipDeadLetter(pool(app), app.get(ProjectionRuntime), id!, { actorId: cliActor(), reason: options.reason! }))));
  }

  @Option({ flags: '--reason <text>', description: 'why the read model may lack this event', required: true })
  parseReason(value: string): string {
    return value;
  }
}

@Command({ name: 'dead-letters', description: 'dead letters of the projections: list, retry, skip', subCommands: [DeadLettersListCommand, DeadLettersRetryCommand, DeadLettersSkipCommand] })
export class DeadLettersCommand extends CliCommand {
  async run(): Promise<void> {
    this.command.help();
  }
}

export const PROJECTION_COMMANDS = [
  ProjectionsCommand,
  ProjectionsStatusCommand,
  ProjectionsRebuildCommand,
  BuildsCommand,
  BuildsListCommand,
  BuildsStartCommand,
  BuildsDropCommand,
  DeadLettersCommand,
  DeadLettersListCommand,
  DeadLettersRetryCommand,
  DeadLettersSkipCommand,
];
