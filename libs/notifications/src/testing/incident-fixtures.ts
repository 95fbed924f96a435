import { deadlineIdFor, deterministicUuid, newId } from '@app/kernel';
import type { EventStore } from '@app/event-store';
import { incidentDeadlineKind, incidentReminderKind, incidentStream } from '@app/incidents';
import type { IncidentReported } from '@app/incidents';
import type { DeadlineElapsed } from '@app/kernel';
import { WEBHOOKS_STREAM, WebhookRegistered } from '../domain/notification.events';

const meta = (eventId: string) => ({ eventId, commandId: eventId, correlationId: eventId, causationId: eventId, actorId: 'test', schemaVersion: 1 });

/**
 * Incident events in the shapes of libs/incidents/src/domain/incident.events.ts, appended directly (fixtures of
 * the contract: the reminders do not depend on how the incidents context decides them).
 */
export async function appendIncidentReported(store: EventStore, o: { incidentId?: string; unitId: string; reportedBy: string; dueAt: string; remindAt: string }): Promise<{ incidentId: string; stream: string; dueKind: string; dueId: string; reminderId: string }> {
  const incidentId = o.incidentId ?? newId();
  const stream = incidentStream(incidentId);
  const dueKind = incidentDeadlineKind('written_report');
  const dueId = deadlineIdFor(dueKind, stream);
  const reminderId = deadlineIdFor(incidentReminderKind(dueKind), stream);
  const data: IncidentReported['data'] = {
    incidentId,
    unitId: o.unitId,
    reportedBy: o.reportedBy,
    title: '某路段交通事故',
    categoryKey: 'traffic',
    categoryPath: ['accident', 'traffic'],
    severity: 'major',
    thresholdsReached: ['injured>=1'],
    occurredAt: '2026-03-02T00:00:00.000Z',
    discoveredAt: '2026-03-02T00:05:00.000Z',
    reportedAt: '2026-03-02T00:15:00.000Z',
    channel: 'phone',
    place: '某路',
    unitsInvolved: [],
    peopleInvolved: [],
    course: '两车相撞',
    casualties: { deaths: 0, injured: 1, hospitalisedDays: 2 },
    directLossYuan: 3000,
    cause: null,
    measures: null,
    signer: null,
    contact: { name: '值班员', phone: '110' },
    policy: { policyId: 'p', policyVersion: 1, ruleId: 'r' },
    firstReport: { verdict: 'on_time', dueAt: '2026-03-02T00:20:00.000Z', lateByMinutes: 0 },
    dues: [{ step: 'written_report', deadlineId: dueId, dueAt: o.dueAt, remindAt: o.remindAt, provisional: null }],
  };
  await store.appendToStream(stream, [
    { type: 'IncidentReported', data, metadata: meta(deterministicUuid('fixture', stream, 'reported')) },
    { type: 'DeadlineScheduled', data: { deadlineId: dueId, dueAt: o.dueAt, kind: dueKind, subject: stream }, metadata: meta(deterministicUuid('fixture', stream, 'due')) },
    { type: 'DeadlineScheduled', data: { deadlineId: reminderId, dueAt: o.remindAt, kind: incidentReminderKind(dueKind), subject: stream }, metadata: meta(deterministicUuid('fixture', stream, 'reminder')) },
  ]);
  return { incidentId, stream, dueKind, dueId, reminderId };
}

/** What the scheduler appends when a deadline passes that nothing cancelled. */
export async function appendDeadlineElapsed(store: EventStore, stream: string, deadlineId: string, kind: string, dueAt: string, extra: { type: string; data: unknown }[] = []): Promise<void> {
  const data: DeadlineElapsed['data'] = { deadlineId, dueAt, kind, subject: stream };
  await store.appendToStream(stream, [
    { type: 'DeadlineElapsed', data, metadata: meta(deterministicUuid('fixture', stream, 'elapsed', deadlineId)) },
    ...extra.map((e, i) => ({ type: e.type, data: e.data, metadata: meta(deterministicUuid('fixture', stream, 'extra', deadlineId, String(i))) })),
  ]);
}

export async function appendWebhookRegistered(store: EventStore, o: { webhookId?: string; url: string; secret: string }): Promise<string> {
  const webhookId = o.webhookId ?? newId();
  const data: WebhookRegistered['data'] = { webhookId, url: o.url, secret: o.secret, description: 'test receiver', registeredBy: 'test', registeredAt: '2026-03-02T00:00:00.000Z' };
  await store.appendToStream(WEBHOOKS_STREAM, [{ type: 'WebhookRegistered', data, metadata: meta(deterministicUuid('fixture', 'webhook', webhookId)) }]);
  return webhookId;
}
