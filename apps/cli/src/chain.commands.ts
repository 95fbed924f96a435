import * as fs from 'node:fs';
import { Command, CommandRunner as CliCommand, Option, SubCommand } from 'nest-commander';
import type { Pool } from 'pg';
import { AsOfReports, ChainService, writeAuditBundle } from '@app/audit';
import { PG_POOL } from '@app/platform';
import { cliActor, cliAdministrator, json, out, position, Progress, withApp } from './cli-support';

interface RangeOptions {
  after?: bigint;
  upTo?: bigint;
}

abstract class RangeCommand extends CliCommand {
  @Option({ flags: '--after <position>', description: 'events strictly after this position (default 0)' })
  parseAfter(value: string): bigint {
    return position(value, '--after');
  }

  @Option({ flags: '--up-to <position>', description: 'up to and including this position (default: the settled head)' })
  parseUpTo(value: string): bigint {
    return position(value, '--up-to');
  }
}

@SubCommand({ name: 'verify', description: 'walk the hash chain (default: all of it) and check the signed checkpoints; exit code 2 at a break' })
export class ChainVerifyCommand extends RangeCommand {
  async run(_args: string[], options: RangeOptions): Promise<void> {
    await withApp({}, async ({ app, signal }) => {
      const progress = new Progress('verify');
      const started = Date.now();
      const report = await app.get(ChainService).verify({
        after: options.after,
        upTo: options.upTo,
        signal,
        onProgress: (p, events, upTo) => progress.update(Number(p - (options.after ?? 0n)), Number(upTo - (options.after ?? 0n)), 'positions', events / ((Date.now() - started) / 1000)),
      });
      progress.stop();
      out(json({ ...report, breaks: report.breaks.slice(0, 20) }));
      if (report.interrupted) {
        out(`interrupted at ${report.eventsChecked} events: nothing was written`);
        process.exitCode = 130;
      } else if (!report.ok) {
        out(`BROKEN: first break at position ${report.firstBreak?.position} (${report.firstBreak?.kind}); ${report.breakCount} in all`);
        process.exitCode = 2;
      } else {
        out(`OK: ${report.eventsChecked} events up to ${report.upTo}, head hash ${report.headHash}, ${report.checkpoints.verified} checkpoints verified`);
      }
    });
  }
}

@SubCommand({ name: 'checkpoint', description: 'sign a checkpoint of the head now (after checking the chain since the last one)' })
export class ChainCheckpointCommand extends CliCommand {
  async run(): Promise<void> {
    await withApp({}, async ({ app }) => {
      const c = await app.get(ChainService).checkpoint();
      out(c ? `checkpoint ${c.sequence} signed: position ${c.position}, hash ${c.hash}, ${c.holes.length} holes attested` : 'no checkpoint: the head has not moved since the last one (or another instance is signing one)');
    });
  }
}

interface BundleOptions extends RangeOptions {
  out?: string;
  period?: 'month' | 'quarter' | 'year';
  key?: string;
}


@SubCommand({ name: 'bundle', description: 'export an audit bundle (tar.gz) of a range of the log, verifiable offline with its verify.sh' })
export class ChainBundleCommand extends RangeCommand {
  async run(_args: string[], options: BundleOptions): Promise<void> {
    if ((options.period === undefined) !== (options.key === undefined)) throw new Error('give --period and --key together');
    // the period's reports come from as-of builds: the projections run here too (or where their locks are held)
    await withApp({ runProjections: options.period !== undefined }, async ({ app, signal }) => {
      const pool = app.get<symbol, Pool>(PG_POOL, { strict: false });
      const partial = `${options.out ?? 'audit-bundle.tar.gz'}.partial-${process.pid}`;
      const progress = new Progress('bundle');
      const started = Date.now();
      try {
        const upTo = options.upTo ?? (await app.get(ChainService).head()).position;
        const reports = options.period
          ? await app.get(AsOfReports).periodReports(upTo, options.period, options.key!, { reader: cliAdministrator, createdBy: cliActor(), signal })
          : undefined;
        const summary = await writeAuditBundle(
          pool,
          app.get(ChainService),
          {
            after: options.after ?? 0n,
            upTo,
            reports,
            createdBy: cliActor(),
            createdAt: new Date().toISOString(),
            signal,
            onProgress: (p, events, upTo) => progress.update(Number(p - (options.after ?? 0n)), Number(upTo - (options.after ?? 0n)), 'positions', events / ((Date.now() - started) / 1000)),
          },
          fs.createWriteStream(partial),
        );
        progress.stop();
        const file = options.out ?? `${summary.name}.tar.gz`;
        fs.renameSync(partial, file);
        out(`${file}: ${summary.events} events (after ${summary.after} up to ${summary.upTo}), ${summary.checkpoints} checkpoints, ${summary.holes} attested holes`);
        out(`verify offline: tar xzf ${file} && (cd ${summary.name} && bash verify.sh)`);
      } catch (error) {
        progress.stop();
        fs.rmSync(partial, { force: true });
        throw error;
      }
    });
  }

  @Option({ flags: '--out <file>', description: 'where to write it (default baosong-audit-<after>-<upTo>.tar.gz)' })
  parseOut(value: string): string {
    return value;
  }

  @Option({ flags: '--period <month|quarter|year>', description: 'with --key: the period\'s reports as of --up-to in reports/' })
  parsePeriod(value: string): string {
    if (!['month', 'quarter', 'year'].includes(value)) throw new Error('--period is month, quarter or year');
    return value;
  }

  @Option({ flags: '--key <key>', description: 'the period key: 2026, 2026-Q1, 2026-02' })
  parseKey(value: string): string {
    return value;
  }
}

@Command({
  name: 'chain',
  description: 'the hash chain of the event log: verify, checkpoint, bundle (docs/audit.md)',
  subCommands: [ChainVerifyCommand, ChainCheckpointCommand, ChainBundleCommand],
})
export class ChainCommand extends CliCommand {
  async run(): Promise<void> {
    this.command.help();
  }
}
