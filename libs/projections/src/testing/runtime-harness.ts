import type { Pool } from 'pg';
import { deterministicUuid, newId } from '@app/kernel';
import { EventStore, PostgresEventStore } from '@app/event-store';
import { createTestDatabase, TestDatabase } from '@test/support';
import { ProjectionRuntime } from '../projection-runtime';

export interface RuntimeHarness {
  /** This test's database and store (fresh for each test). */
  readonly db: TestDatabase;
  readonly store: PostgresEventStore;
  /** Appends events of these types to a stream, with data { i } and metadata of one command. */
  append(stream: string, types: string[]): Promise<void>;
  /** The stream-counts read model (testing/stream-counts.fixture) as { streamId: n }. */
  counts(pool?: Pool): Promise<Record<string, number>>;
  /**
   * A runtime over this test's store (or `store`, e.g. one that observes reads): lease 100 ms, batches of 3 live
   * and while catching up unless `options` say otherwise; stopped after the test.
   */
  runtime(defs: ProjectionRuntime['definitions'], options?: ConstructorParameters<typeof ProjectionRuntime>[3], store?: EventStore): ProjectionRuntime;
}

/** Registers beforeEach/afterEach that give each test a fresh database, store and runtimes, and clean them up. */
export function useRuntimeHarness(): RuntimeHarness {
  let db: TestDatabase;
  let store: PostgresEventStore;
  const runtimes: ProjectionRuntime[] = [];

  beforeEach(async () => {
    db = await createTestDatabase();
    store = new PostgresEventStore(db.pool, { pollIntervalMs: 50 });
  });
  afterEach(async () => {
    for (const r of runtimes.splice(0)) await r.stop();
    await store.close();
    await db.drop();
  });

  return {
    get db() {
      return db;
    },
    get store() {
      return store;
    },
    async append(stream, types) {
      const commandId = newId();
      await store.appendToStream(
        stream,
        types.map((type, i) => ({ type, data: { i }, metadata: { eventId: deterministicUuid(commandId, String(i)), commandId, correlationId: commandId, causationId: commandId, actorId: 'test', schemaVersion: 1 } })),
      );
    },
    async counts(pool = db.pool) {
      const rows = await pool.query<{ stream_id: string; n: number }>('SELECT stream_id, n FROM rm.stream_counts ORDER BY stream_id');
      return Object.fromEntries(rows.rows.map((r) => [r.stream_id, r.n]));
    },
    runtime(defs, options = {}, other) {
      const r = new ProjectionRuntime(db.pool, other ?? store, defs, { leaseIntervalMs: 100, batchSize: 3, catchUpBatchSize: 3, ...options });
      runtimes.push(r);
      return r;
    },
  };
}
