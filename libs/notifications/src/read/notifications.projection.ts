import type { RecordedEvent } from '@app/event-store';
import type { ProjectionDefinition } from '@app/projections';
import type { NotificationEvent } from '../domain/notification.events';

type Evt = RecordedEvent & NotificationEvent;

/**
 * Members' inboxes (rm.notifications): one row per NotificationIssued, read_at set by NotificationRead. Bulk
 * (two statements a batch at most) and idempotent: an issued row is inserted once; read_at is set once (the first
 * read wins), so a batch applied twice, or a rebuild, gives the same rows. No clock: every time is the event's.
 */
export const notificationsProjection: ProjectionDefinition = {
  name: 'notifications',
  version: 1,
  tables: ['notifications'],
  eventTypes: ['NotificationIssued', 'NotificationRead'],
  async setup(client, t) {
    await client.query(`
      CREATE TABLE ${t('notifications')} (
        notification_id uuid PRIMARY KEY,
        member_id uuid NOT NULL,
        type text NOT NULL,
        reason text NOT NULL,
        incident jsonb NOT NULL,
        kind text NOT NULL,
        deadline_id uuid NOT NULL,
        due_at timestamptz,
        delivery_key text NOT NULL,
        issued_at timestamptz NOT NULL,
        read_at timestamptz,
        position bigint NOT NULL
      );
      -- the inbox: a member's notifications newest first (position), and the unread ones
      CREATE INDEX ON ${t('notifications')} (member_id, position DESC);
      CREATE INDEX ON ${t('notifications')} (member_id, position DESC) WHERE read_at IS NULL;
    `);
  },
  async applyBatch(events, { client, t }) {
    const issued = new Map<string, Evt & { type: 'NotificationIssued' }>();
    const read = new Map<string, string>();
    for (const e of events as readonly Evt[]) {
      if (e.type === 'NotificationIssued' && !issued.has(e.data.notificationId)) issued.set(e.data.notificationId, e as Evt & { type: 'NotificationIssued' });
      if (e.type === 'NotificationRead' && !read.has(e.data.notificationId)) read.set(e.data.notificationId, e.data.readAt);
    }
    if (issued.size > 0) {
      const rows = [...issued.values()];
      await client.query(
        `INSERT INTO ${t('notifications')} (notification_id, member_id, type, reason, incident, kind, deadline_id, due_at, delivery_key, issued_at, position)
         SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::jsonb[], $6::text[], $7::uuid[], $8::timestamptz[], $9::text[], $10::timestamptz[], $11::bigint[])
         ON CONFLICT (notification_id) DO NOTHING`,
        [
          rows.map((e) => e.data.notificationId),
          rows.map((e) => e.data.memberId),
          rows.map((e) => e.data.type),
          rows.map((e) => e.data.reason),
          rows.map((e) => JSON.stringify(e.data.incident)),
          rows.map((e) => e.data.kind),
          rows.map((e) => e.data.deadlineId),
          rows.map((e) => e.data.dueAt),
          rows.map((e) => e.data.deliveryKey),
          rows.map((e) => e.data.issuedAt),
          rows.map((e) => e.position.toString()),
        ],
      );
    }
    if (read.size > 0) {
      await client.query(
        `UPDATE ${t('notifications')} AS n SET read_at = x.at FROM unnest($1::uuid[], $2::timestamptz[]) AS x(id, at)
          WHERE n.notification_id = x.id AND n.read_at IS NULL`,
        [[...read.keys()], [...read.values()]],
      );
    }
  },
};
