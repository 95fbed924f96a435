import { businessCalendarStream, businessPeriodEventId } from '@app/kernel';
import type { DemoOrganization } from '@app/organization';
import { AuthHeaders, draftContent, publishPolicy, startRewardsDemoApp, TestApp } from '@test/support';

/**
 * Compliance per unit and period through HTTP (issue 11 item 4): the demo institution under 001-C and the
 * compliance policy unit-compliance-000W (sections 2 a month, R4.20 news within 2 days, 100-point grading R4.43).
 */
describe('compliance per unit and period (HTTP)', () => {
  let t: TestApp;
  let demo: DemoOrganization;
  let auth: Record<string, AuthHeaders>;
  let office: AuthHeaders;

  const get = async (path: string, as: AuthHeaders = office) => t.http.get(path).set(as).set('X-Min-Position', (await t.store.headPosition()).toString());
  const submitAt = async (at: string, extra: Record<string, unknown>) => {
    t.clock.set(at);
    const draftId = (await t.http.post('/v1/drafts').set(auth.reporter!).send({ unitId: demo.units.office, ...draftContent(demo.byRole.reporter.memberId, extra) }).expect(201)).body.draftId as string;
    await t.http.post(`/v1/drafts/${draftId}/submit`).set(auth.reporter!).expect(200);
    return draftId;
  };

  beforeAll(async () => {
    const app = await startRewardsDemoApp();
    t = app.t;
    demo = app.demo;
    auth = app.auth;
    office = auth.office_reviewer!;
    await publishPolicy(t, auth.administrator!, 'unit-compliance-000W.json');
    // R4.20: news of 2 November is due by the end of 4 November (Asia/Shanghai)
    await submitAt('2026-11-04T02:00:00.000Z', { contentType: 'news', eventDate: '2026-11-02', title: '按时的新闻' });
    await submitAt('2026-11-06T02:00:00.000Z', { contentType: 'news', eventDate: '2026-11-02', title: '迟报的新闻' });
    await t.settle();
  }, 120_000);
  afterAll(() => t.close());

  it('the month of every unit, ranked by score: the office submitted 2 (one late by R4.20), provisional', async () => {
    const res = await get('/v1/compliance?period=month&key=2026-11');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ period: 'month', key: '2026-11', buildId: null });
    const scores = res.body.rows.map((r: { score: number | null }) => r.score ?? -1);
    expect(scores).toEqual([...scores].sort((a: number, b: number) => b - a));
    const row = res.body.rows.find((r: { unitId: string }) => r.unitId === demo.units.office);
    expect(row).toMatchObject({ status: 'provisional', submitted: 2, scale: 100, startsAt: '2026-10-31T16:00:00.000Z', endsAt: '2026-11-30T16:00:00.000Z' });
    expect(row.timeliness).toMatchObject({ items: 2, onTime: 1, late: 1, lateItems: [expect.objectContaining({ title: '迟报的新闻', ruleId: 'r4-20-news-within-2-days' })] });
    expect(row.penalties).toEqual(expect.arrayContaining([expect.objectContaining({ ruleId: 'late-report-1-point', points: -1 })]));
    expect(row.policies).toEqual(expect.arrayContaining([{ policyId: 'unit-compliance', policyVersion: 1 }]));
  });

  it('one unit, the quarter: R4.02 one research item a quarter is short by 1', async () => {
    const res = await get(`/v1/compliance/units/${demo.units.office}?period=quarter&key=2026-Q4`);
    expect(res.status).toBe(200);
    expect(res.body.quotas).toEqual([expect.objectContaining({ quotaId: 'r4-02-research-quarterly', required: 1, delivered: 0, shortfall: 1, met: false })]);
  });

  it('final once the month\'s BusinessPeriodEnded has been read', async () => {
    const eventId = businessPeriodEventId('Asia/Shanghai', 'month', '2026-11');
    await t.store.appendToStream(businessCalendarStream('month'), [
      {
        type: 'BusinessPeriodEnded',
        data: { period: 'month', key: '2026-11', startedAt: '2026-10-31T16:00:00.000Z', endedAt: '2026-11-30T16:00:00.000Z', timeZone: 'Asia/Shanghai' },
        metadata: { eventId, commandId: eventId, correlationId: eventId, causationId: eventId, actorId: 'system', schemaVersion: 1 },
      },
    ]);
    const res = await get(`/v1/compliance/units/${demo.units.office}?period=month&key=2026-11`);
    expect(res.body.status).toBe('final');
    expect((await get(`/v1/compliance/units/${demo.units.office}?period=quarter&key=2026-Q4`)).body.status).toBe('provisional');
  });

  it('refusals: a key that is not of the period names `key`; a reporter may not read compliance', async () => {
    const bad = await get('/v1/compliance?period=month&key=2026-Q4');
    expect(bad.status).toBe(400);
    expect(bad.headers['content-type']).toMatch(/problem\+json/);
    expect(JSON.stringify(bad.body)).toContain('"key"');
    expect((await get('/v1/compliance?period=week&key=2026-11')).status).toBe(400);
    expect((await get('/v1/compliance?period=month&key=2026-11', auth.reporter!)).status).toBe(403);
  });
});
