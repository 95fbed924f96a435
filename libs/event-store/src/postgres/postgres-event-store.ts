import { EventEmitter } from 'node:events';
import type { Pool, PoolClient } from 'pg';
import {
  AppendResult,
  EventBatch,
  EventStore,
  EventSubscription,
  EventToAppend,
  ExpectedRevision,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
  StreamAppend,
  SubscribeOptions,
  EventIdReused,
  WrongExpectedRevision,
  eventsOf,
} from '../event-store.port';

const CHANNEL = 'es_events_appended';

export interface PostgresEventStoreOptions {
  /** How long a subscriber waits for a NOTIFY before polling anyway (the fallback when notifications are lost). */
  readonly pollIntervalMs?: number;
}

interface EventRow {
  global_position: string;
  stream_id: string;
  stream_revision: string;
  event_id: string;
  event_type: string;
  schema_version: number;
  data: unknown;
  metadata: Record<string, unknown>;
  recorded_at: Date;
}

const SELECT_EVENTS = `SELECT global_position, stream_id, stream_revision, event_id, event_type, schema_version,
  data, metadata, recorded_at FROM es_events`;

/**
 * The default event store. Global positions come from a single counter row updated inside the append
 * transaction: its row lock serialises position assignment and commit, so positions become visible strictly in
 * order and a subscriber reading `position > checkpoint` can never skip an event that commits late (ADR 0003).
 * An append is one call of the es_append SQL function: one round trip.
 */
export class PostgresEventStore implements EventStore {
  private readonly notifications = new EventEmitter();
  private listener: PoolClient | undefined;
  private listening: Promise<void> | undefined;
  private closed = false;
  private readonly pollIntervalMs: number;

  constructor(
    private readonly pool: Pool,
    options: PostgresEventStoreOptions = {},
  ) {
    this.pollIntervalMs = options.pollIntervalMs ?? 1000;
    this.notifications.setMaxListeners(0);
  }

  async appendToStream(
    stream: string,
    events: readonly EventToAppend[],
    expected: ExpectedRevision = 'any',
  ): Promise<AppendResult> {
    if (events.length === 0) throw new Error('appendToStream needs at least one event');
    try {
      return await this.appendWith(this.pool, stream, events, expected);
    } catch (error) {
      throw translate(error, stream, expected, events);
    }
  }

  async appendMany(appends: readonly StreamAppend[]): Promise<AppendResult[]> {
    if (appends.length === 0) return [];
    for (const a of appends) if (a.events.length === 0) throw new Error('appendMany needs at least one event per append');
    const client = await this.pool.connect();
    const results: AppendResult[] = [];
    let current: StreamAppend | undefined;
    try {
      await client.query('BEGIN');
      // Every stream locked up front, in one order for every caller: two appendMany calls cannot deadlock.
      const streams = [...new Set(appends.map((a) => a.stream))].sort();
      await client.query('INSERT INTO es_streams (stream_id, revision) SELECT s, -1 FROM unnest($1::text[]) AS s ORDER BY s ON CONFLICT (stream_id) DO NOTHING', [streams]);
      await client.query('SELECT 1 FROM es_streams WHERE stream_id = ANY($1::text[]) ORDER BY stream_id FOR UPDATE', [streams]);
      for (const a of appends) {
        current = a;
        results.push(await this.appendWith(client, a.stream, a.events, a.expected ?? 'any'));
      }
      await client.query('COMMIT');
      return results;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw current ? translate(error, current.stream, current.expected ?? 'any', current.events) : error;
    } finally {
      client.release();
    }
  }

  /** One append: one call of es_append, one round trip (migrations 0002, 0003, 0007). */
  private async appendWith(client: Pool | PoolClient, stream: string, events: readonly EventToAppend[], expected: ExpectedRevision): Promise<AppendResult> {
    const result = await client.query<{ next_revision: string; last_position: string; duplicate: boolean }>(
      'SELECT * FROM es_append($1, $2, $3::uuid[], $4::text[], $5::int[], $6::jsonb[], $7::jsonb[])',
      [
        stream,
        typeof expected === 'bigint' ? expected.toString() : expected,
        events.map((e) => e.metadata.eventId),
        events.map((e) => e.type),
        events.map((e) => e.metadata.schemaVersion ?? 1),
        events.map((e) => JSON.stringify(e.data ?? null)),
        events.map((e) => JSON.stringify(e.metadata)),
      ],
    );
    const row = result.rows[0]!;
    return { nextExpectedRevision: BigInt(row.next_revision), position: BigInt(row.last_position), duplicate: row.duplicate };
  }

  async readStream(stream: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    const result = await this.pool.query<EventRow>(
      `${SELECT_EVENTS} WHERE stream_id = $1 AND stream_revision >= $2 ORDER BY stream_revision LIMIT $3`,
      [stream, (options.fromRevision ?? 0n).toString(), options.maxCount ?? null],
    );
    return result.rows.map(toRecorded);
  }

  async readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    return (await this.readBatch(options.after ?? 0n, options.maxCount ?? 1000, options.types)).events as RecordedEvent[];
  }

  /**
   * Up to `max` events of `types` strictly after `after` and at or below the visible bound, with `through`: the
   * bound when fewer than `max` matched (everything up to it was scanned), else the last event's position.
   * One statement, so the bound and the events come from one snapshot.
   */
  private async readBatch(after: bigint, max: number, types: readonly string[] | undefined): Promise<EventBatch> {
    const result = await this.pool.query<EventRow & { through: string }>(
      `WITH bound AS (SELECT last_position AS through FROM es_position WHERE id = 1)
       SELECT bound.through, e.* FROM bound LEFT JOIN LATERAL (
         ${SELECT_EVENTS} WHERE global_position > $1 AND global_position <= bound.through
           AND ($3::text[] IS NULL OR event_type = ANY($3::text[]))
         ORDER BY global_position LIMIT $2
       ) e ON true`,
      [after.toString(), max, types ?? null],
    );
    const rows = result.rows.filter((r) => r.global_position !== null);
    const events = rows.map(toRecorded);
    const bound = BigInt(result.rows[0]?.through ?? after);
    const through = events.length >= max ? events[events.length - 1]!.position : bound > after ? bound : after;
    return { events, through };
  }

  subscribeToAll(options: SubscribeOptions = {}): EventSubscription {
    return eventsOf(this.subscribe(options));
  }

  subscribe(options: SubscribeOptions = {}): AsyncIterable<EventBatch> {
    const store = this;
    const batchSize = options.batchSize ?? 500;
    const signal = options.signal;
    return {
      async *[Symbol.asyncIterator]() {
        let after = options.after ?? 0n;
        await store.listen();
        while (!signal?.aborted && !store.closed) {
          const batch = await store.readBatch(after, batchSize, options.types);
          if (batch.through > after) {
            after = batch.through;
            yield batch;
            continue;
          }
          await store.waitForAppend(after, signal);
        }
      },
    };
  }

  async headPosition(): Promise<bigint> {
    const result = await this.pool.query<{ last_position: string }>('SELECT last_position FROM es_position WHERE id = 1');
    return BigInt(result.rows[0]?.last_position ?? 0);
  }

  async close(): Promise<void> {
    this.closed = true;
    this.notifications.emit('wake');
    const listener = this.listener;
    this.listener = undefined;
    if (listener) {
      listener.removeAllListeners('notification');
      await listener.query(`UNLISTEN ${CHANNEL}`).catch(() => undefined);
      this.releaseListener(listener, false);
    }
  }

  /** One LISTEN connection per store, shared by all its subscribers; reconnects lazily after a failure. */
  private listen(): Promise<void> {
    if (this.listener || this.closed) return Promise.resolve();
    this.listening ??= (async () => {
      try {
        const client = await this.pool.connect();
        client.on('notification', () => this.notifications.emit('wake'));
        client.on('error', () => {
          if (this.listener === client) this.listener = undefined;
          this.releaseListener(client, true);
        });
        await client.query(`LISTEN ${CHANNEL}`);
        this.listener = client;
      } catch {
        // No notifications for now: subscribers fall back to polling and try to listen again later.
      } finally {
        this.listening = undefined;
      }
    })();
    return this.listening;
  }

  private readonly releasedListeners = new WeakSet<PoolClient>();

  /** A broken connection may error after close() released it: release each listener once. */
  private releaseListener(client: PoolClient, broken: boolean): void {
    if (this.releasedListeners.has(client)) return;
    this.releasedListeners.add(client);
    client.on('error', () => undefined);
    client.release(broken);
  }

  private waitForAppend(after: bigint, signal: AbortSignal | undefined): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.notifications.off('wake', done);
        signal?.removeEventListener('abort', done);
        resolve();
      };
      // Polling fallback: a lost notification (or a lost LISTEN connection) delays delivery, never loses it.
      const timer = setTimeout(() => {
        void this.listen();
        done();
      }, this.pollIntervalMs);
      this.notifications.on('wake', done);
      signal?.addEventListener('abort', done, { once: true });
      // An append may have committed between our read and our listen: check once more.
      void this.headPosition().then(
        (head) => head > after && done(),
        () => undefined,
      );
    });
  }
}

function translate(error: unknown, stream: string, expected: ExpectedRevision, events: readonly EventToAppend[]): unknown {
  const pgError = error as { code?: string; constraint?: string; detail?: string };
  if (pgError.code === 'BS001') {
    return new WrongExpectedRevision(stream, expected, pgError.detail === 'no_stream' || !pgError.detail ? 'no_stream' : BigInt(pgError.detail));
  }
  if (pgError.code === 'BS002') return new EventIdReused(stream, events.map((e) => e.metadata.eventId));
  // es_append holds the stream's lock (also for a new stream), so the same ids cannot race within one stream; two
  // appends of the same ids to two streams at once can both pass the id check, and the second one's insert then
  // meets the first one's ids: that is a reuse of event ids, as when they are found before the insert.
  if (pgError.code === '23505' && pgError.constraint === 'es_events_event_id_unique') {
    return new EventIdReused(stream, events.map((e) => e.metadata.eventId));
  }
  return error;
}

function toRecorded(row: EventRow): RecordedEvent {
  const recordedAt = row.recorded_at.toISOString();
  return {
    streamId: row.stream_id,
    revision: BigInt(row.stream_revision),
    position: BigInt(row.global_position),
    type: row.event_type,
    data: row.data,
    metadata: { ...(row.metadata as object), eventId: row.event_id, schemaVersion: row.schema_version, recordedAt } as RecordedEvent['metadata'],
  };
}
