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
} from './event-store.port';
import { UpcasterRegistry } from './upcasting';

/** Wraps any adapter so every read (stream, all, log, subscription) returns events at their current schema version. */
export class UpcastingEventStore implements EventStore {
  constructor(
    private readonly inner: EventStore,
    private readonly registry: UpcasterRegistry,
  ) {}

  appendToStream(stream: string, events: readonly EventToAppend[], expected?: ExpectedRevision): Promise<AppendResult> {
    return this.inner.appendToStream(stream, events, expected);
  }
  appendMany(appends: readonly StreamAppend[]): Promise<AppendResult[]> {
    return this.inner.appendMany(appends);
  }
  async readStream(stream: string, options?: ReadStreamOptions): Promise<RecordedEvent[]> {
    return (await this.inner.readStream(stream, options)).map((e) => this.registry.upcast(e));
  }
  async readAll(options?: ReadAllOptions): Promise<RecordedEvent[]> {
    return (await this.inner.readAll(options)).map((e) => this.registry.upcast(e));
  }
  async readLog(options?: ReadLogOptions): Promise<EventBatch> {
    const batch = await this.inner.readLog(options);
    return { events: batch.events.map((e) => this.registry.upcast(e)), through: batch.through };
  }
  subscribeToAll(options?: SubscribeOptions): EventSubscription {
    const inner = this.inner.subscribeToAll(options);
    const registry = this.registry;
    return {
      async *[Symbol.asyncIterator]() {
        for await (const batch of inner) yield batch.map((e) => registry.upcast(e));
      },
    };
  }
  subscribe(options?: SubscribeOptions): AsyncIterable<EventBatch> {
    const inner = this.inner.subscribe(options);
    const registry = this.registry;
    return {
      async *[Symbol.asyncIterator]() {
        for await (const batch of inner) yield { events: batch.events.map((e) => registry.upcast(e)), through: batch.through };
      },
    };
  }
  headPosition(): Promise<bigint> {
    return this.inner.headPosition();
  }
  close(): Promise<void> {
    return this.inner.close();
  }
}
