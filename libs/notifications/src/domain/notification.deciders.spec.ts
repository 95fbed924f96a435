import { InvalidState, NotFound } from '@app/kernel';
import { spec } from '@app/kernel/testing';
import { webhookUrlProblem } from '../http/webhooks.http.controller';
import { signWebhookBody, verifyWebhookSignature } from '../reminders/webhook-signature';
import { inboxDecider } from './notification.decider';
import type { NotificationEvent, WebhookEvent } from './notification.events';
import { webhooksDecider } from './webhook.decider';

const issued = (notificationId: string): NotificationEvent => ({
  type: 'NotificationIssued',
  data: {
    notificationId,
    memberId: 'm-1',
    type: 'incident.reminder',
    reason: 'reporter',
    incident: { incidentId: 'i-1', unitId: 'u-1', title: '事故', severity: 'major' },
    kind: 'incident-written_report:reminder',
    deadlineId: 'd-1',
    dueAt: '2026-03-02T02:15:00.000Z',
    deliveryKey: 'd-1',
    issuedAt: '2026-03-02T01:45:00.000Z',
  },
});
const mark = (notificationId: string) => ({ type: 'MarkNotificationRead' as const, memberId: 'm-1', notificationId, readAt: '2026-03-02T03:00:00.000Z' });

describe('inbox decider (MarkNotificationRead)', () => {
  it('marks an issued notification read', () => {
    spec(inboxDecider).given([issued('n-1')]).when(mark('n-1')).then([{ type: 'NotificationRead', data: { notificationId: 'n-1', memberId: 'm-1', readAt: '2026-03-02T03:00:00.000Z' } }]);
  });
  it('marking twice appends nothing (a no-op, 200 over HTTP)', () => {
    spec(inboxDecider).given([issued('n-1'), { type: 'NotificationRead', data: { notificationId: 'n-1', memberId: 'm-1', readAt: 'x' } }]).when(mark('n-1')).then([]);
  });
  it('a notification not in the member\'s own stream (another member\'s, or none) is not found', () => {
    spec(inboxDecider).given([issued('n-1')]).when(mark('n-2')).thenThrows(NotFound, 'not-found');
  });
  it('an issued notification delivered twice is one notification', () => {
    spec(inboxDecider).given([issued('n-1'), issued('n-1')]).thenState((s) => expect([...s.notifications.keys()]).toEqual(['n-1']));
  });
});

describe('webhooks decider', () => {
  const register = { type: 'RegisterWebhook' as const, webhookId: 'w-1', url: 'https://hooks.example.org/a', secret: 's'.repeat(16), description: null, by: 'admin', at: '2026-03-02T00:00:00.000Z' };
  const registered: WebhookEvent = { type: 'WebhookRegistered', data: { webhookId: 'w-1', url: register.url, secret: register.secret, description: null, registeredBy: 'admin', registeredAt: register.at } };
  it('registers, once', () => {
    spec(webhooksDecider).given([]).when(register).then([registered]);
    spec(webhooksDecider).given([registered]).when(register).thenThrows(InvalidState, 'webhook-exists');
  });
  it('removes a registered webhook; a removed or unknown one is not found, and its id is not reused', () => {
    const removed: WebhookEvent = { type: 'WebhookRemoved', data: { webhookId: 'w-1', removedBy: 'admin', removedAt: 'x' } };
    spec(webhooksDecider).given([registered]).when({ type: 'RemoveWebhook', webhookId: 'w-1', by: 'admin', at: 'x' }).then([removed]);
    spec(webhooksDecider).given([registered, removed]).when({ type: 'RemoveWebhook', webhookId: 'w-1', by: 'admin', at: 'x' }).thenThrows(NotFound);
    spec(webhooksDecider).given([registered, removed]).when(register).thenThrows(InvalidState, 'webhook-exists');
  });
});

describe('webhook urls and signatures', () => {
  it.each([
    ['https://hooks.example.org/baosong', undefined],
    ['http://127.0.0.1:8080/x', undefined],
    ['ftp://hooks.example.org/x', 'scheme ftp: is not http or https'],
    ['javascript:alert(1)', 'scheme javascript: is not http or https'],
    ['/relative/path', 'not an absolute URL'],
    ['https://user:pw@hooks.example.org/', 'credentials in the URL: put the shared secret in `secret`'],
  ])('%s -> %s', (url, problem) => expect(webhookUrlProblem(url)).toBe(problem));

  it('signs "<timestamp>.<raw body>": sha256=<hex HMAC-SHA256> (the value openssl dgst -sha256 -hmac prints)', () => {
    const ts = '2026-03-02T02:15:00.000Z';
    // printf '%s' '2026-03-02T02:15:00.000Z.{"a":1}' | openssl dgst -sha256 -hmac 'secret'
    expect(signWebhookBody('{"a":1}', 'secret', ts)).toBe('sha256=a3570cfac2647f46c50f59eb763e9e9f28bdf810f546e502692e18b16348e1d7');
    const now = new Date(ts);
    expect(verifyWebhookSignature('{"a":1}', 'secret', { signature: signWebhookBody('{"a":1}', 'secret', ts), timestamp: ts }, now)).toBe(true);
    expect(verifyWebhookSignature('{"a":2}', 'secret', { signature: signWebhookBody('{"a":1}', 'secret', ts), timestamp: ts }, now)).toBe(false);
    expect(verifyWebhookSignature('{"a":1}', 'secret', { signature: undefined, timestamp: ts }, now)).toBe(false);
    // the timestamp is part of what is signed, and one too far from the receiver's clock is refused
    expect(verifyWebhookSignature('{"a":1}', 'secret', { signature: signWebhookBody('{"a":1}', 'secret', ts), timestamp: '2026-03-02T02:15:01.000Z' }, now)).toBe(false);
    expect(verifyWebhookSignature('{"a":1}', 'secret', { signature: signWebhookBody('{"a":1}', 'secret', ts), timestamp: ts }, new Date('2026-03-02T02:21:00.000Z'))).toBe(false);
  });
});
