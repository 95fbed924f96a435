import { DomainError, streamCategory } from '@app/kernel';

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
  /**
   * Only events of these types (filtered by the store, not after reading). Absent: every type; empty: none.
   * A filtered read says nothing about how far it scanned: a consumer that keeps a checkpoint uses subscribe(),
   * whose batches carry `through`.
   */
  readonly types?: readonly string[];
}

/**
 * A filtered, paged read of the global log (audit: histories, the log browsed by filters, a request's events).
 * Every filter is applied by the store before `maxCount` is cut, so a read returns `maxCount` events whenever that
 * many match. An absent filter matches everything; an empty list matches nothing.
 */
export interface ReadLogOptions {
  /** Events strictly after this position (0n = from the start). */
  readonly after?: bigint;
  /** Events at or before this position (absent: up to the head the store can see). */
  readonly upTo?: bigint;
  /** At most this many events (default 1,000). */
  readonly maxCount?: number;
  /** Only these event types. */
  readonly types?: readonly string[];
  /** Only streams of these categories: the part of the stream id before its first '-' (`streamCategory`). */
  readonly categories?: readonly string[];
  /** Only events whose metadata names this actor. */
  readonly actorId?: string;
  /** Only events whose metadata carries this correlation id. */
  readonly correlationId?: string;
  /**
   * Only events recorded at or after this instant (ISO 8601). Compared to the millisecond (the precision of
   * `metadata.recordedAt`): the bound is read with `new Date()`, so every store gives the same answer.
   */
  readonly recordedFrom?: string;
  /** Only events recorded strictly before this instant (ISO 8601, to the millisecond). */
  readonly recordedTo?: string;
}

export interface SubscribeOptions {
  /** Deliver events strictly after this position (0n = from the start). */
  readonly after?: bigint;
  readonly batchSize?: number;
  /** Ends the subscription. */
  readonly signal?: AbortSignal;
  /** Only events of these types, filtered by the store (see ReadAllOptions.types); checkpoint with subscribe()'s `through`. */
  readonly types?: readonly string[];
}

/** Catch-up then live: yields batches in global position order, each event exactly once. */
export type EventSubscription = AsyncIterable<readonly RecordedEvent[]>;

/**
 * One batch of a subscribe() subscription: its events (in position order, only the subscribed types) and
 * `through`, the position the store has scanned up to: every matching event at or before `through` has been
 * delivered, in this batch or an earlier one. `through` never decreases from batch to batch, is at least the
 * position of the batch's last event, and may pass events of other types, so a consumer of rare types still
 * moves its checkpoint to `through`. A batch may be empty when only `through` moved.
 */
export interface EventBatch {
  readonly events: readonly RecordedEvent[];
  readonly through: bigint;
}

/** One stream's part of appendMany(). */
export interface StreamAppend {
  readonly stream: string;
  readonly events: readonly EventToAppend[];
  readonly expected?: ExpectedRevision;
}

export interface EventStore {
  appendToStream(stream: string, events: readonly EventToAppend[], expected?: ExpectedRevision): Promise<AppendResult>;
  /**
   * Several appends, each to its stream at its expected revision, as ONE transaction on PostgreSQL and in
   * memory: either every append lands (or is a duplicate) or none does, and the first failure (a
   * WrongExpectedRevision, an EventIdReused) is thrown. One result per append, in order. The same stream may
   * appear more than once: a later append sees the earlier ones. EventStoreDB has no transaction across streams:
   * its adapter appends one after the other and is NOT atomic (see EsdbEventStore.appendMany).
   */
  appendMany(appends: readonly StreamAppend[]): Promise<AppendResult[]>;
  /** Events of one stream in revision order; an empty array when the stream does not exist. */
  readStream(stream: string, options?: ReadStreamOptions): Promise<RecordedEvent[]>;
  readAll(options?: ReadAllOptions): Promise<RecordedEvent[]>;
  /**
   * The log filtered and paged (ReadLogOptions), in position order, never beyond the head a subscriber can see
   * (headPosition): a late commit below the head is never skipped by a reader that pages on from `through`.
   * `through` is the position scanned up to: every matching event in (after, through] is in `events`. It is the
   * last event's position when `maxCount` events came back, else the head (at most `upTo`, at least `after`).
   */
  readLog(options?: ReadLogOptions): Promise<EventBatch>;
  subscribeToAll(options?: SubscribeOptions): EventSubscription;
  /** Catch-up then live, like subscribeToAll, filtered by `options.types`, with the scanned position (EventBatch). */
  subscribe(options?: SubscribeOptions): AsyncIterable<EventBatch>;
  /**
   * The highest position a subscriber can see (0n when the store is empty): never a position beyond a gap that
   * may still fill, so a consumer that has reached it has every event at or below it.
   */
  headPosition(): Promise<bigint>;
  close(): Promise<void>;
}

export const EVENT_STORE = Symbol('EVENT_STORE');

/** Whether an event passes the filters of a log read (positions aside): the reference the adapters are held to. */
export function matchesLog(event: RecordedEvent, options: ReadLogOptions): boolean {
  if (options.types && !options.types.includes(event.type)) return false;
  if (options.categories && !options.categories.includes(streamCategory(event.streamId))) return false;
  if (options.actorId !== undefined && event.metadata.actorId !== options.actorId) return false;
  if (options.correlationId !== undefined && event.metadata.correlationId !== options.correlationId) return false;
  const at = Date.parse(event.metadata.recordedAt);
  if (options.recordedFrom !== undefined && !(at >= Date.parse(options.recordedFrom))) return false;
  if (options.recordedTo !== undefined && !(at < Date.parse(options.recordedTo))) return false;
  return true;
}

/** subscribeToAll() on top of subscribe(): the events of each non-empty batch. */
export function eventsOf(batches: AsyncIterable<EventBatch>): EventSubscription {
  return {
    async *[Symbol.asyncIterator]() {
      for await (const batch of batches) if (batch.events.length > 0) yield batch.events;
    },
  };
}

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
