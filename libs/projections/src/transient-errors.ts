/**
 * Errors that say nothing about the event being applied: the same batch succeeds when tried again. The runner
 * retries them with backoff and never dead-letters them (ADR 0013).
 * - 40001 serialization_failure, 40P01 deadlock_detected
 * - class 08: connection exceptions
 * - 57P01 admin_shutdown, 57P02 crash_shutdown, 57P03 cannot_connect_now (a restart or a failover)
 * - node-postgres and socket errors when the connection goes away
 */
const TRANSIENT_SQLSTATES = new Set(['40001', '40P01', '57P01', '57P02', '57P03']);
const TRANSIENT_SOCKET_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']);
const TRANSIENT_MESSAGES = [
  'Connection terminated',
  'Client has encountered a connection error and is not queryable',
  'timeout exceeded when trying to connect',
  'Client was closed and is not queryable',
];

export function isTransientError(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') {
    if (TRANSIENT_SQLSTATES.has(code) || /^08[0-9A-Z]{3}$/.test(code) || TRANSIENT_SOCKET_CODES.has(code)) return true;
  }
  const message = (error as { message?: unknown }).message;
  return typeof message === 'string' && TRANSIENT_MESSAGES.some((m) => message.startsWith(m));
}
