import type { RecordedEvent } from '@app/event-store';
import { businessDate } from '@app/access';
import { deadlineIdFor, deterministicUuid, fold } from '@app/kernel';
import type { DeadlineElapsed } from '@app/kernel';
import type { EffectDelivery, ReactorContext, ReactorDefinition } from '@app/projections';
import { isIncidentDeadlineKind, isReminderKind } from '@app/incidents';
import type { IncidentCaseFiled, IncidentDue, IncidentFollowUpReported, IncidentReported } from '@app/incidents';
import { NotificationIssued, NotificationType, notificationsStream, WebhookEvent, WebhookRegistered, WebhookRemoved, WEBHOOKS_STREAM } from '../domain/notification.events';
import { webhooksDecider } from '../domain/webhook.decider';
import { reminderRecipients } from './recipients';
import { ReminderDeps, reminderDeps } from './reminder-deps';
import { signWebhookBody } from './webhook-signature';

const REMINDER_SUFFIX = ':reminder';
const INCIDENT_STREAM_PREFIX = 'incident-';

/** What a reminder is about (the payload of both tasks; no secret, no URL: GET /v1/ops/effects shows payloads). */
export interface ReminderPayload {
  readonly type: NotificationType;
  readonly kind: string;
  readonly deadlineId: string;
  readonly dueAt: string | null;
  readonly incident: { readonly incidentId: string; readonly unitId: string; readonly title: string; readonly severity: string };
  readonly reporterId: string;
  readonly [key: string]: unknown;
}
export interface WebhookPayload extends ReminderPayload {
  readonly webhookId: string;
}

/** The body a webhook receiver gets (signed as sent: the raw bytes). */
export function webhookBody(deliveryKey: string, p: ReminderPayload): string {
  return JSON.stringify({ deliveryKey, type: p.type, incident: p.incident, dueAt: p.dueAt, kind: p.kind, deadlineId: p.deadlineId });
}

/** The notification id a member gets for a delivery: the same key and member give the same id (and event id). */
export const notificationIdFor = (deliveryKey: string, memberId: string): string => deterministicUuid('notification', deliveryKey, memberId);

type Folded = RecordedEvent & (IncidentReported | IncidentFollowUpReported | IncidentCaseFiled | DeadlineElapsed | WebhookRegistered | WebhookRemoved);

/**
 * 催报 (issue 11 item 3). Folds who an incident concerns (unit, reporter, title, severity) and its dues into its
 * own tables, and the registered webhooks; on a DeadlineElapsed of an incident's stream with an incident kind it
 * records, live only, a `notify` effect (key: the deadline id) and one `webhook` effect per webhook registered at
 * that point of the log (key: deadline id + webhook id). A `:reminder` kind is "due soon" (dueAt: the matching
 * due's time), a due kind "overdue, nothing filed". The outbox records a key once per reactor (ON CONFLICT), so a
 * retried batch, a second instance or a replay records nothing twice; a rebuild and a shadow build record nothing.
 */
export function createIncidentRemindersReactor(deps: () => ReminderDeps): ReactorDefinition {
  return {
    kind: 'reactor',
    name: 'incident-reminders',
    version: 1,
    startFrom: 'beginning',
    tables: ['reminder_incidents', 'reminder_dues', 'reminder_webhooks'],
    eventTypes: ['IncidentReported', 'IncidentFollowUpReported', 'IncidentCaseFiled', 'DeadlineElapsed', 'WebhookRegistered', 'WebhookRemoved'],
    async setup(client, t) {
      await client.query(`
        CREATE TABLE ${t('reminder_incidents')} (incident_id text PRIMARY KEY, unit_id uuid NOT NULL, reported_by uuid NOT NULL, title text NOT NULL, severity text NOT NULL);
        CREATE TABLE ${t('reminder_dues')} (deadline_id uuid PRIMARY KEY, incident_id text NOT NULL, step text NOT NULL, due_at timestamptz NOT NULL);
        CREATE TABLE ${t('reminder_webhooks')} (webhook_id uuid PRIMARY KEY, registered_position bigint NOT NULL);
      `);
    },
    async apply(event, ctx) {
      await applyReminderEvent(event as Folded, ctx);
    },
    effects: {
      notify: (payload: ReminderPayload, delivery: EffectDelivery) => performNotify(deps(), payload, delivery),
      webhook: (payload: WebhookPayload, delivery: EffectDelivery) => performWebhook(deps(), payload, delivery),
    },
  };
}

export const incidentRemindersReactor: ReactorDefinition = createIncidentRemindersReactor(() => reminderDeps.get());

async function addDues(ctx: ReactorContext, incidentId: string, dues: readonly IncidentDue[]): Promise<void> {
  if (dues.length === 0) return;
  await ctx.client.query(
    `INSERT INTO ${ctx.t('reminder_dues')} (deadline_id, incident_id, step, due_at)
     SELECT d, $1, s, a FROM unnest($2::uuid[], $3::text[], $4::timestamptz[]) AS x(d, s, a)
     ON CONFLICT (deadline_id) DO UPDATE SET due_at = EXCLUDED.due_at`,
    [incidentId, dues.map((d) => d.deadlineId), dues.map((d) => d.step), dues.map((d) => d.dueAt)],
  );
}

async function applyReminderEvent(event: Folded, ctx: ReactorContext): Promise<void> {
  const { client, t } = ctx;
  switch (event.type) {
    case 'IncidentReported': {
      const d = event.data;
      await client.query(
        `INSERT INTO ${t('reminder_incidents')} (incident_id, unit_id, reported_by, title, severity) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (incident_id) DO NOTHING`,
        [d.incidentId, d.unitId, d.reportedBy, d.title, d.severity],
      );
      await addDues(ctx, d.incidentId, d.dues ?? []);
      return;
    }
    case 'IncidentFollowUpReported':
      if (event.data.nextDue) await addDues(ctx, event.data.incidentId, [event.data.nextDue]);
      return;
    case 'IncidentCaseFiled':
      if (event.data.due) await addDues(ctx, event.data.incidentId, [event.data.due]);
      return;
    case 'WebhookRegistered':
      await client.query(`INSERT INTO ${t('reminder_webhooks')} (webhook_id, registered_position) VALUES ($1, $2) ON CONFLICT (webhook_id) DO NOTHING`, [event.data.webhookId, event.position.toString()]);
      return;
    case 'WebhookRemoved':
      await client.query(`DELETE FROM ${t('reminder_webhooks')} WHERE webhook_id = $1`, [event.data.webhookId]);
      return;
    case 'DeadlineElapsed':
      await onElapsed(event as RecordedEvent & DeadlineElapsed, ctx);
      return;
    default:
      return;
  }
}

async function onElapsed(event: RecordedEvent & DeadlineElapsed, ctx: ReactorContext): Promise<void> {
  const { kind, deadlineId, subject } = event.data;
  if (!event.streamId.startsWith(INCIDENT_STREAM_PREFIX) || !isIncidentDeadlineKind(kind)) return;
  if (!ctx.live) return; // history, a rebuild, a shadow build: nothing to look up, nothing to send
  const incidentId = event.streamId.slice(INCIDENT_STREAM_PREFIX.length);
  const found = await ctx.client.query<{ unit_id: string; reported_by: string; title: string; severity: string }>(
    `SELECT unit_id, reported_by, title, severity FROM ${ctx.t('reminder_incidents')} WHERE incident_id = $1`,
    [incidentId],
  );
  const incident = found.rows[0];
  if (!incident) return;
  const reminder = isReminderKind(kind);
  let dueAt: string | null = event.data.dueAt;
  if (reminder) {
    const dueKind = kind.slice(0, -REMINDER_SUFFIX.length);
    const due = await ctx.client.query<{ due_at: Date }>(`SELECT due_at FROM ${ctx.t('reminder_dues')} WHERE deadline_id = $1`, [deadlineIdFor(dueKind, subject || event.streamId)]);
    dueAt = due.rows[0]?.due_at.toISOString() ?? null;
  }
  const payload: ReminderPayload = {
    type: reminder ? 'incident.reminder' : 'incident.overdue',
    kind,
    deadlineId,
    dueAt,
    incident: { incidentId, unitId: incident.unit_id, title: incident.title, severity: incident.severity },
    reporterId: incident.reported_by,
  };
  await ctx.effect(deadlineId, { task: 'notify', payload: payload as never });
  const hooks = await ctx.client.query<{ webhook_id: string }>(`SELECT webhook_id FROM ${ctx.t('reminder_webhooks')} ORDER BY webhook_id`);
  for (const h of hooks.rows) {
    await ctx.effect(`${deadlineId}:${h.webhook_id}`, { task: 'webhook', payload: { ...payload, webhookId: h.webhook_id } as never });
  }
}

/** Appends one NotificationIssued per recipient, each with an event id of (key, member): a redelivery appends nothing. */
async function performNotify(deps: ReminderDeps, p: ReminderPayload, delivery: EffectDelivery): Promise<void> {
  const now = deps.clock.now();
  const recipients = await reminderRecipients(deps.pool, { unitId: p.incident.unitId, reporterId: p.reporterId }, businessDate(now, deps.timeZone));
  for (const r of recipients) {
    const notificationId = notificationIdFor(delivery.key, r.memberId);
    const event: NotificationIssued = {
      type: 'NotificationIssued',
      data: { notificationId, memberId: r.memberId, type: p.type, reason: r.reason, incident: p.incident, kind: p.kind, deadlineId: p.deadlineId, dueAt: p.dueAt, deliveryKey: delivery.key, issuedAt: now.toISOString() },
    };
    await deps.store.appendToStream(notificationsStream(r.memberId), [
      { type: event.type, data: event.data, metadata: { eventId: notificationId, commandId: notificationId, correlationId: delivery.key, causationId: delivery.key, actorId: 'system', schemaVersion: 1 } },
    ]);
  }
}

/** POSTs the signed body; a non-2xx answer, a network error or a timeout throws, so the dispatcher retries. */
async function performWebhook(deps: ReminderDeps, p: WebhookPayload, delivery: EffectDelivery): Promise<void> {
  const hooks = fold(webhooksDecider, (await deps.store.readStream(WEBHOOKS_STREAM)) as unknown as WebhookEvent[]);
  const hook = hooks.active.get(p.webhookId);
  if (!hook) return; // removed since: nothing to send
  const body = webhookBody(delivery.key, p);
  const timestamp = deps.clock.now().toISOString();
  const response = await fetch(hook.url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-baosong-delivery': delivery.key,
      'x-baosong-signature': signWebhookBody(body, hook.secret, timestamp),
      'x-baosong-timestamp': timestamp,
      'x-baosong-attempt': String(delivery.attempt),
    },
    body,
    redirect: 'manual',
    signal: AbortSignal.timeout(deps.webhookTimeoutMs),
  });
  await response.arrayBuffer().catch(() => undefined);
  if (response.status < 200 || response.status >= 300) throw new Error(`webhook ${p.webhookId} answered ${response.status}`);
}
