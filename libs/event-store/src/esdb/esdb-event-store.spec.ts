import { PassThrough } from 'node:stream';
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
  UnavailableError,
  WrongExpectedVersionError,
} from '@eventstore/db-client';
import type { AllStreamResolvedEvent, AppendResult as EsdbAppendResult, ResolvedEvent } from '@eventstore/db-client';
import { EventIdReused, EventToAppend, RecordedEvent, WrongExpectedRevision } from '../event-store.port';
import {
  EsdbEventStore,
  checkDuplicate,
  commitPositionOf,
  isApplicationEvent,
  selectAfter,
  toEsdbExpectedRevision,
  toEventData,
  toReadPosition,
  toRecordedEvent,
  toStoredMetadata,
  translateAppendError,
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

/** A fake client: records calls and answers from scripted data. */
class FakeClient {
  readonly calls: Call[] = [];
  streams = new Map<string, ResolvedEvent[]>();
  all: AllStreamResolvedEvent[] = [];
  appendResult: EsdbAppendResult | Error = { success: true, nextExpectedRevision: 0n, position: { commit: 500n, prepare: 500n } };
  subscription = Object.assign(new PassThrough({ objectMode: true }), { unsubscribed: false, unsubscribe: async () => undefined });
  disposed = false;

  constructor() {
    this.subscription.unsubscribe = async () => {
      this.subscription.unsubscribed = true;
    };
  }

  async appendToStream(...args: unknown[]): Promise<EsdbAppendResult> {
    this.calls.push({ method: 'appendToStream', args });
    if (this.appendResult instanceof Error) throw this.appendResult;
    return this.appendResult;
  }

  readStream(stream: string, options: { direction?: string; fromRevision?: bigint | string; maxCount?: number } = {}) {
    this.calls.push({ method: 'readStream', args: [stream, options] });
    const events = this.streams.get(stream);
    if (!events) return iterate<ResolvedEvent>([], new StreamNotFoundError(undefined, stream));
    let list = [...events];
    if (options.direction === BACKWARDS) list.reverse();
    if (typeof options.fromRevision === 'bigint') {
      const from = options.fromRevision;
      list = list.filter((e) => e.event!.revision >= from);
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

  subscribeToAll(...args: unknown[]) {
    this.calls.push({ method: 'subscribeToAll', args });
    return this.subscription;
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

/** Stores `events` in the fake stream as the client would return them after an append. */
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

describe('translateAppendError', () => {
  it("turns the client's WrongExpectedVersionError into WrongExpectedRevision with the actual revision", () => {
    const clientError = new WrongExpectedVersionError(undefined, { streamName: 'report-1', expected: 1n, current: 3n });
    const error = translateAppendError(clientError, 'report-1', 1n);
    expect(error).toBeInstanceOf(WrongExpectedRevision);
    expect(error).toMatchObject({ stream: 'report-1', expected: 1n, actual: 3n, kind: 'conflict', code: 'wrong-expected-revision' });
  });
  it('reports a missing stream as no_stream', () => {
    const clientError = new WrongExpectedVersionError(undefined, { streamName: 's-1', expected: STREAM_EXISTS, current: NO_STREAM });
    expect(translateAppendError(clientError, 's-1', 'stream_exists')).toMatchObject({ expected: 'stream_exists', actual: 'no_stream' });
  });
  it('leaves other errors alone', () => {
    const other = new UnavailableError();
    expect(translateAppendError(other, 's-1', 'any')).toBe(other);
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

describe('checkDuplicate', () => {
  const recorded = (id: string, revision: bigint): RecordedEvent => toRecordedEvent(resolved({ id, revision, metadata: { eventId: id } }))!;
  it('is new when no id is stored', () => {
    expect(checkDuplicate([ID_C], [recorded(ID_A, 0n), recorded(ID_B, 1n)])).toEqual({ kind: 'new' });
  });
  it('is a duplicate when all ids are stored consecutively in order (case-insensitively)', () => {
    const check = checkDuplicate([ID_A.toUpperCase(), ID_B], [recorded(ID_A, 0n), recorded(ID_B, 1n), recorded(ID_C, 2n)]);
    expect(check).toMatchObject({ kind: 'duplicate', last: { revision: 1n } });
  });
  it('is a reuse when only some ids are stored, or in another order', () => {
    expect(checkDuplicate([ID_A, ID_C], [recorded(ID_A, 0n), recorded(ID_B, 1n)])).toEqual({ kind: 'reused' });
    expect(checkDuplicate([ID_B, ID_A], [recorded(ID_A, 0n), recorded(ID_B, 1n)])).toEqual({ kind: 'reused' });
  });
});

// ------------------------------------------------------------------------------------------------------------
// The adapter over a fake client
// ------------------------------------------------------------------------------------------------------------

describe('EsdbEventStore.appendToStream', () => {
  it('appends JSON events with our ids and metadata at the mapped expected revision', async () => {
    const { fake, store } = open();
    fake.appendResult = { success: true, nextExpectedRevision: 1n, position: { commit: 900n, prepare: 900n } };
    const before = Date.now();
    const result = await store.appendToStream('report-1', [toAppend('A', ID_A), toAppend('B', ID_B)], 'no_stream');

    expect(result).toEqual({ nextExpectedRevision: 1n, position: 900n, duplicate: false });
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

  it('checks the end of the stream for the same event ids first (backwards, one per event)', async () => {
    const { fake, store } = open();
    await store.appendToStream('report-1', [toAppend('A', ID_A), toAppend('B', ID_B)], 'any');
    expect(fake.callsTo('readStream')[0]!.args).toEqual(['report-1', { direction: BACKWARDS, fromRevision: END, maxCount: 2 }]);
    expect(fake.callsTo('appendToStream')[0]!.args[2]).toEqual({ expectedRevision: ANY });
  });

  it('passes a revision as the expected revision', async () => {
    const { fake, store } = open();
    seed(fake, 'report-1', [toAppend('A', ID_A)]);
    await store.appendToStream('report-1', [toAppend('B', ID_B)], 0n);
    expect(fake.callsTo('appendToStream')[0]!.args[2]).toEqual({ expectedRevision: 0n });
  });

  it('reports a retried append as a duplicate without appending', async () => {
    const { fake, store } = open();
    const events = [toAppend('A', ID_A), toAppend('B', ID_B)];
    seed(fake, 'report-1', events, 70n);
    const result = await store.appendToStream('report-1', events, 'no_stream');
    expect(result).toEqual({ nextExpectedRevision: 1n, position: 71n, duplicate: true });
    expect(fake.callsTo('appendToStream')).toHaveLength(0);
  });

  it('finds a retried append that another append has since followed', async () => {
    const { fake, store } = open();
    const events = [toAppend('A', ID_A), toAppend('B', ID_B)];
    seed(fake, 'report-1', events, 70n);
    seed(fake, 'report-1', [toAppend('C', ID_C)], 80n);
    const result = await store.appendToStream('report-1', events, 'no_stream');
    expect(result).toEqual({ nextExpectedRevision: 1n, position: 71n, duplicate: true });
    expect(fake.callsTo('appendToStream')).toHaveLength(0);
  });

  it('refuses event ids reused for different events', async () => {
    const { fake, store } = open();
    seed(fake, 'report-1', [toAppend('A', ID_A)]);
    await expect(store.appendToStream('report-1', [toAppend('A', ID_A), toAppend('C', ID_C)], 0n)).rejects.toBeInstanceOf(EventIdReused);
    expect(fake.callsTo('appendToStream')).toHaveLength(0);
  });

  it("translates the client's WrongExpectedVersionError", async () => {
    const { fake, store } = open();
    seed(fake, 'report-1', [toAppend('A', ID_A), toAppend('B', ID_B)]);
    fake.appendResult = new WrongExpectedVersionError(undefined, { streamName: 'report-1', expected: 0n, current: 1n });
    const error = await store.appendToStream('report-1', [toAppend('C', ID_C)], 0n).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WrongExpectedRevision);
    expect(error).toMatchObject({ stream: 'report-1', expected: 0n, actual: 1n });
  });

  it('turns an unsuccessful result (throwOnAppendFailure off) into WrongExpectedRevision', async () => {
    const { fake, store } = open();
    fake.appendResult = { success: false, nextExpectedRevision: -1n, position: undefined };
    await expect(store.appendToStream('report-1', [toAppend('A', ID_A)], 'stream_exists')).rejects.toMatchObject({
      expected: 'stream_exists',
      actual: 'no_stream',
    });
  });

  it('rethrows other client errors', async () => {
    const { fake, store } = open();
    const unavailable = new UnavailableError();
    fake.appendResult = unavailable;
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
