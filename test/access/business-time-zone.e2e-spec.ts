import { startTestApp, TestApp } from '@test/support';

/**
 * D16: the business date (appointments in force, the policy in force) is taken in BUSINESS_TIME_ZONE, not a zone
 * hard-coded in the guard. The test clock stands at 2026-03-02T01:00Z: 2026-03-02 in Asia/Shanghai (the default),
 * still 2026-03-01 in America/Los_Angeles.
 */
describe('business time zone (HTTP)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ env: { BUSINESS_TIME_ZONE: 'America/Los_Angeles' } });
  }, 60_000);
  afterAll(async () => {
    await t.close();
  });

  it('an appointment starting 2026-03-02 is not in force yet at 2026-03-02T01:00Z in Los Angeles, and is from local midnight on', async () => {
    const admin = { Authorization: `Bearer ${t.adminToken}` };
    const member = (await t.http.post('/v1/members').set(admin).send({ name: '洛杉矶管理员' }).expect(201)).body.memberId as string;
    await t.http.post(`/v1/members/${member}/appointments`).set(admin).send({ role: 'administrator', unitId: t.rootUnitId, startsOn: '2026-03-02' }).expect(201);
    const token = { Authorization: `Bearer ${await t.tokenFor(member)}` };
    await t.http.get('/v1/ops/projections').set(token).expect(403);
    t.clock.set('2026-03-02T08:00:00Z'); // 00:00 on 2026-03-02 in Los Angeles (PST, UTC-8)
    await t.http.get('/v1/ops/projections').set(token).expect(200);
  });
});
