import { CommandRunner } from '@app/event-store';
import { DemoOrganization, seedDemoOrganization } from '@app/organization';
import { startTestApp, TestApp } from '@test/support';
import { expectRefused } from './refused';

/**
 * Counterexamples the fuzzer (test/fuzz, seed 20261201) found against the code before issue 8's edge fixes, each
 * a 500 then: kept here as they were found, so they stay 400s.
 */
describe('fuzzer counterexamples (HTTP)', () => {
  let t: TestApp;
  let demo: DemoOrganization;
  let admin: { Authorization: string };
  let reporter: { Authorization: string };
  let draftId: string;
  const deep = `{"a":${'['.repeat(5000)}${']'.repeat(5000)}}`; // refused where it passes 32 levels

  beforeAll(async () => {
    t = await startTestApp();
    demo = await seedDemoOrganization(t.app.get(CommandRunner), t.clock.now());
    admin = { Authorization: `Bearer ${t.adminToken}` };
    reporter = { Authorization: `Bearer ${await t.tokenFor(demo.byRole.reporter.memberId)}` };
    draftId = (await t.http
      .post('/v1/drafts')
      .set(reporter)
      .send({ unitId: demo.units.office, title: '夏季治安整治', body: '3月1日,我局开展行动。', contentType: 'general', source: 'original', firstRelease: 'exclusive', targetPlatforms: ['wechat'], authors: [demo.byRole.reporter.memberId], importance: 'general', destination: 'external' })
      .expect(201)).body.draftId as string;
    await t.settle();
  }, 60_000);
  afterAll(async () => {
    await t.close();
  });

  it('POST /v1/members {"name":"\\u0000"}', async () => {
    await expectRefused(t, 400, () => t.http.post('/v1/members').set(admin).set('Content-Type', 'application/json').send('{"name":"\\u0000"}'), 'name');
  });
  it('PATCH /v1/members/:memberId {"name":"\\u0000"}', async () => {
    const memberId = demo.members.find((m) => m.role === 'unit_head')!.memberId;
    await expectRefused(t, 400, () => t.http.patch(`/v1/members/${memberId}`).set(admin).set('Idempotency-Key', 'aaaaaaaA').set('Content-Type', 'application/json').send('{"name":"\\u0000"}'), 'name');
  });
  it('POST /v1/channels/:channelId/retire {"reason":"\\u0000"}', async () => {
    await expectRefused(t, 400, () => t.http.post(`/v1/channels/${demo.channels.wechat!}/retire`).set(admin).set('Content-Type', 'application/json').send('{"reason":"\\u0000"}'), 'reason');
  });
  it('PUT /v1/units/:unitId/name {"name":"\\u0000"}', async () => {
    await expectRefused(t, 400, () => t.http.put(`/v1/units/${demo.units.office!}/name`).set(admin).set('Content-Type', 'application/json').send('{"name":"\\u0000"}'), 'name');
  });
  it.each(['', '/publications', '/adoptions', '/excellent-ratings', '/instructions', '/retract'])('a body nested 5,000 levels deep to /v1/drafts/:draftId%s', async (suffix) => {
    const send = () => (suffix === '' ? t.http.put(`/v1/drafts/${draftId}`) : t.http.post(`/v1/drafts/${draftId}${suffix}`));
    await expectRefused(t, 400, () => send().set(reporter).set('If-Match', '"0"').set('Content-Type', 'application/json').send(deep), `a${'.0'.repeat(31)}`);
  });
  it.each(['/v1/channels', '/v1/appointments', '/v1/drafts', '/v1/commissions', '/v1/drafts/mine', '/v1/review-inbox'])('GET %s?offset=1e%2B308', async (path) => {
    await expectRefused(t, 400, () => t.http.get(`${path}?offset=1e%2B308`).set(admin), 'offset');
  });
});
