import type { Pool } from 'pg';
import type { EventStore } from '@app/event-store';
import type { Metrics } from '@app/platform';
import type { AnyProjection } from './projection';
import { isReactor } from './projection';
import { BuildStatus, projectionStatus, ProjectionStatus } from './projection-status';

export interface ProjectionMetricsDeps {
  readonly pool: Pool;
  readonly store: EventStore;
  readonly definitions: readonly AnyProjection[];
  readonly now?: () => Date;
}

/**
 * The runtime's gauges, computed at scrape time: lag, rebuild progress and dead letters from projectionStatus
 * (what GET /v1/ops/projections answers, so the two agree), and the effect outbox from reactor_effects (its
 * partial index on unfinished effects). Each is a collector of its own: one failing leaves the other in.
 */
export function registerProjectionMetrics(metrics: Metrics, deps: ProjectionMetricsDeps): void {
  metrics.addCollector('projections', (gauge) => {
    const labels = ['projection', 'kind', 'build', 'state'] as const;
    const head = gauge('baosong_log_head_position', 'Position of the last event of the global log (read at scrape)');
    const lagEvents = gauge('baosong_projection_lag_events', "Events between a build's checkpoint and the head (or its target); an upper bound on EventStoreDB", labels);
    const lagSeconds = gauge('baosong_projection_lag_seconds', 'Age of the oldest event a build has not applied yet (0 when caught up)', labels);
    const position = gauge('baosong_projection_position', "A build's checkpoint: the position it has applied up to", labels);
    const ratio = gauge('baosong_projection_rebuild_progress_ratio', 'Rebuilds and shadow builds: checkpoint over the position they are heading for (head or target), 0 to 1', labels);
    const done = gauge('baosong_projection_rebuild_events_done', 'Rebuilds and shadow builds: events applied since the build started', labels);
    const deadLetters = gauge('baosong_dead_letters', 'Open dead letters by projection', ['projection']);
    return async () => {
      const statuses = await projectionStatus(deps.pool, deps.store, deps.definitions, deps.now?.());
      head.set(statuses.length > 0 ? Number(statuses[0]!.headPosition) : Number(await deps.store.headPosition()));
      for (const sample of projectionSamples(statuses)) {
        const l = sample.labels;
        lagEvents.set(l, sample.lagEvents);
        lagSeconds.set(l, sample.lagSeconds);
        position.set(l, sample.position);
        if (sample.progress) {
          ratio.set(l, sample.progress.ratio);
          done.set(l, sample.progress.eventsDone);
        }
      }
      for (const s of statuses) deadLetters.set({ projection: s.name }, s.deadLetters);
    };
  });

  const reactors = deps.definitions.filter(isReactor).map((d) => d.name);
  metrics.addCollector('effects', (gauge) => {
    const backlog = gauge('baosong_effects_backlog', 'Effects recorded and not performed yet (pending: also those being delivered or waiting for a retry), by reactor', ['reactor']);
    const failed = gauge('baosong_effects_failed', 'Effects that failed their last attempt (GET /v1/ops/effects?status=failed; retry them), by reactor', ['reactor']);
    const oldest = gauge('baosong_effects_oldest_pending_seconds', 'Age of the oldest pending effect, by reactor (0: none pending)', ['reactor']);
    return async () => {
      // the partial index reactor_effects_unfinished (status <> 'performed'): performed effects are never read
      const rows = await deps.pool.query<{ reactor: string; status: string; n: number; oldest: Date | null }>(
        `SELECT reactor, status, count(*)::int AS n, min(recorded_at) AS oldest FROM reactor_effects WHERE status <> 'performed' GROUP BY reactor, status`,
      );
      const now = (deps.now?.() ?? new Date()).getTime();
      for (const reactor of reactors) {
        backlog.set({ reactor }, 0);
        failed.set({ reactor }, 0);
        oldest.set({ reactor }, 0);
      }
      for (const r of rows.rows) {
        if (r.status === 'failed') failed.set({ reactor: r.reactor }, r.n);
        else {
          backlog.inc({ reactor: r.reactor }, r.n);
          if (r.oldest) oldest.set({ reactor: r.reactor }, Math.max(0, (now - r.oldest.getTime()) / 1000));
        }
      }
    };
  });
}

export interface ProjectionSample {
  readonly labels: { projection: string; kind: string; build: string; state: BuildStatus['state'] };
  readonly lagEvents: number;
  readonly lagSeconds: number;
  readonly position: number;
  readonly progress?: { readonly ratio: number; readonly eventsDone: number };
}

/** One sample per build of the status; progress for rebuilds and shadow builds (those with `progress`). */
export function projectionSamples(statuses: readonly ProjectionStatus[]): ProjectionSample[] {
  return statuses.flatMap((s) =>
    s.builds.map((b): ProjectionSample => {
      const position = Number(b.position);
      const goal = position + b.lagEvents;
      return {
        labels: { projection: s.name, kind: s.kind, build: b.buildId, state: b.state },
        lagEvents: b.lagEvents,
        lagSeconds: b.lagSeconds,
        position,
        ...(b.progress ? { progress: { ratio: goal === 0 ? 1 : position / goal, eventsDone: b.progress.eventsDone } } : {}),
      };
    }),
  );
}
