import { deterministicUuid } from './ids';

/** What travels with every command besides its payload. */
export interface CommandContext {
  /** Idempotency key: a retry with the same id appends nothing and reports `duplicate: true`. */
  readonly commandId: string;
  readonly actorId: string;
  readonly correlationId?: string;
  readonly causationId?: string;
  /** The stream revision the caller saw (HTTP If-Match); a mismatch is a 412, never a silent overwrite. */
  readonly expectedRevision?: bigint;
}


/**
 * The id of an entity a command creates: the client's, or one derived from the command id, so that a retry with
 * the same Idempotency-Key addresses the same entity (and appends nothing) instead of creating a second one.
 */
export function entityIdFor(provided: string | undefined, context: CommandContext, kind: string): string {
  return provided ?? deterministicUuid(kind, context.commandId);
}
