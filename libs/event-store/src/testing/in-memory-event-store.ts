import type {
  AppendResult,
  EventStore,
  EventSubscription,
  EventToAppend,
  ExpectedRevision,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
  SubscribeOptions,
} from '../event-store.port';
import { EventIdReused, WrongExpectedRevision } from '../event-store.port';

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
    if (this.beforeAppend) {
      const hook = this.beforeAppend;
      this.beforeAppend = undefined;
      await hook(stream);
    }
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
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
    return { nextExpectedRevision: BigInt(existing.length - 1), position: BigInt(this.log.length), duplicate: false };
  }

  async readStream(stream: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    const from = Number(options.fromRevision ?? 0n);
    const events = (this.streams.get(stream) ?? []).slice(from);
    return options.maxCount === undefined ? events : events.slice(0, options.maxCount);
  }

  async readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    const after = Number(options.after ?? 0n);
    return this.log.slice(after, after + (options.maxCount ?? 1000));
  }

  subscribeToAll(options: SubscribeOptions = {}): EventSubscription {
    const store = this;
    return {
      async *[Symbol.asyncIterator]() {
        let after = options.after ?? 0n;
        while (!options.signal?.aborted) {
          const batch = await store.readAll({ after, maxCount: options.batchSize ?? 500 });
          if (batch.length > 0) {
            after = batch[batch.length - 1]!.position;
            yield batch;
            continue;
          }
          await new Promise<void>((resolve) => {
            store.waiters.push(resolve);
            options.signal?.addEventListener('abort', () => resolve(), { once: true });
          });
        }
      },
    };
  }

  async headPosition(): Promise<bigint> {
    return BigInt(this.log.length);
  }

  async close(): Promise<void> {
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }
}
