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
  ResolvedEvent,
} from '@eventstore/db-client';
import {
  AppendResult,
  EventIdReused,
  EventMetadata,
  EventStore,
  EventSubscription,
  EventToAppend,
  ExpectedRevision,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
  SubscribeOptions,
  WrongExpectedRevision,
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
/** How far back (in events) a partial id match is re-checked before it is called a reuse of event ids. */
const DUPLICATE_LOOKBACK = 1000;
const HEAD_PAGE = 256;

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

/** The metadata stored with an event: ours plus the time of the append. */
export function toStoredMetadata(metadata: EventToAppend['metadata'], now: Date): EventMetadata {
  return { ...metadata, schemaVersion: metadata.schemaVersion ?? 1, recordedAt: now.toISOString() };
}

/** One event to append, as the client's JSON event whose id is our event id (ESDB is idempotent on it). */
export function toEventData(event: EventToAppend, now: Date): EventData {
  return jsonEvent({
    id: event.metadata.eventId,
    type: event.type,
    data: (event.data ?? null) as JSONType,
    metadata: toStoredMetadata(event.metadata, now),
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
  const stored = isPlainObject(event.metadata) ? event.metadata : {};
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

/** An event this application wrote: a JSON, non-system event whose metadata is a JSON object carrying our event id. */
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

/** The client's WrongExpectedVersionError as our WrongExpectedRevision; any other error unchanged. */
export function translateAppendError(error: unknown, stream: string, expected: ExpectedRevision): unknown {
  if (isWrongExpectedVersion(error)) return new WrongExpectedRevision(stream, expected, toActualRevision(error.actualVersion));
  return error;
}

export function isStreamNotFound(error: unknown): boolean {
  return (
    error instanceof StreamNotFoundError ||
    (typeof error === 'object' && error !== null && (error as { type?: unknown }).type === 'stream-not-found')
  );
}

export type DuplicateCheck =
  | { readonly kind: 'new' }
  | { readonly kind: 'duplicate'; readonly last: RecordedEvent }
  | { readonly kind: 'reused' };

/**
 * Compares the event ids of an append with the stream's latest events (oldest first). All ids found, once each,
 * consecutively and in the same order: the append is a retry already stored. None found: a new append. Anything
 * else: ids reused for different events.
 */
export function checkDuplicate(eventIds: readonly string[], latest: readonly RecordedEvent[]): DuplicateCheck {
  const wanted = eventIds.map((id) => id.toLowerCase());
  const matches: { index: number; event: RecordedEvent }[] = [];
  latest.forEach((event, index) => {
    if (wanted.includes(event.metadata.eventId.toLowerCase())) matches.push({ index, event });
  });
  if (matches.length === 0) return { kind: 'new' };
  const inOrder =
    matches.length === wanted.length &&
    matches.every((m, i) => m.event.metadata.eventId.toLowerCase() === wanted[i] && m.index === matches[0]!.index + i);
  return inOrder ? { kind: 'duplicate', last: matches[matches.length - 1]!.event } : { kind: 'reused' };
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

  async appendToStream(
    stream: string,
    events: readonly EventToAppend[],
    expected: ExpectedRevision = 'any',
  ): Promise<AppendResult> {
    if (events.length === 0) throw new Error('appendToStream needs at least one event');
    const duplicate = await this.findDuplicate(stream, events);
    if (duplicate) return duplicate;

    const now = new Date();
    try {
      const result = await this.client.appendToStream(
        stream,
        events.map((e) => toEventData(e, now)),
        { expectedRevision: toEsdbExpectedRevision(expected) },
      );
      // Only when the client is built with throwOnAppendFailure=false; by default it throws instead.
      if (!result.success) throw new WrongExpectedRevision(stream, expected, toActualRevision(result.nextExpectedRevision));
      const commit = result.position?.commit;
      const position = commit !== undefined && commit >= 0n && commit < NO_POSITION ? commit : await this.lastPosition(stream);
      return { nextExpectedRevision: result.nextExpectedRevision, position, duplicate: false };
    } catch (error) {
      throw translateAppendError(error, stream, expected);
    }
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
    const out: RecordedEvent[] = [];
    let after = options.after ?? 0n;
    while (out.length < maxCount) {
      // One more than needed: a read from `after` starts with the event at `after`, which is skipped.
      const pageSize = maxCount - out.length + 1;
      const page: EsdbResolvedEvent[] = [];
      for await (const resolved of this.client.readAll({ direction: FORWARDS, fromPosition: toReadPosition(after), maxCount: pageSize })) {
        page.push(resolved);
      }
      out.push(...selectAfter(page, after).slice(0, maxCount - out.length));
      const last = lastPositionIn(page);
      // A short page is the end of the log; otherwise system events took room in it: read on after them.
      if (page.length < pageSize || last === undefined || last <= after) break;
      after = last;
    }
    return out;
  }

  subscribeToAll(options: SubscribeOptions = {}): EventSubscription {
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
        const subscription = store.client.subscribeToAll({
          fromPosition: toReadPosition(after),
          filter: excludeSystemEvents(),
        });
        // Exactly once, strictly after `after`: the start position itself and anything already seen are skipped.
        const select = (resolved: AllStreamResolvedEvent): RecordedEvent | undefined => {
          const position = commitPositionOf(resolved);
          if (position === undefined || position <= after || !isApplicationEvent(resolved)) return undefined;
          after = position;
          return toRecordedEvent(resolved);
        };
        try {
          for await (const batch of batches(subscription, batchSize, stop.signal, select)) {
            yield batch;
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
        if (position !== undefined && !isSystemEvent(resolved)) return position;
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

  /** A retried append (same event ids at the end of the stream) is reported instead of appended again. */
  private async findDuplicate(stream: string, events: readonly EventToAppend[]): Promise<AppendResult | undefined> {
    const ids = events.map((e) => e.metadata.eventId);
    let check = checkDuplicate(ids, await this.latest(stream, events.length));
    // Some ids at the end: the retried events may sit a little further back (another append followed them).
    if (check.kind === 'reused') check = checkDuplicate(ids, await this.latest(stream, events.length + DUPLICATE_LOOKBACK));
    switch (check.kind) {
      case 'new':
        return undefined;
      case 'reused':
        throw new EventIdReused(stream, ids);
      case 'duplicate':
        return { nextExpectedRevision: check.last.revision, position: check.last.position, duplicate: true };
    }
  }

  /** The last `count` events of a stream, oldest first. */
  private async latest(stream: string, count: number): Promise<RecordedEvent[]> {
    const resolved = await this.collect(() =>
      this.client.readStream(stream, { direction: BACKWARDS, fromRevision: END, maxCount: count }),
    );
    return resolved
      .map(toRecordedEvent)
      .filter((e): e is RecordedEvent => e !== undefined)
      .reverse();
  }

  private async lastPosition(stream: string): Promise<bigint> {
    const [last] = await this.latest(stream, 1);
    return last?.position ?? 0n;
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
 * to an event or drops it (undefined). Ends when `signal` aborts or the subscription ends; an error is rethrown.
 */
export async function* batches<T>(
  subscription: AllStreamSubscription,
  batchSize: number,
  signal: AbortSignal,
  select: (resolved: AllStreamResolvedEvent) => T | undefined,
): AsyncGenerator<T[]> {
  let failure: unknown;
  let ended = false;
  let wake: (() => void) | undefined;
  const notify = (): void => {
    const w = wake;
    wake = undefined;
    w?.();
  };
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
  try {
    for (;;) {
      if (signal.aborted) return;
      if (failure !== undefined) throw failure;
      const batch: T[] = [];
      let item: AllStreamResolvedEvent | null = null;
      while (batch.length < batchSize && (item = subscription.read() as AllStreamResolvedEvent | null) !== null) {
        const selected = select(item);
        if (selected !== undefined) batch.push(selected);
      }
      if (batch.length > 0) {
        yield batch;
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
