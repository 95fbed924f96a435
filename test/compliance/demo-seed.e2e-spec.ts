import type { DemoOrganization } from '@app/organization';
import type { DemoIncidentsSummary } from '@app/incidents';
import {
  AuthHeaders,
  demoAuth,
  seedDemo,
  seedDemoActivityOf,
  seedDemoBulletinOf,
  seedDemoIncidentsOf,
  seedDemoPayoutsOf,
  seedDemoTimeFactsOf,
  startTestApp,
  TestApp,
} from '@test/support';

type Step = { key: string; status: string; lateByMinutes: number };

/**
 * `seed demo` gives a new user a compliance report and a bulletin at once (issue 11): on top of the institution, its
 * policies and two months of reporting (test clock 2 March 2026), three incidents in February under
 * county-government-002B (late after 2 h, concealed after 10 h, written report within 2 h), the time facts of the
 * demo's months (February ended) and of its deadlines, the payout ledger, and February's bulletin issued by the
 * office, through the same seed functions as the CLI and in the same order.
 */
describe('seed demo: incidents, compliance and a bulletin', () => {
  let t: TestApp;
  let demo: DemoOrganization;
  let incidents: DemoIncidentsSummary;
  let facts: { periods: number; elapsed: number };
  let bulletin: { issued: boolean; checksum: string };
  const auth: Record<string, AuthHeaders> = {};

  const get = async (path: string, as: AuthHeaders) => t.http.get(path).set(as).set('X-Min-Position', (await t.store.headPosition()).toString());

  beforeAll(async () => {
    t = await startTestApp();
    demo = await seedDemo(t);
    const activity = await seedDemoActivityOf(t, demo);
    incidents = await seedDemoIncidentsOf(t, demo);
    facts = await seedDemoTimeFactsOf(t);
    await seedDemoPayoutsOf(t, demo, activity);
    bulletin = await seedDemoBulletinOf(t, demo, incidents.month);
    Object.assign(auth, await demoAuth(t, demo));
    await t.settle();
  }, 180_000);
  afterAll(() => t.close());

  it('reports three February incidents: on time, late (迟报: 3 h after) and concealed (瞒报: 11 h after)', () => {
    expect(incidents.month).toBe('2026-02');
    expect(incidents.incidents.map((i) => i.firstReport)).toEqual(['on_time', 'late', 'concealed']);
    expect(incidents.appended).toBeGreaterThan(0);
  });

  it('records the ended periods and elapses the written report nobody filed: missed, as the incident shows', async () => {
    // days of January and February, and the two months (February ended at 2026-02-28T16:00Z)
    expect(facts.periods).toBeGreaterThanOrEqual(31 + 28 + 2);
    expect(facts.elapsed).toBeGreaterThanOrEqual(1);
    const concealed = incidents.incidents[2]!;
    const res = await get(`/v1/incidents/${concealed.incidentId}`, auth.principal_leader!);
    expect(res.status).toBe(200);
    const written = (res.body.steps as Step[]).find((s) => s.key === 'written_report');
    expect(written).toMatchObject({ status: 'missed' });
    const closed = await get(`/v1/incidents/${incidents.incidents[0]!.incidentId}`, auth.principal_leader!);
    expect(closed.body).toMatchObject({ status: 'closed' });
  });

  it('shows February compliance as final, with the late and concealed incidents in their units', async () => {
    const res = await get('/v1/compliance?period=month&key=2026-02', auth.office_reviewer!);
    expect(res.status).toBe(200);
    const rows = res.body.rows as { unitId: string; status: string; incidents: { late: number; concealed: number; missed: number } }[];
    expect(rows.length).toBeGreaterThan(5);
    expect(new Set(rows.map((r) => r.status))).toEqual(new Set(['final']));
    const unitOf = (i: number) => rows.find((r) => r.unitId === demo.units[['command', 'traffic', 'criminal'][i]!]);
    expect(unitOf(1)!.incidents.late).toBeGreaterThanOrEqual(1);
    expect(unitOf(2)!.incidents).toMatchObject({ concealed: 1, missed: 1 });
  });

  it('has February\'s bulletin issued: the stored content, its checksum, and a printable page naming the institution', async () => {
    expect(bulletin.checksum).toMatch(/^[0-9a-f]{64}$/);
    const issued = await get('/v1/bulletins/month/2026-02', auth.reporter!);
    expect(issued.status).toBe(200);
    expect(issued.body).toMatchObject({ as: 'issued', edition: 1, checksum: bulletin.checksum });
    const html = await get('/v1/bulletins/month/2026-02?format=html', auth.reporter!);
    expect(html.status).toBe(200);
    expect(html.text).toContain('2026年2月');
  });

  it('appends nothing when seeded again', async () => {
    const head = await t.store.headPosition();
    const again = await seedDemoIncidentsOf(t, demo);
    expect(again.appended).toBe(0);
    expect((await seedDemoTimeFactsOf(t)).periods).toBe(0);
    expect((await seedDemoBulletinOf(t, demo, '2026-02')).issued).toBe(false);
    expect(await t.store.headPosition()).toBe(head);
  });
});
