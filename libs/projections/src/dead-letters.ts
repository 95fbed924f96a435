import type { Pool } from 'pg';
import { NotFound, InvalidState } from '@app/kernel';
import type { EventStore } from '@app/event-store';
import type { BuildRow } from './builds';
import { tableNamer } from './builds';
import { isReactor } from './projection';
import type { ProjectionRuntime } from './projection-runtime';

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
    const ctx = isReactor(def) ? { client, t, mode, live: false, effect: async () => false } : { client, t, mode };
    await def.apply(event, ctx as never);
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
