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
  ReadLogOptions,
  ReadStreamOptions,
  RecordedEvent,
  StreamAppend,
  SubscribeOptions,
  EventIdReused,
  WrongExpectedRevision,
  eventsOf,
} from '../event-store.port';

const CHANNEL = 'es_events_appended';
/** First wait before reading again when a hole holds a subscriber (doubling up to the poll interval). */
const HELD_RETRY_MS = 5;
/** The least time between two NOTIFYs sent by one store while commits keep coming. */
const NOTIFY_SPACING_MS = 5;

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
 * The default event store. Appends commit concurrently: each takes its positions from a sequence (with its
 * recorded time, under a lock held for microseconds, not until commit) and stores with its events an xid bound
 * that lets a reader prove a hole in the positions dead (migrations/1763800000007_concurrent-appends.js,
 * ADR 0012). Readers never pass a hole that may still fill: every read is bounded by es_head(), the highest
 * position below which every position is visible or never will be, so a subscriber reading `position > checkpoint`
 * can never skip an event that commits late, and positions stay strictly increasing in delivery order.
 * An append is one call of es_append (appendMany: of es_append_many): one round trip. The wake-up NOTIFY is sent
 * after the commit, coalesced (see notifyAppended), not inside the append's transaction.
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
      // One round trip: see migrations/1763800000002_es-append-function.js, 0003 and 0007.
      const result = await this.pool.query<{ next_revision: string; last_position: string; duplicate: boolean }>(
        'SELECT * FROM es_append($1, $2, $3::uuid[], $4::text[], $5::int[], $6::jsonb[], $7::jsonb[])',
        [
          stream,
          describe(expected),
          events.map((e) => e.metadata.eventId),
          events.map((e) => e.type),
          events.map((e) => e.metadata.schemaVersion ?? 1),
          events.map((e) => JSON.stringify(e.data ?? null)),
          events.map((e) => JSON.stringify(e.metadata)),
        ],
      );
      const row = result.rows[0]!;
      if (!row.duplicate) this.notifyAppended();
      return { nextExpectedRevision: BigInt(row.next_revision), position: BigInt(row.last_position), duplicate: row.duplicate };
    } catch (error) {
      throw translate(error, stream, expected, events);
    }
  }

  /** One call of es_append_many: one statement, so one transaction and one round trip, all or nothing. */
  async appendMany(appends: readonly StreamAppend[]): Promise<AppendResult[]> {
    if (appends.length === 0) return [];
    const seen = new Set<string>();
    for (const a of appends) {
      if (a.events.length === 0) throw new Error('appendMany needs at least one event per append');
      // Ids must be distinct across the appends of one call (else the second would be a reuse of the first's ids).
      for (const e of a.events) {
        if (seen.has(e.metadata.eventId.toLowerCase())) throw new EventIdReused(a.stream, a.events.map((x) => x.metadata.eventId));
        seen.add(e.metadata.eventId.toLowerCase());
      }
    }
    const events = appends.flatMap((a) => a.events);
    try {
      const result = await this.pool.query<{ append_index: number; next_revision: string; last_position: string; duplicate: boolean }>(
        'SELECT * FROM es_append_many($1::text[], $2::text[], $3::int[], $4::uuid[], $5::text[], $6::int[], $7::jsonb[], $8::jsonb[])',
        [
          appends.map((a) => a.stream),
          appends.map((a) => describe(a.expected ?? 'any')),
          appends.map((a) => a.events.length),
          events.map((e) => e.metadata.eventId),
          events.map((e) => e.type),
          events.map((e) => e.metadata.schemaVersion ?? 1),
          events.map((e) => JSON.stringify(e.data ?? null)),
          events.map((e) => JSON.stringify(e.metadata)),
        ],
      );
      const rows = [...result.rows].sort((x, y) => x.append_index - y.append_index);
      if (rows.some((r) => !r.duplicate)) this.notifyAppended();
      return rows.map((row) => ({ nextExpectedRevision: BigInt(row.next_revision), position: BigInt(row.last_position), duplicate: row.duplicate }));
    } catch (error) {
      const failed = failedAppend(error, appends);
      throw failed ? translate(error, failed.stream, failed.expected ?? 'any', failed.events) : error;
    }
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
   * The filtered log (audit), bounded by es_head() in the same statement as readBatch is, and by `upTo`. Every
   * filter is in the query, before the limit; migrations/1763800000010_audit-log-indexes.js indexes the selective
   * ones (correlation id, actor, recorded time). Time bounds are taken to the millisecond (`new Date()`), so
   * comparing the microsecond column with them answers as comparing `metadata.recordedAt` does.
   */
  async readLog(options: ReadLogOptions = {}): Promise<EventBatch> {
    const after = options.after ?? 0n;
    const max = options.maxCount ?? 1000;
    if (!(max >= 1)) throw new RangeError('readLog needs a maxCount of at least 1');
    const instant = (value: string | undefined) => (value === undefined ? null : new Date(value).toISOString());
    const result = await this.pool.query<EventRow & { through: string }>(
      `WITH bound AS (SELECT least(es_head(), $2::bigint) AS through)
       SELECT bound.through, e.* FROM bound LEFT JOIN LATERAL (
         ${SELECT_EVENTS} WHERE global_position > $1 AND global_position <= bound.through
           AND ($4::text[] IS NULL OR event_type = ANY($4::text[]))
           AND ($5::text[] IS NULL OR split_part(stream_id, '-', 1) = ANY($5::text[]))
           AND ($6::text IS NULL OR metadata->>'actorId' = $6::text)
           AND ($7::text IS NULL OR metadata->>'correlationId' = $7::text)
           AND ($8::timestamptz IS NULL OR recorded_at >= $8::timestamptz)
           AND ($9::timestamptz IS NULL OR recorded_at < $9::timestamptz)
         ORDER BY global_position LIMIT $3
       ) e ON true`,
      [
        after.toString(),
        options.upTo?.toString() ?? null,
        max,
        options.types ?? null,
        options.categories ?? null,
        options.actorId ?? null,
        options.correlationId ?? null,
        instant(options.recordedFrom),
        instant(options.recordedTo),
      ],
    );
    const events = result.rows.filter((r) => r.global_position !== null).map(toRecorded);
    const bound = BigInt(result.rows[0]!.through);
    const through = events.length >= max ? events[events.length - 1]!.position : bound > after ? bound : after;
    return { events, through };
  }

  /**
   * Up to `max` events of `types` strictly after `after` and at or below es_head() (nothing beyond a hole that may
   * still fill), with `through`: es_head() when fewer than `max` matched (everything up to it was scanned), else
   * the last event's position; and whether visible events lie beyond the bound (a hole waits for its commit or
   * for proof that it never will). One statement, so the bound and the events come from one snapshot.
   */
  private async readBatch(after: bigint, max: number, types: readonly string[] | undefined): Promise<EventBatch & { held: boolean }> {
    const result = await this.pool.query<EventRow & { through: string; last_visible: string | null }>(
      `WITH bound AS (SELECT es_head() AS through, (SELECT max(global_position) FROM es_events) AS last_visible)
       SELECT bound.through, bound.last_visible, e.* FROM bound LEFT JOIN LATERAL (
         ${SELECT_EVENTS} WHERE global_position > $1 AND global_position <= bound.through
           AND ($3::text[] IS NULL OR event_type = ANY($3::text[]))
         ORDER BY global_position LIMIT $2
       ) e ON true`,
      [after.toString(), max, types ?? null],
    );
    const first = result.rows[0]!;
    const events = result.rows.filter((r) => r.global_position !== null).map(toRecorded);
    const bound = BigInt(first.through);
    const through = events.length >= max ? events[events.length - 1]!.position : bound > after ? bound : after;
    return { events, through, held: first.last_visible !== null && BigInt(first.last_visible) > bound };
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
        let heldFor = 0;
        await store.listen();
        while (!signal?.aborted && !store.closed) {
          const { events, through, held } = await store.readBatch(after, batchSize, options.types);
          if (through > after) {
            after = through;
            heldFor = 0;
            yield { events, through };
            continue;
          }
          // Held before a hole: its commit notifies, a rollback does not, so look again soon (backing off).
          heldFor = held ? Math.min(Math.max(heldFor * 2, HELD_RETRY_MS), store.pollIntervalMs) : 0;
          await store.waitForAppend(after, signal, held ? heldFor : store.pollIntervalMs);
        }
      },
    };
  }

  async headPosition(): Promise<bigint> {
    const result = await this.pool.query<{ head: string }>('SELECT es_head() AS head');
    return BigInt(result.rows[0]?.head ?? 0);
  }

  async close(): Promise<void> {
    this.closed = true;
    this.notifications.emit('wake');
    await this.notifying;
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

  /**
   * After a commit: wakes this process's subscribers at once and sends one NOTIFY for the others. A NOTIFY inside
   * the append's transaction would take PostgreSQL's database-wide notify lock at commit and hold it through the
   * WAL flush, one commit at a time again; sent after, it is coalesced: while one is in flight, any number of
   * commits cause one more. A lost NOTIFY (a crash right after the commit) delays delivery by the poll interval.
   */
  private notifyAppended(): void {
    this.notifications.emit('wake');
    if (this.closed) return;
    if (this.notifying) {
      this.notifyAgain = true;
      return;
    }
    this.notifying = (async () => {
      do {
        this.notifyAgain = false;
        await this.pool.query('SELECT pg_notify($1, $2)', [CHANNEL, '']).catch(() => undefined);
        // Under a stream of commits, at most one NOTIFY per NOTIFY_SPACING_MS (other processes wait that long).
        if (this.notifyAgain && !this.closed) await new Promise((resolve) => setTimeout(resolve, NOTIFY_SPACING_MS));
      } while (this.notifyAgain && !this.closed);
      this.notifying = undefined;
    })();
  }

  private notifying: Promise<void> | undefined;
  private notifyAgain = false;

  private waitForAppend(after: bigint, signal: AbortSignal | undefined, timeoutMs: number): Promise<void> {
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
      }, timeoutMs);
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

function describe(expected: ExpectedRevision): string {
  return typeof expected === 'bigint' ? expected.toString() : expected;
}

/**
 * The append of an appendMany call that failed: es_append_many names it (HINT: its 1-based index); a unique
 * violation on event_id names the id (a race with another call storing the same ids).
 */
function failedAppend(error: unknown, appends: readonly StreamAppend[]): StreamAppend | undefined {
  const pgError = error as { code?: string; hint?: string; constraint?: string; detail?: string };
  if ((pgError.code === 'BS001' || pgError.code === 'BS002') && pgError.hint && /^\d+$/.test(pgError.hint)) return appends[Number(pgError.hint) - 1];
  if (pgError.code === '23505' && pgError.constraint === 'es_events_event_id_unique') {
    const id = /\(event_id\)=\(([^)]+)\)/.exec(pgError.detail ?? '')?.[1]?.toLowerCase();
    return appends.find((a) => a.events.some((e) => e.metadata.eventId.toLowerCase() === id)) ?? appends[0];
  }
  return undefined;
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
