/**
 * Raw baselines, measured in the same run as the store and the runtime so that their rates can be read as a
 * fraction of what PostgreSQL and pg do on this machine with no framework in between.
 */
import { performance } from 'node:perf_hooks';
import { Client, Pool } from 'pg';

export interface Measurement {
  readonly count: number;
  readonly ms: number;
  readonly perSecond: number;
}

export const measured = (count: number, ms: number): Measurement => ({ count, ms: Math.round(ms), perSecond: Math.round((count / ms) * 1000) });

/** A scratch table shaped like es_events (same columns, constraints and indexes), filled from its payloads. */
export async function createScratchTable(pool: Pool): Promise<void> {
  await pool.query('DROP TABLE IF EXISTS bench_raw');
  await pool.query('CREATE TABLE bench_raw (LIKE es_events INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING INDEXES)');
  // the concurrent-appends store (migration 0007) records each row's transaction id: the raw rows carry it too
  const xid = await pool.query(`SELECT 1 FROM information_schema.columns WHERE table_name = 'es_events' AND column_name = 'append_xid'`);
  if (xid.rows.length > 0) await pool.query('ALTER TABLE bench_raw ALTER COLUMN append_xid SET DEFAULT pg_current_xact_id()');
}

interface Payload {
  readonly type: string;
  readonly data: string;
  readonly metadata: string;
}

/** Payloads of the generated history (a sample of its first events), so rows weigh what real events weigh. */
export async function samplePayloads(pool: Pool, n = 2000): Promise<Payload[]> {
  const r = await pool.query<Payload>('SELECT event_type AS type, data::text AS data, metadata::text AS metadata FROM es_events ORDER BY global_position LIMIT $1', [n]);
  if (r.rows.length === 0) throw new Error('the history is empty');
  return r.rows;
}

let position = 1_000_000_000;
const row = (payloads: readonly Payload[], i: number) => {
  const p = payloads[i % payloads.length]!;
  const pos = position++;
  return [pos, `raw-${pos % 5000}`, pos, crypto.randomUUID(), p.type, p.data, p.metadata] as const;
};

/** Multi-row inserts (unnest of arrays), `batch` rows per statement, one transaction per statement. */
export async function batchedInsert(pool: Pool, payloads: readonly Payload[], total: number, batch = 1000): Promise<Measurement> {
  const t = performance.now();
  for (let done = 0; done < total; done += batch) {
    const rows = Array.from({ length: Math.min(batch, total - done) }, (_, i) => row(payloads, done + i));
    await pool.query(
      `INSERT INTO bench_raw (global_position, stream_id, stream_revision, event_id, event_type, data, metadata)
       SELECT * FROM unnest($1::bigint[], $2::text[], $3::bigint[], $4::uuid[], $5::text[], $6::jsonb[], $7::jsonb[])`,
      [0, 1, 2, 3, 4, 5, 6].map((c) => rows.map((r) => r[c])),
    );
  }
  return measured(total, performance.now() - t);
}

/** One-row INSERT transactions (each commits on its own, fsync included) from `connections` connections at once. */
export async function oneRowInserts(url: string, payloads: readonly Payload[], connections: number, perConnection: number): Promise<Measurement> {
  const clients = await Promise.all(
    Array.from({ length: connections }, async () => {
      const c = new Client({ connectionString: url });
      await c.connect();
      return c;
    }),
  );
  try {
    const t = performance.now();
    await Promise.all(
      clients.map(async (c) => {
        for (let i = 0; i < perConnection; i++) {
          await c.query('INSERT INTO bench_raw (global_position, stream_id, stream_revision, event_id, event_type, data, metadata) VALUES ($1, $2, $3, $4, $5, $6, $7)', [...row(payloads, i)]);
        }
      }),
    );
    return measured(connections * perConnection, performance.now() - t);
  } finally {
    await Promise.all(clients.map((c) => c.end()));
  }
}

/**
 * What a reader can reach: the events table in position order, in chunks (keyset on global_position), every
 * column fetched and its JSON parsed (pg parses jsonb), no projection work at all.
 */
export async function readAndParse(pool: Pool, chunk = 1000): Promise<Measurement> {
  const t = performance.now();
  let after = '0';
  let count = 0;
  for (;;) {
    const r = await pool.query<{ global_position: string; data: unknown; metadata: unknown }>(
      `SELECT global_position, stream_id, stream_revision, event_id, event_type, schema_version, data, metadata, recorded_at
         FROM es_events WHERE global_position > $1 ORDER BY global_position LIMIT $2`,
      [after, chunk],
    );
    if (r.rows.length === 0) break;
    count += r.rows.length;
    after = r.rows[r.rows.length - 1]!.global_position;
  }
  return measured(count, performance.now() - t);
}
