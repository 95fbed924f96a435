import { DomainError } from '@app/kernel';

/**
 * The event store port. Two adapters implement it (PostgreSQL, the default; EventStoreDB) and both pass the
 * contract suite in ./contract. Revisions are 0-based per stream (the first event has revision 0n); global
 * positions are positive, strictly increasing in commit order, and `0n` means "before the first event".
 */
export type ExpectedRevision = 'any' | 'no_stream' | 'stream_exists' | bigint;

export interface EventMetadata {
  /** Id of the event itself (deterministic when derived from a command id). */
  readonly eventId: string;
  /** Id shared by everything one user request caused. */
  readonly correlationId: string;
  /** Id of the message (command or event) that caused this event. */
  readonly causationId: string;
  /** Member id of who acted (or `system`). */
  readonly actorId: string;
  /** Id of the command that produced the event; a retry with the same id appends nothing. */
  readonly commandId: string;
  /**
   * Fingerprint of the HTTP request that carried the Idempotency-Key (absent without the header): the same
   * command id with another fingerprint is another request, never a duplicate of this one.
   */
  readonly requestFingerprint?: string;
  /** Version of the event's payload schema (see upcasting). */
  readonly schemaVersion: number;
  /** When the store recorded it (ISO 8601). Set by the store on append. */
  readonly recordedAt: string;
}

export interface EventToAppend<TData = unknown> {
  readonly type: string;
  readonly data: TData;
  readonly metadata: Omit<EventMetadata, 'recordedAt'>;
}

export interface RecordedEvent<TData = unknown> {
  readonly streamId: string;
  readonly revision: bigint;
  readonly position: bigint;
  readonly type: string;
  readonly data: TData;
  readonly metadata: EventMetadata;
}

export interface AppendResult {
  /** Revision of the stream's last event after the append. */
  readonly nextExpectedRevision: bigint;
  /** Global position of the last appended event. */
  readonly position: bigint;
  /** True when the events were already in the stream (same event ids): nothing new was written. */
  readonly duplicate: boolean;
}

export interface ReadStreamOptions {
  readonly fromRevision?: bigint;
  readonly maxCount?: number;
}

export interface ReadAllOptions {
  /** Read events strictly after this position (0n = from the start). */
  readonly after?: bigint;
  readonly maxCount?: number;
}

export interface SubscribeOptions {
  /** Deliver events strictly after this position (0n = from the start). */
  readonly after?: bigint;
  readonly batchSize?: number;
  /** Ends the subscription. */
  readonly signal?: AbortSignal;
}

/** Catch-up then live: yields batches in global position order, each event exactly once. */
export type EventSubscription = AsyncIterable<readonly RecordedEvent[]>;

export interface EventStore {
  appendToStream(stream: string, events: readonly EventToAppend[], expected?: ExpectedRevision): Promise<AppendResult>;
  /** Events of one stream in revision order; an empty array when the stream does not exist. */
  readStream(stream: string, options?: ReadStreamOptions): Promise<RecordedEvent[]>;
  readAll(options?: ReadAllOptions): Promise<RecordedEvent[]>;
  subscribeToAll(options?: SubscribeOptions): EventSubscription;
  /** Position of the last event a subscriber can see (0n when the store is empty). */
  headPosition(): Promise<bigint>;
  close(): Promise<void>;
}

export const EVENT_STORE = Symbol('EVENT_STORE');

export class WrongExpectedRevision extends DomainError {
  constructor(
    readonly stream: string,
    readonly expected: ExpectedRevision,
    readonly actual: bigint | 'no_stream',
  ) {
    super(
      'conflict',
      'wrong-expected-revision',
      `Stream ${stream} was expected at ${String(expected)} but is at ${String(actual)}`,
      { stream, expected: String(expected), actual: String(actual) },
    );
  }
}

export function describeExpected(expected: ExpectedRevision): string {
  return typeof expected === 'bigint' ? expected.toString() : expected;
}

/** Some (not all) of the event ids of an append are already stored: the ids were reused for different events. */
export class EventIdReused extends DomainError {
  constructor(stream: string, eventIds: readonly string[]) {
    super('conflict', 'event-id-reused', `Some event ids of this append to ${stream} are already stored`, { stream, eventIds });
  }
}
