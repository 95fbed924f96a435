import * as fs from 'node:fs';
import { Command, CommandRunner as CliCommand, Option, SubCommand } from 'nest-commander';
import { AS_OF_REPORTS, AsOfParameters, AsOfReport, AsOfReports, PersonalDataService } from '@app/audit';
import { newId } from '@app/kernel';
import { RewardComparisons } from '@app/rewards';
import { cliActor, cliAdministrator, json, out, position, Progress, withApp } from './cli-support';

/**
 * The CLI acts as the bootstrapped administrator (its appointment grants ops.read, which reading shadow builds
 * needs) and records `cli:<user>` as the actor of what it appends.
 */
const context = () => ({ commandId: newId(), actorId: cliActor(), correlationId: newId() });

interface AsOfOptions extends AsOfParameters {
  position?: bigint;
  at?: string;
  out?: string;
}

@Command({
  name: 'as-of',
  arguments: '<report>',
  description: `a report as it stood at a past position (${AS_OF_REPORTS.join(', ')}): canonical JSON with its checksum; shows the as-of builds' progress`,
})
export class AsOfCommand extends CliCommand {
  async run([report]: string[], options: AsOfOptions): Promise<void> {
    if (!(AS_OF_REPORTS as readonly string[]).includes(report!)) throw new Error(`report must be one of ${AS_OF_REPORTS.join(', ')}`);
    const { position: at, at: instant, out: file, ...parameters } = options;
    await withApp({ runProjections: true }, async ({ app, signal }) => {
      const progress = new Progress(`as-of ${report}`);
      const answer = await app.get(AsOfReports).report({
        report: report as AsOfReport,
        position: at,
        at: instant,
        parameters,
        reader: cliAdministrator,
        createdBy: cliActor(),
        waitMs: 3_600_000,
        signal,
        onProgress: (done, total) => progress.update(Number(done), Number(total), 'positions'),
      });
      progress.stop();
      if (file) {
        fs.writeFileSync(file, `${answer.canonical}\n`);
        out(`${file}: ${report} as of position ${answer.body.positionRange.upTo}, checksum ${answer.body.checksum}`);
      } else out(answer.canonical);
      out(`builds: ${answer.builds.map((b) => b.buildId).join(', ')} (dropped after 24 h unread; npm run cli -- builds drop <id>)`);
    });
  }

  @Option({ flags: '--position <position>', description: 'the log position (default: the settled head)' })
  parsePosition(value: string): bigint {
    return position(value, '--position');
  }
  @Option({ flags: '--at <instant>', description: 'instead: the last position recorded at or before this ISO 8601 instant' })
  parseAt(value: string): string {
    if (Number.isNaN(Date.parse(value)) || !/(Z|[+-]\d{2}:?\d{2})$/.test(value)) throw new Error('--at expects an ISO 8601 instant with its offset');
    return value;
  }
  @Option({ flags: '--subject <member|unit>', description: 'leaderboard' })
  parseSubject(value: string): string {
    return value;
  }
  @Option({ flags: '--by <points|money|adopted|adoptionRate>', description: 'leaderboard' })
  parseBy(value: string): string {
    return value;
  }
  @Option({ flags: '--from <date>', description: 'leaderboard: first business date' })
  parseFrom(value: string): string {
    return value;
  }
  @Option({ flags: '--to <date>', description: 'leaderboard: last business date' })
  parseTo(value: string): string {
    return value;
  }
  @Option({ flags: '--period <month|quarter|year>', description: 'compliance, bulletin' })
  parsePeriod(value: string): string {
    return value;
  }
  @Option({ flags: '--key <key>', description: 'compliance, bulletin: 2026, 2026-Q1, 2026-02' })
  parseKey(value: string): string {
    return value;
  }
  @Option({ flags: '--period-id <id>', description: 'payout-ledger: one payout period' })
  parsePeriodId(value: string): string {
    return value;
  }
  @Option({ flags: '--out <file>', description: 'write the canonical JSON to a file' })
  parseOut(value: string): string {
    return value;
  }
}

interface ComparisonOptions {
  policies?: Record<string, unknown>;
  policy?: string;
  version?: number;
  from?: string;
  to?: string;
  purpose?: string;
}

@Command({
  name: 'whatif',
  description: 'a what-if of rewards over the whole history (--policies: treatAsPublished / ignoreVersions as JSON or @file) or a recomputation (--policy id --version n), and its diff per payee and month',
})
export class WhatIfCommand extends CliCommand {
  async run(_args: string[], options: ComparisonOptions): Promise<void> {
    if (!options.policies && !(options.policy && options.version)) throw new Error('give --policies <json|@file>, or --policy <id> --version <n>');
    await withApp({ runProjections: true }, async ({ app, signal }) => {
      const comparisons = app.get(RewardComparisons);
      const now = new Date().toISOString();
      const range = { from: options.from ?? null, to: options.to ?? null, purpose: options.purpose ?? null };
      const started = options.policies
        ? await comparisons.whatIf({ policies: options.policies, ...range }, context(), now)
        : await comparisons.recomputation({ policyId: options.policy!, version: options.version!, ...range }, context(), now);
      out(`comparison ${started.runId} started (GET /v1/rewards/comparisons/${started.runId})`);
      const progress = new Progress('whatif');
      for (;;) {
        const run = await comparisons.get(started.runId);
        const sides = [run.builds.before, run.builds.after];
        progress.update(sides.reduce((s, b) => s + Number(b?.position ?? 0), 0), sides.reduce((s, b) => s + Number(b?.targetPosition ?? b?.headPosition ?? 0), 0), 'positions', sides.reduce((s, b) => s + (b?.eventsPerSecond ?? 0), 0));
        if (run.status !== 'running') {
          progress.stop();
          out(json({ status: run.status, totals: run.diff?.totals ?? null, rows: run.diff?.rows.slice(0, 20) ?? [] }));
          return;
        }
        if (signal.aborted) {
          progress.stop();
          out(`stopped watching: the builds go on; read the result with GET /v1/rewards/comparisons/${started.runId}`);
          return;
        }
        await new Promise((r) => setTimeout(r, 500));
      }
    });
  }

  @Option({ flags: '--policies <json>', description: 'what-if parameters, JSON or @file (e.g. {"ignoreVersions":[{"policyId":"…","version":2}]})' })
  parsePolicies(value: string): Record<string, unknown> {
    const text = value.startsWith('@') ? fs.readFileSync(value.slice(1), 'utf8') : value;
    const parsed = JSON.parse(text) as unknown;
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('--policies expects a JSON object');
    return parsed as Record<string, unknown>;
  }
  @Option({ flags: '--policy <id>', description: 'recomputation: the policy' })
  parsePolicy(value: string): string {
    return value;
  }
  @Option({ flags: '--version <n>', description: 'recomputation: the published version' })
  parseVersion(value: string): number {
    if (!/^\d+$/.test(value)) throw new Error('--version expects a number');
    return Number(value);
  }
  @Option({ flags: '--from <date>', description: 'only business dates from' })
  parseFrom(value: string): string {
    return value;
  }
  @Option({ flags: '--to <date>', description: 'only business dates to' })
  parseTo(value: string): string {
    return value;
  }
  @Option({ flags: '--purpose <text>', description: 'why (recorded with the run)' })
  parsePurpose(value: string): string {
    return value;
  }
}

@SubCommand({ name: 'erase', arguments: '<subjectId>', description: 'erase a person\'s personal data: record PersonalDataErased, then delete their key (crypto-shredding)' })
export class EraseCommand extends CliCommand {
  async run([subjectId]: string[], options: { reason?: string; reference?: string }): Promise<void> {
    if (!options.reason) throw new Error('--reason is required');
    await withApp({}, async ({ app }) => {
      const r = await app.get(PersonalDataService).erase(subjectId!, options.reason!, options.reference ?? null, context());
      out(r.alreadyErased ? `${subjectId} was already erased on ${r.erasedAt}` : `${subjectId} erased at ${r.erasedAt} (key deleted: ${r.keyDeleted}, event at position ${r.position})`);
    });
  }
  @Option({ flags: '--reason <text>', description: 'why (recorded)', required: true })
  parseReason(value: string): string {
    return value;
  }
  @Option({ flags: '--reference <ref>', description: 'the request or decision it follows' })
  parseReference(value: string): string {
    return value;
  }
}

@SubCommand({ name: 'reveal', arguments: '<subjectId>', description: 'read a person\'s personal data in clear (recorded as PersonalDataRevealed with --purpose)' })
export class RevealCommand extends CliCommand {
  async run([subjectId]: string[], options: { purpose?: string }): Promise<void> {
    if (!options.purpose) throw new Error('--purpose is required');
    await withApp({}, async ({ app }) => out(json(await app.get(PersonalDataService).reveal(subjectId!, options.purpose!, context()))));
  }
  @Option({ flags: '--purpose <text>', description: 'why the clear values are needed (recorded)', required: true })
  parsePurpose(value: string): string {
    return value;
  }
}

@Command({ name: 'personal-data', description: 'personal data: reveal (recorded), erase (crypto-shredding)', subCommands: [RevealCommand, EraseCommand] })
export class PersonalDataCommand extends CliCommand {
  async run(): Promise<void> {
    this.command.help();
  }
}

export const AUDIT_COMMANDS = [AsOfCommand, WhatIfCommand, PersonalDataCommand, RevealCommand, EraseCommand];
