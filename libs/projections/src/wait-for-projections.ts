import type { Pool } from 'pg';
import type { EventStore } from '@app/event-store';
import type { ProjectionRuntime } from './projection-runtime';

export class ProjectionStoppedError extends Error {}

/**
 * Resolves once every running build of every projection has applied everything up to the store's head at the
 * time of the call; rejects at once if one of them stopped on a dead letter. Tests use it instead of sleeping.
 */
export async function waitForProjections(
  pool: Pool,
  store: EventStore,
  runtime: ProjectionRuntime,
  timeoutMs = 30_000,
): Promise<void> {
  const head = await store.headPosition();
  const names = runtime.definitions.map((d) => d.name);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    // A shadow build counts while it runs: an as-of build up to its target, the others up to the head. One that
    // stopped on a dead letter is a what-if gone wrong, not a stopped read model: it is left out.
    const rows = await pool.query<{ projection: string; position: string; target_position: string | null; stopped_at: Date | null; last_error: string | null; state: string; version: number }>(
      `SELECT projection, position, target_position, stopped_at, last_error, state, version FROM projection_builds
        WHERE projection = ANY($1) AND state <> 'retired' AND NOT (state = 'shadow' AND stopped_at IS NOT NULL)`,
      [names],
    );
    const stopped = rows.rows.find((r) => r.stopped_at);
    if (stopped) throw new ProjectionStoppedError(`Projection ${stopped.projection} stopped: ${stopped.last_error}`);
    const behind = rows.rows.filter((r) => {
      const def = runtime.definition(r.projection);
      const goal = r.target_position !== null && BigInt(r.target_position) < head ? BigInt(r.target_position) : head;
      return def && def.version === r.version && BigInt(r.position) < goal;
    });
    const pendingSwitch = rows.rows.some((r) => r.state === 'rebuilding');
    if (behind.length === 0 && !pendingSwitch) return;
    if (Date.now() > deadline) {
      throw new Error(`Projections not caught up to ${head} within ${timeoutMs} ms: ${behind.map((r) => `${r.projection}@${r.position}`).join(', ')}`);
    }
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, 50);
      const off = runtime.onProgress(done);
      function done(): void {
        clearTimeout(timer);
        off();
        resolve();
      }
    });
  }
}
