import { deterministicUuid } from './ids';
import { DomainError } from './errors';

/** What travels with every command besides its payload. */
export interface CommandContext {
  /**
   * Id of the command: a retry with the same id appends nothing and reports `duplicate: true`. Over HTTP it is
   * derived from the member and their Idempotency-Key (see libs/platform/src/http/command-context.ts), else random.
   */
  readonly commandId: string;
  readonly actorId: string;
  readonly correlationId?: string;
  readonly causationId?: string;
  /** The stream revision the caller saw (HTTP If-Match); a mismatch is a 412, never a silent overwrite. */
  readonly expectedRevision?: bigint;
  /**
   * Fingerprint of the request that carried the Idempotency-Key (method, path, canonical body). It is kept on
   * the events, and a command id already in the stream with another fingerprint is IdempotencyKeyReused.
   */
  readonly requestFingerprint?: string;
  /**
   * Binds the Idempotency-Key to this request before the command first reads its stream (once per request,
   * whatever the number of calls); rejects with IdempotencyKeyReused when the key names another request.
   */
  readonly bindIdempotencyKey?: () => Promise<void>;
}

/**
 * The Idempotency-Key was already used by the same member for another request (another method, path or body):
 * 422, and nothing is appended (draft-ietf-httpapi-idempotency-key-header, "Error Scenarios").
 */
export class IdempotencyKeyReused extends DomainError {
  constructor(details: { key?: string; firstRequest?: string; firstSeenAt?: string; stream?: string } = {}) {
    const first = details.firstRequest ? ` for ${details.firstRequest}` : details.stream ? ` on ${details.stream}` : '';
    const at = details.firstSeenAt ? ` at ${details.firstSeenAt}` : '';
    super(
      'rule_violation',
      'idempotency-key-reused',
      `This Idempotency-Key was already used${first}${at} with another request (method, path or body): send a new key for a new request`,
      { field: 'Idempotency-Key', ...details },
    );
  }
}

/**
 * The id of an entity a command creates: the client's, or one derived from the command id, so that a retry with
 * the same Idempotency-Key addresses the same entity (and appends nothing) instead of creating a second one.
 * The command id is scoped to the member, so two members sending the same key create two entities.
 */
export function entityIdFor(provided: string | undefined, context: CommandContext, kind: string): string {
  return provided ?? deterministicUuid(kind, context.commandId);
}
