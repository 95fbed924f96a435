import type { Pool } from 'pg';
import { NotFound, InvalidState } from '@app/kernel';
import type { BuildRow } from './builds';
import { inTransaction, loadBuilds, lockBuilds, resetBuild } from './builds';
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

export type RetryOutcome = {
  /**
   * resumed: the build was stopped on the event (policy stop) and resumes with it; restarted: the build went past it
   * (policy skip) and a build re-applies the log from before it, in order (a rebuild beside the live build, or the
   * non-live build itself from 0). Either way the runner applies the event, under the projection's lock, and the
   * letter resolves in the batch that applies it (a failure again counts an attempt and leaves it open).
   */
  readonly outcome: 'resumed' | 'restarted';
  /** The build whose runner applies the event. */
  readonly buildId: string;
  readonly deadLetter: DeadLetter;
};

/**
 * Retries a dead letter through the runner, never by applying the event here: an old event applied out of order
 * (after the events that followed it) is wrong for a projection that guards on revisions or counts, and outside
 * the runner's lock it can race the runner. Policy stop: the build is stopped just before the event, so it
 * resumes. Policy skip: the build already applied later events, so the event can only be applied in order by
 * applying the log again: a live build gets a rebuild beside it (blue/green: live keeps serving, without the
 * event, until the rebuild takes over), a rebuilding or shadow build starts over from 0 in place.
 */
export async function retryDeadLetter(pool: Pool, runtime: ProjectionRuntime, id: string): Promise<RetryOutcome> {
  const result = await inTransaction(pool, async (client) => {
    const letter = (await client.query<Row>('SELECT * FROM projection_dead_letters WHERE id = $1 FOR UPDATE', [id])).rows[0];
    if (!letter) throw new NotFound('Dead letter', id);
    if (letter.status !== 'open') throw new InvalidState('dead-letter-resolved', `Dead letter ${id} is already resolved`);
    const def = runtime.definition(letter.projection);
    await lockBuilds(client, letter.projection);
    const builds = await loadBuilds(client, letter.projection);
    const build = builds.find((b) => b.build_id === letter.build_id);
    if (!build || !def || build.version !== def.version) {
      throw new InvalidState('dead-letter-build-retired', `The build ${letter.build_id} no longer runs; the event will be applied by its successor`);
    }
    if (letter.policy === 'stop') {
      await client.query('UPDATE projection_builds SET stopped_at = NULL, last_error = NULL WHERE build_id = $1', [build.build_id]);
      return { outcome: 'resumed' as const, buildId: build.build_id, letter };
    }
    let restarted: BuildRow;
    if (build.state === 'live') {
      const rebuilding = builds.find((b) => b.state === 'rebuilding');
      if (rebuilding && BigInt(rebuilding.position) < BigInt(letter.position)) restarted = rebuilding;
      else if (rebuilding) {
        await resetBuild(client, def, rebuilding);
        restarted = rebuilding;
      } else restarted = await runtime.createRebuild(client, def, builds);
    } else {
      await resetBuild(client, def, build);
      restarted = build;
    }
    const updated = await client.query<Row>('UPDATE projection_dead_letters SET retry_build_id = $2 WHERE id = $1 RETURNING *', [id, restarted.build_id]);
    return { outcome: 'restarted' as const, buildId: restarted.build_id, letter: updated.rows[0]! };
  });
  runtime.wake();
  return { outcome: result.outcome, buildId: result.buildId, deadLetter: toDeadLetter(result.letter) };
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
  // A build restarted by an earlier retry of this letter re-applies the log anyway; the skip holds there too.
  return { outcome: 'skipped', deadLetter: toDeadLetter(skipped) };
}
