import { SingleBar, Presets } from 'cli-progress';
import type { INestApplication } from '@nestjs/common';
import { AppConfig, loadConfig } from '@app/platform';
import type { Actor } from '@app/access';
import { createApp } from '../../api/src/bootstrap';
import { BOOTSTRAP_ADMIN_ID, BOOTSTRAP_ROOT_UNIT_ID } from '../../api/src/bootstrap-admin';

/**
 * What the operations commands share: the application built in-process (the API's own bootstrap, not listening on
 * HTTP), a progress bar on stderr, and Ctrl-C turned into an AbortSignal so that a long command stops between two
 * steps (never in the middle of a switch: a rebuild switches in one transaction, a bundle is written to a
 * temporary file first).
 */
export interface CliApp {
  readonly app: INestApplication;
  readonly config: AppConfig;
  readonly signal: AbortSignal;
}

export interface AppOptions {
  /**
   * Run the projections here too (each still runs only where its lock is held: here, or in a running API). Needed
   * by commands that wait for a build when no API may be running (rebuild, shadow builds).
   */
  readonly runProjections?: boolean;
}

export async function withApp<T>(options: AppOptions, fn: (cli: CliApp) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const controller = new AbortController();
  const onSignal = (): void => {
    if (controller.signal.aborted) process.exit(130);
    process.stderr.write('\ninterrupted: stopping after the current step (Ctrl-C again to quit at once)\n');
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const started = await createApp(
    { ...config, runProjections: options.runProjections ?? false, scheduler: { ...config.scheduler, run: false }, chain: { ...config.chain, checkpointIntervalSeconds: 0 }, logLevel: 'warn' },
    { logger: false },
  );
  try {
    await started.app.init();
    return await fn({ app: started.app, config, signal: controller.signal });
  } catch (error) {
    // a step that stopped because of Ctrl-C: say so, exit 130, not an error
    if (!controller.signal.aborted) throw error;
    process.stderr.write(`interrupted: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 130;
    return undefined as T;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await started.close();
  }
}

/** A progress bar on stderr (or plain lines every 2 s when stderr is not a terminal, as in CI logs). */
export class Progress {
  private readonly bar: SingleBar | undefined;
  private lastLine = 0;
  private started = false;

  constructor(private readonly label: string) {
    if (process.stderr.isTTY) {
      this.bar = new SingleBar(
        { format: `${label} [{bar}] {percentage}% | {value}/{total} {unit} | {rate}/s | eta {eta_formatted}`, stream: process.stderr, hideCursor: true },
        Presets.shades_classic,
      );
    }
  }

  update(value: number, total: number, unit = 'events', rate?: number): void {
    const payload = { unit, rate: rate === undefined ? '-' : Math.round(rate).toLocaleString('en') };
    if (this.bar) {
      if (!this.started) this.bar.start(Math.max(total, 1), value, payload);
      else {
        this.bar.setTotal(Math.max(total, 1));
        this.bar.update(value, payload);
      }
      this.started = true;
      return;
    }
    const now = Date.now();
    if (now - this.lastLine >= 2000 || value >= total) {
      this.lastLine = now;
      process.stderr.write(`${this.label}: ${value}/${total} ${unit}${rate === undefined ? '' : ` (${payload.rate}/s)`}\n`);
    }
  }

  stop(): void {
    if (this.bar && this.started) this.bar.stop();
  }
}

export const out = (line: string): void => {
  process.stdout.write(`${line}\n`);
};

/** A decimal log position from an option, or an error naming the option. */
export function position(value: string, option: string): bigint {
  if (!/^\d{1,19}$/.test(value)) throw new Error(`${option} expects a log position (a decimal number), got "${value}"`);
  return BigInt(value);
}

/** JSON with bigints as decimal strings. */
export function json(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v), 2);
}

/** Who the CLI records as the actor of what it appends: `cli:<user>`. */
export const cliActor = (): string => `cli:${process.env.USER ?? 'operator'}`;

/**
 * The reader of the shadow builds the CLI reads (as-of reports): the bootstrapped administrator, whose appointment
 * grants ops.read. The CLI runs with the database's credentials: whoever runs it is an operator already.
 */
export const cliAdministrator: Actor = {
  memberId: BOOTSTRAP_ADMIN_ID,
  name: 'CLI',
  appointments: [{ appointmentId: 'cli', role: 'administrator', unitId: BOOTSTRAP_ROOT_UNIT_ID, startsOn: '1970-01-01', endsOn: null, oversees: [] }],
};
