import type PgBoss from 'pg-boss';
import type { Pool } from 'pg';
import { withCorrelationId } from '@app/platform';
import { AnyProjection, EffectPayload, isReactor, ReactorDefinition } from '../projection';
import { recordAttemptFailed, recordDeadLetter } from './effects';
import { bossOver, EFFECTS_FAILED_QUEUE, EFFECTS_QUEUE, EffectJob, EffectQueueOptions, installEffectQueue } from './effect-queue';

export interface EffectDispatcherOptions extends EffectQueueOptions {
  /** Effects performed at the same time by this instance (default 4): a slow receiver holds one worker only. */
  readonly concurrency?: number;
  /** How often an idle worker looks for due effects (default 1 s, at least 0.5 s). */
  readonly pollingIntervalSeconds?: number;
  /** How often expired deliveries (a worker that died mid-effect) are failed and retried (default 30 s). */
  readonly maintenanceIntervalSeconds?: number;
  /** On stop, how long deliveries in flight may still finish (default 10 s); then they are failed and retried later. */
  readonly drainTimeoutMs?: number;
  readonly log?: (message: string, fields?: Record<string, unknown>) => void;
}

interface EffectRow {
  reactor: string;
  effect_key: string;
  task: string;
  payload: EffectPayload;
  attempts: number;
}

/**
 * Performs the effects reactors recorded, after their batch committed (ADR 0014): pg-boss fetches due jobs with
 * SKIP LOCKED, so several instances may dispatch side by side; each delivery counts an attempt, calls the
 * reactor's task with the stable key, and records 'performed'. A throwing task is retried with exponential
 * backoff and recorded 'failed' (with its last error) after the last attempt; POST /v1/ops/effects/:id/retry
 * delivers it again. Delivery is at least once: a crash after the task and before the record delivers again,
 * with the same key, once the delivery expires.
 */
export class EffectDispatcher {
  private readonly reactors: ReadonlyMap<string, ReactorDefinition>;
  private boss: PgBoss | undefined;
  private readonly log: NonNullable<EffectDispatcherOptions['log']>;

  constructor(
    private readonly pool: Pool,
    definitions: readonly AnyProjection[],
    private readonly options: EffectDispatcherOptions = {},
  ) {
    this.reactors = new Map(definitions.filter(isReactor).map((d) => [d.name, d]));
    this.log = options.log ?? (() => undefined);
  }

  /** Installs (or migrates) the queue and starts the workers. Must run before the runtime records effects. */
  async start(): Promise<void> {
    if (this.boss) return;
    const boss = bossOver(this.pool, {
      supervise: true,
      maintenanceIntervalSeconds: this.options.maintenanceIntervalSeconds ?? 30,
      schedule: false,
      migrate: true,
    });
    boss.on('error', (error: Error) => this.log('effect dispatcher error', { error: error.message }));
    await boss.start();
    await installEffectQueue(boss, this.options);
    this.boss = boss;
    const polling = { pollingIntervalSeconds: this.options.pollingIntervalSeconds ?? 1, batchSize: 1, includeMetadata: true as const };
    for (let i = 0; i < (this.options.concurrency ?? 4); i++) {
      await boss.work<EffectJob>(EFFECTS_QUEUE, polling, async ([job]) => withCorrelationId(job!.data.correlationId, () => this.deliver(job!)));
    }
    await boss.work<EffectJob>(EFFECTS_FAILED_QUEUE, polling, async ([job]) => this.markFailed(job!.data, 'delivery expired on its last attempt'));
    this.log('effect dispatcher started', { reactors: [...this.reactors.keys()] });
  }

  /** Graceful: no new deliveries; those in flight may finish within drainTimeoutMs, the rest are retried later. */
  async stop(): Promise<void> {
    const boss = this.boss;
    this.boss = undefined;
    if (!boss) return;
    await boss.stop({ graceful: true, close: false, timeout: this.options.drainTimeoutMs ?? 10_000 });
  }

  private async deliver(job: PgBoss.JobWithMetadata<EffectJob>): Promise<void> {
    const id = job.data.effectId;
    // The attempt is counted before the task runs, in its own statement: a crash during the task still shows.
    const claimed = await this.pool.query<EffectRow>(
      `UPDATE reactor_effects SET attempts = attempts + 1, updated_at = now()
        WHERE id = $1 AND status <> 'performed'
        RETURNING reactor, effect_key, task, payload, attempts`,
      [id],
    );
    const effect = claimed.rows[0];
    if (!effect) return; // already performed (a redelivery after the outcome was recorded): nothing to do
    try {
      const handler = this.reactors.get(effect.reactor)?.effects[effect.task];
      if (!handler) throw new Error(`no effect task ${effect.task} in reactor ${effect.reactor} on this instance`);
      await handler(effect.payload, { key: effect.effect_key, reactor: effect.reactor, attempt: effect.attempts });
    } catch (error) {
      const last = job.retryCount >= job.retryLimit;
      await recordAttemptFailed(this.pool, job.data, errorMessage(error), last);
      this.log(last ? 'effect failed' : 'effect attempt failed, retried with backoff', { effect: id, reactor: effect.reactor, attempt: effect.attempts, error: errorMessage(error) });
      throw error;
    }
    await this.pool.query(
      `UPDATE reactor_effects SET status = 'performed', performed_at = now(), last_error = NULL, updated_at = now() WHERE id = $1`,
      [id],
    );
  }

  private async markFailed(job: Partial<EffectJob>, reason: string): Promise<void> {
    await recordDeadLetter(this.pool, job, reason);
  }
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
