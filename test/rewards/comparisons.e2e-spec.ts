import type { DemoOrganization } from '@app/organization';
import type { PolicyDocument } from '@app/policies';
import { loadExamplePolicy } from '@app/policies/testing';
import { ShadowBuilds } from '@app/projections';
import { AuthHeaders, publishedDemoDraft, publishPolicy, startRewardsDemoApp, TestApp } from '@test/support';

/**
 * What-if runs and recomputations through HTTP (issue 10 items 5 and 6): a February WeChat item paid 100 yuan;
 * a draft version paying 150 yuan is run as a what-if, then published and its publication recomputed.
 */
describe('rewards: what-if runs and recomputations (HTTP)', () => {
  let t: TestApp;
  let demo: DemoOrganization;
  const auth: Record<string, AuthHeaders> = {};
  const rewards = loadExamplePolicy('city-police-new-media-rewards.json');
  const v2: PolicyDocument = { ...rewards, version: 2, effectiveFrom: '2026-01-01', rules: { ...rewards.rules, itemRewards: rewards.rules.itemRewards!.map((r) => (r.id === 'wechat-item-100-yuan' ? { ...r, amountFen: 15000 } : r)) } };
  const me = () => demo.byRole.reporter.memberId;

  beforeAll(async () => {
    const app = await startRewardsDemoApp();
    t = app.t;
    demo = app.demo;
    Object.assign(auth, app.auth);
    await publishedDemoDraft(t, demo, auth, '2026-02-20T02:00:00.000Z');
    await t.settle();
  }, 120_000);
  afterAll(() => t.close());

  /** Polls the comparison until both builds reached their position. */
  async function done(runId: string) {
    const deadline = Date.now() + 60_000;
    for (;;) {
      const res = await t.http.get(`/v1/rewards/comparisons/${runId}`).set(auth.auditor!).expect(200);
      if (res.body.status === 'done') return res.body;
      if (Date.now() > deadline) throw new Error(`comparison ${runId} not done: ${JSON.stringify(res.body.builds)}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
  const money = async (buildId: string) =>
    ((await t.http.get('/v1/rewards/leaderboard?by=money&period=2026-02').set(auth.administrator!).set('X-Read-Build', buildId).expect(200)).body.rows as { id: string; amountFen: number }[]).find((r) => r.id === me())!.amountFen;

  it('a what-if of a draft version: recorded, its diff per payee and month names the rules, equals the difference of its two builds, live untouched', async () => {
    const started = await t.http.post('/v1/rewards/comparisons/what-if').set(auth.administrator!).set('Idempotency-Key', 'what-if-150').send({ policies: { treatAsPublished: [v2] }, purpose: '150 yuan per WeChat item' }).expect(202);
    const again = await t.http.post('/v1/rewards/comparisons/what-if').set(auth.administrator!).set('Idempotency-Key', 'what-if-150').send({ policies: { treatAsPublished: [v2] }, purpose: '150 yuan per WeChat item' }).expect(202);
    expect(again.body).toMatchObject({ runId: started.body.runId, duplicate: true });
    const run = await done(started.body.runId);
    expect(run.run).toMatchObject({ kind: 'what-if', purpose: '150 yuan per WeChat item', requestedBy: demo.byRole.administrator.memberId });
    const row = run.diff.rows.find((r: { payee: { id: string }; period: string }) => r.payee.id === me() && r.period === '2026-02');
    expect(row).toMatchObject({ before: { amountFen: 10000, rankByMoney: 1 }, after: { amountFen: 15000, rankByMoney: 1 }, deltaFen: 5000, deltaYuan: 50, deltaRankByMoney: 0 });
    expect(row.rules).toEqual([`${rewards.id}@1/wechat-item-100-yuan`, `${rewards.id}@2/wechat-item-100-yuan`]);
    // the diff is the difference of the two builds (each a full rebuild, with and without the draft)
    expect((await money(run.run.afterBuildId)) - (await money(run.run.beforeBuildId))).toBe(row.deltaFen);
    const live = (await t.http.get('/v1/rewards/leaderboard?by=money&period=2026-02').set(auth.administrator!).expect(200)).body.rows.find((r: { id: string }) => r.id === me());
    expect(live.amountFen).toBe(10000);
    // the diff as CSV (English headers)
    const csv = await t.http.get(`/v1/rewards/comparisons/${started.body.runId}/export?format=csv&lang=en`).set(auth.auditor!).expect(200);
    const [header, ...lines] = csv.text.replace(/^\uFEFF/, '').trim().split('\r\n');
    expect(header).toBe('Month,Payee kind,Payee,Before (yuan),After (yuan),Delta (yuan),Points before,Points after,Delta points,Rank before,Rank after,Rules');
    expect(lines).toContain(`2026-02,member,${me()},100.00,150.00,50.00,0,0,0,1,1,${rewards.id}@1/wechat-item-100-yuan; ${rewards.id}@2/wechat-item-100-yuan`);
    // recorded in the log: who, when, which draft, which positions
    const events = await t.store.readStream(`rewardComparison-${started.body.runId}`);
    expect(events.map((e) => e.type)).toEqual(['RewardComparisonStarted']);
  });

  it('a recomputation of a published version says what its publication changed, per payee and month', async () => {
    await publishPolicy(t, auth.administrator!, v2);
    const started = await t.http.post('/v1/rewards/comparisons/recomputation').set(auth.administrator!).send({ policyId: rewards.id, version: 2 }).expect(202);
    const run = await done(started.body.runId);
    expect(run.run.policy).toMatchObject({ policyId: rewards.id, version: 2 });
    expect(BigInt(run.run.afterPosition) - BigInt(run.run.beforePosition)).toBe(1n);
    expect(run.diff.rows.filter((r: { payee: { id: string } }) => r.payee.id === me()).map((r: { period: string; deltaFen: number }) => [r.period, r.deltaFen])).toEqual([['2026-02', 5000]]);
    expect(run.diff.totals).toMatchObject({ deltaFen: 5000, payees: 1 });
  });

  it('keeps a comparison\'s builds while its diff is read (each read slides their expiry by the ttl); unread for a week, they are swept and the run is expired', async () => {
    const started = await t.http.post('/v1/rewards/comparisons/what-if').set(auth.administrator!).send({ policies: { treatAsPublished: [v2] }, purpose: 'expiry' }).expect(202);
    const run = await done(started.body.runId);
    const buildIds = [run.run.beforeBuildId as string, run.run.afterBuildId as string];
    const sweeper = t.app.get(ShadowBuilds);
    // as if both had been started, and last read, eight days ago (their ttl is seven)
    const age = () =>
      t.pool.query(
        `UPDATE projection_builds SET started_at = started_at - interval '8 days', expires_at = expires_at - interval '8 days',
                last_read_at = last_read_at - interval '8 days' WHERE build_id = ANY($1)`,
        [buildIds],
      );
    const expiries = async () => (await t.pool.query<{ expires_at: Date }>(`SELECT expires_at FROM projection_builds WHERE build_id = ANY($1)`, [buildIds])).rows.map((r) => r.expires_at.getTime());
    await age();
    expect((await expiries()).every((at) => at < Date.now())).toBe(true);
    // reading the diff moves both a week on from now: the sweep keeps them
    expect((await t.http.get(`/v1/rewards/comparisons/${started.body.runId}`).set(auth.auditor!).expect(200)).body.status).toBe('done');
    expect((await expiries()).every((at) => at > Date.now() + 6 * 86_400_000)).toBe(true);
    expect(await sweeper.sweep()).toEqual([]);
    // not read again for longer than the ttl: both dropped, the run answers expired (no diff)
    await age();
    expect((await sweeper.sweep()).sort()).toEqual([...buildIds].sort());
    const expired = await t.http.get(`/v1/rewards/comparisons/${started.body.runId}`).set(auth.auditor!).expect(200);
    expect(expired.body).toMatchObject({ status: 'expired', diff: null });
  });

  it('refuses the unpublished, the malformed and the unauthorised', async () => {
    const missing = await t.http.post('/v1/rewards/comparisons/recomputation').set(auth.administrator!).send({ policyId: rewards.id, version: 9 });
    expect({ status: missing.status, type: missing.body.type }).toEqual({ status: 422, type: expect.stringContaining('policy-version-not-published') });
    const bad = await t.http.post('/v1/rewards/comparisons/what-if').set(auth.administrator!).send({ policies: { pointsScale: 2 } });
    expect(bad.status).toBe(422);
    const backwards = await t.http.post('/v1/rewards/comparisons/what-if').set(auth.administrator!).send({ policies: {}, from: '2026-03-01', to: '2026-02-01' });
    expect({ status: backwards.status, errors: backwards.body.errors }).toEqual({ status: 400, errors: [{ field: 'to', message: 'to is before from' }] });
    expect((await t.http.post('/v1/rewards/comparisons/what-if').set(auth.finance!).send({ policies: {} })).status).toBe(403);
    expect((await t.http.get('/v1/rewards/comparisons/00000000-0000-4000-8000-000000000001').set(auth.reporter!)).status).toBe(403);
    expect((await t.http.get('/v1/rewards/comparisons/00000000-0000-4000-8000-000000000001').set(auth.auditor!)).status).toBe(404);
  });
});
