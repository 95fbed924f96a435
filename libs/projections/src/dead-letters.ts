import type { Pool } from 'pg';
import { NotFound, InvalidState } from '@app/kernel';
import type { EventStore } from '@app/event-store';
import type { BuildRow } from './builds';
import { inTransaction, tableNamer } from './builds';
import { isReactor } from './projection';
import { applyEvents, type ProjectionRuntime } from './projection-runtime';

export interface DeadLetter {
  readonly id: string;
  readonly projection: string;
  readonly buildId: string;
  readonly position: string;
  readonly eventId: string;
  readonly streamId: string;
  readonly eventType: string;
  readonly error: string;
  readonly policy: 'stop' | 'skip';
  readonly status: 'open' | 'resolved';
  readonly attempts: number;
  readonly createdAt: string;
  readonly resolvedAt: string | null;
  /** `applied` (a retry or the resumed build got past it) or `skipped` (an operator skipped the event); null while open. */
  readonly resolution: 'applied' | 'skipped' | null;
  /** Who skipped it, and why (null unless skipped). */
  readonly resolvedBy: string | null;
  readonly reason: string | null;
}

interface Row {
  id: string;
  projection: string;
  build_id: string;
  position: string;
  event_id: string;
  stream_id: string;
  event_type: string;
  error: string;
  policy: 'stop' | 'skip';
  status: 'open' | 'resolved';
  attempts: number;
  created_at: Date;
  resolved_at: Date | null;
  resolution: 'applied' | 'skipped' | null;
  resolved_by: string | null;
  resolution_reason: string | null;
}

function toDeadLetter(r: Row): DeadLetter {
  return {
    id: r.id,
    projection: r.projection,
    buildId: r.build_id,
    position: r.position,
    eventId: r.event_id,
    streamId: r.stream_id,
    eventType: r.event_type,
    error: r.error,
    policy: r.policy,
    status: r.status,
    attempts: r.attempts,
    createdAt: r.created_at.toISOString(),
    resolvedAt: r.resolved_at?.toISOString() ?? null,
    resolution: r.status === 'resolved' ? (r.resolution ?? 'applied') : null,
    resolvedBy: r.resolved_by,
    reason: r.resolution_reason,
  };
}

export async function listDeadLetters(
  pool: Pool,
  filter: { projection?: string; status?: 'open' | 'resolved'; limit?: number; offset?: number },
): Promise<DeadLetter[]> {
  const result = await pool.query<Row>(
    `SELECT * FROM projection_dead_letters
      WHERE ($1::text IS NULL OR projection = $1) AND ($2::text IS NULL OR status = $2)
      ORDER BY id LIMIT $3 OFFSET $4`,
    [filter.projection ?? null, filter.status ?? null, filter.limit ?? 50, filter.offset ?? 0],
  );
  return result.rows.map(toDeadLetter);
}

export type RetryOutcome = { readonly outcome: 'resumed' | 'resolved' | 'failed'; readonly deadLetter: DeadLetter };

/**
 * Retries a dead letter. For a build stopped on it (policy stop), the build resumes and re-applies the event
 * first (the dead letter resolves when that succeeds). For a skipped event, the event is applied again now to
 * the build it failed in.
 */
export async function retryDeadLetter(pool: Pool, store: EventStore, runtime: ProjectionRuntime, id: string): Promise<RetryOutcome> {
  const found = await pool.query<Row>('SELECT * FROM projection_dead_letters WHERE id = $1', [id]);
  const letter = found.rows[0];
  if (!letter) throw new NotFound('Dead letter', id);
  if (letter.status !== 'open') throw new InvalidState('dead-letter-resolved', `Dead letter ${id} is already resolved`);
  const build = (await pool.query<BuildRow>('SELECT * FROM projection_builds WHERE build_id = $1', [letter.build_id])).rows[0];
  const def = runtime.definition(letter.projection);
  if (!build || build.state === 'retired' || !def) {
    throw new InvalidState('dead-letter-build-retired', `The build ${letter.build_id} no longer runs; the event will be applied by its successor`);
  }
  if (letter.policy === 'stop') {
    await runtime.resume(build.build_id);
    return { outcome: 'resumed', deadLetter: toDeadLetter(letter) };
  }
  const [event] = await store.readAll({ after: BigInt(letter.position) - 1n, maxCount: 1 });
  if (!event || event.metadata.eventId !== letter.event_id) throw new NotFound('Event', letter.event_id);
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const t = tableNamer(build.schema_name);
    const mode = build.state === 'live' ? 'live' : 'rebuild';
    // A retried reactor event is never live: its effects were due when it first failed and are not replayed.
    const base = { client, t, mode, buildId: build.build_id, parameters: {} } as const;
    const ctx = isReactor(def) ? { ...base, live: false, effect: async () => false } : base;
    await applyEvents(def, [event], () => ctx);
    const done = await client.query<Row>(
      `UPDATE projection_dead_letters SET status = 'resolved', resolved_at = now(), attempts = attempts + 1 WHERE id = $1 RETURNING *`,
      [id],
    );
    await client.query('COMMIT');
    return { outcome: 'resolved', deadLetter: toDeadLetter(done.rows[0]!) };
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    const failed = await pool.query<Row>(
      `UPDATE projection_dead_letters SET attempts = attempts + 1, error = $2 WHERE id = $1 RETURNING *`,
      [id, error instanceof Error ? error.message : String(error)],
    );
    return { outcome: 'failed', deadLetter: toDeadLetter(failed.rows[0]!) };
  } finally {
    client.release();
  }
}

export type SkipOutcome = { readonly outcome: 'skipped'; readonly deadLetter: DeadLetter };

/**
 * Skips a poison event for good: records (projection, event id) with who and why, resolves every open dead letter
 * of that event in the projection's builds, and resumes the builds stopped on it. The runtime leaves out skipped
 * events in every build, so a later rebuild or a new version skips it too instead of stopping again. The read
 * model then lacks that event's effect: the reason says why that is acceptable.
 */
export async function skipDeadLetter(pool: Pool, runtime: ProjectionRuntime, id: string, by: { actorId: string; reason: string }): Promise<SkipOutcome> {
  const { skipped, stopped } = await inTransaction(pool, async (client) => {
    const letter = (await client.query<Row>('SELECT * FROM projection_dead_letters WHERE id = $1 FOR UPDATE', [id])).rows[0];
    if (!letter) throw new NotFound('Dead letter', id);
    if (letter.status !== 'open') throw new InvalidState('dead-letter-resolved', `Dead letter ${id} is already resolved`);
    await client.query(
      `INSERT INTO projection_skipped_events (projection, event_id, position, event_type, dead_letter_id, skipped_by, reason)
       VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (projection, event_id) DO NOTHING`,
      [letter.projection, letter.event_id, letter.position, letter.event_type, letter.id, by.actorId, by.reason],
    );
    const resolved = await client.query<Row>(
      `UPDATE projection_dead_letters
          SET status = 'resolved', resolved_at = now(), resolution = 'skipped', resolved_by = $3, resolution_reason = $4
        WHERE projection = $1 AND event_id = $2 AND status = 'open' RETURNING *`,
      [letter.projection, letter.event_id, by.actorId, by.reason],
    );
    const builds = await client.query<{ build_id: string }>(
      `SELECT build_id FROM projection_builds WHERE build_id = ANY($1) AND state <> 'retired' AND stopped_at IS NOT NULL`,
      [resolved.rows.filter((r) => r.policy === 'stop').map((r) => r.build_id)],
    );
    return { skipped: resolved.rows.find((r) => r.id === letter.id)!, stopped: builds.rows.map((b) => b.build_id) };
  });
  for (const buildId of stopped) await runtime.resume(buildId);
  return { outcome: 'skipped', deadLetter: toDeadLetter(skipped) };
}
