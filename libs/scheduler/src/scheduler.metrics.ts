import type { Pool } from 'pg';
import { BUSINESS_PERIODS, BusinessPeriod, Clock } from '@app/kernel';
import type { EventStore } from '@app/event-store';
import type { Metrics } from '@app/platform';
import { allPeriodsEnded, startOfBusinessDate } from './domain/business-periods';

export interface SchedulerBacklogOptions {
  readonly timeZone: string;
  readonly periodsFrom?: string;
}

export interface SchedulerBacklog {
  /** Deadlines due (due_at <= now) and still scheduled: their DeadlineElapsed is not appended (or not projected) yet. */
  readonly deadlines: number;
  /** Seconds since the oldest of them was due (0: none). */
  readonly oldestDeadlineSeconds: number;
  /** Business periods ended and not recorded yet, by kind (counted up to PERIOD_LIMIT each). */
  readonly periods: Readonly<Record<BusinessPeriod, number>>;
}

const UNDEFINED_TABLE = '42P01';
const PERIOD_LIMIT = 1000;

/**
 * What the scheduler has yet to append, as its read model (the scheduler projection) knows it: the same
 * questions its tick asks, answered by the partial index on scheduled deadlines and the few rows of
 * business_periods. A backlog that stays above 0 for longer than SCHEDULER_CHECK_INTERVAL_MS means no instance
 * runs the scheduler, or its projection is behind or stopped.
 */
export async function schedulerBacklog(pool: Pool, store: EventStore, now: Date, options: SchedulerBacklogOptions): Promise<SchedulerBacklog> {
  const periods = Object.fromEntries(BUSINESS_PERIODS.map((p) => [p, 0])) as Record<BusinessPeriod, number>;
  let due: { n: number; oldest: Date | null };
  let recorded: { period: BusinessPeriod; last: Date }[];
  try {
    due = (await pool.query<{ n: number; oldest: Date | null }>(`SELECT count(*)::int AS n, min(due_at) AS oldest FROM rm.deadlines WHERE status = 'scheduled' AND due_at <= $1`, [now])).rows[0]!;
    recorded = (await pool.query<{ period: BusinessPeriod; last: Date }>(`SELECT period, max(ended_at) AS last FROM rm.business_periods WHERE time_zone = $1 GROUP BY period`, [options.timeZone])).rows;
  } catch (error) {
    // before the scheduler projection's first build exists there is nothing scheduled
    if ((error as { code?: string }).code === UNDEFINED_TABLE) return { deadlines: 0, oldestDeadlineSeconds: 0, periods };
    throw error;
  }
  const from = options.periodsFrom ? startOfBusinessDate(options.periodsFrom, options.timeZone) : await firstEventTime(store);
  if (from) {
    const last = new Map(recorded.map((r) => [r.period, r.last]));
    const after = Object.fromEntries(BUSINESS_PERIODS.map((p) => [p, maxDate(from, last.get(p))])) as Record<BusinessPeriod, Date>;
    for (const ended of allPeriodsEnded(options.timeZone, after, now, PERIOD_LIMIT * BUSINESS_PERIODS.length)) periods[ended.period] += 1;
  }
  return { deadlines: due.n, oldestDeadlineSeconds: due.oldest ? Math.max(0, (now.getTime() - due.oldest.getTime()) / 1000) : 0, periods };
}

/** baosong_scheduler_backlog{kind} and the age of the oldest due deadline, computed at scrape time. */
export function registerSchedulerMetrics(metrics: Metrics, deps: { pool: Pool; store: EventStore; clock: Clock } & SchedulerBacklogOptions): void {
  metrics.addCollector('scheduler', (gauge) => {
    const backlog = gauge('baosong_scheduler_backlog', 'Time facts due and not recorded yet: deadlines due and still scheduled (kind="deadline"), business periods ended and not recorded (kind="day|month|quarter|year")', ['kind']);
    const oldest = gauge('baosong_scheduler_oldest_due_seconds', 'Seconds since the oldest deadline still scheduled was due (0: none)');
    return async () => {
      const b = await schedulerBacklog(deps.pool, deps.store, deps.clock.now(), deps);
      backlog.set({ kind: 'deadline' }, b.deadlines);
      for (const p of BUSINESS_PERIODS) backlog.set({ kind: p }, b.periods[p]);
      oldest.set(b.oldestDeadlineSeconds);
    };
  });
}

async function firstEventTime(store: EventStore): Promise<Date | undefined> {
  const [first] = await store.readAll({ after: 0n, maxCount: 1 });
  return first ? new Date(first.metadata.recordedAt) : undefined;
}

function maxDate(a: Date, b: Date | undefined): Date {
  return b && b.getTime() > a.getTime() ? b : a;
}
