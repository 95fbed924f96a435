import type { DemoOrganization } from '@app/organization';
import type { PolicyDocument } from '@app/policies';
import { loadExamplePolicy } from '@app/policies/testing';
import { businessCalendarStream, businessPeriodEventId } from '@app/kernel';
import { REWARDS_TIME_ZONE } from '@app/rewards';
import { AuthHeaders, publishedDemoDraft, recordDemoWechatReads, startRewardsDemoApp, TestApp } from '@test/support';

/**
 * Entitlements, leaderboards and explain through HTTP (issue 10 items 2, 3, 6, 7 in part): the demo institution
 * under its new-media reward policy; an item published on WeChat on 2026-02-20 and read by 45% of the channel's
 * followers within 7 days.
 */
describe('rewards: leaderboards and explain (HTTP)', () => {
  let t: TestApp;
  let demo: DemoOrganization;
  const auth: Record<string, AuthHeaders> = {};
  const rewards = loadExamplePolicy('city-police-new-media-rewards.json');
  let draftId: string;

  const get = async (path: string, as: AuthHeaders = auth.administrator!, build?: string) => {
    const req = t.http.get(path).set(as).set('X-Min-Position', (await t.store.headPosition()).toString());
    if (build) req.set('X-Read-Build', build);
    return req;
  };

  beforeAll(async () => {
    const app = await startRewardsDemoApp();
    t = app.t;
    demo = app.demo;
    Object.assign(auth, app.auth);
    const p = await publishedDemoDraft(t, demo, auth, '2026-02-20T02:00:00.000Z');
    draftId = p.draftId;
    await recordDemoWechatReads(t, demo, auth, p, { publishedAt: '2026-02-20T02:00:00.000Z', observedAt: '2026-02-25T02:00:00Z', share: 0.45 });
  }, 120_000);
  afterAll(() => t.close());

  it('pays the WeChat item 100 yuan and the 45% reading 200 yuan to the first author, each line with its rule and events', async () => {
    const res = await get(`/v1/rewards/entitlements?draftId=${draftId}&period=2026`);
    expect(res.status).toBe(200);
    expect(res.body.totals).toEqual({ points: 0, amountFen: 30000, lines: 2, items: 1 });
    expect(res.body.lines.map((l: { family: string; amountFen: number; payee: unknown; policy: { ruleId: string }; businessDate: string }) => [l.family, l.policy.ruleId, l.amountFen, l.payee, l.businessDate])).toEqual([
      ['engagement', 'wechat-reads-per-20-percent', 20000, { kind: 'member', id: demo.byRole.reporter.memberId }, '2026-02-20'],
      ['item', 'wechat-item-100-yuan', 10000, { kind: 'member', id: demo.byRole.reporter.memberId }, '2026-02-20'],
    ]);
    expect(res.body.lines[0].eventIds).toHaveLength(3);
    expect(res.body.lines[0].history).toBe(`/v1/drafts/${draftId}`);
  });

  it('ranks the first author on the people leaderboard for February, and the cell equals its explain', async () => {
    const board = await get('/v1/rewards/leaderboard?subject=member&by=money&period=2026-02');
    expect(board.status).toBe(200);
    const me = board.body.rows.find((r: { id: string }) => r.id === demo.byRole.reporter.memberId);
    // submitted on the test clock's day (2 March), published with a February date: it counts as submitted in March
    expect(me).toMatchObject({ rank: 1, amountFen: 30000, lines: 2, items: 1, submitted: 0, name: expect.any(String) });
    const mine = await get('/v1/rewards/my-entitlements?period=2026-02', auth.reporter!);
    expect(mine.body.totals.amountFen).toBe(me.amountFen);
    const units = await get('/v1/rewards/leaderboard?subject=unit&by=money&period=2026-02');
    expect(units.body.rows[0]).toMatchObject({ rank: 1, id: demo.units.office, amountFen: 30000 });
    const explain = await get(`/v1/rewards/entitlements?unitId=${demo.units.office}&period=2026-02`);
    expect(explain.body.totals.amountFen).toBe(units.body.rows[0].amountFen);
    expect(explain.body.byRule.map((r: { ruleId: string; amountFen: number }) => [r.ruleId, r.amountFen])).toEqual([
      ['wechat-item-100-yuan', 10000],
      ['wechat-reads-per-20-percent', 20000],
    ]);
    // March: the submission, no money
    const march = await get('/v1/rewards/leaderboard?period=2026-03');
    expect(march.body.rows.find((r: { id: string }) => r.id === demo.byRole.reporter.memberId)).toMatchObject({ rank: 1, amountFen: 0, points: 0, submitted: 1, adopted: 0, adoptionRate: 0 });
  });

  it('what-if: a shadow build with a draft version paying 150 yuan per WeChat item differs from live by 50 yuan, live untouched', async () => {
    const v2: PolicyDocument = { ...rewards, version: 2, rules: { ...rewards.rules, itemRewards: rewards.rules.itemRewards!.map((r) => (r.id === 'wechat-item-100-yuan' ? { ...r, amountFen: 15000 } : r)) } };
    const build = await t.http.post('/v1/ops/builds').set(auth.administrator!).send({ projection: 'rewards', parameters: { policies: { treatAsPublished: [v2] } }, purpose: 'what-if: 150 yuan per WeChat item' }).expect(201);
    const whatIf = await get('/v1/rewards/leaderboard?by=money&period=2026-02', auth.administrator!, build.body.buildId);
    expect(whatIf.status).toBe(200);
    expect(whatIf.body.buildId).toBe(build.body.buildId);
    expect(whatIf.body.rows.find((r: { id: string }) => r.id === demo.byRole.reporter.memberId).amountFen).toBe(35000);
    const live = await get('/v1/rewards/leaderboard?by=money&period=2026-02');
    expect(live.body.rows.find((r: { id: string }) => r.id === demo.byRole.reporter.memberId).amountFen).toBe(30000);
  });

  it('once February has ended (BusinessPeriodEnded), the monthly unit WeChat ranking pays its first prize as a ranking line', async () => {
    const eventId = businessPeriodEventId(REWARDS_TIME_ZONE, 'month', '2026-02');
    await t.store.appendToStream(businessCalendarStream('month'), [
      {
        type: 'BusinessPeriodEnded',
        data: { period: 'month', key: '2026-02', startedAt: '2026-01-31T16:00:00.000Z', endedAt: '2026-02-28T16:00:00.000Z', timeZone: REWARDS_TIME_ZONE },
        metadata: { eventId, commandId: eventId, correlationId: eventId, causationId: eventId, actorId: 'system', schemaVersion: 1 },
      },
    ]);
    const prize = await get(`/v1/rewards/entitlements?unitId=${demo.units.office}&family=ranking&period=2026-02`);
    expect(prize.body.lines).toEqual([expect.objectContaining({ family: 'ranking', amountFen: 50000, payee: { kind: 'unit', id: demo.units.office }, businessDate: '2026-02-28', history: null })]);
    expect(prize.body.lines[0].eventIds[0]).toBe(eventId);
    const units = await get('/v1/rewards/leaderboard?subject=unit&by=money&period=2026-02');
    expect(units.body.rows[0]).toMatchObject({ id: demo.units.office, amountFen: 80000, items: 1 });
  });

  it('a reporter reads the leaderboard and their own lines, not everyone\u2019s; bad ranges name the field', async () => {
    expect((await get('/v1/rewards/leaderboard?period=2026-02', auth.reporter!)).status).toBe(200);
    expect((await get('/v1/rewards/entitlements?period=2026-02', auth.reporter!)).status).toBe(403);
    const noRange = await get('/v1/rewards/leaderboard');
    expect(noRange.status).toBe(400);
    expect(JSON.stringify(noRange.body)).toContain('from');
    const both = await get('/v1/rewards/leaderboard?period=2026-02&from=2026-02-01&to=2026-02-03');
    expect(both.status).toBe(400);
    expect((await get('/v1/rewards/leaderboard?period=2026-13')).status).toBe(400);
    expect((await get('/v1/rewards/leaderboard?from=2026-03-01&to=2026-02-01')).status).toBe(400);
    expect((await get('/v1/rewards/leaderboard?period=2026&subject=team')).status).toBe(400);
  });

  it('refuses a to before from with a 400 naming to, on every rewards route that takes a date range (IsOnOrAfter)', async () => {
    const refusals = [
      await get('/v1/rewards/leaderboard?from=2026-03-01&to=2026-02-01'),
      await get('/v1/rewards/entitlements?from=2026-03-01&to=2026-02-01'),
      await get('/v1/rewards/my-entitlements?from=2026-03-01&to=2026-02-28', auth.reporter!),
      await get('/v1/rewards/leaderboard/export?from=2026-03-01&to=2026-02-01&format=csv'),
      await get('/v1/rewards/entitlements/export?from=2026-03-01&to=2026-02-01&format=csv'),
      await get('/v1/rewards/my-entitlements/export?from=2026-03-01&to=2026-02-01&format=csv', auth.reporter!),
      await t.http.post('/v1/rewards/comparisons/what-if').set(auth.administrator!).send({ policies: {}, from: '2026-03-01', to: '2026-02-01' }),
      await t.http.post('/v1/rewards/comparisons/recomputation').set(auth.administrator!).send({ policyId: rewards.id, version: 1, from: '2026-03-01', to: '2026-02-01' }),
      await t.http.post('/v1/payouts/periods').set(auth.finance!).send({ periodId: '2026-09', from: '2026-09-30', to: '2026-09-01' }),
    ];
    for (const res of refusals) {
      expect({ status: res.status, type: res.headers['content-type'], errors: res.body.errors }).toEqual({
        status: 400,
        type: expect.stringContaining('application/problem+json'),
        errors: [{ field: 'to', message: 'to is before from' }],
      });
    }
    // one day (from = to) is a range
    expect((await get('/v1/rewards/leaderboard?from=2026-02-20&to=2026-02-20')).status).toBe(200);
  });
});
