import type { DomainEvent } from '@app/kernel';

/**
 * In-app notifications (催报 reminders, issue 11 item 3), in the member's own stream `notifications-<memberId>`.
 * The event id of a NotificationIssued is derived from the effect key and the member (notificationIdFor), so a
 * redelivered effect appends nothing twice (the store answers an append of ids it holds as a duplicate).
 */
export type NotificationType = 'incident.reminder' | 'incident.overdue';

export interface NotificationIncident {
  readonly incidentId: string;
  readonly unitId: string;
  readonly title: string;
  readonly severity: string;
}

export type NotificationIssued = DomainEvent<
  'NotificationIssued',
  {
    notificationId: string;
    memberId: string;
    type: NotificationType;
    /** Why this member: the incident's reporter, or an appointment (duty_officer, unit_head) covering its unit. */
    reason: 'reporter' | 'duty_officer' | 'unit_head';
    incident: NotificationIncident;
    /** The deadline kind (`incident-written_report`, `incident-written_report:reminder`) and the due time it concerns. */
    kind: string;
    deadlineId: string;
    dueAt: string | null;
    /** The effect key that issued it (the reminder's deadline id): one per deadline and step. */
    deliveryKey: string;
    issuedAt: string;
  }
>;

export type NotificationRead = DomainEvent<'NotificationRead', { notificationId: string; memberId: string; readAt: string }>;

export type NotificationEvent = NotificationIssued | NotificationRead;

export const NOTIFICATION_EVENT_TYPES: readonly NotificationEvent['type'][] = ['NotificationIssued', 'NotificationRead'];

export const notificationsStream = (memberId: string): string => `notifications-${memberId}`;

/** Webhooks registered by an administrator (stream `notificationWebhooks`). The secret is an admin-held shared secret. */
export type WebhookRegistered = DomainEvent<
  'WebhookRegistered',
  { webhookId: string; url: string; secret: string; description: string | null; registeredBy: string; registeredAt: string }
>;
export type WebhookRemoved = DomainEvent<'WebhookRemoved', { webhookId: string; removedBy: string; removedAt: string }>;
export type WebhookEvent = WebhookRegistered | WebhookRemoved;

export const WEBHOOK_EVENT_TYPES: readonly WebhookEvent['type'][] = ['WebhookRegistered', 'WebhookRemoved'];
export const WEBHOOKS_STREAM = 'notificationWebhooks';
