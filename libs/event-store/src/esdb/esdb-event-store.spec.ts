import { PassThrough, Transform } from 'node:stream';
import {
  ANY,
  BACKWARDS,
  DeadlineExceededError,
  END,
  EventStoreDBClient,
  FORWARDS,
  NO_STREAM,
  START,
  STREAM_EXISTS,
  StreamNotFoundError,
  UnavailableError,
  WrongExpectedVersionError,
} from '@eventstore/db-client';
import type { AllStreamResolvedEvent, AppendResult as EsdbAppendResult, EventData, ResolvedEvent } from '@eventstore/db-client';
import { eventStoreContract } from '../contract';
import { EventIdReused, EventToAppend, RecordedEvent, WrongExpectedRevision } from '../event-store.port';
import {
  APPEND_ATTEMPT_KEY,
  EsdbEventStore,
  classifyRefused,
  commitPositionOf,
  isApplicationEvent,
  selectAfter,
  toEsdbExpectedRevision,
  toEventData,
  toReadPosition,
  toRecordedEvent,
  toStoredMetadata,
  typesRegex,
} from './esdb-event-store';

// ------------------------------------------------------------------------------------------------------------
// Builders shaped like what the client produces.
// ------------------------------------------------------------------------------------------------------------

const NOW = new Date('2026-02-03T04:05:06.789Z');
const CREATED = new Date('2026-01-01T00:00:00.000Z');

function toAppend(type: string, eventId: string, data: unknown = { n: 1 }): EventToAppend {
  return {
    type,
    data,
    metadata: {
      eventId,
      commandId: 'cmd-1',
      correlationId: 'corr-1',
      causationId: 'cause-1',
      actorId: 'member-1',
      schemaVersion: 2,
    },
  };
}

interface RecordedOptions {
  stream?: string;
  revision?: bigint;
  position?: bigint;
  type?: string;
  id?: string;
  data?: unknown;
  metadata?: unknown;
  isJson?: boolean;
}

/** A resolved event as a $all read or subscription yields it (event.position set). */
function resolved(options: RecordedOptions = {}): AllStreamResolvedEvent {
  const id = options.id ?? 'e0000000-0000-4000-8000-000000000000';
  const position = options.position ?? 100n;
  const metadata =
    'metadata' in options ? options.metadata : toStoredMetadata(toAppend('T', id).metadata, NOW);
  return {
    event: {
      streamId: options.stream ?? 'report-1',
      id,
      isJson: options.isJson ?? true,
      revision: options.revision ?? 0n,
      type: options.type ?? 'ReportDrafted',
      created: CREATED,
      data: options.data ?? { title: 'x' },
      metadata,
      position: { commit: position, prepare: position },
    },
    commitPosition: position,
  } as unknown as AllStreamResolvedEvent;
}

/** A system event ($-prefixed type or stream). */
function system(position: bigint, type = '$metadata', stream = '$$report-1'): AllStreamResolvedEvent {
  return resolved({ position, type, stream, metadata: undefined });
}

async function* iterate<T>(items: readonly T[], fail?: unknown): AsyncGenerator<T> {
  for (const item of items) yield item;
  if (fail !== undefined) throw fail;
}

interface Call {
  method: string;
  args: unknown[];
}

/** The client's expected-revision constants as the server's numbers (ExpectedVersion in the server's source). */
const SERVER_ANY = -2n;
const SERVER_NO_STREAM = -1n;
const SERVER_STREAM_EXISTS = -4n;

/**
 * A fake client whose appends follow the server's documented behaviour, not the adapter's model of it. Sources:
 *
 * - EventStoreDB docs, "Optimistic Concurrency & Idempotence" (docs.geteventstore.com/dotnet-api/4.0.0/
 *   optimistic-concurrency-and-idempotence/): "If identical write operations are performed ... it will be
 *   acknowledged as successful, but duplicate events will not be written. The idempotence check is based on the
 *   EventId and stream. It is possible to reuse an EventId across streams"; the guarantee holds when an expected
 *   version is given; with ExpectedVersion.Any it is best effort. The gRPC client docs say the same (EventStore/
 *   documentation docs/clients/grpc/appending-events/README.md, "eventId"): two events with the same id appended
 *   to the same stream in quick succession are stored once.
 * - The server's check, EventStore/EventStore src/EventStore.Core/Services/Storage/ReaderIndex/IndexWriter.cs,
 *   CheckCommit: for Any / StreamExists the ids are looked up in a bounded cache of recently committed event ids
 *   (all found in this stream: Idempotent; the first not found: Ok, written again; a later one not found:
 *   CorruptedIdempotency); for an expected version below the current one, the events from expected+1 on are
 *   compared with the ids (all equal: Idempotent; the first differs: WrongExpectedVersion; a later one differs:
 *   CorruptedIdempotency); expected above current: WrongExpectedVersion; expected equal to current: Ok, the ids
 *   are not checked at all. StreamExists on a missing stream: WrongExpectedVersion.
 * - StorageWriterService.cs (ActOnCommitCheckFailure): Idempotent is answered AlreadyCommitted with the first
 *   and last event numbers and the stored events' log position; CorruptedIdempotency is answered
 *   WrongExpectedVersion. RequestManagerBase.cs: Handle(AlreadyCommitted) calls ReturnCommitAt, which completes
 *   the request as a success, the same reply as a written append.
 * - The client (EventStore/EventStore-Client-NodeJS packages/db-client/src/streams/appendToStream/append.ts):
 *   a success resolves `{ success: true, nextExpectedRevision: current revision, position }`; a wrong expected
 *   version rejects with WrongExpectedVersionError (current revision or "no_stream") unless
 *   throwOnAppendFailure is off, when it resolves `{ success: false, ... }`.
 *
 * The id cache here holds every event ever written (the best case of the server's bounded cache). Appends are
 * processed one at a time, as the server's single writer does. Reads: a missing stream throws
 * StreamNotFoundError; $all forwards is inclusive of its start position, backwards exclusive.
 */
class FakeClient {
  readonly calls: Call[] = [];
  streams = new Map<string, ResolvedEvent[]>();
  all: AllStreamResolvedEvent[] = [];
  /** The next append fails with this error (a transport or server failure), once. */
  failNextAppend: Error | undefined;
  /** Models a client built with throwOnAppendFailure=false. */
  throwOnAppendFailure = true;
  /**
   * The next duplicate append is dropped as the server drops one whose original is not replicated yet
   * (StorageWriterService.cs, CommitDecision.IdempotentNotReady: "just drop the write and wait for the client to
   * retry"); the request then times out, which the client reports as DeadlineExceededError.
   */
  dropNextDuplicate = false;
  /** The next append is written, but its reply is lost: the client reports a timeout (DeadlineExceededError). */
  loseNextReply = false;
  /** Where the next written event goes in the log (commit positions are byte offsets: increasing, not dense). */
  logEnd = 1000n;
  subscription = Object.assign(new PassThrough({ objectMode: true }), { unsubscribed: false, unsubscribe: async () => undefined });
  disposed = false;

  constructor() {
    this.subscription.unsubscribe = async () => {
      this.subscription.unsubscribed = true;
    };
  }

  async appendToStream(stream: string, data: EventData | EventData[], options: { expectedRevision?: unknown } = {}): Promise<EsdbAppendResult> {
    this.calls.push({ method: 'appendToStream', args: [stream, data, options] });
    await Promise.resolve(); // a round trip: concurrent appends reach the server one after the other
    if (this.failNextAppend) {
      const failure = this.failNextAppend;
      this.failNextAppend = undefined;
      throw failure;
    }
    const events = Array.isArray(data) ? data : [data];
    const existing = this.streams.get(stream) ?? [];
    const current = BigInt(existing.length) - 1n; // -1: no stream
    const expected = options.expectedRevision ?? ANY;
    const expectedVersion =
      expected === ANY ? SERVER_ANY : expected === NO_STREAM ? SERVER_NO_STREAM : expected === STREAM_EXISTS ? SERVER_STREAM_EXISTS : (expected as bigint);
    const decision = this.checkCommit(stream, existing, current, expectedVersion, events.map((e) => e.id!));
    if (decision.kind === 'wrong-expected-version') {
      if (this.throwOnAppendFailure) {
        throw new WrongExpectedVersionError(undefined, {
          streamName: stream,
          current: current < 0n ? NO_STREAM : current,
          expected: expected as bigint,
        });
      }
      return { success: false, nextExpectedRevision: current, position: undefined };
    }
    if (decision.kind === 'idempotent') {
      if (this.dropNextDuplicate) {
        this.dropNextDuplicate = false;
        throw new DeadlineExceededError();
      }
      const last = existing[Number(decision.end)]!;
      const logPosition = last.event!.position!.commit;
      return { success: true, nextExpectedRevision: decision.end, position: { commit: logPosition, prepare: logPosition } };
    }
    const written = events.map((e, i) => {
      this.logEnd += 10n;
      return resolved({
        stream,
        id: e.id!,
        type: e.type,
        revision: current + 1n + BigInt(i),
        position: this.logEnd,
        data: e.data,
        metadata: e.metadata,
      });
    });
    this.streams.set(stream, [...existing, ...(written as unknown as ResolvedEvent[])]);
    this.all.push(...written);
    for (const subscription of this.live) for (const e of written) (subscription as unknown as { feed(e: AllStreamResolvedEvent): void }).feed(e);
    const lastPosition = written[written.length - 1]!.event!.position.commit;
    if (this.loseNextReply) {
      this.loseNextReply = false;
      throw new DeadlineExceededError();
    }
    return { success: true, nextExpectedRevision: current + BigInt(events.length), position: { commit: lastPosition, prepare: lastPosition } };
  }

  /** IndexWriter.CheckCommit, as summarised above. */
  private checkCommit(
    stream: string,
    existing: readonly ResolvedEvent[],
    current: bigint,
    expectedVersion: bigint,
    ids: readonly string[],
  ): { kind: 'ok' } | { kind: 'idempotent'; end: bigint } | { kind: 'wrong-expected-version' } {
    if (expectedVersion === SERVER_STREAM_EXISTS && current < 0n) return { kind: 'wrong-expected-version' };
    if (expectedVersion === SERVER_ANY || expectedVersion === SERVER_STREAM_EXISTS) {
      let end = -1n;
      for (const [i, id] of ids.entries()) {
        const cached = this.cachedEvent(id);
        if (!cached || cached.stream !== stream) return i === 0 ? { kind: 'ok' } : { kind: 'wrong-expected-version' };
        end = cached.revision;
      }
      return { kind: 'idempotent', end };
    }
    if (expectedVersion < current) {
      for (const [i, id] of ids.entries()) {
        const at = existing[Number(expectedVersion + 1n) + i];
        if (at?.event?.id !== id) return { kind: 'wrong-expected-version' }; // i > 0: corrupted idempotency, answered the same
      }
      return { kind: 'idempotent', end: expectedVersion + BigInt(ids.length) };
    }
    if (expectedVersion > current) return { kind: 'wrong-expected-version' };
    return { kind: 'ok' };
  }

  /** The server's cache of committed event ids: event id to the stream and event number it was last written at. */
  private cachedEvent(id: string): { stream: string; revision: bigint } | undefined {
    let found: { stream: string; revision: bigint; position: bigint } | undefined;
    for (const [stream, events] of this.streams) {
      for (const e of events) {
        const position = e.event!.position?.commit ?? 0n;
        if (e.event!.id === id && (!found || position > found.position)) found = { stream, revision: e.event!.revision, position };
      }
    }
    return found;
  }

  readStream(stream: string, options: { direction?: string; fromRevision?: bigint | string; maxCount?: number } = {}) {
    this.calls.push({ method: 'readStream', args: [stream, options] });
    const events = this.streams.get(stream);
    if (!events) return iterate<ResolvedEvent>([], new StreamNotFoundError(undefined, stream));
    let list = [...events];
    if (options.direction === BACKWARDS) list.reverse();
    if (typeof options.fromRevision === 'bigint') {
      const from = options.fromRevision;
      list = list.filter((e) => (options.direction === BACKWARDS ? e.event!.revision <= from : e.event!.revision >= from));
    }
    return iterate(list.slice(0, options.maxCount ?? Number.MAX_SAFE_INTEGER));
  }

  /** Semantics of the server: forwards inclusive of the position, backwards exclusive. */
  readAll(options: { direction?: string; fromPosition?: { commit: bigint } | string; maxCount?: number } = {}) {
    this.calls.push({ method: 'readAll', args: [options] });
    const pos = (e: AllStreamResolvedEvent): bigint => e.event!.position.commit;
    let list: AllStreamResolvedEvent[];
    if (options.direction === BACKWARDS) {
      const from = options.fromPosition;
      list = [...this.all].reverse().filter((e) => typeof from !== 'object' || pos(e) < from.commit);
    } else {
      const from = options.fromPosition;
      list = this.all.filter((e) => typeof from !== 'object' || pos(e) >= from.commit);
    }
    return iterate(list.slice(0, options.maxCount ?? Number.MAX_SAFE_INTEGER));
  }

  /**
   * Off: every subscription is `this.subscription`, which the test writes to. On: each subscription is fed from the
   * fake's log, as the server's catch-up subscription does: the events from its start position on (inclusive),
   * then each one written, only those whose type matches the filter's regex (excludeSystemEvents: `^[^$].*`; an
   * event type filter: its own). With a `checkpointReached` callback, the fake reports a checkpoint after every
   * event it considered and did not send, at that event's position: the server reports one per searched window
   * (AllSubscriptionFiltered.cs: the last event of the page, or the page's start when none matched), the fake at
   * the finest grain, which is what lets a test see `through` pass events of other types.
   */
  liveSubscriptions = false;
  private readonly live = new Set<Transform>();

  subscribeToAll(...args: unknown[]) {
    this.calls.push({ method: 'subscribeToAll', args });
    if (!this.liveSubscriptions) return this.subscription;
    const [options] = args as [
      {
        fromPosition?: { commit: bigint } | string;
        filter?: { regex?: string; checkpointReached?: (subscription: unknown, position: { commit: bigint; prepare: bigint }) => unknown };
      },
    ];
    const from = options.fromPosition;
    const matches = options.filter?.regex === undefined ? () => true : (type: string) => new RegExp(options.filter!.regex!).test(type);
    const checkpointReached = options.filter?.checkpointReached;
    // As the client's Subscription (a Transform): a checkpoint's callback runs in order with the events, once
    // every event sent before it is readable.
    const stream = new Transform({
      objectMode: true,
      transform(item: { checkpoint: bigint } | AllStreamResolvedEvent, _encoding, next) {
        if ('checkpoint' in item) {
          void Promise.resolve(checkpointReached?.(live, { commit: item.checkpoint, prepare: item.checkpoint })).then(() => next());
          return;
        }
        next(null, item);
      },
    });
    const feed = (e: AllStreamResolvedEvent): void => {
      if (matches(e.event!.type)) stream.write(e);
      else if (checkpointReached) stream.write({ checkpoint: e.event!.position.commit });
    };
    const live = Object.assign(stream, {
      feed,
      unsubscribe: async () => {
        this.live.delete(live);
        stream.end();
      },
    });
    for (const e of this.all) if (typeof from !== 'object' || e.event!.position.commit >= from.commit) feed(e);
    this.live.add(live);
    return live;
  }

  async dispose(): Promise<void> {
    this.disposed = true;
  }

  callsTo(method: string): Call[] {
    return this.calls.filter((c) => c.method === method);
  }
}

function open(): { fake: FakeClient; store: EsdbEventStore } {
  const fake = new FakeClient();
  return { fake, store: new EsdbEventStore(fake as unknown as EventStoreDBClient) };
}

/** Stores `events` in the fake stream (and in $all) as an earlier append would have. */
function seed(fake: FakeClient, stream: string, events: readonly EventToAppend[], firstPosition = 10n): void {
  const existing = fake.streams.get(stream) ?? [];
  const added = events.map((e, i) =>
    resolved({
      stream,
      id: e.metadata.eventId,
      type: e.type,
      revision: BigInt(existing.length + i),
      position: firstPosition + BigInt(i),
      metadata: toStoredMetadata(e.metadata, NOW),
    }),
  );
  fake.streams.set(stream, [...existing, ...(added as unknown as ResolvedEvent[])]);
  fake.all.push(...added);
}

const ID_A = 'aaaaaaaa-0000-4000-8000-000000000001';
const ID_B = 'bbbbbbbb-0000-4000-8000-000000000002';
const ID_C = 'cccccccc-0000-4000-8000-000000000003';

// ------------------------------------------------------------------------------------------------------------
// Pure mapping
// ------------------------------------------------------------------------------------------------------------

describe('toEsdbExpectedRevision', () => {
  it.each([
    ['any', ANY],
    ['no_stream', NO_STREAM],
    ['stream_exists', STREAM_EXISTS],
  ] as const)('maps %s to the client constant', (ours, theirs) => {
    expect(toEsdbExpectedRevision(ours)).toBe(theirs);
  });
  it('passes a revision through as a bigint', () => {
    expect(toEsdbExpectedRevision(0n)).toBe(0n);
    expect(toEsdbExpectedRevision(41n)).toBe(41n);
  });
  it('refuses a negative revision', () => {
    expect(() => toEsdbExpectedRevision(-1n)).toThrow();
  });
});

describe('toEventData', () => {
  it('uses our event id, type and data, and stores our metadata plus recordedAt', () => {
    const event = toAppend('ReportDrafted', ID_A, { title: 'hello' });
    const data = toEventData(event, NOW);
    expect(data).toEqual({
      id: ID_A,
      contentType: 'application/json',
      type: 'ReportDrafted',
      data: { title: 'hello' },
      metadata: { ...event.metadata, recordedAt: NOW.toISOString() },
    });
  });
  it('stores undefined data as null (JSON has no undefined)', () => {
    expect(toEventData({ ...toAppend('T', ID_A), data: undefined }, NOW).data).toBeNull();
  });
});

describe('toRecordedEvent', () => {
  it('round-trips our metadata exactly', () => {
    const event = toAppend('ReportDrafted', ID_A);
    const stored = toEventData(event, NOW).metadata;
    const recorded = toRecordedEvent(resolved({ id: ID_A, metadata: stored }))!;
    expect(recorded.metadata).toEqual({ ...event.metadata, recordedAt: NOW.toISOString() });
  });
  it('gives revision and position as bigint (position = commit position)', () => {
    const recorded = toRecordedEvent(resolved({ revision: 7n, position: 123456789012345n }))!;
    expect(typeof recorded.revision).toBe('bigint');
    expect(typeof recorded.position).toBe('bigint');
    expect(recorded.revision).toBe(7n);
    expect(recorded.position).toBe(123456789012345n);
  });
  it('keeps stream, type and data', () => {
    const recorded = toRecordedEvent(resolved({ stream: 'report-9', type: 'ReportSubmitted', data: { a: [1, 2] } }))!;
    expect(recorded).toMatchObject({ streamId: 'report-9', type: 'ReportSubmitted', data: { a: [1, 2] } });
  });
  it('falls back to created for recordedAt, to 1 for schemaVersion, to the record id for eventId', () => {
    const recorded = toRecordedEvent(resolved({ id: ID_B, metadata: { correlationId: 'c' } }))!;
    expect(recorded.metadata).toEqual({ correlationId: 'c', eventId: ID_B, schemaVersion: 1, recordedAt: CREATED.toISOString() });
  });
  it('uses the resolved commitPosition when the record has no position, and 0n when neither is known', () => {
    const noRecordPosition = resolved({ position: 55n });
    delete (noRecordPosition.event as { position?: unknown }).position;
    expect(toRecordedEvent(noRecordPosition)!.position).toBe(55n);
    const unknown = resolved({ position: 2n ** 64n - 1n });
    expect(commitPositionOf(unknown)).toBeUndefined();
    expect(toRecordedEvent(unknown)!.position).toBe(0n);
  });
  it('is undefined for an entry without an event', () => {
    expect(toRecordedEvent({ commitPosition: 5n })).toBeUndefined();
  });
});

describe('isApplicationEvent', () => {
  it('accepts our JSON events', () => {
    expect(isApplicationEvent(resolved())).toBe(true);
  });
  it.each([
    ['a system event type', resolved({ type: '$metadata' })],
    ['a link', resolved({ type: '$>' })],
    ['a system stream', resolved({ stream: '$settings', type: 'Settings' })],
    ['a binary event', resolved({ isJson: false })],
    ['an event without metadata', resolved({ metadata: undefined })],
    ['an event whose metadata is not ours', resolved({ metadata: { foo: 'bar' } })],
  ])('rejects %s', (_, event) => {
    expect(isApplicationEvent(event)).toBe(false);
  });
});

describe('positions of $all reads', () => {
  it('starts at START for 0n or undefined, else exactly at the position', () => {
    expect(toReadPosition(undefined)).toBe(START);
    expect(toReadPosition(0n)).toBe(START);
    expect(toReadPosition(42n)).toEqual({ commit: 42n, prepare: 42n });
  });
  it('selectAfter is exclusive of `after` and drops system events', () => {
    const page = [resolved({ position: 10n, id: ID_A }), system(11n), resolved({ position: 12n, id: ID_B })];
    expect(selectAfter(page, 10n).map((e) => e.position)).toEqual([12n]);
    expect(selectAfter(page, 0n).map((e) => e.position)).toEqual([10n, 12n]);
  });
});

describe('classifyRefused', () => {
  const recorded = (id: string, revision: bigint): RecordedEvent => toRecordedEvent(resolved({ id, revision, metadata: { eventId: id } }))!;
  it('is a duplicate when all ids are there, in order, from the expected position (case-insensitively)', () => {
    expect(classifyRefused([ID_A.toUpperCase(), ID_B], [recorded(ID_A, 0n), recorded(ID_B, 1n)])).toBe('duplicate');
  });
  it('is a reuse when only some ids are there, or in another order', () => {
    expect(classifyRefused([ID_A, ID_C], [recorded(ID_A, 0n), recorded(ID_B, 1n)])).toBe('reused');
    expect(classifyRefused([ID_B, ID_A], [recorded(ID_A, 0n), recorded(ID_B, 1n)])).toBe('reused');
  });
  it('is a conflict when none is there', () => {
    expect(classifyRefused([ID_C], [recorded(ID_A, 0n)])).toBe('conflict');
    expect(classifyRefused([ID_C], [])).toBe('conflict');
  });
});

// ------------------------------------------------------------------------------------------------------------
// The adapter over a fake client
// ------------------------------------------------------------------------------------------------------------

describe('EsdbEventStore.appendToStream', () => {
  it('appends JSON events with our ids and metadata at the mapped expected revision, reading nothing before', async () => {
    const { fake, store } = open();
    const before = Date.now();
    const result = await store.appendToStream('report-1', [toAppend('A', ID_A), toAppend('B', ID_B)], 'no_stream');

    expect(result).toEqual({ nextExpectedRevision: 1n, position: fake.logEnd, duplicate: false });
    expect(fake.calls[0]!.method).toBe('appendToStream');
    const [call] = fake.callsTo('appendToStream');
    const [stream, data, options] = call!.args as [string, ReturnType<typeof toEventData>[], { expectedRevision: unknown }];
    expect(stream).toBe('report-1');
    expect(options).toEqual({ expectedRevision: NO_STREAM });
    expect(data.map((d) => [d.id, d.type, d.contentType])).toEqual([
      [ID_A, 'A', 'application/json'],
      [ID_B, 'B', 'application/json'],
    ]);
    const metadata = data[0]!.metadata as Record<string, unknown>;
    expect(metadata).toMatchObject(toAppend('A', ID_A).metadata);
    expect(Date.parse(metadata.recordedAt as string)).toBeGreaterThanOrEqual(before);
  });

  it('then reads exactly one event: the last of the appended range, to tell a write from an absorbed retry', async () => {
    const { fake, store } = open();
    seed(fake, 'report-1', [toAppend('S', ID_C)]);
    await store.appendToStream('report-1', [toAppend('A', ID_A), toAppend('B', ID_B)], 0n);
    expect(fake.calls.map((c) => c.method)).toEqual(['appendToStream', 'readStream']);
    expect(fake.callsTo('appendToStream')[0]!.args[2]).toEqual({ expectedRevision: 0n });
    expect(fake.callsTo('readStream')[0]!.args).toEqual(['report-1', { direction: FORWARDS, fromRevision: 2n, maxCount: 1 }]);
  });

  it('stores the attempt id with the events, and reads do not return it', async () => {
    const { fake, store } = open();
    await store.appendToStream('report-1', [toAppend('A', ID_A)], 'any');
    const sent = (fake.callsTo('appendToStream')[0]!.args[1] as ReturnType<typeof toEventData>[])[0]!.metadata as Record<string, unknown>;
    expect(typeof sent[APPEND_ATTEMPT_KEY]).toBe('string');
    const [read] = await store.readStream('report-1');
    expect(read!.metadata).toEqual({ ...toAppend('A', ID_A).metadata, recordedAt: expect.any(String) });
  });

  it.each([
    ['no_stream', 'no_stream' as const],
    ['a revision', 0n],
    ['any (the id cache)', 'any' as const],
  ])('reports a retry the server absorbed (%s) as a duplicate, with the stored revision and position', async (_, expected) => {
    const { fake, store } = open();
    const events = [toAppend('A', ID_A), toAppend('B', ID_B)];
    if (expected === 0n) seed(fake, 'report-1', [toAppend('S', ID_C)], 60n);
    const first = await store.appendToStream('report-1', events, expected);
    const again = await store.appendToStream('report-1', events, expected);
    expect(first.duplicate).toBe(false);
    expect(again).toEqual({ nextExpectedRevision: first.nextExpectedRevision, position: first.position, duplicate: true });
    expect(fake.streams.get('report-1')).toHaveLength(expected === 0n ? 3 : 2);
  });

  it('the same events appended twice at once: the server writes once; one answer is the append, the other a duplicate', async () => {
    const { fake, store } = open();
    const events = [toAppend('A', ID_A), toAppend('B', ID_B)];
    const [a, b] = await Promise.all([store.appendToStream('report-1', events, 'no_stream'), store.appendToStream('report-1', events, 'no_stream')]);
    expect([a!.duplicate, b!.duplicate]).toEqual([false, true]);
    expect(b!.position).toBe(a!.position);
    expect(fake.streams.get('report-1')).toHaveLength(2);
  });

  it('a retry after the stream moved on is found where it was stored: a duplicate', async () => {
    const { fake, store } = open();
    const events = [toAppend('A', ID_A), toAppend('B', ID_B)];
    const first = await store.appendToStream('report-1', events, 'no_stream');
    await store.appendToStream('report-1', [toAppend('C', ID_C)], 1n);
    const again = await store.appendToStream('report-1', events, 'no_stream');
    expect(again).toEqual({ nextExpectedRevision: 1n, position: first.position, duplicate: true });
    expect(fake.streams.get('report-1')).toHaveLength(3);
  });

  it('refuses event ids reused for different events (the server answers WrongExpectedVersion: "corrupted idempotency")', async () => {
    const { fake, store } = open();
    seed(fake, 'report-1', [toAppend('A', ID_A)]);
    await expect(store.appendToStream('report-1', [toAppend('A', ID_A), toAppend('C', ID_C)], 'no_stream')).rejects.toBeInstanceOf(EventIdReused);
    await expect(store.appendToStream('report-1', [toAppend('A', ID_A), toAppend('C', ID_C)], 'any')).rejects.toBeInstanceOf(EventIdReused);
    expect(fake.streams.get('report-1')).toHaveLength(1);
  });

  it("translates the server's WrongExpectedVersion into WrongExpectedRevision with the actual revision", async () => {
    const { fake, store } = open();
    seed(fake, 'report-1', [toAppend('A', ID_A), toAppend('B', ID_B)]);
    const error = await store.appendToStream('report-1', [toAppend('C', ID_C)], 0n).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WrongExpectedRevision);
    expect(error).toMatchObject({ stream: 'report-1', expected: 0n, actual: 1n });
    await expect(store.appendToStream('report-2', [toAppend('C', ID_C)], 'stream_exists')).rejects.toMatchObject({
      expected: 'stream_exists',
      actual: 'no_stream',
    });
  });

  it('turns an unsuccessful result (throwOnAppendFailure off) into WrongExpectedRevision', async () => {
    const { fake, store } = open();
    fake.throwOnAppendFailure = false;
    await expect(store.appendToStream('report-1', [toAppend('A', ID_A)], 'stream_exists')).rejects.toMatchObject({
      expected: 'stream_exists',
      actual: 'no_stream',
    });
  });

  it('sends a timed-out append again: a duplicate the server dropped (not yet replicated) is then answered as one', async () => {
    const { fake, store } = open();
    const events = [toAppend('A', ID_A)];
    await store.appendToStream('report-1', events, 'no_stream');
    fake.dropNextDuplicate = true;
    await expect(store.appendToStream('report-1', events, 'no_stream')).resolves.toMatchObject({ duplicate: true, nextExpectedRevision: 0n });
    expect(fake.callsTo('appendToStream')).toHaveLength(3);
  });

  it('sends a timed-out append again: if the lost reply was for its own write, it is that append, not a duplicate', async () => {
    const { fake, store } = open();
    fake.loseNextReply = true;
    await expect(store.appendToStream('report-1', [toAppend('A', ID_A)], 'no_stream')).resolves.toMatchObject({ duplicate: false, nextExpectedRevision: 0n });
    expect(fake.streams.get('report-1')).toHaveLength(1);
  });

  it('gives up after a few timeouts', async () => {
    const { fake, store } = open();
    const timeout = new DeadlineExceededError();
    let calls = 0;
    fake.appendToStream = async () => {
      calls++;
      throw timeout;
    };
    await expect(store.appendToStream('report-1', [toAppend('A', ID_A)], 'no_stream')).rejects.toBe(timeout);
    expect(calls).toBe(3);
  });

  it('rethrows other client errors', async () => {
    const { fake, store } = open();
    const unavailable = new UnavailableError();
    fake.failNextAppend = unavailable;
    await expect(store.appendToStream('report-1', [toAppend('A', ID_A)])).rejects.toBe(unavailable);
  });

  it('refuses an empty append', async () => {
    const { store } = open();
    await expect(store.appendToStream('report-1', [])).rejects.toThrow();
  });
});

describe('EsdbEventStore.readStream', () => {
  it('reads a missing stream (StreamNotFoundError) as []', async () => {
    const { store } = open();
    await expect(store.readStream('report-404')).resolves.toEqual([]);
  });

  it('rethrows other read errors', async () => {
    const { fake, store } = open();
    const unavailable = new UnavailableError();
    fake.readStream = () => iterate<ResolvedEvent>([], unavailable);
    await expect(store.readStream('report-1')).rejects.toBe(unavailable);
  });

  it('reads forwards from a revision with a max count, and maps events', async () => {
    const { fake, store } = open();
    seed(fake, 'report-1', [toAppend('A', ID_A), toAppend('B', ID_B), toAppend('C', ID_C)], 40n);
    const read = await store.readStream('report-1', { fromRevision: 1n, maxCount: 1 });
    expect(fake.callsTo('readStream')[0]!.args).toEqual(['report-1', { direction: FORWARDS, fromRevision: 1n, maxCount: 1 }]);
    expect(read).toEqual([
      {
        streamId: 'report-1',
        revision: 1n,
        position: 41n,
        type: 'B',
        data: { title: 'x' },
        metadata: { ...toAppend('B', ID_B).metadata, recordedAt: NOW.toISOString() },
      },
    ]);
  });

  it('reads from the start by default', async () => {
    const { fake, store } = open();
    seed(fake, 'report-1', [toAppend('A', ID_A)]);
    await store.readStream('report-1');
    expect(fake.callsTo('readStream')[0]!.args[1]).toEqual({ direction: FORWARDS, fromRevision: START });
  });
});

describe('EsdbEventStore.readAll', () => {
  it('reads from START and drops system and foreign events', async () => {
    const { fake, store } = open();
    fake.all = [system(5n, '$epoch-information', '$epoch-information'), resolved({ position: 10n }), system(11n), resolved({ position: 12n, isJson: false }), resolved({ position: 13n })];
    const read = await store.readAll();
    expect(read.map((e) => e.position)).toEqual([10n, 13n]);
    expect(fake.callsTo('readAll')[0]!.args[0]).toMatchObject({ direction: FORWARDS, fromPosition: START });
  });

  it('is exclusive of `after`', async () => {
    const { fake, store } = open();
    fake.all = [resolved({ position: 10n }), resolved({ position: 20n }), resolved({ position: 30n })];
    const read = await store.readAll({ after: 20n });
    expect(read.map((e) => e.position)).toEqual([30n]);
    expect(fake.callsTo('readAll')[0]!.args[0]).toMatchObject({ fromPosition: { commit: 20n, prepare: 20n } });
  });

  it('honours maxCount and reads past pages filled with system events', async () => {
    const { fake, store } = open();
    fake.all = [
      resolved({ position: 10n }),
      system(11n),
      system(12n),
      system(13n),
      resolved({ position: 14n }),
      resolved({ position: 15n }),
      resolved({ position: 16n }),
    ];
    expect((await store.readAll({ maxCount: 2 })).map((e) => e.position)).toEqual([10n, 14n]);
    expect((await store.readAll({ after: 14n, maxCount: 2 })).map((e) => e.position)).toEqual([15n, 16n]);
    expect(await store.readAll({ after: 16n, maxCount: 2 })).toEqual([]);
  });
});

describe('EsdbEventStore.headPosition', () => {
  it('is 0n for an empty log', async () => {
    const { store } = open();
    await expect(store.headPosition()).resolves.toBe(0n);
  });
  it('is the commit position of the last non-system event', async () => {
    const { fake, store } = open();
    fake.all = [resolved({ position: 10n }), resolved({ position: 20n }), system(30n)];
    await expect(store.headPosition()).resolves.toBe(20n);
    expect(fake.callsTo('readAll')[0]!.args[0]).toMatchObject({ direction: BACKWARDS, fromPosition: END });
  });
  it('pages backwards past many system events', async () => {
    const { fake, store } = open();
    fake.all = [resolved({ position: 1n }), ...Array.from({ length: 600 }, (_, i) => system(BigInt(i + 2)))];
    await expect(store.headPosition()).resolves.toBe(1n);
  });
  it('is 0n when only system events exist', async () => {
    const { fake, store } = open();
    fake.all = [system(1n), system(2n)];
    await expect(store.headPosition()).resolves.toBe(0n);
  });
  it.each([
    ['a binary event', resolved({ position: 30n, isJson: false })],
    ['an event without our metadata', resolved({ position: 30n, metadata: { foo: 'bar' } })],
    ['an event without metadata', resolved({ position: 30n, metadata: undefined })],
  ])('skips a foreign event at the head (%s): the head is the last event readAll and subscriptions deliver', async (_, foreign) => {
    const { fake, store } = open();
    fake.all = [resolved({ position: 10n }), resolved({ position: 20n, id: ID_B }), foreign];
    const head = await store.headPosition();
    expect(head).toBe(20n);
    const delivered = await store.readAll();
    expect(delivered[delivered.length - 1]!.position).toBe(head);
  });
});

describe('EsdbEventStore.subscribeToAll', () => {
  it('subscribes from the position without system events, batches what arrives together, ends on abort', async () => {
    const { fake, store } = open();
    const controller = new AbortController();
    const batches: bigint[][] = [];
    const iterator = store.subscribeToAll({ after: 10n, batchSize: 2, signal: controller.signal })[Symbol.asyncIterator]();

    // Catch-up: the event at `after` (inclusive start) is skipped, system events dropped, batches of at most 2.
    const sub = fake.subscription;
    const first = iterator.next();
    for (const e of [resolved({ position: 10n }), resolved({ position: 11n }), system(12n), resolved({ position: 13n }), resolved({ position: 14n })]) sub.write(e);
    batches.push((await first).value!.map((e: RecordedEvent) => e.position));
    batches.push((await iterator.next()).value!.map((e: RecordedEvent) => e.position));

    const [options] = fake.callsTo('subscribeToAll')[0]!.args as [{ fromPosition: unknown; filter: { regex?: string } }];
    expect(options.fromPosition).toEqual({ commit: 10n, prepare: 10n });
    expect(options.filter.regex).toBe('^[^$].*');

    // Live: an event arriving later is its own batch.
    const live = iterator.next();
    setImmediate(() => sub.write(resolved({ position: 20n })));
    batches.push((await live).value!.map((e: RecordedEvent) => e.position));
    expect(batches).toEqual([[11n, 13n], [14n], [20n]]);

    // Abort while waiting: the iteration ends and the subscription is cancelled.
    const pending = iterator.next();
    controller.abort();
    await expect(pending).resolves.toEqual({ done: true, value: undefined });
    expect(sub.unsubscribed).toBe(true);
  });

  it('starts from START when after is 0n, and ends when the consumer breaks out', async () => {
    const { fake, store } = open();
    const seen: bigint[] = [];
    setImmediate(() => fake.subscription.write(resolved({ position: 3n })));
    for await (const batch of store.subscribeToAll({ after: 0n })) {
      seen.push(...batch.map((e) => e.position));
      break;
    }
    expect(seen).toEqual([3n]);
    expect((fake.callsTo('subscribeToAll')[0]!.args[0] as { fromPosition: unknown }).fromPosition).toBe(START);
    expect(fake.subscription.unsubscribed).toBe(true);
  });

  it('yields nothing when the signal is already aborted', async () => {
    const { fake, store } = open();
    const controller = new AbortController();
    controller.abort();
    const batches = [];
    for await (const batch of store.subscribeToAll({ signal: controller.signal })) batches.push(batch);
    expect(batches).toEqual([]);
    expect(fake.callsTo('subscribeToAll')).toHaveLength(0);
  });

  it('rethrows a subscription error', async () => {
    const { fake, store } = open();
    const failure = new UnavailableError();
    setImmediate(() => fake.subscription.destroy(failure));
    const iterator = store.subscribeToAll()[Symbol.asyncIterator]();
    await expect(iterator.next()).rejects.toBe(failure);
  });

  it('close() ends open subscriptions and disposes the client', async () => {
    const { fake, store } = open();
    const iterator = store.subscribeToAll()[Symbol.asyncIterator]();
    const pending = iterator.next();
    await new Promise((resolve) => setImmediate(resolve));
    await store.close();
    await expect(pending).resolves.toMatchObject({ done: true });
    expect(fake.disposed).toBe(true);
  });
});

describe('EsdbEventStore.subscribe with types', () => {
  it('filters on the server with an event type filter matching exactly the types, with checkpoints', async () => {
    const { fake, store } = open();
    fake.liveSubscriptions = true;
    const controller = new AbortController();
    const iterator = store.subscribe({ types: ['Report.Drafted', 'B'], signal: controller.signal })[Symbol.asyncIterator]();
    const pending = iterator.next();
    await new Promise((resolve) => setImmediate(resolve));
    const [options] = fake.callsTo('subscribeToAll')[0]!.args as [{ filter: { filterOn: string; regex: string; checkpointInterval: number } }];
    expect(options.filter).toMatchObject({ filterOn: 'eventType', regex: '^(?:Report\\.Drafted|B)$', checkpointInterval: 1 });
    controller.abort();
    await expect(pending).resolves.toMatchObject({ done: true });
  });

  it('builds a regex that matches the types and nothing else', () => {
    const re = new RegExp(typesRegex(['a.b', 'C+']));
    expect(['a.b', 'C+'].map((t) => re.test(t))).toEqual([true, true]);
    expect(['axb', 'a.bc', 'CC', '$a.b'].map((t) => re.test(t))).toEqual([false, false, false, false]);
    expect(new RegExp(typesRegex([])).test('')).toBe(false);
  });
});

// ------------------------------------------------------------------------------------------------------------
// The shared contract, on the fake server. No EventStoreDB runs here: esdb-event-store.int-spec.ts runs the same
// contract against a real one when EVENTSTORE_CONNECTION_STRING is set. This run checks the adapter against the
// server's documented behaviour as the fake encodes it (sources at FakeClient).
// ------------------------------------------------------------------------------------------------------------

eventStoreContract(
  'EventStoreDB adapter over the fake server',
  async () => {
    const fake = new FakeClient();
    fake.liveSubscriptions = true;
    const store = new EsdbEventStore(fake as unknown as EventStoreDBClient);
    return { store, dispose: () => store.close() };
  },
  { eventIdScope: 'stream', atomicAppendMany: false },
);
