import type { PoolClient } from 'pg';
import { applyInSchema, dumpSchema, EventLog } from '@app/projections';
import { createTestDatabase, TestDatabase } from '@test/support';
import { notificationsStream } from '../domain/notification.events';
import { notificationsProjection } from './notifications.projection';

/**
 * The notifications read model depends on the log alone: one batch, event by event, or a batch applied twice
 * (a retried batch) give the same rows; a notification issued twice (a redelivery that reached the log) is one
 * row; the first read wins.
 */
describe('notifications projection', () => {
  let db: TestDatabase;
  let client: PoolClient;
  beforeAll(async () => {
    db = await createTestDatabase({ migrate: false, poolSize: 1 });
    client = await db.pool.connect();
  });
  afterAll(async () => {
    client.release();
    await db.drop();
  });

  const log = () => {
    const l = new EventLog();
    const issue = (member: string, id: string, type: string) =>
      l.append(notificationsStream(member), 'NotificationIssued', {
        notificationId: id,
        memberId: member,
        type,
        reason: 'reporter',
        incident: { incidentId: 'i-1', unitId: '00000000-0000-4000-8000-000000000001', title: '事故', severity: 'major' },
        kind: type === 'incident.reminder' ? 'incident-written_report:reminder' : 'incident-written_report',
        deadlineId: '00000000-0000-4000-8000-0000000000d1',
        dueAt: '2026-03-02T02:15:00.000Z',
        deliveryKey: 'k',
        issuedAt: '2026-03-02T01:45:00.000Z',
      });
    const m1 = '00000000-0000-4000-8000-0000000000a1';
    const m2 = '00000000-0000-4000-8000-0000000000a2';
    const n1 = '00000000-0000-4000-8000-0000000000b1';
    const n2 = '00000000-0000-4000-8000-0000000000b2';
    issue(m1, n1, 'incident.reminder');
    issue(m2, n2, 'incident.reminder');
    issue(m1, n1, 'incident.reminder'); // the same notification again
    l.append(notificationsStream(m1), 'NotificationRead', { notificationId: n1, memberId: m1, readAt: '2026-03-02T03:00:00.000Z' });
    l.append(notificationsStream(m1), 'NotificationRead', { notificationId: n1, memberId: m1, readAt: '2026-03-02T04:00:00.000Z' });
    return l;
  };

  it('one batch, event by event and a batch applied twice give the same rows', async () => {
    const events = log().events;
    await applyInSchema(client, notificationsProjection, 'n_one', [events]);
    await applyInSchema(client, notificationsProjection, 'n_each', events.map((e) => [e]));
    await applyInSchema(client, notificationsProjection, 'n_twice', [events, events]);
    const one = await dumpSchema(client, notificationsProjection, 'n_one');
    expect(await dumpSchema(client, notificationsProjection, 'n_each')).toEqual(one);
    expect(await dumpSchema(client, notificationsProjection, 'n_twice')).toEqual(one);
    const rows = one.notifications as { notification_id: string; read_at: Date | null; position: string }[];
    expect(rows).toHaveLength(2);
    const read = rows.find((r) => r.notification_id.endsWith('b1'))!;
    expect(new Date(read.read_at!).toISOString()).toBe('2026-03-02T03:00:00.000Z'); // the first read wins
    expect(rows.find((r) => r.notification_id.endsWith('b2'))!.read_at).toBeNull();
  });
});
