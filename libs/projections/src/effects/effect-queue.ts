import { randomUUID } from 'node:crypto';
import PgBoss from 'pg-boss';
import type { Pool, PoolClient } from 'pg';
import { currentCorrelationId } from '@app/platform';

/**
 * The one file that knows pg-boss (ADR 0014). Jobs carry only `{ effectId, jobId }` (and, for the logs, a correlation id): the intent, its key and its outcome
 * live in reactor_effects; pg-boss keeps the schedule (retries with exponential backoff, expiry of a delivery
 * whose worker died, the dead-letter queue).
 */
export const EFFECTS_QUEUE = 'reactor-effects';
/** Where pg-boss puts a job whose last attempt failed or expired: its worker marks the effect 'failed'. */
export const EFFECTS_FAILED_QUEUE = 'reactor-effects-failed';
export const EFFECTS_SCHEMA = 'pgboss';

export interface EffectJob {
  readonly effectId: string;
  /**
   * The pg-boss job of this delivery (also in reactor_effects.job_id). The dead-letter copy of a job carries it,
   * so a dead letter of an earlier delivery cannot fail an effect that was retried since.
   */
  readonly jobId: string;
  /** The correlation id of the event that recorded the effect (its delivery logs with it); absent on a retry. */
  readonly correlationId?: string;
}

export interface EffectQueueOptions {
  /** Retries after the first delivery (default 5: six attempts in all). */
  readonly retryLimit?: number;
  /** Base of the exponential backoff in seconds (default 2: about 2-4 s, 4-8 s, 8-16 s …, with jitter). */
  readonly retryDelaySeconds?: number;
  /** A delivery not finished by then is failed and retried (a worker that died; a receiver that hangs). Default 300. */
  readonly expireInSeconds?: number;
}

export function queueSettings(options: EffectQueueOptions = {}) {
  return {
    retryLimit: options.retryLimit ?? 5,
    retryDelay: options.retryDelaySeconds ?? 2,
    retryBackoff: true,
    expireInSeconds: options.expireInSeconds ?? 300,
  };
}

/** pg-boss over our pool (it never opens or closes connections of its own). */
export function bossOver(pool: Pool, config: Partial<PgBoss.ConstructorOptions> = {}): PgBoss {
  return new PgBoss({ ...config, schema: EFFECTS_SCHEMA, db: { executeSql: (text, values) => pool.query(text, values) } });
}

/** Creates or migrates pg-boss's schema and our two queues (idempotent; the queue settings follow the options). */
export async function installEffectQueue(boss: PgBoss, options: EffectQueueOptions = {}): Promise<void> {
  await boss.createQueue(EFFECTS_FAILED_QUEUE, { name: EFFECTS_FAILED_QUEUE, retryLimit: 10, retryDelay: 5, retryBackoff: true });
  const settings = queueSettings(options);
  await boss.createQueue(EFFECTS_QUEUE, { name: EFFECTS_QUEUE, ...settings, deadLetter: EFFECTS_FAILED_QUEUE });
  await boss.updateQueue(EFFECTS_QUEUE, { name: EFFECTS_QUEUE, ...settings, deadLetter: EFFECTS_FAILED_QUEUE });
}

/** Installs the queue without dispatching (an instance that records effects before any dispatcher started; tests). */
export async function installEffects(pool: Pool, options: EffectQueueOptions = {}): Promise<void> {
  const boss = bossOver(pool, { supervise: false, schedule: false, migrate: true });
  await boss.start();
  try {
    await installEffectQueue(boss, options);
  } finally {
    await boss.stop({ graceful: false, close: false });
  }
}

// Sends only: never started, it runs each insert on the client it is given (the caller's transaction).
const sender = new PgBoss({ schema: EFFECTS_SCHEMA, db: { executeSql: () => Promise.reject(new Error('effects are enqueued through a transaction client only')) } });

/** Enqueues the delivery of an effect in the caller's transaction: it exists only if that transaction commits. */
export async function enqueueEffect(client: PoolClient, effectId: string): Promise<string> {
  // recorded while a reactor applies its event (applyEvents holds the event's correlation id)
  const correlationId = currentCorrelationId();
  const job: EffectJob = { effectId, jobId: randomUUID(), ...(correlationId === undefined ? {} : { correlationId }) };
  const jobId = await sender.send(EFFECTS_QUEUE, job, { id: job.jobId, db: { executeSql: (text, values) => client.query(text, values) } });
  // pg-boss inserts through a join on its queue table: no row means the queue was never installed here.
  if (!jobId) throw new Error(`effect queue ${EFFECTS_QUEUE} is not installed: the effect dispatcher installs it when it starts`);
  return jobId;
}
