import type {
  AppendResult,
  EventBatch,
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
} from '../event-store.port';
import { EventIdReused, WrongExpectedRevision, eventsOf, matchesLog } from '../event-store.port';

/**
 * An EventStore in memory, for unit specs of the command path. It passes the same contract suite as the real
 * adapters, so what a unit spec learns from it holds for them.
 */
export class InMemoryEventStore implements EventStore {
  private readonly log: RecordedEvent[] = [];
  private readonly streams = new Map<string, RecordedEvent[]>();
  private waiters: (() => void)[] = [];
  /** Set by tests to simulate a concurrent writer between read and append. */
  beforeAppend: ((stream: string) => Promise<void> | void) | undefined;

  async appendToStream(stream: string, events: readonly EventToAppend[], expected: ExpectedRevision = 'any'): Promise<AppendResult> {
    await this.runHook(stream);
    const result = this.append(stream, events, expected);
    this.wake();
    return result;
  }

  /** All or nothing: a failing append undoes the ones before it (nothing else runs in between). */
  async appendMany(appends: readonly StreamAppend[]): Promise<AppendResult[]> {
    if (appends.length === 0) return [];
    await this.runHook(appends[0]!.stream);
    const logLength = this.log.length;
    const before = new Map(appends.map((a) => [a.stream, this.streams.get(a.stream)?.length]));
    try {
      const results = appends.map((a) => this.append(a.stream, a.events, a.expected ?? 'any'));
      this.wake();
      return results;
    } catch (error) {
      this.log.length = logLength;
      for (const [stream, length] of before) {
        if (length === undefined) this.streams.delete(stream);
        else this.streams.get(stream)!.length = length;
      }
      throw error;
    }
  }

  private async runHook(stream: string): Promise<void> {
    if (this.beforeAppend) {
      const hook = this.beforeAppend;
      this.beforeAppend = undefined;
      await hook(stream);
    }
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }

  private append(stream: string, events: readonly EventToAppend[], expected: ExpectedRevision): AppendResult {
    if (events.length === 0) throw new Error('appendToStream needs at least one event');
    const existing = this.streams.get(stream) ?? [];
    const ids = new Set(events.map((e) => e.metadata.eventId));
    const already = this.log.filter((e) => ids.has(e.metadata.eventId));
    if (already.length > 0) {
      if (already.length !== events.length || already.some((e) => e.streamId !== stream)) throw new EventIdReused(stream, [...ids]);
      const last = already[already.length - 1]!;
      return { nextExpectedRevision: last.revision, position: last.position, duplicate: true };
    }
    const actual = existing.length === 0 ? undefined : BigInt(existing.length - 1);
    const ok =
      expected === 'any' ||
      (expected === 'no_stream' && actual === undefined) ||
      (expected === 'stream_exists' && actual !== undefined) ||
      (typeof expected === 'bigint' && actual === expected);
    if (!ok) throw new WrongExpectedRevision(stream, expected, actual ?? 'no_stream');
    const recordedAt = new Date().toISOString();
    for (const e of events) {
      const recorded: RecordedEvent = {
        streamId: stream,
        revision: BigInt(existing.length),
        position: BigInt(this.log.length + 1),
        type: e.type,
        data: structuredClone(e.data),
        metadata: { ...e.metadata, recordedAt },
      };
      existing.push(recorded);
      this.log.push(recorded);
    }
    this.streams.set(stream, existing);
    return { nextExpectedRevision: BigInt(existing.length - 1), position: BigInt(this.log.length), duplicate: false };
  }

  async readStream(stream: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    const from = Number(options.fromRevision ?? 0n);
    const events = (this.streams.get(stream) ?? []).slice(from);
    return options.maxCount === undefined ? events : events.slice(0, options.maxCount);
  }

  async readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    return this.scan(options.after ?? 0n, options.maxCount ?? 1000, options.types).events as RecordedEvent[];
  }

  async readLog(options: ReadLogOptions = {}): Promise<EventBatch> {
    const after = options.after ?? 0n;
    const max = options.maxCount ?? 1000;
    if (!(max >= 1)) throw new RangeError('readLog needs a maxCount of at least 1');
    const head = BigInt(this.log.length);
    const bound = options.upTo !== undefined && options.upTo < head ? options.upTo : head;
    const events: RecordedEvent[] = [];
    for (let i = Number(after); i < Number(bound) && events.length < max; i++) {
      if (matchesLog(this.log[i]!, options)) events.push(this.log[i]!);
    }
    const through = events.length >= max ? events[events.length - 1]!.position : bound > after ? bound : after;
    return { events, through };
  }

  /** Up to `max` events of `types` after `after`, and how far the scan went (the log has no gaps here). */
  private scan(after: bigint, max: number, types: readonly string[] | undefined): EventBatch {
    const wanted = types ? new Set(types) : undefined;
    const events: RecordedEvent[] = [];
    let through = after;
    for (let i = Number(after); i < this.log.length && events.length < max; i++) {
      const e = this.log[i]!;
      through = e.position;
      if (!wanted || wanted.has(e.type)) events.push(e);
    }
    return { events, through };
  }

  subscribe(options: SubscribeOptions = {}): AsyncIterable<EventBatch> {
    const store = this;
    return {
      async *[Symbol.asyncIterator]() {
        let after = options.after ?? 0n;
        while (!options.signal?.aborted) {
          const batch = store.scan(after, options.batchSize ?? 500, options.types);
          if (batch.through > after) {
            after = batch.through;
            yield batch;
            continue;
          }
          await store.nextAppend(options.signal);
        }
      },
    };
  }

  private nextAppend(signal: AbortSignal | undefined): Promise<void> {
    return new Promise<void>((resolve) => {
      this.waiters.push(resolve);
      signal?.addEventListener('abort', () => resolve(), { once: true });
    });
  }

  subscribeToAll(options: SubscribeOptions = {}): EventSubscription {
    return eventsOf(this.subscribe(options));
  }

  async headPosition(): Promise<bigint> {
    return BigInt(this.log.length);
  }

  async close(): Promise<void> {
    this.wake();
  }
}
