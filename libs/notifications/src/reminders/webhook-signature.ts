import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * `sha256=<hex HMAC-SHA256 of "<timestamp>.<raw body>" with the secret>`: the X-Baosong-Signature header, where the
 * timestamp is the X-Baosong-Timestamp header sent with it (docs/api.md). Signing the timestamp too means a captured
 * delivery cannot be replayed later with a fresh timestamp.
 */
export function signWebhookBody(body: string, secret: string, timestamp: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`, 'utf8').digest('hex')}`;
}

/**
 * What a receiver does: recompute over the timestamp and the raw bytes, compare in constant time, and refuse a
 * timestamp further than `toleranceMs` (default 5 minutes) from its own clock `now`.
 */
export function verifyWebhookSignature(
  body: string,
  secret: string,
  header: { signature: string | undefined; timestamp: string | undefined },
  now: Date,
  toleranceMs = 5 * 60_000,
): boolean {
  if (!header.signature || !header.timestamp) return false;
  const sentAt = Date.parse(header.timestamp);
  if (!Number.isFinite(sentAt) || Math.abs(now.getTime() - sentAt) > toleranceMs) return false;
  const expected = Buffer.from(signWebhookBody(body, secret, header.timestamp));
  const given = Buffer.from(header.signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
