import { BulletinsService, ComplianceQueries } from '@app/compliance';
import { canonicalJson } from '@app/kernel';
import type { DemoOrganization } from '@app/organization';
import { PayoutsService, RewardsQueries } from '@app/rewards';
import { AuthHeaders, demoAuth, seedDemo, seedDemoActivityOf, seedDemoIncidentsOf, seedDemoPayoutsOf, seedDemoTimeFactsOf, startTestApp, TestApp } from '@test/support';

/**
 * As-of reports (issue 12 item 2): the leaderboard, the payout ledger, the compliance report and the bulletin as
 * they stood at a past position, from shadow builds stopped there, must equal what the live reports answered when
 * the log stood at that position; the same question twice gives the same bytes.
 */
describe('audit: as-of reports (HTTP)', () => {
  let t: TestApp;
  let demo: DemoOrganization;
  let auth: Record<string, AuthHeaders>;
  let h1: bigint;
  let h2: bigint;
  const captured: Record<string, string> = {};
  const LEADERBOARD = { subject: 'unit' as const, by: 'points' as const, range: { from: '2026-02-01', to: '2026-02-28' }, limit: 100 };

  /** The live reports now, as the query code answers them (build ids left out: they name the build, not the report). */
  async function live(): Promise<Record<string, string>> {
    const { buildId: _b, ...board } = await t.app.get(RewardsQueries).leaderboard(LEADERBOARD);
    const ledger = await t.app.get(PayoutsService).ledger({ limit: 500 });
    const { rows } = await t.app.get(ComplianceQueries).report('month', '2026-02');
    const bulletin = await t.app.get(BulletinsService).fresh('month', '2026-02');
    return {
      leaderboard: canonicalJson(board),
      'payout-ledger': canonicalJson({ position: ledger.position, periods: ledger.periods, rows: ledger.rows, balances: ledger.balances }),
      compliance: canonicalJson({ period: 'month', key: '2026-02', rows }),
      bulletin: canonicalJson({ content: bulletin.content, checksum: bulletin.checksum }),
    };
  }

  const QUERIES: Record<string, string> = {
    leaderboard: 'subject=unit&by=points&from=2026-02-01&to=2026-02-28&limit=100',
    'payout-ledger': '',
    compliance: 'period=month&key=2026-02',
    bulletin: 'period=month&key=2026-02',
  };
  const asOf = (report: string, at: string, as: AuthHeaders = auth.auditor!) => t.http.get(`/v1/audit/as-of/${report}?${at}${QUERIES[report] ? `&${QUERIES[report]}` : ''}`).set(as);

  beforeAll(async () => {
    t = await startTestApp();
    demo = await seedDemo(t);
    const activity = await seedDemoActivityOf(t, demo);
    await seedDemoIncidentsOf(t, demo);
    await t.settle();
    h1 = await t.store.headPosition();
    Object.assign(captured, await live());
    // then the log goes on: the payout ledger, the months ended and the deadlines passed
    await seedDemoPayoutsOf(t, demo, activity);
    await seedDemoTimeFactsOf(t);
    await t.settle();
    h2 = await t.store.headPosition();
    auth = await demoAuth(t, demo);
  }, 180_000);
  afterAll(() => t.close());

  it.each(['leaderboard', 'payout-ledger', 'compliance', 'bulletin'])('%s as of an earlier position equals the live report captured then', async (report) => {
    const res = await asOf(report, `position=${h1}`);
    expect({ status: res.status, body: res.status === 200 ? undefined : res.body }).toEqual({ status: 200, body: undefined });
    expect(res.body.positionRange).toEqual({ after: '0', upTo: h1.toString() });
    expect(canonicalJson(res.body.result)).toBe(captured[report]);
    expect(res.headers['x-as-of-builds']).toMatch(/^[a-z-]+=[a-z-]+:v\d+:[0-9a-f]{6}/);
  });

  it('the log moved on: the ledger and compliance differ now, and as of the head they equal the live ones', async () => {
    const now = await live();
    expect(now['payout-ledger']).not.toBe(captured['payout-ledger']);
    expect(now.compliance).not.toBe(captured.compliance);
    for (const report of ['payout-ledger', 'compliance']) {
      const res = await asOf(report, `position=${h2}`).expect(200);
      expect(canonicalJson(res.body.result)).toBe(now[report]);
    }
  });

  it('the same question gives the same bytes (and reuses the builds); the checksum is the result\'s', async () => {
    const a = await asOf('compliance', `position=${h1}`).expect(200);
    const b = await asOf('compliance', `position=${h1}`, auth.administrator!).expect(200);
    expect(b.text).toBe(a.text);
    expect(b.headers['x-as-of-builds']).toBe(a.headers['x-as-of-builds']);
    const { createHash } = await import('node:crypto');
    expect(a.body.checksum).toBe(createHash('sha256').update(canonicalJson(a.body.result)).digest('hex'));
  });

  it('an instant names the last position recorded at or before it', async () => {
    // to the microsecond, as recorded_at holds it (a millisecond instant would name an earlier position of that millisecond)
    const { rows } = await t.pool.query<{ at: string }>(`SELECT to_char(recorded_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS at FROM es_events WHERE global_position = $1`, [h1.toString()]);
    const res = await asOf('leaderboard', `at=${encodeURIComponent(rows[0]!.at)}`).expect(200);
    expect(res.body.positionRange.upTo).toBe(h1.toString());
  });

  it('refuses what it cannot answer, naming the field; only auditors and administrators may ask', async () => {
    expect((await t.http.get(`/v1/audit/as-of/leaderboard?position=${h1}`).set(auth.auditor!).expect(422)).body).toMatchObject({ type: 'urn:baosong:problem:as-of-parameter-missing', field: 'from' });
    expect((await asOf('compliance', `position=${h2 + 1000n}`).expect(422)).body).toMatchObject({ type: 'urn:baosong:problem:as-of-beyond-head', field: 'position' });
    await t.http.get(`/v1/audit/as-of/nothing?position=${h1}`).set(auth.auditor!).expect(400);
    await asOf('compliance', `position=${h1}&at=2026-01-01T00:00:00Z`).expect(400);
    await asOf('compliance', `position=${h1}`, auth.reporter!).expect(403);
  });
});
