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

