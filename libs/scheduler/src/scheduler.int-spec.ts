import { BusinessPeriodEnded, DeadlineElapsed, DeadlineScheduled, deadlineIdFor, deterministicUuid, FixedClock, fold, newId } from '@app/kernel';
import { PostgresEventStore, RecordedEvent } from '@app/event-store';
import { ProjectionRuntime, waitForProjections } from '@app/projections';
import { createTestDatabase, TestDatabase } from '@test/support';
import { Scheduler, SchedulerOptions } from './scheduler';
import { schedulerProjection } from './read/scheduler.projection';
import { deadlineDecider } from './domain/deadline.decider';

const TZ = 'Asia/Shanghai';

describe('Scheduler (time as facts, against PostgreSQL)', () => {
  let db: TestDatabase;
  let store: PostgresEventStore;
  let runtime: ProjectionRuntime;
  const clock = new FixedClock();
  const schedulers: Scheduler[] = [];

  beforeEach(async () => {
    db = await createTestDatabase();
    store = new PostgresEventStore(db.pool, { pollIntervalMs: 20 });
    runtime = new ProjectionRuntime(db.pool, store, [schedulerProjection], { leaseIntervalMs: 100 });
    await runtime.start();
    clock.set('2026-03-02T01:00:00Z');
  });
  afterEach(async () => {
    for (const s of schedulers.splice(0)) await s.stop();
    await runtime.stop();
    await store.close();
    await db.drop();
  });

  const scheduler = (options: Partial<SchedulerOptions> = {}) => {
    // periods far in the future unless a test asks for them: deadline tests see deadlines only
    const s = new Scheduler(db.pool, store, clock, { timeZone: TZ, periodsFrom: '2099-01-01', checkIntervalMs: 60_000, ...options });
    schedulers.push(s);
    return s;
  };
  const settle = () => waitForProjections(db.pool, store, runtime);
  const meta = (eventId = newId()) => ({ eventId, commandId: eventId, correlationId: eventId, causationId: eventId, actorId: 'test', schemaVersion: 1 });

  /** A decider's stream registering a deadline, as the commission decider does. */
  async function schedule(subject: string, dueAt: string): Promise<string> {
    const deadlineId = deadlineIdFor('test-deadline', subject);
    const e: DeadlineScheduled = { type: 'DeadlineScheduled', data: { deadlineId, dueAt, kind: 'test-deadline', subject } };
    await store.appendToStream(subject, [{ type: 'Opened', data: {}, metadata: meta() }, { ...e, metadata: meta() }], 'no_stream');
    return deadlineId;
  }
  const elapsedIn = async (stream: string) => (await store.readStream(stream)).filter((e): e is RecordedEvent<DeadlineElapsed['data']> => e.type === 'DeadlineElapsed');
  const periodEvents = async () => (await store.readAll({ after: 0n })).filter((e): e is RecordedEvent<BusinessPeriodEnded['data']> => e.type === 'BusinessPeriodEnded');
  const deadlineRow = async (id: string) => (await db.pool.query('SELECT status, settled_at FROM rm.deadlines WHERE deadline_id = $1', [id])).rows[0];

  describe('deadlines', () => {
    it('a deadline already past at start is appended at once, to its own stream, with its due time (not the time noticed)', async () => {
      const id = await schedule('watch-1', '2026-03-01T02:00:00.000Z');
      await schedule('watch-2', '2026-03-09T02:00:00.000Z');
      await settle();
      expect(await scheduler().start()).toEqual({ elapsed: 1, periods: 0 });
      const [elapsed, ...more] = await elapsedIn('watch-1');
      expect(more).toEqual([]);
      expect(elapsed!.data).toEqual({ deadlineId: id, dueAt: '2026-03-01T02:00:00.000Z', kind: 'test-deadline', subject: 'watch-1' });
      expect(elapsed!.metadata.eventId).toBe(deterministicUuid(deterministicUuid('DeadlineElapsed', id), 'watch-1', '0'));
      expect(await elapsedIn('watch-2')).toEqual([]);
      await settle();
      expect(await deadlineRow(id)).toEqual({ status: 'elapsed', settled_at: new Date('2026-03-01T02:00:00.000Z') });
    });

    it('elapses when the clock reaches the due time, and not before', async () => {
      await schedule('watch-1', '2026-03-02T02:00:00.000Z');
      await settle();
      const s = scheduler();
      clock.set('2026-03-02T01:59:59.999Z');
      expect(await s.tick()).toEqual({ elapsed: 0, periods: 0 });
      expect(await s.nextDueAt()).toEqual(new Date('2026-03-02T02:00:00.000Z'));
      clock.set('2026-03-02T05:00:00Z');
      expect(await s.tick()).toEqual({ elapsed: 1, periods: 0 });
      expect((await elapsedIn('watch-1')).map((e) => e.data.dueAt)).toEqual(['2026-03-02T02:00:00.000Z']);
    });

    it('elapses once across a restart, even when its read model has not seen the first elapse yet', async () => {
      await schedule('watch-1', '2026-03-01T00:00:00.000Z');
      await settle();
      await runtime.stop(); // the scheduler's read model stays at "scheduled"
      const first = scheduler();
      expect(await first.tick()).toEqual({ elapsed: 1, periods: 0 });
      await first.stop(); // the process goes away
      const second = scheduler();
      expect(await second.start()).toEqual({ elapsed: 0, periods: 0 });
      expect(await elapsedIn('watch-1')).toHaveLength(1);
    });

    it('with two scheduler instances at once, each deadline elapses exactly once (20 deadlines)', async () => {
      const subjects = Array.from({ length: 20 }, (_, i) => `watch-${i}`);
      for (const s of subjects) await schedule(s, '2026-03-01T00:00:00.000Z');
      await settle();
      const [a, b] = [scheduler({ batchSize: 3 }), scheduler({ batchSize: 3 })];
      const outcomes = await Promise.all([a.tick(), b.tick()]);
      expect(outcomes[0]!.elapsed + outcomes[1]!.elapsed).toBe(20);
      const counts = await Promise.all(subjects.map(async (s) => (await elapsedIn(s)).length));
      expect(counts).toEqual(Array(20).fill(1));
    });

    it('a deadline cancelled in its stream is never elapsed, even while the read model still lists it as scheduled', async () => {
      const id = await schedule('watch-1', '2026-03-01T00:00:00.000Z');
      await settle();
      await runtime.stop();
      await store.appendToStream('watch-1', [{ type: 'DeadlineCancelled', data: { deadlineId: id, kind: 'test-deadline', subject: 'watch-1', reason: 'settled', cancelledAt: '2026-02-28T00:00:00.000Z' }, metadata: meta() }], 1n);
      expect(await scheduler().tick()).toEqual({ elapsed: 0, periods: 0 });
      expect(await elapsedIn('watch-1')).toEqual([]);
    });

    it('a replay of the subject stream reaches the same verdict at any later time: nothing more to elapse', async () => {
      const id = await schedule('watch-1', '2026-03-01T00:00:00.000Z');
      await settle();
      await scheduler().tick();
      const state = fold(deadlineDecider, (await store.readStream('watch-1')) as never[]);
      expect(state.deadlines.get(id)!.status).toBe('elapsed');
      for (const now of ['2026-03-01T00:00:00.000Z', '2027-01-01T00:00:00.000Z']) expect(deadlineDecider.decide({ type: 'ElapseDeadline', deadlineId: id, now }, state)).toEqual([]);
    });
  });

  it('a rebuild of the scheduler projection from the log equals the live one, row for row', async () => {
    const ids = [await schedule('watch-1', '2026-03-01T00:00:00.000Z'), await schedule('watch-2', '2026-03-09T00:00:00.000Z'), await schedule('watch-3', '2026-03-01T00:00:00.000Z')];
    await store.appendToStream('watch-3', [{ type: 'DeadlineCancelled', data: { deadlineId: ids[2], kind: 'test-deadline', subject: 'watch-3', reason: 'settled', cancelledAt: '2026-02-28T00:00:00.000Z' }, metadata: meta() }], 1n);
    await settle();
    clock.set('2026-12-01T00:00:00Z');
    await scheduler({ periodsFrom: '2026-11-25' }).tick();
    await settle();
    const rows = async () => ({
      deadlines: (await db.pool.query('SELECT * FROM rm.deadlines ORDER BY deadline_id')).rows,
      periods: (await db.pool.query('SELECT * FROM rm.business_periods ORDER BY period, key')).rows,
    });
    const live = await rows();
    expect(live.deadlines.map((d: { status: string }) => d.status).sort()).toEqual(['cancelled', 'elapsed', 'elapsed']);
    expect(live.periods.length).toBe(6 + 1);
    await runtime.requestRebuild('scheduler');
    await settle();
    expect(await rows()).toEqual(live);
  });

  describe('business periods (Asia/Shanghai)', () => {
    const keys = async () => (await periodEvents()).map((e) => `${e.data.period} ${e.data.key}`);

    it('ends day, month, quarter and year at the zone\'s midnights, each exactly once across instances and restarts', async () => {
      const first = scheduler({ periodsFrom: '2026-11-29' });
      clock.set('2026-11-30T15:59:59.999Z'); // 23:59:59.999 on 30 November in Beijing
      expect(await first.tick()).toEqual({ elapsed: 0, periods: 1 });
      expect(await keys()).toEqual(['day 2026-11-29']);

      clock.set('2026-11-30T16:00:00.000Z'); // 00:00 on 1 December in Beijing
      expect(await first.tick()).toEqual({ elapsed: 0, periods: 2 });
      const month = (await periodEvents()).find((e) => e.data.period === 'month')!;
      expect(month.data).toEqual({ period: 'month', key: '2026-11', startedAt: '2026-10-31T16:00:00.000Z', endedAt: '2026-11-30T16:00:00.000Z', timeZone: TZ });
      expect(month.streamId).toBe('businessCalendar-month');

      // a second instance (or a restart) with nothing in memory, before the read model has caught up
      const second = scheduler({ periodsFrom: '2026-11-29' });
      expect(await second.tick()).toEqual({ elapsed: 0, periods: 0 });

      clock.set('2027-01-01T00:00:00.000Z'); // 08:00 on 1 January 2027 in Beijing
      const [a, b] = await Promise.all([first.tick(), second.tick()]);
      expect(a.periods + b.periods).toBe(31 + 1 + 1 + 1); // the days of December, December, Q4, 2026
      const all = await keys();
      expect(new Set(all).size).toBe(all.length);
      expect(all.filter((k) => !k.startsWith('day'))).toEqual(['month 2026-11', 'month 2026-12', 'quarter 2026-Q4', 'year 2026']);
      const year = (await periodEvents()).find((e) => e.data.period === 'year')!;
      expect(year.data).toMatchObject({ key: '2026', startedAt: '2025-12-31T16:00:00.000Z', endedAt: '2026-12-31T16:00:00.000Z' });

      await settle();
      const restarted = scheduler({ periodsFrom: '2026-11-29' });
      expect(await restarted.start()).toEqual({ elapsed: 0, periods: 0 });
      const rows = await db.pool.query(`SELECT period, count(*)::int AS n FROM rm.business_periods GROUP BY period ORDER BY period`);
      expect(rows.rows).toEqual([
        { period: 'day', n: 33 },
        { period: 'month', n: 2 },
        { period: 'quarter', n: 1 },
        { period: 'year', n: 1 },
      ]);
    });

    it('without SCHEDULER_PERIODS_FROM, starts with the date of the first event in the log; an empty log records nothing', async () => {
      const s = scheduler({ periodsFrom: undefined });
      expect(await s.tick()).toEqual({ elapsed: 0, periods: 0 });
      await store.appendToStream('x-1', [{ type: 'Opened', data: {}, metadata: meta() }]);
      const [first] = await store.readAll({ after: 0n, maxCount: 1 });
      clock.set(new Date(Date.parse(first!.metadata.recordedAt) + 24 * 3600_000));
      expect((await s.tick()).periods).toBe(1);
      const [day] = await periodEvents();
      expect(Date.parse(day!.data.startedAt)).toBeLessThanOrEqual(Date.parse(first!.metadata.recordedAt));
      expect(Date.parse(day!.data.endedAt)).toBeGreaterThan(Date.parse(first!.metadata.recordedAt));
    });
  });
});
