import type { DemoOrganization } from '@app/organization';
import type { DemoActivitySummary } from '@app/rewards';
import { AuthHeaders, demoAuth, seedDemo, seedDemoActivityOf, startTestApp, TestApp } from '@test/support';

type Line = { family: string; policy: { ruleId: string }; amountFen: number; points: number; payee: { kind: string; id: string }; businessDate: string };

/**
 * `seed demo` gives a new user a leaderboard and a ledger at once (issue 10): the demo institution, its policies and
 * two months of reporting (test clock 2 March 2026: January and February), through the same seed functions as the
 * CLI. Under city-police-new-media-rewards: a WeChat item is 100 yuan, a Weibo item 20 yuan, reads of 20% of the
 * followers within 7 days 100 yuan per step; under 003-A: 1 point per submission, district adoption 5, city 50,
 * province 100, excellent and instruction at city 50 each, to the unit.
 */
describe('seed demo: reporting history with publications and metrics', () => {
  let t: TestApp;
  let demo: DemoOrganization;
  let seeded: DemoActivitySummary;
  const auth: Record<string, AuthHeaders> = {};

  const get = async (path: string, as: AuthHeaders = auth.administrator!) =>
    t.http.get(path).set(as).set('X-Min-Position', (await t.store.headPosition()).toString());

  beforeAll(async () => {
    t = await startTestApp();
    demo = await seedDemo(t);
    seeded = await seedDemoActivityOf(t, demo);
    Object.assign(auth, await demoAuth(t, demo));
    await t.settle();
  }, 120_000);
  afterAll(() => t.close());

  it('seeds a dozen signed-off drafts, their publications, observations, adoptions, an excellent rating and an instruction in the two months before the clock', () => {
    expect(seeded).toMatchObject({ drafts: 12, publications: 13, adoptions: 10, excellent: 1, instructions: 1 });
    expect(seeded.observations).toBe(31);
    expect(seeded.appended).toBeGreaterThan(0);
    expect(seeded.months).toEqual(['2026-01', '2026-02']);
  });

  it('ranks people by money and units by points in the busiest month', async () => {
    const month = seeded.busiestMonth!;
    const people = await get(`/v1/rewards/leaderboard?subject=member&by=money&period=${month}`);
    expect(people.status).toBe(200);
    expect(people.body.rows.length).toBeGreaterThanOrEqual(3);
    expect(people.body.rows[0]).toMatchObject({ rank: 1, amountFen: expect.any(Number) });
    expect(people.body.rows[0].amountFen).toBeGreaterThan(0);
    const units = await get(`/v1/rewards/leaderboard?subject=unit&by=points&period=${month}`);
    expect(units.status).toBe(200);
    expect(units.body.rows.length).toBeGreaterThanOrEqual(3);
    expect(units.body.rows[0].points).toBeGreaterThan(0);
  });

  it('lists entitlement lines of every family: item amounts, engagement tiers and adoption points', async () => {
    const res = await get('/v1/rewards/entitlements?period=2026');
    expect(res.status).toBe(200);
    const lines = res.body.lines as Line[];
    // 8 WeChat items at 100 yuan, 5 Weibo items at 20 yuan; tiers 100 + 200 + 100 (corrected) + 200 + 100 yuan;
    // 12 submissions + 6 district adoptions x 5 + 3 city x 50 + 1 province x 100 + excellent and instruction at city 50 each
    expect(res.body.totals).toEqual({ points: 392, amountFen: 160000, lines: 42, items: 12 });
    expect((res.body.byRule as { ruleId: string; amountFen: number; points: number }[]).map((r) => [r.ruleId, r.amountFen, r.points])).toEqual([
      ['wechat-item-100-yuan', 80000, 0],
      ['wechat-reads-per-20-percent', 70000, 0],
      ['weibo-item-20-yuan', 10000, 0],
      ['cumulative-1-5-10-10', 0, 392],
    ]);
    const rules = (family: string) => new Set(lines.filter((l) => l.family === family).map((l) => l.policy.ruleId));
    expect([...rules('item')].sort()).toEqual(['wechat-item-100-yuan', 'weibo-item-20-yuan']);
    expect(rules('engagement')).toContain('wechat-reads-per-20-percent');
    expect(rules('adoption').size).toBeGreaterThan(0);
    // 法制科's item read by 41% of the followers on day 3: two steps of 20%, 200 yuan to its first author
    const legalReporter = demo.members.find((m) => m.role === 'reporter' && m.unitId === demo.units.legal)!;
    const legal = lines.filter((l) => l.family === 'engagement' && l.payee.id === legalReporter.memberId);
    expect(legal.map((l) => l.amountFen)).toEqual([20000]);
    // 治安大队一中队's reading past 20% came on day 8, outside the 7-day window: its 15% on day 5 earns nothing
    const squadReporter = demo.members.find((m) => m.role === 'reporter' && m.unitId === demo.units['security-1'])!;
    expect(lines.filter((l) => l.family === 'engagement' && l.payee.id === squadReporter.memberId)).toEqual([]);
    // 宣传科's day-3 count corrected from 17% to 21%: one step, 100 yuan
    const publicityReporter = demo.members.find((m) => m.role === 'reporter' && m.unitId === demo.units.publicity)!;
    expect(lines.filter((l) => l.family === 'engagement' && l.payee.id === publicityReporter.memberId).map((l) => l.amountFen)).toEqual([10000]);
  });

  it('appends nothing when seeded again', async () => {
    const head = await t.store.headPosition();
    await seedDemo(t);
    const again = await seedDemoActivityOf(t, demo);
    expect(again.appended).toBe(0);
    expect(await t.store.headPosition()).toBe(head);
  });
});
