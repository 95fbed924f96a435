import { DeadlineScheduled, deadlineIdFor, FixedClock, newId } from '@app/kernel';
import { PostgresEventStore } from '@app/event-store';
import { ProjectionRuntime, waitForProjections } from '@app/projections';
import { createTestDatabase, TestDatabase } from '@test/support';
import { Scheduler } from './scheduler';
import { schedulerBacklog } from './scheduler.metrics';
import { schedulerProjection } from './read/scheduler.projection';

const TZ = 'Asia/Shanghai';

describe('schedulerBacklog (baosong_scheduler_backlog), against PostgreSQL', () => {
  let db: TestDatabase;
  let store: PostgresEventStore;
  let runtime: ProjectionRuntime;
  const clock = new FixedClock(new Date('2026-03-02T01:00:00Z'));
  const meta = (eventId = newId()) => ({ eventId, commandId: eventId, correlationId: eventId, causationId: eventId, actorId: 'test', schemaVersion: 1 });
  const settle = () => waitForProjections(db.pool, store, runtime);

  beforeAll(async () => {
    db = await createTestDatabase();
    store = new PostgresEventStore(db.pool, { pollIntervalMs: 20 });
    runtime = new ProjectionRuntime(db.pool, store, [schedulerProjection], { leaseIntervalMs: 100 });
  });
  afterAll(async () => {
    await runtime.stop();
    await store.close();
    await db.drop();
  });

  it('is empty before the scheduler projection has a build (its tables do not exist yet)', async () => {
    expect(await schedulerBacklog(db.pool, store, clock.now(), { timeZone: TZ })).toEqual({ deadlines: 0, oldestDeadlineSeconds: 0, periods: { day: 0, month: 0, quarter: 0, year: 0 } });
  });

  it('counts deadlines due and still scheduled, and the periods ended since SCHEDULER_PERIODS_FROM, until the scheduler appends them', async () => {
    await runtime.start();
    for (const [subject, dueAt] of [['watch-1', '2026-03-01T02:00:00.000Z'], ['watch-2', '2026-03-02T00:00:00.000Z'], ['watch-3', '2026-03-09T02:00:00.000Z']] as const) {
      const e: DeadlineScheduled = { type: 'DeadlineScheduled', data: { deadlineId: deadlineIdFor('test-deadline', subject), dueAt, kind: 'test-deadline', subject } };
      await store.appendToStream(subject, [{ ...e, metadata: meta() }], 'no_stream');
    }
    await settle();
    // 2026-02-27 to 2026-03-02 09:00 in Shanghai: the days 02-27, 02-28, 03-01 and the month of February have ended
    const options = { timeZone: TZ, periodsFrom: '2026-02-27' };
    const before = await schedulerBacklog(db.pool, store, clock.now(), options);
    expect(before).toEqual({ deadlines: 2, oldestDeadlineSeconds: 23 * 3600, periods: { day: 3, month: 1, quarter: 0, year: 0 } });

    expect(await new Scheduler(db.pool, store, clock, options).tick()).toEqual({ elapsed: 2, periods: 4 });
    await settle();
    expect(await schedulerBacklog(db.pool, store, clock.now(), options)).toEqual({ deadlines: 0, oldestDeadlineSeconds: 0, periods: { day: 0, month: 0, quarter: 0, year: 0 } });
  });
});
