import type { Pool } from 'pg';
import { InvalidState, NotFound } from '@app/kernel';
import { inTransaction } from '../builds';
import type { EffectPayload } from '../projection';
import { EffectJob, enqueueEffect } from './effect-queue';

export type EffectStatus = 'pending' | 'performed' | 'failed';

/** One recorded effect and its outcome (GET /v1/ops/effects). */
export interface Effect {
  readonly id: string;
  readonly reactor: string;
  readonly key: string;
  /** Position of the event that recorded it. */
  readonly position: string;
  readonly buildId: string | null;
  readonly task: string | null;
  readonly payload: EffectPayload;
  readonly status: EffectStatus;
  readonly attempts: number;
  readonly lastError: string | null;
  readonly recordedAt: string;
  readonly performedAt: string | null;
  readonly updatedAt: string;
}

interface Row {
  id: string;
  reactor: string;
  effect_key: string;
  position: string;
  build_id: string | null;
  task: string | null;
  payload: EffectPayload;
  status: EffectStatus;
  attempts: number;
  last_error: string | null;
  recorded_at: Date;
  performed_at: Date | null;
  updated_at: Date;
}

function toEffect(r: Row): Effect {
  return {
    id: r.id,
    reactor: r.reactor,
    key: r.effect_key,
    position: r.position,
    buildId: r.build_id,
    task: r.task,
    payload: r.payload,
    status: r.status,
    attempts: r.attempts,
    lastError: r.last_error,
    recordedAt: r.recorded_at.toISOString(),
    performedAt: r.performed_at?.toISOString() ?? null,
    updatedAt: r.updated_at.toISOString(),
  };
}

export interface ListEffectsFilter {
  readonly reactor?: string;
  readonly status?: EffectStatus;
  readonly limit?: number;
  readonly offset?: number;
}

/** Effects newest first, filtered by reactor and/or status (failed ones are what an operator looks for). */
export async function listEffects(pool: Pool, filter: ListEffectsFilter = {}): Promise<Effect[]> {
  const rows = await pool.query<Row>(
    `SELECT * FROM reactor_effects
      WHERE ($1::text IS NULL OR reactor = $1) AND ($2::text IS NULL OR status = $2)
      ORDER BY id DESC LIMIT $3 OFFSET $4`,
    [filter.reactor ?? null, filter.status ?? null, filter.limit ?? 50, filter.offset ?? 0],
  );
  return rows.rows.map(toEffect);
}

/**
 * Delivers a failed effect again (POST /v1/ops/effects/:id/retry): back to 'pending' and a new job, in one
 * transaction; the dispatcher performs it with the same key, its attempts counting on.
 */
export async function retryEffect(pool: Pool, id: string): Promise<Effect> {
  return inTransaction(pool, async (client) => {
    const found = await client.query<Row>('SELECT * FROM reactor_effects WHERE id = $1 FOR UPDATE', [id]);
    const row = found.rows[0];
    if (!row) throw new NotFound('Effect', id);
    if (row.status !== 'failed') throw new InvalidState('effect-not-failed', `Effect ${id} is ${row.status}: only a failed effect can be retried`);
    const jobId = await enqueueEffect(client, id);
    const updated = await client.query<Row>(
      `UPDATE reactor_effects SET status = 'pending', job_id = $2, updated_at = now() WHERE id = $1 RETURNING *`,
      [id, jobId],
    );
    return toEffect(updated.rows[0]!);
  });
}

/**
 * A dead letter: a delivery's last attempt failed or expired, so the effect is failed. Only the effect's current
 * delivery counts: the dead letter of a delivery that failed before an operator's retry must not fail the retried
 * one (jobs enqueued before EffectJob.jobId existed carry none and match on the effect alone).
 */
export async function recordDeadLetter(pool: Pool, job: Partial<EffectJob>, reason: string): Promise<void> {
  await pool.query(
    `UPDATE reactor_effects SET status = 'failed', last_error = COALESCE(last_error, $2), updated_at = now()
      WHERE id = $1 AND status = 'pending' AND ($3::text IS NULL OR job_id::text = $3)`,
    [job.effectId, reason, job.jobId ?? null],
  );
}

/**
 * A delivery's task threw: records the error and, on its last attempt, fails the effect. As for the dead letter,
 * only the effect's current delivery counts: an earlier delivery that finishes late (a receiver that hung past
 * the job's expiry, after an operator's retry enqueued a new one) must not fail the retried effect.
 */
export async function recordAttemptFailed(pool: Pool, job: Partial<EffectJob>, error: string, last: boolean): Promise<void> {
  await pool.query(
    `UPDATE reactor_effects SET last_error = $2, status = CASE WHEN $3 THEN 'failed' ELSE status END, updated_at = now()
      WHERE id = $1 AND status = 'pending' AND ($4::text IS NULL OR job_id::text = $4)`,
    [job.effectId, error, last, job.jobId ?? null],
  );
}
