import { randomUUID } from 'node:crypto';
import {
  ANY,
  BACKWARDS,
  END,
  EventStoreDBClient,
  FORWARDS,
  NO_STREAM,
  START,
  STREAM_EXISTS,
  StreamNotFoundError,
  WrongExpectedVersionError,
  eventTypeFilter,
  excludeSystemEvents,
  jsonEvent,
} from '@eventstore/db-client';
import type {
  AllStreamResolvedEvent,
  AllStreamSubscription,
  AppendExpectedRevision,
  EventData,
  JSONType,
  ReadPosition,
  Position,
  RegexFilter,
  ResolvedEvent,
} from '@eventstore/db-client';
import {
  AppendResult,
  EventBatch,
  EventIdReused,
  EventMetadata,
  EventStore,
  EventSubscription,
  EventToAppend,
  ExpectedRevision,
  ReadAllOptions,
  ReadLogOptions,
  ReadStreamOptions,
  RecordedEvent,
  StreamAppend,
  SubscribeOptions,
  WrongExpectedRevision,
  eventsOf,
  matchesLog,
} from '../event-store.port';

/**
 * The EventStoreDB adapter (the only module that knows `@eventstore/db-client`).
 *
 * Positions: every event written through gRPC is a self-committed record, so its commit position is its own log
 * position: unique per event and strictly increasing in $all order. We use the commit position as the port's
 * global position, and `{ commit: p, prepare: p }` points exactly at the event at `p` (reads from it are
 * inclusive, so we skip that event to get the port's "strictly after" semantics).
 */

/** A resolved event as both stream reads and $all reads produce it. */
export type EsdbResolvedEvent = ResolvedEvent | AllStreamResolvedEvent;

/** The client reports "no position" as the largest unsigned 64-bit value (or a negative number on old servers). */
const NO_POSITION = 2n ** 64n - 1n;

const DEFAULT_READ_ALL_COUNT = 1000;
const DEFAULT_BATCH_SIZE = 500;
const HEAD_PAGE = 256;
/** Events per $all read of readLog, which filters on this side (see readLog). */
const LOG_PAGE = 500;
/**
 * The metadata key that names the append attempt which wrote an event. The server answers an append it absorbed
 * as a duplicate exactly as one it wrote (see `appendToStream`), so the attempt id stored with the events is what
 * tells the two apart. It is not part of our metadata: reads drop it.
 */
export const APPEND_ATTEMPT_KEY = 'appendAttemptId';
/** How often a timed-out append is sent again before the timeout is the caller's. */
const APPEND_TIMEOUT_RETRIES = 2;

// ---------------------------------------------------------------------------------------------------------------
// Pure mapping functions (unit-tested without a server).
// ---------------------------------------------------------------------------------------------------------------

/** Our expected revision as the client's. */
export function toEsdbExpectedRevision(expected: ExpectedRevision): AppendExpectedRevision {
  switch (expected) {
    case 'any':
      return ANY;
    case 'no_stream':
      return NO_STREAM;
    case 'stream_exists':
      return STREAM_EXISTS;
    default:
      if (typeof expected !== 'bigint' || expected < 0n) throw new Error(`Invalid expected revision ${String(expected)}`);
      return expected;
  }
}

/** The metadata stored with an event: ours plus the time of the append and, when given, the append attempt's id. */
export function toStoredMetadata(metadata: EventToAppend['metadata'], now: Date, attempt?: string): EventMetadata {
  const stored = { ...metadata, schemaVersion: metadata.schemaVersion ?? 1, recordedAt: now.toISOString() };
  return (attempt === undefined ? stored : { ...stored, [APPEND_ATTEMPT_KEY]: attempt }) as EventMetadata;
}

/** One event to append, as the client's JSON event whose id is our event id (ESDB is idempotent on it). */
export function toEventData(event: EventToAppend, now: Date, attempt?: string): EventData {
  return jsonEvent({
    id: event.metadata.eventId,
    type: event.type,
    data: (event.data ?? null) as JSONType,
    metadata: toStoredMetadata(event.metadata, now, attempt),
  });
}

/** Commit position of a resolved event; undefined when the server did not report one. */
export function commitPositionOf(resolved: EsdbResolvedEvent): bigint | undefined {
  const commit = resolved.event?.position?.commit ?? resolved.commitPosition;
  if (commit === undefined || commit < 0n || commit >= NO_POSITION) return undefined;
  return commit;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array);
}

/**
 * A resolved event as our RecordedEvent; undefined for an entry without an event (an unresolved link).
 * recordedAt comes from the stored metadata, else from the server's `created`; schemaVersion defaults to 1.
 * The position is the commit position (0n if the server did not report one).
 */
export function toRecordedEvent(resolved: EsdbResolvedEvent): RecordedEvent | undefined {
  const event = resolved.event;
  if (!event) return undefined;
  const { [APPEND_ATTEMPT_KEY]: _attempt, ...stored } = isPlainObject(event.metadata) ? event.metadata : {};
  const metadata = {
    ...stored,
    eventId: typeof stored.eventId === 'string' ? stored.eventId : event.id,
    schemaVersion: typeof stored.schemaVersion === 'number' ? stored.schemaVersion : 1,
    recordedAt: typeof stored.recordedAt === 'string' ? stored.recordedAt : event.created.toISOString(),
  } as EventMetadata;
  return {
    streamId: event.streamId,
    revision: BigInt(event.revision),
    position: commitPositionOf(resolved) ?? 0n,
    type: event.type,
    data: event.data,
    metadata,
  };
}

/** System events (types or streams starting with `$`, links included) are not part of our log. */
export function isSystemEvent(resolved: EsdbResolvedEvent): boolean {
  const event = resolved.event;
  return !event || event.type.startsWith('$') || event.streamId.startsWith('$');
}

/**
 * An event this application wrote: a JSON, non-system event whose metadata is a JSON object carrying our event id.
 * This is THE definition of the port's log on this store: readAll and subscribeToAll deliver exactly these events
 * and headPosition is the position of the newest of them, so a subscriber that has seen everything is at the head
 * even when system or foreign events were written after it.
 */
export function isApplicationEvent(resolved: EsdbResolvedEvent): boolean {
  const event = resolved.event;
  if (!event || isSystemEvent(resolved) || !event.isJson) return false;
  return isPlainObject(event.metadata) && typeof event.metadata.eventId === 'string';
}

/** Where a forward read of $all starts for "strictly after `after`" (the event at `after` itself is skipped). */
export function toReadPosition(after: bigint | undefined): ReadPosition {
  if (after === undefined || after <= 0n) return START;
  return { commit: after, prepare: after };
}

/**
 * The application events among one forward page of $all read from `toReadPosition(after)`, in order:
 * system and foreign events are dropped, and so is anything at or before `after` (the read is inclusive).
 */
export function selectAfter(page: readonly EsdbResolvedEvent[], after: bigint | undefined): RecordedEvent[] {
  const from = after ?? 0n;
  const out: RecordedEvent[] = [];
  for (const resolved of page) {
    const position = commitPositionOf(resolved);
    if (position === undefined || position <= from || !isApplicationEvent(resolved)) continue;
    out.push(toRecordedEvent(resolved)!);
  }
  return out;
}

/** A regular expression matching exactly these event types (none for an empty list), for the server's filter. */
export function typesRegex(types: readonly string[]): string {
  if (types.length === 0) return '^(?!)$';
  return `^(?:${types.map((t) => t.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&')).join('|')})$`;
}

/**
 * The server-side filter of a subscription: system events out, and with `types`, only those types (which never
 * start with `$`, so system events stay out). A filtered subscription reports checkpoints: `onCheckpoint` gets the
 * commit position the server has searched up to (see `subscribe`).
 */
export function subscriptionFilter(types: readonly string[] | undefined, onCheckpoint: (position: Position) => void): RegexFilter {
  if (types === undefined) return excludeSystemEvents();
  return eventTypeFilter({ regex: typesRegex(types), checkpointInterval: 1, checkpointReached: (_subscription, position) => onCheckpoint(position) });
}

/** The client's revision as our "actual" revision: a missing stream (or a negative revision) is `no_stream`. */
export function toActualRevision(current: bigint | string | undefined): bigint | 'no_stream' {
  return typeof current === 'bigint' && current >= 0n ? current : 'no_stream';
}

function isWrongExpectedVersion(error: unknown): error is WrongExpectedVersionError {
  return (
    error instanceof WrongExpectedVersionError ||
    (typeof error === 'object' && error !== null && (error as { type?: unknown }).type === 'wrong-expected-version')
  );
}

/** The server's or the client's timeout (TimeoutError, DeadlineExceededError): the append's outcome is unknown. */
export function isTimeout(error: unknown): boolean {
  const type = typeof error === 'object' && error !== null ? (error as { type?: unknown }).type : undefined;
  return type === 'timeout' || type === 'deadline-exceeded';
}

export function isStreamNotFound(error: unknown): boolean {
  return (
    error instanceof StreamNotFoundError ||
    (typeof error === 'object' && error !== null && (error as { type?: unknown }).type === 'stream-not-found')
  );
}

/**
 * What the server did with an append it accepted, from the last event of the appended range as stored: written by
 * this attempt (its attempt id), or already stored by an earlier one, which the server absorbed without writing.
 * The same event id with another attempt id is that earlier append; anything else at that revision means the
 * server accepted the append for events that are not ours, which it never does (an error, not a guess).
 */
export function classifyAccepted(stored: RecordedEventWithAttempt | undefined, lastEventId: string, attempt: string): 'written' | 'absorbed' {
  if (!stored || stored.event.metadata.eventId.toLowerCase() !== lastEventId.toLowerCase()) {
    throw new Error(`The append of ${lastEventId} was accepted, but the stream holds ${stored?.event.metadata.eventId ?? 'nothing'} at its revision`);
  }
  return stored.attempt === attempt ? 'written' : 'absorbed';
}

/** A stored event with the id of the append attempt that wrote it (undefined for events written without one). */
export interface RecordedEventWithAttempt {
  readonly event: RecordedEvent;
  readonly attempt: string | undefined;
}

export function withAttempt(resolved: EsdbResolvedEvent): RecordedEventWithAttempt | undefined {
  const event = toRecordedEvent(resolved);
  if (!event) return undefined;
  const metadata = resolved.event?.metadata;
  const attempt = isPlainObject(metadata) && typeof metadata[APPEND_ATTEMPT_KEY] === 'string' ? metadata[APPEND_ATTEMPT_KEY] : undefined;
  return { event, attempt };
}

/**
 * After the server refused an append (WrongExpectedVersion), the stream's events from the expected position on
 * tell why: all our ids there, in order: a duplicate (stored by an earlier attempt); some of them: the ids were
 * reused for different events (the server's "corrupted idempotency", also answered as WrongExpectedVersion);
 * none: a real conflict.
 */
export function classifyRefused(eventIds: readonly string[], from: readonly RecordedEvent[]): 'duplicate' | 'reused' | 'conflict' {
  const wanted = eventIds.map((id) => id.toLowerCase());
  const stored = from.map((e) => e.metadata.eventId.toLowerCase());
  if (wanted.every((id, i) => stored[i] === id)) return 'duplicate';
  return wanted.some((id) => stored.includes(id)) ? 'reused' : 'conflict';
}

// ---------------------------------------------------------------------------------------------------------------
// The adapter.
// ---------------------------------------------------------------------------------------------------------------

export class EsdbEventStore implements EventStore {
  private readonly client: EventStoreDBClient;
  private readonly subscriptions = new Set<AbortController>();
  private closed = false;

  /** A connection string (`esdb://host:2113?tls=false`) or an already-built client (tests pass a fake one). */
  constructor(connection: string | EventStoreDBClient) {
    this.client = typeof connection === 'string' ? EventStoreDBClient.connectionString(connection) : connection;
  }

  /**
   * One append call; then one point read of the appended range's last event, because the server acknowledges an
   * append it absorbed as a duplicate exactly as one it wrote (same success reply, see esdb-event-store.spec.ts
   * for the sources), and only what is stored tells which. No read happens before the append: the server itself
   * checks the event ids against the expected revision, atomically, so there is nothing to check-then-act.
   */
  async appendToStream(
    stream: string,
    events: readonly EventToAppend[],
    expected: ExpectedRevision = 'any',
  ): Promise<AppendResult> {
    if (events.length === 0) throw new Error('appendToStream needs at least one event');
    const attempt = randomUUID();
    const now = new Date();
    const data = events.map((e) => toEventData(e, now, attempt));
    let result: Awaited<ReturnType<EventStoreDBClient['appendToStream']>>;
    for (let timeouts = 0; ; timeouts++) {
      try {
        result = await this.client.appendToStream(stream, data, { expectedRevision: toEsdbExpectedRevision(expected) });
        break;
      } catch (error) {
        if (isWrongExpectedVersion(error)) return this.refused(stream, events, expected, toActualRevision(error.actualVersion));
        // A timed-out append may or may not have been written, and the server drops (without an answer) a
        // duplicate of a write it has not replicated yet, waiting for the client to retry: send the same append
        // again (same ids, same attempt, same expected revision), which the server absorbs if it was written.
        if (!isTimeout(error) || timeouts >= APPEND_TIMEOUT_RETRIES) throw error;
      }
    }
    // Only when the client is built with throwOnAppendFailure=false; by default it throws instead.
    if (!result.success) return this.refused(stream, events, expected, toActualRevision(result.nextExpectedRevision));

    const [stored] = await this.readRaw(stream, { direction: FORWARDS, fromRevision: result.nextExpectedRevision, maxCount: 1 });
    const last = stored ? withAttempt(stored) : undefined;
    const outcome = classifyAccepted(last, events[events.length - 1]!.metadata.eventId, attempt);
    const commit = result.position?.commit;
    const reported = commit !== undefined && commit >= 0n && commit < NO_POSITION ? commit : undefined;
    return {
      nextExpectedRevision: result.nextExpectedRevision,
      position: outcome === 'written' ? (reported ?? last!.event.position) : last!.event.position,
      duplicate: outcome === 'absorbed',
    };
  }

  /**
   * EventStoreDB has no transaction across streams: the appends are made one after the other, each atomic on its
   * own, and a failure leaves the appends before it in place (NOT all or nothing, unlike PostgreSQL and the
   * in-memory store). The failure is thrown as appendToStream throws it.
   */
  async appendMany(appends: readonly StreamAppend[]): Promise<AppendResult[]> {
    const results: AppendResult[] = [];
    for (const a of appends) results.push(await this.appendToStream(a.stream, a.events, a.expected ?? 'any'));
    return results;
  }

  /** The server refused the append: a duplicate stored at another revision, a reuse of event ids, or a conflict. */
  private async refused(
    stream: string,
    events: readonly EventToAppend[],
    expected: ExpectedRevision,
    actual: bigint | 'no_stream',
  ): Promise<AppendResult> {
    const ids = events.map((e) => e.metadata.eventId);
    // Where our events would be: right after the expected revision; for any/stream_exists, the server's check is
    // its cache of recent ids, so the ids may be anywhere: read the whole stream (a rare path).
    const from = typeof expected === 'bigint' ? expected + 1n : expected === 'no_stream' ? 0n : undefined;
    const read = await this.readStream(stream, from === undefined ? {} : { fromRevision: from, maxCount: events.length });
    const start = from === undefined ? read.findIndex((e) => e.metadata.eventId.toLowerCase() === ids[0]!.toLowerCase()) : 0;
    const candidates = start < 0 ? [] : read.slice(start, start + events.length);
    const verdict = classifyRefused(ids, candidates);
    if (verdict === 'duplicate') {
      const last = candidates[candidates.length - 1]!;
      return { nextExpectedRevision: last.revision, position: last.position, duplicate: true };
    }
    if (verdict === 'reused' || (from === undefined && read.some((e) => ids.some((id) => id.toLowerCase() === e.metadata.eventId.toLowerCase())))) {
      throw new EventIdReused(stream, ids);
    }
    throw new WrongExpectedRevision(stream, expected, actual);
  }

  async readStream(stream: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    const resolved = await this.collect(() =>
      this.client.readStream(stream, {
        direction: FORWARDS,
        fromRevision: options.fromRevision ?? START,
        ...(options.maxCount === undefined ? {} : { maxCount: options.maxCount }),
      }),
    );
    return resolved.map(toRecordedEvent).filter((e): e is RecordedEvent => e !== undefined);
  }

  async readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    const maxCount = options.maxCount ?? DEFAULT_READ_ALL_COUNT;
    const wanted = options.types ? new Set(options.types) : undefined;
    const out: RecordedEvent[] = [];
    let after = options.after ?? 0n;
    while (out.length < maxCount) {
      // One more than needed: a read from `after` starts with the event at `after`, which is skipped.
      const pageSize = maxCount - out.length + 1;
      const page: EsdbResolvedEvent[] = [];
      for await (const resolved of this.client.readAll({ direction: FORWARDS, fromPosition: toReadPosition(after), maxCount: pageSize })) {
        page.push(resolved);
      }
      // The client's readAll takes no filter (only subscriptions do): types are filtered here, page by page.
      const selected = selectAfter(page, after);
      out.push(...(wanted ? selected.filter((e) => wanted.has(e.type)) : selected).slice(0, maxCount - out.length));
      const last = lastPositionIn(page);
      // A short page is the end of the log; otherwise system events took room in it: read on after them.
      if (page.length < pageSize || last === undefined || last <= after) break;
      after = last;
    }
    return out;
  }

  /**
   * The filtered log. The client reads $all with no filter (only subscriptions take one, and a subscription does
   * not say when its catch-up has reached the end), so the server does the position range (the read starts after
   * `after`, and stops at the first event beyond `upTo`) and this adapter the rest, page by page: types,
   * categories, actor, correlation id and recorded time are tested here on every application event of the range
   * (matchesLog, the same test the in-memory store applies). A rare filter therefore reads the range in full: on
   * this store an auditor narrows a read with a position range. $all has no holes, so the end of the log is the
   * head (the same application events headPosition sees).
   */
  async readLog(options: ReadLogOptions = {}): Promise<EventBatch> {
    const max = options.maxCount ?? DEFAULT_READ_ALL_COUNT;
    if (!(max >= 1)) throw new RangeError('readLog needs a maxCount of at least 1');
    const start = options.after ?? 0n;
    const upTo = options.upTo;
    const out: RecordedEvent[] = [];
    let after = start;
    let scanned = start;
    for (;;) {
      const page: EsdbResolvedEvent[] = [];
      for await (const resolved of this.client.readAll({ direction: FORWARDS, fromPosition: toReadPosition(after), maxCount: LOG_PAGE + 1 })) {
        page.push(resolved);
      }
      for (const event of selectAfter(page, after)) {
        if (upTo !== undefined && event.position > upTo) return { events: out, through: upTo > scanned ? upTo : scanned };
        scanned = event.position;
        if (!matchesLog(event, options)) continue;
        out.push(event);
        if (out.length >= max) return { events: out, through: event.position };
      }
      const last = lastPositionIn(page);
      // A short page is the end of the log: everything up to the newest application event has been scanned.
      if (page.length < LOG_PAGE + 1 || last === undefined || last <= after) return { events: out, through: scanned };
      after = last;
    }
  }

  subscribeToAll(options: SubscribeOptions = {}): EventSubscription {
    return eventsOf(this.subscribe(options));
  }

  /**
   * A catch-up subscription of $all, filtered on the server: system events always, and with `options.types`, every
   * other type (the client's event type filter). `through` is the position of the batch's last event or, when the
   * server reports a checkpoint and every event it sent before it has been taken, the checkpoint's commit
   * position: the server's catch-up sends as checkpoint the position of the last event of the page it searched
   * (or where that page started when none matched), so every matching event at or before it has been sent
   * (EventStore/EventStore, Services/Transport/Grpc/Enumerators.AllSubscriptionFiltered.cs).
   */
  subscribe(options: SubscribeOptions = {}): AsyncIterable<EventBatch> {
    const store = this;
    const batchSize = Math.max(1, options.batchSize ?? DEFAULT_BATCH_SIZE);
    return {
      async *[Symbol.asyncIterator]() {
        if (options.signal?.aborted || store.closed) return;
        const stop = new AbortController();
        const onAbort = (): void => stop.abort();
        options.signal?.addEventListener('abort', onAbort, { once: true });
        store.subscriptions.add(stop);
        let after = options.after ?? 0n;
        const checkpoints: { position: bigint | undefined } = { position: undefined };
        let wake: (() => void) | undefined;
        const subscription = store.client.subscribeToAll({
          fromPosition: toReadPosition(after),
          filter: subscriptionFilter(options.types, (position) => {
            const commit = position.commit;
            if (commit >= 0n && commit < NO_POSITION) checkpoints.position = commit;
            wake?.();
          }),
        });
        // Exactly once, strictly after `after`: the start position itself and anything already seen are skipped.
        const select = (resolved: AllStreamResolvedEvent): RecordedEvent | undefined => {
          const position = commitPositionOf(resolved);
          if (position === undefined || position <= after || !isApplicationEvent(resolved)) return undefined;
          after = position;
          return toRecordedEvent(resolved);
        };
        // A checkpoint counts once everything buffered before it has been read: take it before draining.
        const checkpoint = (): bigint | undefined => {
          const position = checkpoints.position;
          checkpoints.position = undefined;
          return position;
        };
        try {
          for await (const { items, checkpoint: reached } of batches(subscription, batchSize, stop.signal, select, checkpoint, (w) => (wake = w))) {
            const through = reached !== undefined && reached > after ? reached : after;
            after = through;
            yield { events: items, through };
            if (stop.signal.aborted) return;
          }
        } finally {
          options.signal?.removeEventListener('abort', onAbort);
          store.subscriptions.delete(stop);
          await subscription.unsubscribe().catch(() => undefined);
        }
      },
    };
  }

  async headPosition(): Promise<bigint> {
    let from: ReadPosition = END;
    for (;;) {
      const page: AllStreamResolvedEvent[] = [];
      for await (const resolved of this.client.readAll({ direction: BACKWARDS, fromPosition: from, maxCount: HEAD_PAGE })) {
        page.push(resolved);
      }
      for (const resolved of page) {
        const position = commitPositionOf(resolved);
        // The same test as readAll and subscribeToAll: the head is the newest event a subscriber is given.
        if (position !== undefined && isApplicationEvent(resolved)) return position;
      }
      const oldest = page.length > 0 ? commitPositionOf(page[page.length - 1]!) : undefined;
      // Backward reads are exclusive of their start position, so the oldest event of a page is where the next begins.
      if (page.length < HEAD_PAGE || oldest === undefined) return 0n;
      from = { commit: oldest, prepare: oldest };
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const stop of this.subscriptions) stop.abort();
    this.subscriptions.clear();
    await this.client.dispose();
  }

  /** A stream read as the client returns it (with our stored metadata untouched). */
  private readRaw(
    stream: string,
    options: { direction: typeof FORWARDS; fromRevision: bigint; maxCount: number },
  ): Promise<ResolvedEvent[]> {
    return this.collect(() => this.client.readStream(stream, options));
  }

  /** Drains a read; a stream that does not exist reads as empty. */
  private async collect(read: () => AsyncIterable<ResolvedEvent>): Promise<ResolvedEvent[]> {
    const out: ResolvedEvent[] = [];
    try {
      for await (const resolved of read()) out.push(resolved);
    } catch (error) {
      if (isStreamNotFound(error)) return [];
      throw error;
    }
    return out;
  }
}

function lastPositionIn(page: readonly EsdbResolvedEvent[]): bigint | undefined {
  for (let i = page.length - 1; i >= 0; i--) {
    const position = commitPositionOf(page[i]!);
    if (position !== undefined) return position;
  }
  return undefined;
}

/**
 * Groups what a subscription has buffered into batches of at most `batchSize` selected events: a batch is whatever
 * is readable now, so a catch-up yields full batches and live delivery yields small ones. `select` maps an entry
 * to an event or drops it (undefined). `checkpoint` (optional) is asked, before each drain, for a checkpoint
 * reported since the last ask; it is yielded with the batch when the drain emptied the buffer (so every entry sent
 * before the checkpoint has been read), and a checkpoint alone yields an empty batch. `onWaiting` receives the
 * function that wakes the generator (for a checkpoint arriving out of band). Ends when `signal` aborts or the
 * subscription ends; an error is rethrown.
 */
export async function* batches<T>(
  subscription: AllStreamSubscription,
  batchSize: number,
  signal: AbortSignal,
  select: (resolved: AllStreamResolvedEvent) => T | undefined,
  checkpoint: () => bigint | undefined = () => undefined,
  onWaiting: (wake: () => void) => void = () => undefined,
): AsyncGenerator<{ items: T[]; checkpoint: bigint | undefined }> {
  let failure: unknown;
  let ended = false;
  let wake: (() => void) | undefined;
  const notify = (): void => {
    const w = wake;
    wake = undefined;
    w?.();
  };
  onWaiting(notify);
  const onError = (error: unknown): void => {
    failure = error;
    notify();
  };
  const onEnd = (): void => {
    ended = true;
    notify();
  };
  subscription.on('readable', notify);
  subscription.on('error', onError);
  subscription.on('end', onEnd);
  subscription.on('close', onEnd);
  signal.addEventListener('abort', notify);
  let pending: bigint | undefined;
  try {
    for (;;) {
      if (signal.aborted) return;
      if (failure !== undefined) throw failure;
      const reported = checkpoint();
      if (reported !== undefined && (pending === undefined || reported > pending)) pending = reported;
      const items: T[] = [];
      let item: AllStreamResolvedEvent | null = null;
      let drained = false;
      while (items.length < batchSize) {
        item = subscription.read() as AllStreamResolvedEvent | null;
        if (item === null) {
          drained = true;
          break;
        }
        const selected = select(item);
        if (selected !== undefined) items.push(selected);
      }
      const reached = drained ? pending : undefined;
      if (reached !== undefined) pending = undefined;
      if (items.length > 0 || reached !== undefined) {
        yield { items, checkpoint: reached };
        continue;
      }
      if (ended) return;
      await new Promise<void>((resolve) => {
        wake = resolve;
      });
    }
  } finally {
    subscription.off('readable', notify);
    subscription.off('error', onError);
    subscription.off('end', onEnd);
    subscription.off('close', onEnd);
    signal.removeEventListener('abort', notify);
  }
}
