import type { Pool } from 'pg';
import type { EventStore } from '@app/event-store';
import type { BuildRow } from './builds';
import type { AnyProjection } from './projection';

export interface BuildStatus {
  readonly buildId: string;
  readonly version: number;
  readonly state: 'live' | 'rebuilding' | 'shadow' | 'stopped';
  readonly position: string;
  readonly lagEvents: number;
  readonly lagSeconds: number;
  readonly owner: string | null;
  readonly lastError: string | null;
  /** Rebuilds and shadow builds: events applied so far, rate since start, time left to the target (or the head). */
  readonly progress?: { eventsDone: number; eventsPerSecond: number; estimatedSecondsLeft: number | null };
  /** Shadow builds only: what they were started with and where they stop. */
  readonly shadow?: ShadowStatus;
}

export interface ShadowStatus {
  readonly targetPosition: string | null;
  readonly reachedTargetAt: string | null;
  readonly parameters: Readonly<Record<string, unknown>>;
  readonly purpose: string | null;
  readonly createdBy: string | null;
  readonly expiresAt: string | null;
  readonly lastReadAt: string | null;
}

export interface ProjectionStatus {
  readonly name: string;
  readonly kind: 'projection' | 'reactor';
  readonly codeVersion: number;
  readonly tables: readonly string[];
  readonly headPosition: string;
  readonly deadLetters: number;
  readonly builds: BuildStatus[];
}

/**
 * Status of every projection: version, position, lag in events (positions of the PostgreSQL store are dense;
 * with EventStoreDB they are byte offsets and lagEvents is an upper bound) and in seconds (age of the oldest
 * event not yet applied; for an as-of build, up to its target), state, rebuild and shadow-build progress, the
 * shadow builds' parameters and targets, and open dead letters.
 */
export async function projectionStatus(
  pool: Pool,
  store: EventStore,
  definitions: readonly AnyProjection[],
  now: Date = new Date(),
): Promise<ProjectionStatus[]> {
  const head = await store.headPosition();
  const builds = await pool.query<BuildRow>(`SELECT * FROM projection_builds WHERE state <> 'retired' ORDER BY projection, started_at`);
  const letters = await pool.query<{ projection: string; n: string }>(
    `SELECT projection, count(*) AS n FROM projection_dead_letters WHERE status = 'open' GROUP BY projection`,
  );
  const open = new Map(letters.rows.map((r) => [r.projection, Number(r.n)]));
  const result: ProjectionStatus[] = [];
  for (const def of definitions) {
    const mine = builds.rows.filter((b) => b.projection === def.name);
    const statuses: BuildStatus[] = [];
    for (const b of mine) {
      const position = BigInt(b.position);
      // A build with a target (as-of) is behind its target, not the head.
      const goal = b.target_position !== null && BigInt(b.target_position) < head ? BigInt(b.target_position) : head;
      let lagSeconds = 0;
      if (position < goal) {
        const [next] = await store.readAll({ after: position, maxCount: 1 });
        if (next) lagSeconds = Math.max(0, (now.getTime() - Date.parse(next.metadata.recordedAt)) / 1000);
      }
      const lagEvents = Number(goal > position ? goal - position : 0n);
      const elapsed = Math.max(0.001, (now.getTime() - b.started_at.getTime()) / 1000);
      const eventsDone = Number(b.events_done);
      const rate = eventsDone / elapsed;
      statuses.push({
        buildId: b.build_id,
        version: b.version,
        state: b.stopped_at ? 'stopped' : b.state === 'live' ? 'live' : b.state === 'shadow' ? 'shadow' : 'rebuilding',
        position: b.position,
        lagEvents,
        lagSeconds: Math.round(lagSeconds * 10) / 10,
        owner: b.owner,
        lastError: b.last_error,
        ...(b.state === 'rebuilding' || b.state === 'shadow'
          ? {
              progress: {
                eventsDone,
                eventsPerSecond: Math.round(rate),
                estimatedSecondsLeft: b.reached_target_at ? 0 : rate > 0 ? Math.round(lagEvents / rate) : null,
              },
            }
          : {}),
        ...(b.state === 'shadow'
          ? {
              shadow: {
                targetPosition: b.target_position,
                reachedTargetAt: b.reached_target_at?.toISOString() ?? null,
                parameters: b.parameters,
                purpose: b.purpose,
                createdBy: b.created_by,
                expiresAt: b.expires_at?.toISOString() ?? null,
                lastReadAt: b.last_read_at?.toISOString() ?? null,
              },
            }
          : {}),
      });
    }
    result.push({
      name: def.name,
      kind: def.kind ?? 'projection',
      codeVersion: def.version,
      tables: def.tables,
      headPosition: head.toString(),
      deadLetters: open.get(def.name) ?? 0,
      builds: statuses,
    });
  }
  return result;
}
