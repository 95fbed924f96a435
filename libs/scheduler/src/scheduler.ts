import type { Pool } from 'pg';
import { BUSINESS_PERIODS, BusinessPeriod, BusinessPeriodEnded, businessCalendarStream, businessPeriodEventId, Clock, deterministicUuid } from '@app/kernel';
import { EventStore, handleCommand, UpcasterRegistry, WrongExpectedRevision } from '@app/event-store';
import { withCorrelationId } from '@app/platform';
import { deadlineDecider } from './domain/deadline.decider';
import { allPeriodsEnded, startOfBusinessDate } from './domain/business-periods';

export interface SchedulerOptions {
  /** The business time zone (BUSINESS_TIME_ZONE): periods end at its midnights. */
  readonly timeZone: string;
  /** First business date whose periods are recorded (SCHEDULER_PERIODS_FROM); default: the date of the first event in the log. */
  readonly periodsFrom?: string;
  /** The periodic check (SCHEDULER_CHECK_INTERVAL_MS, default 30 s): also the longest the scheduler sleeps. */
  readonly checkIntervalMs?: number;
  /** Deadlines elapsed per query round (default 200; a tick runs rounds until none is due). */
  readonly batchSize?: number;
  readonly upcasters?: UpcasterRegistry;
  readonly log?: (message: string, fields?: Record<string, unknown>) => void;
}

export interface TickOutcome {
  /** DeadlineElapsed events this tick appended (duplicates absorbed by the store are not counted). */
  readonly elapsed: number;
  /** BusinessPeriodEnded events this tick appended. */
  readonly periods: number;
}

interface CalendarState {
  revision: bigint | undefined;
  /** Keys of the periods of this zone already recorded in the stream. */
  readonly keys: Set<string>;
  lastEnd: Date | undefined;
}

interface DueRow {
  deadline_id: string;
  stream: string;
  due_at: Date;
  scheduled_event_id: string;
}

const UNDEFINED_TABLE = '42P01';

/**
 * Appends time-driven facts to the log when their time comes (ADR 0015):
 * - DeadlineElapsed, on the stream that scheduled the deadline, with the due time; decided on that stream by
 *   deadlineDecider, so a deadline cancelled meanwhile is left alone;
 * - BusinessPeriodEnded for every day, month, quarter and year of the business time zone that ended since the
 *   start (SCHEDULER_PERIODS_FROM or the first event's date).
 * Every fact has a deterministic event id (and command id), and is appended at the revision of its stream that
 * was read, after checking that the stream does not hold it yet: two instances, or a restart after an append
 * whose answer was lost, append a duplicate that the store absorbs or meet a revision conflict, re-read and find
 * it there. Each fact is in the log once. It learns pending
 * deadlines from its own read model (rm.deadlines, the scheduler projection) and wakes at the next due time, at
 * the latest every check interval; a deadline already past when it starts is appended by the first tick. It reads
 * time from a Clock only to decide *whether* a time has come, never to stamp a fact.
 */
export class Scheduler {
  private timer: NodeJS.Timeout | undefined;
  private pokeTimer: NodeJS.Timeout | undefined;
  private running: Promise<TickOutcome> | undefined;
  private started = false;
  /** Each calendar stream as this process has read it, so a tick reads only what was appended since. */
  private readonly calendars = new Map<BusinessPeriod, CalendarState>();
  private readonly checkIntervalMs: number;
  private readonly batchSize: number;
  private readonly log: NonNullable<SchedulerOptions['log']>;

  constructor(
    private readonly pool: Pool,
    private readonly store: EventStore,
    private readonly clock: Clock,
    private readonly options: SchedulerOptions,
  ) {
    this.checkIntervalMs = options.checkIntervalMs ?? 30_000;
    this.batchSize = options.batchSize ?? 200;
    this.log = options.log ?? (() => undefined);
  }

  /** Runs a first tick at once (deadlines already past, periods already ended), then wakes as described above. */
  async start(): Promise<TickOutcome> {
    this.started = true;
    const outcome = await this.tick();
    await this.arm();
    return outcome;
  }

  async stop(): Promise<void> {
    this.started = false;
    if (this.timer) clearTimeout(this.timer);
    if (this.pokeTimer) clearTimeout(this.pokeTimer);
    this.timer = undefined;
    this.pokeTimer = undefined;
    await this.running?.catch(() => undefined);
  }

  /**
   * Something may have been scheduled (the local projection moved): look again at the next due time, at most
   * twice a second however busy the projections are.
   */
  poke(): void {
    if (!this.started || this.pokeTimer) return;
    this.pokeTimer = setTimeout(() => {
      this.pokeTimer = undefined;
      if (this.started && !this.running) void this.arm();
    }, 500);
    this.pokeTimer.unref();
  }

  /** One pass: appends every fact whose time has come. Ticks never overlap within an instance. */
  tick(): Promise<TickOutcome> {
    const previous = this.running ?? Promise.resolve(undefined);
    const run = previous
      .catch(() => undefined)
      .then(() => this.tickOnce())
      .finally(() => {
        if (this.running === run) this.running = undefined;
      });
    this.running = run;
    return run;
  }

  /**
   * The next pending deadline's due time after `after` (default: now), as the scheduler's read model knows it.
   * Deadlines already due were the last tick's business (one whose elapse the read model has not seen yet is
   * retried by the periodic check, and found done).
   */
  async nextDueAt(after: Date = this.clock.now()): Promise<Date | undefined> {
    const rows = await this.query<{ due_at: Date }>(`SELECT due_at FROM rm.deadlines WHERE status = 'scheduled' AND due_at > $1 ORDER BY due_at LIMIT 1`, [after]);
    return rows[0]?.due_at;
  }

  private async tickOnce(): Promise<TickOutcome> {
    const now = this.clock.now();
    const elapsed = await this.elapseDue(now);
    const periods = await this.endPeriods(now);
    if (elapsed > 0 || periods > 0) this.log('scheduler appended time facts', { elapsed, periods, now: now.toISOString() });
    return { elapsed, periods };
  }

  private async elapseDue(now: Date): Promise<number> {
    let appended = 0;
    let after: { dueAt: Date; id: string } | undefined;
    for (;;) {
      const rows = await this.query<DueRow>(
        `SELECT deadline_id, stream, due_at, scheduled_event_id FROM rm.deadlines
          WHERE status = 'scheduled' AND due_at <= $1 AND ($2::timestamptz IS NULL OR (due_at, deadline_id) > ($2, $3::uuid))
          ORDER BY due_at, deadline_id LIMIT $4`,
        [now, after?.dueAt ?? null, after?.id ?? null, this.batchSize],
      );
      for (const row of rows) {
        // what is logged while appending carries the fact's correlation id (the deadline's id)
        const result = await withCorrelationId(row.deadline_id, () =>
          this.elapse(row, now).catch((error: unknown) => {
            // one stream that cannot be appended to (a store error) must not hold up the others: the next check retries it
            this.log('scheduler could not elapse a deadline', { deadlineId: row.deadline_id, stream: row.stream, error: String(error) });
            return undefined;
          }),
        );
        if (result && !result.duplicate && result.events.length > 0) appended += 1;
      }
      if (rows.length < this.batchSize) return appended;
      after = { dueAt: rows[rows.length - 1]!.due_at, id: rows[rows.length - 1]!.deadline_id };
    }
  }

  /** Decided on the subject's stream at the revision read: a cancel that landed first wins; a second run is a duplicate. */
  private elapse(row: DueRow, now: Date) {
    return handleCommand(
      this.store,
      row.stream,
      deadlineDecider,
      { type: 'ElapseDeadline', deadlineId: row.deadline_id, now: now.toISOString() },
      { commandId: deterministicUuid('DeadlineElapsed', row.deadline_id), actorId: 'scheduler', correlationId: row.deadline_id, causationId: row.scheduled_event_id },
      { retries: 5, upcasters: this.options.upcasters },
    );
  }

  private async endPeriods(now: Date): Promise<number> {
    const from = await this.periodsFrom();
    if (!from) return 0;
    const timeZone = this.options.timeZone;
    const after = {} as Record<BusinessPeriod, Date>;
    for (const period of BUSINESS_PERIODS) after[period] = maxDate(from, (await this.calendar(period)).lastEnd);
    let appended = 0;
    for (;;) {
      const ended = allPeriodsEnded(timeZone, after, now, 1000);
      if (ended.length === 0) return appended;
      for (const data of ended) {
        const id = businessPeriodEventId(data.timeZone, data.period, data.key); // the fact's correlation id
        if (await withCorrelationId(id, () => this.recordPeriodEnd(data))) appended += 1;
        after[data.period] = new Date(data.endedAt);
      }
    }
  }

  /**
   * The calendar stream of a period kind as this process knows it, brought up to date (one read of what was
   * appended since): which periods of this zone are recorded, up to which revision, and the last end.
   */
  private async calendar(period: BusinessPeriod): Promise<CalendarState> {
    let cal = this.calendars.get(period);
    if (!cal) {
      cal = { revision: undefined, keys: new Set(), lastEnd: undefined };
      this.calendars.set(period, cal);
    }
    const fromRevision = cal.revision === undefined ? 0n : cal.revision + 1n;
    for (const e of await this.store.readStream(businessCalendarStream(period), { fromRevision })) {
      cal.revision = e.revision;
      if (e.type !== 'BusinessPeriodEnded') continue;
      const data = e.data as BusinessPeriodEnded['data'];
      if (data.timeZone !== this.options.timeZone) continue;
      cal.keys.add(data.key);
      const end = new Date(data.endedAt);
      if (!cal.lastEnd || end > cal.lastEnd) cal.lastEnd = end;
    }
    return cal;
  }

  /**
   * Appends one period's end unless its calendar stream already holds it, at the revision read: another instance
   * appending meanwhile is a revision conflict (re-read, then it is there), and its same event id makes a lost
   * answer a duplicate. So each period ends once on every store, not only where event ids are unique.
   */
  private async recordPeriodEnd(data: BusinessPeriodEnded['data']): Promise<boolean> {
    const eventId = businessPeriodEventId(data.timeZone, data.period, data.key);
    const event: BusinessPeriodEnded = { type: 'BusinessPeriodEnded', data };
    const metadata = { eventId, commandId: eventId, correlationId: eventId, causationId: eventId, actorId: 'scheduler', schemaVersion: this.options.upcasters?.currentVersion(event.type) ?? 1 };
    for (let attempt = 0; ; attempt++) {
      const cal = await this.calendar(data.period);
      if (cal.keys.has(data.key)) return false;
      try {
        const result = await this.store.appendToStream(businessCalendarStream(data.period), [{ ...event, metadata }], cal.revision ?? 'no_stream');
        if (!result.duplicate) {
          cal.revision = result.nextExpectedRevision;
          cal.keys.add(data.key);
          const end = new Date(data.endedAt);
          if (!cal.lastEnd || end > cal.lastEnd) cal.lastEnd = end;
        }
        return !result.duplicate;
      } catch (error) {
        if (error instanceof WrongExpectedRevision && attempt < 10) continue;
        throw error;
      }
    }
  }

  /** SCHEDULER_PERIODS_FROM, or the first event's date; undefined while the log is empty. */
  private async periodsFrom(): Promise<Date | undefined> {
    if (this.options.periodsFrom) return startOfBusinessDate(this.options.periodsFrom, this.options.timeZone);
    const [first] = await this.store.readAll({ after: 0n, maxCount: 1 });
    return first ? new Date(first.metadata.recordedAt) : undefined;
  }

  /** Sleeps until the next due time, at most the check interval. */
  private async arm(): Promise<void> {
    if (!this.started) return;
    let delay = this.checkIntervalMs;
    try {
      const next = await this.nextDueAt();
      if (next) delay = Math.min(delay, Math.max(10, next.getTime() - this.clock.now().getTime()));
    } catch (error) {
      this.log('scheduler could not read its deadlines', { error: String(error) });
    }
    if (!this.started) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.tick()
        .catch((error: unknown) => this.log('scheduler tick failed', { error: String(error) }))
        .finally(() => void this.arm());
    }, delay);
    this.timer.unref();
  }

  /** Reads the scheduler's read model; before its first build exists there is nothing to read. */
  private async query<R extends object>(sql: string, params: unknown[]): Promise<R[]> {
    try {
      return (await this.pool.query<R>(sql, params)).rows;
    } catch (error) {
      if ((error as { code?: string }).code === UNDEFINED_TABLE) return [];
      throw error;
    }
  }
}

function maxDate(a: Date, b: Date | undefined): Date {
  return b && b.getTime() > a.getTime() ? b : a;
}
