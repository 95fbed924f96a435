import type { DemoOrganization } from '@app/organization';
import type { DemoActivitySummary, DemoPayoutsSummary } from '@app/rewards';
import { AuthHeaders, bearer, demoAuth, seedDemo, seedDemoActivityOf, seedDemoPayoutsOf, startTestApp, TestApp } from '@test/support';

type Line = { family: string; policy: { ruleId: string }; amountFen: number; points: number; payee: { kind: string; id: string }; businessDate: string };
type LedgerRow = { payee: { kind: string; id: string }; periodId: string; entitledFen: number; adjustmentsFen: number; totalFen: number; paidFen: number; balanceFen: number };

/**
 * `seed demo` gives a new user a leaderboard and a ledger at once (issue 10): the demo institution, its policies and
 * two months of reporting (test clock 2 March 2026: January and February), through the same seed functions as the
 * CLI. Under city-police-new-media-rewards: a WeChat item is 100 yuan, a Weibo item 20 yuan, reads of 20% of the
 * followers within 7 days 100 yuan per step; under 003-A: 1 point per submission, district adoption 5, city 50,
 * province 100, excellent and instruction at city 50 each, to the unit. Then the payout ledger (seedDemoPayouts): a
 * period per month, January closed with the statement of the live rewards build and three of its payees paid (two
 * in full, one partly), February open.
 */
describe('seed demo: reporting history with publications and metrics', () => {
  let t: TestApp;
  let demo: DemoOrganization;
  let seeded: DemoActivitySummary;
  let ledger: DemoPayoutsSummary;
  const auth: Record<string, AuthHeaders> = {};

  const get = async (path: string, as: AuthHeaders = auth.administrator!) =>
    t.http.get(path).set(as).set('X-Min-Position', (await t.store.headPosition()).toString());

  beforeAll(async () => {
    t = await startTestApp();
    demo = await seedDemo(t);
    seeded = await seedDemoActivityOf(t, demo);
    ledger = await seedDemoPayoutsOf(t, demo, seeded);
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

  it('counts every unit\'s items submitted, adopted and instructed in the year, and its adoption rate (采用率)', async () => {
    const res = await get('/v1/rewards/leaderboard?subject=unit&by=adopted&period=2026&limit=100');
    expect(res.status).toBe(200);
    const rows = res.body.rows as { submitted: number; adopted: number; instructed: number; adoptionRate: number | null }[];
    const sum = (f: (r: (typeof rows)[number]) => number) => rows.reduce((n, r) => n + f(r), 0);
    // the twelve demo drafts, six of them adopted (items 01, 02, 05, 06, 09, 11), one with a leader's instruction
    expect([sum((r) => r.submitted), sum((r) => r.adopted), sum((r) => r.instructed)]).toEqual([12, 6, 1]);
    for (const r of rows) if (r.submitted > 0) expect(r.adoptionRate).toBeCloseTo(r.adopted / r.submitted, 4);
    const byPeople = await get('/v1/rewards/leaderboard?subject=member&by=adopted&period=2026&limit=100');
    expect((byPeople.body.rows as { submitted: number }[]).reduce((n, r) => n + r.submitted, 0)).toBe(12);
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

  it('opens a payout period per month, closes January and pays three of its payees (two in full, one partly), leaving February open', () => {
    expect(ledger.periods).toEqual([
      { periodId: '2026-01', from: '2026-01-01', to: '2026-01-31', status: 'closed', opened: true, closed: true, totals: expect.objectContaining({ payees: expect.any(Number) }) },
      { periodId: '2026-02', from: '2026-02-01', to: '2026-02-28', status: 'open', opened: true, closed: false, totals: null },
    ]);
    // January: items 01-05 (4 WeChat x 100 yuan, 1 Weibo x 20 yuan, tiers 100 + 200 + 100 yuan) and their 003-A points
    expect(ledger.periods[0]!.totals).toEqual({ payees: 11, lines: 21, amountFen: 84000, points: 126 });
    // 刑侦大队's reporter first (WeChat 100 + two tier steps 200 + Weibo 20 yuan), then the two at 200 yuan (办公室, 宣传科)
    const reporterOf = (unit: string) => demo.members.find((m) => m.role === 'reporter' && m.unitId === demo.units[unit])!.memberId;
    expect(ledger.payouts.map((p) => [p.amountFen, p.entitledFen])).toEqual([[32000, 32000], [20000, 20000], [10000, 20000]]);
    expect(ledger.payouts[0]!.payee.id).toBe(reporterOf('criminal'));
    expect(ledger.payouts.slice(1).map((p) => p.payee.id).sort()).toEqual([reporterOf('office'), reporterOf('publicity')].sort());
    expect(ledger.payouts.map((p) => [p.periodId, p.payee.kind, p.paidOn, p.recorded])).toEqual([
      ['2026-01', 'member', '2026-02-10', true],
      ['2026-01', 'member', '2026-02-10', true],
      ['2026-01', 'member', '2026-02-10', true],
    ]);
    const [first, second, partly] = ledger.payouts as [DemoPayoutsSummary['payouts'][number], DemoPayoutsSummary['payouts'][number], DemoPayoutsSummary['payouts'][number]];
    expect([first.amountFen, first.balanceFen, second.amountFen, second.balanceFen]).toEqual([first.entitledFen, 0, second.entitledFen, 0]);
    expect(partly.amountFen).toBeGreaterThan(0);
    expect(partly.balanceFen).toBe(partly.entitledFen - partly.amountFen);
    expect(partly.balanceFen).toBeGreaterThan(0);
    expect(new Set(ledger.payouts.map((p) => p.reference)).size).toBe(3);
    expect(ledger.appended).toBe(2 + 1 + 3);
  });

  it('shows the ledger at once: January closed with its statement (the rewards lines of January), entitled, paid and the balance of the paid payees', async () => {
    const res = await get('/v1/payouts/ledger', auth.finance);
    expect(res.status).toBe(200);
    expect(res.body.periods).toEqual([
      expect.objectContaining({ periodId: '2026-01', status: 'closed', checksum: expect.stringMatching(/^[0-9a-f]{64}$/) }),
      expect.objectContaining({ periodId: '2026-02', status: 'open', totals: null, checksum: null }),
    ]);
    // the closed statement is what the rewards read model says of January
    const january = await get('/v1/rewards/entitlements?period=2026-01');
    expect(res.body.periods[0].totals.amountFen).toBe(january.body.totals.amountFen);
    expect(res.body.periods[0].totals.points).toBe(january.body.totals.points);
    const rows = res.body.rows as LedgerRow[];
    expect(rows.every((r) => r.periodId === '2026-01')).toBe(true);
    for (const p of ledger.payouts) {
      const mine = await get(`/v1/rewards/entitlements?period=2026-01&payeeId=${p.payee.id}`);
      const row = rows.find((r) => r.payee.id === p.payee.id)!;
      expect(row).toMatchObject({ entitledFen: mine.body.totals.amountFen, adjustmentsFen: 0, totalFen: p.entitledFen, paidFen: p.amountFen, balanceFen: p.entitledFen - p.amountFen });
    }
    const balances = res.body.balances as { payee: { id: string }; balanceFen: number }[];
    const partly = ledger.payouts[2]!;
    expect(balances.find((b) => b.payee.id === partly.payee.id)!.balanceFen).toBe(partly.balanceFen);
    expect(balances.filter((b) => b.balanceFen > 0).length).toBeGreaterThan(0);
  });

  it('previews February, the open period, and gives a paid reporter their closed statement', async () => {
    const february = await get('/v1/payouts/periods/2026-02', auth.finance);
    expect(february.status).toBe(200);
    expect(february.body).toMatchObject({ periodId: '2026-02', status: 'open', preview: true });
    const lines = await get('/v1/rewards/entitlements?period=2026-02');
    expect(february.body.statement.totals.amountFen).toBe(lines.body.totals.amountFen);
    expect(february.body.statement.totals.amountFen).toBeGreaterThan(0);
    const partly = ledger.payouts[2]!;
    const mine = await get('/v1/payouts/periods/2026-01/my-statement', bearer(await t.tokenFor(partly.payee.id)));
    expect(mine.status).toBe(200);
    expect(mine.body).toMatchObject({ periodId: '2026-01', status: 'closed', preview: false, statement: { payee: partly.payee, totalFen: partly.entitledFen } });
  });

  it('appends nothing when seeded again: the open periods are no-ops, January is not closed again, the payouts are known by reference', async () => {
    const head = await t.store.headPosition();
    await seedDemo(t);
    const again = await seedDemoActivityOf(t, demo);
    expect(again.appended).toBe(0);
    const payoutsAgain = await seedDemoPayoutsOf(t, demo, again);
    expect(payoutsAgain.appended).toBe(0);
    expect(payoutsAgain.periods.map((p) => [p.periodId, p.status, p.opened, p.closed])).toEqual([
      ['2026-01', 'closed', false, false],
      ['2026-02', 'open', false, false],
    ]);
    expect(payoutsAgain.payouts.map((p) => [p.reference, p.amountFen, p.recorded])).toEqual(ledger.payouts.map((p) => [p.reference, p.amountFen, false]));
    expect(await t.store.headPosition()).toBe(head);
  });
});
