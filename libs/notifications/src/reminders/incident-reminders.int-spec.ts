import { CommandRunner, UpcasterRegistry } from '@app/event-store';
import type { Clock } from '@app/kernel';
import { orgDirectoryProjection, orgTreeProjection, seedDemoOrganization, DemoOrganization } from '@app/organization';
import { EffectDispatcher, listEffects, ReactorDefinition, waitForProjections } from '@app/projections';
import { useRuntimeHarness } from '../../../projections/src/testing/runtime-harness';
import { TEST_DISPATCH } from '../../../projections/src/effects/testing/notifier.fixture';
import { notificationsProjection } from '../read/notifications.projection';
import { appendDeadlineElapsed, appendIncidentReported, appendWebhookRegistered } from '../testing/incident-fixtures';
import { WebhookReceiver } from '../testing/webhook-receiver';
import { createIncidentRemindersReactor, notificationIdFor, ReminderPayload } from './incident-reminders.reactor';
import { verifyWebhookSignature } from './webhook-signature';

const NOW = new Date('2026-03-02T01:00:00.000Z');
const SECRET = 'a-shared-secret-of-the-receiver';
const DUE = '2026-03-02T02:15:00.000Z';
const REMIND = '2026-03-02T01:45:00.000Z';

/**
 * 催报 (issue 11 item 3) over PostgreSQL: the incident-reminders reactor, the notify and webhook tasks, the
 * notifications projection. Reminders go out through the outbox only for live events: never in a rebuild or a
 * replay; never twice for the same deadline and step (key: the deadline id; a notification's id: key + member).
 */
describe('incident reminders (reactor, notifications, webhooks)', () => {
  const h = useRuntimeHarness();
  const receiver = new WebhookReceiver();
  const dispatchers: EffectDispatcher[] = [];
  let demo: DemoOrganization;
  let reactor: ReactorDefinition;
  const clock: Clock = { now: () => NOW };

  beforeEach(async () => {
    await receiver.start();
    receiver.status = 204;
    receiver.received.length = 0;
    demo = await seedDemoOrganization(new CommandRunner(h.store, new UpcasterRegistry()), NOW);
    reactor = createIncidentRemindersReactor(() => ({ pool: h.db.pool, store: h.store, clock, timeZone: 'Asia/Shanghai', webhookTimeoutMs: 2000 }));
  });
  afterEach(async () => {
    for (const d of dispatchers.splice(0)) await d.stop();
    await receiver.stop();
  });

  const until = async (condition: () => Promise<boolean>, what: string, ms = 20_000): Promise<void> => {
    const deadline = Date.now() + ms;
    while (!(await condition())) {
      if (Date.now() > deadline) throw new Error(`not reached within ${ms} ms: ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };
  const effects = () => listEffects(h.db.pool, { reactor: 'incident-reminders' });
  const settled = async (n: number) => {
    const all = await effects();
    return all.length === n && all.every((e) => e.status === 'performed');
  };
  const notifications = async () =>
    (await h.db.pool.query(`SELECT notification_id, member_id, type, reason, kind, deadline_id, due_at, delivery_key, read_at, position FROM rm.notifications ORDER BY position, notification_id`)).rows;

  /** The duty officer (command section) reports for the command section: its unit head is told too. */
  const duty = () => demo.byRole.duty_officer;
  const headOfCommand = () => demo.members.find((m) => m.role === 'unit_head' && m.unitId === demo.units.command)!;

  async function start(def: ReactorDefinition = reactor) {
    const d = new EffectDispatcher(h.db.pool, [def], TEST_DISPATCH);
    dispatchers.push(d);
    await d.start();
    const r = h.runtime([orgTreeProjection, orgDirectoryProjection, notificationsProjection, def], { batchSize: 20 });
    await r.start();
    await waitForProjections(h.db.pool, h.store, r);
    return r;
  }

  it('a live reminder and a live due each give one notification per recipient and one signed webhook delivery with the stable key; a rebuild sends nothing', async () => {
    const r = await start();
    const webhookId = await appendWebhookRegistered(h.store, { url: receiver.url, secret: SECRET });
    const inc = await appendIncidentReported(h.store, { unitId: demo.units.command!, reportedBy: duty().memberId, dueAt: DUE, remindAt: REMIND });
    await appendDeadlineElapsed(h.store, inc.stream, inc.reminderId, 'incident-written_report:reminder', REMIND);
    await appendDeadlineElapsed(h.store, inc.stream, inc.dueId, 'incident-written_report', DUE);
    await waitForProjections(h.db.pool, h.store, r);
    await until(() => settled(4), 'notify + webhook for the reminder and the due');
    await waitForProjections(h.db.pool, h.store, r);

    expect((await effects()).map((e) => [e.task, e.key]).sort()).toEqual(
      [
        ['notify', inc.reminderId],
        ['notify', inc.dueId],
        ['webhook', `${inc.reminderId}:${webhookId}`],
        ['webhook', `${inc.dueId}:${webhookId}`],
      ].sort(),
    );
    // recipients: the reporter (the duty officer, whose duty_officer appointment also covers the unit) and the unit head
    const rows = await notifications();
    expect(rows.map((n) => [n.member_id, n.type, n.reason, n.delivery_key]).sort()).toEqual(
      [
        [duty().memberId, 'incident.reminder', 'reporter', inc.reminderId],
        [headOfCommand().memberId, 'incident.reminder', 'unit_head', inc.reminderId],
        [duty().memberId, 'incident.overdue', 'reporter', inc.dueId],
        [headOfCommand().memberId, 'incident.overdue', 'unit_head', inc.dueId],
      ].sort(),
    );
    // the reminder names the due time of the report it is about, not its own
    expect(rows.filter((n) => n.type === 'incident.reminder').map((n) => n.due_at.toISOString())).toEqual([DUE, DUE]);
    expect(rows.map((n) => n.notification_id).sort()).toEqual(rows.map((n) => notificationIdFor(n.delivery_key, n.member_id)).sort());

    const got = receiver.accepted();
    expect(got).toHaveLength(2);
    for (const d of got) {
      const header = { signature: d.headers['x-baosong-signature'] as string, timestamp: d.headers['x-baosong-timestamp'] as string };
      expect(verifyWebhookSignature(d.body, SECRET, header, NOW)).toBe(true);
      expect(verifyWebhookSignature(d.body, 'another secret', header, NOW)).toBe(false);
      // the timestamp is signed (a replay with a fresh one fails) and comes from the clock
      expect(header.timestamp).toBe(NOW.toISOString());
      expect(verifyWebhookSignature(d.body, SECRET, { ...header, timestamp: new Date(NOW.getTime() + 1000).toISOString() }, NOW)).toBe(false);
      expect(verifyWebhookSignature(d.body, SECRET, header, new Date(NOW.getTime() + 10 * 60_000))).toBe(false);
      const body = JSON.parse(d.body);
      expect(d.headers['x-baosong-delivery']).toBe(body.deliveryKey);
    }
    expect(got.map((d) => JSON.parse(d.body)).sort((a, b) => a.type.localeCompare(b.type))).toEqual([
      { deliveryKey: `${inc.dueId}:${webhookId}`, type: 'incident.overdue', kind: 'incident-written_report', dueAt: DUE, deadlineId: inc.dueId, incident: { incidentId: inc.incidentId, unitId: demo.units.command, title: '某路段交通事故', severity: 'major' } },
      { deliveryKey: `${inc.reminderId}:${webhookId}`, type: 'incident.reminder', kind: 'incident-written_report:reminder', dueAt: DUE, deadlineId: inc.reminderId, incident: { incidentId: inc.incidentId, unitId: demo.units.command, title: '某路段交通事故', severity: 'major' } },
    ]);

    // a rebuild of the reactor and of the notifications projection: nothing recorded, sent or issued again
    const before = await notifications();
    const liveBuilds = async () => (await h.db.pool.query(`SELECT projection, build_id FROM projection_builds WHERE projection IN ('incident-reminders', 'notifications') AND state = 'live' ORDER BY projection`)).rows;
    const buildsBefore = await liveBuilds();
    await r.requestRebuild('incident-reminders');
    await r.requestRebuild('notifications');
    await until(async () => {
      const { rows: b } = await h.db.pool.query(`SELECT count(*)::int AS n FROM projection_builds WHERE projection IN ('incident-reminders', 'notifications') AND state NOT IN ('live', 'retired')`);
      return b[0].n === 0;
    }, 'both rebuilds live');
    await waitForProjections(h.db.pool, h.store, r);
    await new Promise((resolve) => setTimeout(resolve, 1500)); // a dispatcher poll or two: anything new would show
    const buildsAfter = await liveBuilds();
    expect(buildsAfter).toHaveLength(2);
    buildsAfter.forEach((b, i) => expect(b.build_id).not.toBe(buildsBefore[i].build_id)); // really rebuilt
    expect(await effects()).toHaveLength(4);
    expect(receiver.received).toHaveLength(2);
    expect(await notifications()).toEqual(before);
  }, 60_000);

  it('a reminder is sent once even when its batch is retried (a poison event later in the batch) and when its effect is delivered again', async () => {
    const poisoned: ReactorDefinition = {
      ...reactor,
      eventTypes: [...reactor.eventTypes!, 'Poison'],
      async apply(event, ctx) {
        if (event.type === 'Poison') throw new Error('cannot digest Poison');
        return reactor.apply(event, ctx);
      },
    };
    const r = await start(poisoned);
    const webhookId = await appendWebhookRegistered(h.store, { url: receiver.url, secret: SECRET });
    const inc = await appendIncidentReported(h.store, { unitId: demo.units.command!, reportedBy: duty().memberId, dueAt: DUE, remindAt: REMIND });
    // one append, one batch: DeadlineElapsed records its effects, then Poison fails the batch; the runtime rolls
    // back and applies the batch again event by event: the elapsed event records them again, Poison stops it
    await appendDeadlineElapsed(h.store, inc.stream, inc.reminderId, 'incident-written_report:reminder', REMIND, [{ type: 'Poison', data: {} }]);
    await expect(waitForProjections(h.db.pool, h.store, r)).rejects.toThrow(/incident-reminders stopped: Poison/);
    await until(() => settled(2), 'the reminder delivered');
    expect((await effects()).map((e) => [e.task, e.key, e.attempts])).toEqual(expect.arrayContaining([['notify', inc.reminderId, 1], ['webhook', `${inc.reminderId}:${webhookId}`, 1]]));
    expect(receiver.accepted()).toHaveLength(1);

    // at least once: the dispatcher may deliver the notify effect again (a crash before it recorded the outcome)
    const notify = (await effects()).find((e) => e.task === 'notify')!;
    await reactor.effects.notify!(notify.payload as ReminderPayload, { key: notify.key, reactor: 'incident-reminders', attempt: 2 });
    const issued = await h.store.readAll({ after: 0n, types: ['NotificationIssued'] });
    expect(issued.map((e) => [e.streamId, (e.data as { deliveryKey: string }).deliveryKey]).sort()).toEqual(
      [
        [`notifications-${duty().memberId}`, inc.reminderId],
        [`notifications-${headOfCommand().memberId}`, inc.reminderId],
      ].sort(),
    );
  }, 60_000);

  it('the receiver down (500) then back: delivered once it answers 2xx, every attempt with the same key and a valid signature', async () => {
    receiver.status = 500;
    const r = await start();
    const webhookId = await appendWebhookRegistered(h.store, { url: receiver.url, secret: SECRET });
    const inc = await appendIncidentReported(h.store, { unitId: demo.units.command!, reportedBy: duty().memberId, dueAt: DUE, remindAt: REMIND });
    await appendDeadlineElapsed(h.store, inc.stream, inc.dueId, 'incident-written_report', DUE);
    await waitForProjections(h.db.pool, h.store, r);
    await until(async () => receiver.received.length >= 1, 'the first (failing) attempt');
    const hook = async () => (await effects()).find((e) => e.task === 'webhook')!;
    expect((await hook()).status).toBe('pending');
    receiver.status = 200;
    await until(async () => (await hook()).status === 'performed', 'delivered after the receiver is back');
    expect(receiver.accepted()).toHaveLength(1);
    const keys = new Set(receiver.received.map((d) => d.headers['x-baosong-delivery']));
    expect(keys).toEqual(new Set([`${inc.dueId}:${webhookId}`]));
    expect(receiver.received.every((d) => verifyWebhookSignature(d.body, SECRET, { signature: d.headers['x-baosong-signature'] as string, timestamp: d.headers['x-baosong-timestamp'] as string }, NOW))).toBe(true);
    expect((await hook()).attempts).toBe(receiver.received.length);
    expect((await hook()).attempts).toBeGreaterThanOrEqual(2);
  }, 60_000);

  it('history (events before the reactor first started) and a deadline of another kind send nothing', async () => {
    const inc = await appendIncidentReported(h.store, { unitId: demo.units.command!, reportedBy: duty().memberId, dueAt: DUE, remindAt: REMIND });
    await appendDeadlineElapsed(h.store, inc.stream, inc.dueId, 'incident-written_report', DUE);
    const r = await start();
    await appendDeadlineElapsed(h.store, 'commission-x', 'd7a0f1d2-0000-4000-8000-000000000001', 'commission-deadline', DUE);
    await waitForProjections(h.db.pool, h.store, r);
    expect(await effects()).toEqual([]);
  }, 30_000);
});
