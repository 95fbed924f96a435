import { Scheduler } from '@app/scheduler';
import { AuthHeaders, bearer, expectUnchanged, seedDemo, startTestApp, TestApp } from '@test/support';
import type { DemoOrganization } from '@app/organization';

/**
 * Time as facts through HTTP (ADR 0015): a commission (约稿) registers its deadline (期限) when issued; when the
 * deadline comes the scheduler appends DeadlineElapsed to the commission's stream with the due time, and the
 * commission decider folds it: an elapsed commission can no longer be cancelled. The test clock stands still, so
 * the scheduler acts only when the spec calls tick().
 */
describe('time facts (HTTP)', () => {
  let t: TestApp;
  let demo: DemoOrganization;
  let admin: AuthHeaders;
  let office: AuthHeaders;
  let scheduler: Scheduler;

  beforeAll(async () => {
    t = await startTestApp({ env: { SCHEDULER_PERIODS_FROM: '2026-02-27' } });
    demo = await seedDemo(t);
    admin = bearer(t.adminToken);
    office = bearer(await t.tokenFor(demo.byRole.office_reviewer.memberId));
    scheduler = t.app.get(Scheduler);
  }, 60_000);
  afterAll(async () => {
    await t.close();
  });

  const issue = async (deadline: string) =>
    (
      await t.http
        .post('/v1/commissions')
        .set(office)
        .send({ topic: '夏季治安整治成效', requirements: '800字以内', purpose: '《信息专报》专题', deadline, contact: '办公室 王科长', unitIds: [demo.units.office] })
        .expect(201)
    ).body.commissionId as string;
  const deadlines = async (query = '') => (await t.http.get(`/v1/ops/deadlines${query}`).set(admin).expect(200)).body;

  it('lists the business periods ended since SCHEDULER_PERIODS_FROM, in Asia/Shanghai, each once (before the other specs move the clock)', async () => {
    t.clock.set('2026-03-02T01:00:00Z'); // 09:00 on 2 March in Beijing
    await scheduler.tick();
    await t.settle();
    const months = (await t.http.get('/v1/ops/business-periods?period=month').set(admin).expect(200)).body;
    expect(months).toEqual({ total: 1, items: [{ period: 'month', key: '2026-02', timeZone: 'Asia/Shanghai', startedAt: '2026-01-31T16:00:00.000Z', endedAt: '2026-02-28T16:00:00.000Z', position: expect.any(String) }] });
    const days = (await t.http.get('/v1/ops/business-periods?period=day').set(admin).expect(200)).body;
    expect(days.items.map((d: { key: string }) => d.key)).toEqual(['2026-03-01', '2026-02-28', '2026-02-27']);
    await t.http.get('/v1/ops/business-periods?period=week').set(admin).expect(400);
    await t.http.get('/v1/ops/deadlines?status=late').set(admin).expect(400);
  });

  it('a commission\'s deadline elapses as a fact with its due time; then it can no longer be cancelled', async () => {
    const commissionId = await issue('2026-03-06T10:00:00+08:00');
    await t.settle();
    const listed = await deadlines(`?subject=commission-${commissionId}`);
    expect(listed).toMatchObject({ total: 1, items: [{ kind: 'commission-deadline', dueAt: '2026-03-06T02:00:00.000Z', status: 'scheduled', settledAt: null }] });

    t.clock.set('2026-03-06T01:59:59Z'); // a second before the deadline: nothing
    expect((await scheduler.tick()).elapsed).toBe(0);
    t.clock.set('2026-03-09T00:00:00Z'); // noticed three days late (a weekend without the scheduler)
    expect((await scheduler.tick()).elapsed).toBe(1);
    await t.settle();
    expect((await deadlines(`?subject=commission-${commissionId}`)).items[0]).toMatchObject({ status: 'elapsed', settledAt: '2026-03-06T02:00:00.000Z' });
    const [elapsed] = (await t.store.readStream(`commission-${commissionId}`)).filter((e) => e.type === 'DeadlineElapsed');
    expect(elapsed!.data).toMatchObject({ dueAt: '2026-03-06T02:00:00.000Z', subject: `commission-${commissionId}` });

    const refused = await expectUnchanged(t, 409, () => t.http.post(`/v1/commissions/${commissionId}/cancel`).set(office).send({ reason: '专题取消' }));
    expect(refused).toMatchObject({ type: 'urn:baosong:problem:commission-deadline-elapsed' });
    // the verdict comes from the log, not the clock: with the clock set back before the deadline it is the same
    t.clock.set('2026-03-02T01:00:00Z');
    await expectUnchanged(t, 409, () => t.http.post(`/v1/commissions/${commissionId}/cancel`).set(office).send({ reason: '专题取消' }));
    expect((await scheduler.tick()).elapsed).toBe(0);
  });

  it('a commission cancelled before its deadline withdraws it: it never elapses', async () => {
    t.clock.set('2026-03-02T01:00:00Z');
    const commissionId = await issue('2026-03-10T10:00:00+08:00');
    await t.http.post(`/v1/commissions/${commissionId}/cancel`).set(office).send({ reason: '专题取消' }).expect(200);
    await t.settle();
    t.clock.set('2026-03-20T00:00:00Z');
    await scheduler.tick();
    await t.settle();
    expect((await deadlines(`?subject=commission-${commissionId}`)).items[0]).toMatchObject({ status: 'cancelled', settledAt: '2026-03-02T01:00:00.000Z' });
    expect((await t.store.readStream(`commission-${commissionId}`)).map((e) => e.type)).toEqual(['CommissionIssued', 'DeadlineScheduled', 'CommissionCancelled', 'DeadlineCancelled']);
    t.clock.set('2026-03-02T01:00:00Z');
  });

});

describe('time facts: the scheduler started with the app (RUN_SCHEDULER=true)', () => {
  it('records at start what time already did, without being asked', async () => {
    const t = await startTestApp({ env: { RUN_SCHEDULER: 'true', SCHEDULER_PERIODS_FROM: '2026-02-27' } });
    try {
      // the boot's first tick runs in the background; a tick queues behind it and finds nothing left to do
      expect(await t.app.get(Scheduler).tick()).toEqual({ elapsed: 0, periods: 0 });
      await t.settle();
      const months = (await t.http.get('/v1/ops/business-periods?period=month').set(bearer(t.adminToken)).expect(200)).body;
      expect(months.items.map((m: { key: string }) => m.key)).toEqual(['2026-02']);
    } finally {
      await t.close();
    }
  }, 60_000);
});
