import type { DemoOrganization } from '@app/organization';
import { listEffects } from '@app/projections';
import { bearer, AuthHeaders, startDemoApp, TestApp } from '@test/support';
import { appendDeadlineElapsed, appendIncidentReported } from '../../libs/notifications/src/testing/incident-fixtures';
import { WebhookReceiver } from '../../libs/notifications/src/testing/webhook-receiver';
import { verifyWebhookSignature } from '../../libs/notifications/src/reminders/webhook-signature';

const SECRET = 'e2e-shared-secret-0123456789';
const DUE = '2026-03-02T02:15:00.000Z';
const REMIND = '2026-03-02T01:45:00.000Z';

/**
 * 催报 through HTTP (issue 11 item 3): an administrator registers a webhook; the reminder before an incident's
 * written report and its passing with nothing filed (the scheduler's DeadlineElapsed, appended here as the
 * fixture of the incident events contract) reach the reporter and the unit head in their inboxes and the
 * receiver, signed; members mark their own notifications read and cannot see or mark another's.
 */
describe('notifications and webhooks (HTTP)', () => {
  let t: TestApp;
  let demo: DemoOrganization;
  let admin: AuthHeaders;
  let duty: AuthHeaders;
  let head: AuthHeaders;
  let reporter: AuthHeaders;
  const receiver = new WebhookReceiver();
  let webhookId = '';
  let incident: Awaited<ReturnType<typeof appendIncidentReported>>;

  const until = async (condition: () => Promise<boolean>, what: string): Promise<void> => {
    const deadline = Date.now() + 30_000;
    while (!(await condition())) {
      if (Date.now() > deadline) throw new Error(`not reached within 30 s: ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };

  beforeAll(async () => {
    await receiver.start();
    const app = await startDemoApp();
    t = app.t;
    demo = app.demo;
    admin = app.admin;
    reporter = app.reporter;
    duty = bearer(await t.tokenFor(demo.byRole.duty_officer.memberId));
    const headOfCommand = demo.members.find((m) => m.role === 'unit_head' && m.unitId === demo.units.command)!;
    head = bearer(await t.tokenFor(headOfCommand.memberId));
  }, 120_000);
  afterAll(async () => {
    await t.close();
    await receiver.stop();
  });

  it('registers a webhook (http(s) only) and lists it without its secret', async () => {
    const bad = await t.http.post('/v1/notification-webhooks').set(admin).send({ url: 'ftp://hooks.example.org/x', secret: SECRET }).expect(422);
    expect(bad.body).toMatchObject({ type: 'urn:baosong:problem:webhook-url-invalid' });
    await t.http.post('/v1/notification-webhooks').set(admin).send({ url: 'https://user:pw@hooks.example.org/x', secret: SECRET }).expect(422);
    await t.http.post('/v1/notification-webhooks').set(admin).send({ url: receiver.url, secret: 'short' }).expect(400);
    await t.http.post('/v1/notification-webhooks').set(duty).send({ url: receiver.url, secret: SECRET }).expect(403);
    const created = await t.http.post('/v1/notification-webhooks').set(admin).set('Idempotency-Key', 'e2e-webhook-0001').send({ url: receiver.url, secret: SECRET, description: '值班系统' }).expect(201);
    webhookId = created.body.webhookId;
    const again = await t.http.post('/v1/notification-webhooks').set(admin).set('Idempotency-Key', 'e2e-webhook-0001').send({ url: receiver.url, secret: SECRET, description: '值班系统' }).expect(201);
    expect(again.body).toMatchObject({ webhookId, duplicate: true });
    const list = await t.http.get('/v1/notification-webhooks').set(admin).expect(200);
    expect(list.body.items).toEqual([{ webhookId, url: receiver.url, description: '值班系统', registeredAt: expect.any(String) }]);
    expect(JSON.stringify(list.body)).not.toContain(SECRET);
  });

  it('a reminder and an overdue notice: one notification per recipient, newest first, one signed delivery each', async () => {
    await t.settle();
    incident = await appendIncidentReported(t.store, { unitId: demo.units.command!, reportedBy: demo.byRole.duty_officer.memberId, dueAt: DUE, remindAt: REMIND });
    const performed = (n: number) => async () => {
      const e = await listEffects(t.pool, { reactor: 'incident-reminders' });
      return e.length === n && e.every((x) => x.status === 'performed');
    };
    // the reminder (30 minutes before the due time), then the due time passing with nothing filed
    await appendDeadlineElapsed(t.store, incident.stream, incident.reminderId, 'incident-written_report:reminder', REMIND);
    await t.settle();
    await until(performed(2), 'the reminder performed');
    await appendDeadlineElapsed(t.store, incident.stream, incident.dueId, 'incident-written_report', DUE);
    await t.settle();
    await until(performed(4), 'the overdue notice performed');
    await t.settle();

    const mine = (await t.http.get('/v1/notifications').set(duty).expect(200)).body;
    expect(mine.unreadCount).toBe(2);
    expect(mine.next).toBeNull();
    expect(mine.items.map((n: { type: string; dueAt: string; reason: string }) => [n.type, n.dueAt, n.reason])).toEqual([
      ['incident.overdue', DUE, 'reporter'],
      ['incident.reminder', DUE, 'reporter'],
    ]);
    expect(mine.items[0]).toMatchObject({ incident: { incidentId: incident.incidentId, unitId: demo.units.command, title: '某路段交通事故', severity: 'major' }, read: false, readAt: null });
    const heads = (await t.http.get('/v1/notifications').set(head).expect(200)).body;
    expect(heads.items.map((n: { type: string; reason: string }) => [n.type, n.reason])).toEqual([
      ['incident.overdue', 'unit_head'],
      ['incident.reminder', 'unit_head'],
    ]);
    // not concerned: the reporter of another unit
    expect((await t.http.get('/v1/notifications').set(reporter).expect(200)).body).toEqual({ items: [], unreadCount: 0, next: null });

    const got = receiver.accepted();
    expect(got.map((d) => d.headers['x-baosong-delivery']).sort()).toEqual([`${incident.dueId}:${webhookId}`, `${incident.reminderId}:${webhookId}`].sort());
    for (const d of got) expect(verifyWebhookSignature(d.body, SECRET, { signature: d.headers['x-baosong-signature'] as string, timestamp: d.headers['x-baosong-timestamp'] as string }, t.clock.now())).toBe(true);

    // pages: newest first, the cursor continues
    const first = (await t.http.get('/v1/notifications?limit=1').set(duty).expect(200)).body;
    expect(first.items.map((n: { type: string }) => n.type)).toEqual(['incident.overdue']);
    const second = (await t.http.get(`/v1/notifications?limit=1&cursor=${first.next}`).set(duty).expect(200)).body;
    expect(second).toMatchObject({ items: [expect.objectContaining({ type: 'incident.reminder' })], next: null, unreadCount: 2 });
    await t.http.get('/v1/notifications?cursor=not-a-cursor').set(duty).expect(400);
  }, 60_000);

  it('marks read (twice is a no-op 200), filters unread, and another member can neither see nor mark mine', async () => {
    const mine = (await t.http.get('/v1/notifications').set(duty).expect(200)).body.items as { notificationId: string; type: string }[];
    const overdue = mine.find((n) => n.type === 'incident.overdue')!;
    const marked = await t.http.post(`/v1/notifications/${overdue.notificationId}/read`).set(duty).expect(200);
    expect(marked.body).toMatchObject({ notificationId: overdue.notificationId, changed: true });
    const twice = await t.http.post(`/v1/notifications/${overdue.notificationId}/read`).set(duty).expect(200);
    expect(twice.body).toMatchObject({ changed: false });
    await t.http.post(`/v1/notifications/${overdue.notificationId}/read`).set(head).expect(404);
    await t.http.post('/v1/notifications/00000000-0000-4000-8000-0000000000ff/read').set(duty).expect(404);
    await t.settle();

    const unread = (await t.http.get('/v1/notifications?unread=true').set(duty).expect(200)).body;
    expect(unread.items.map((n: { type: string }) => n.type)).toEqual(['incident.reminder']);
    expect(unread.unreadCount).toBe(1);
    const all = (await t.http.get('/v1/notifications').set(duty).expect(200)).body;
    expect(all.items.find((n: { notificationId: string }) => n.notificationId === overdue.notificationId)).toMatchObject({ read: true, readAt: expect.any(String) });
    // the unit head's are untouched, and never listed to another member
    const heads = (await t.http.get('/v1/notifications').set(head).expect(200)).body;
    expect(heads.unreadCount).toBe(2);
    expect(heads.items.map((n: { notificationId: string }) => n.notificationId)).not.toContain(overdue.notificationId);
  });

  it('removes the webhook: gone from the list, a second removal is 404', async () => {
    await t.http.delete(`/v1/notification-webhooks/${webhookId}`).set(duty).expect(403);
    await t.http.delete(`/v1/notification-webhooks/${webhookId}`).set(admin).expect(200);
    expect((await t.http.get('/v1/notification-webhooks').set(admin).expect(200)).body.items).toEqual([]);
    await t.http.delete(`/v1/notification-webhooks/${webhookId}`).set(admin).expect(404);
  });
});
