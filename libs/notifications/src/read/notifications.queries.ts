import { Inject, Injectable } from '@nestjs/common';
import type { Pool } from 'pg';
import { ValidationFailed } from '@app/kernel';
import { PG_POOL } from '@app/platform';

export interface NotificationItem {
  notificationId: string;
  type: string;
  reason: string;
  incident: { incidentId: string; unitId: string; title: string; severity: string };
  kind: string;
  deadlineId: string;
  dueAt: string | null;
  deliveryKey: string;
  issuedAt: string;
  readAt: string | null;
  read: boolean;
}

interface Row {
  notification_id: string;
  type: string;
  reason: string;
  incident: NotificationItem['incident'];
  kind: string;
  deadline_id: string;
  due_at: Date | null;
  delivery_key: string;
  issued_at: Date;
  read_at: Date | null;
  position: string;
}

const encode = (position: string) => Buffer.from(JSON.stringify([position]), 'utf8').toString('base64url');
function decode(cursor: string): string {
  const refused = () => new ValidationFailed([{ field: 'cursor', message: 'cursor must be a `next` value this list returned' }]);
  let v: unknown;
  try {
    v = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw refused();
  }
  if (!Array.isArray(v) || v.length !== 1 || typeof v[0] !== 'string' || !/^\d{1,19}$/.test(v[0])) throw refused();
  return v[0];
}

/** The caller's inbox from rm.notifications: newest first (log position), keyset pages, unread count. */
@Injectable()
export class NotificationQueries {
  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  async inbox(memberId: string, q: { unread?: boolean; limit: number; cursor?: string }) {
    const after = q.cursor ? decode(q.cursor) : null;
    const [rows, unread] = await Promise.all([
      this.pool.query<Row>(
        `SELECT notification_id, type, reason, incident, kind, deadline_id, due_at, delivery_key, issued_at, read_at, position::text AS position
           FROM rm.notifications
          WHERE member_id = $1 AND ($2::boolean IS NOT TRUE OR read_at IS NULL) AND ($3::bigint IS NULL OR position < $3::bigint)
          ORDER BY position DESC LIMIT $4`,
        [memberId, q.unread ?? null, after, q.limit + 1],
      ),
      this.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM rm.notifications WHERE member_id = $1 AND read_at IS NULL`, [memberId]),
    ]);
    const items = rows.rows.slice(0, q.limit);
    const last = items[items.length - 1];
    return {
      items: items.map(
        (r): NotificationItem => ({
          notificationId: r.notification_id,
          type: r.type,
          reason: r.reason,
          incident: r.incident,
          kind: r.kind,
          deadlineId: r.deadline_id,
          dueAt: r.due_at?.toISOString() ?? null,
          deliveryKey: r.delivery_key,
          issuedAt: r.issued_at.toISOString(),
          readAt: r.read_at?.toISOString() ?? null,
          read: r.read_at !== null,
        }),
      ),
      unreadCount: unread.rows[0]!.n,
      next: rows.rows.length > q.limit && last ? encode(last.position) : null,
    };
  }
}
