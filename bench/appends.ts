/**
 * Append throughput and its raw baselines (issue 9, items 6 and 10; ADR 0012). bench/run.ts calls these; each
 * takes a database URL (migrated, for storeAppends), opens the connections it needs, measures, closes them, and
 * returns { count, ms }. The raw baselines write rows shaped like events (a jsonb payload and metadata) into a
 * plain table of their own (bench_raw_rows, created and dropped here), so they measure what PostgreSQL itself
 * costs per commit on this machine: one-row insert transactions from N connections are the ceiling a store that
 * commits one append per transaction can approach.
 *
 * Run alone: `node -r ts-node/register/transpile-only -r tsconfig-paths/register bench/appends.ts`
 * (BENCH_APPENDS=<appends per measurement>, default 2000; DATABASE_URL, else an embedded PostgreSQL).
 */
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Pool } from 'pg';
import { deterministicUuid, newId } from '@app/kernel';
import { EventToAppend, PostgresEventStore } from '@app/event-store';
import { migrate, startEmbeddedPostgres } from '@app/platform';

export interface Measurement {
  readonly count: number;
  readonly ms: number;
}

const DATA = { title: '关于做好信息报送工作的通知', unitId: 'u-1' };

function event(i: number): EventToAppend {
  const commandId = newId();
  return {
    type: 'BenchEvent',
    data: { i, ...DATA },
    metadata: { eventId: deterministicUuid(commandId), commandId, correlationId: commandId, causationId: commandId, actorId: 'bench', schemaVersion: 1 },
  };
}

async function withRawTable<T>(url: string, run: (pool: Pool) => Promise<T>, connections: number): Promise<T> {
  const pool = new Pool({ connectionString: url, max: connections });
  pool.on('error', () => undefined);
  try {
    await pool.query('DROP TABLE IF EXISTS bench_raw_rows');
    await pool.query('CREATE TABLE bench_raw_rows (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, data jsonb NOT NULL, metadata jsonb NOT NULL)');
    return await run(pool);
  } finally {
    await pool.query('DROP TABLE IF EXISTS bench_raw_rows').catch(() => undefined);
    await pool.end();
  }
}

/** `count` one-row INSERT transactions (autocommit: one commit each), spread over `connections` connections. */
export async function rawOneRowInsertTransactions(url: string, connections: number, count: number): Promise<Measurement> {
  return withRawTable(
    url,
    async (pool) => {
      const clients = await Promise.all(Array.from({ length: connections }, () => pool.connect()));
      try {
        const perConnection = Math.ceil(count / connections);
        const started = performance.now();
        await Promise.all(
          clients.map(async (client, c) => {
            for (let i = 0; i < perConnection; i++) {
              const e = event(i);
              await client.query('INSERT INTO bench_raw_rows (data, metadata) VALUES ($1, $2)', [JSON.stringify(e.data), JSON.stringify({ ...e.metadata, c })]);
            }
          }),
        );
        return { count: perConnection * connections, ms: performance.now() - started };
      } finally {
        for (const client of clients) client.release();
      }
    },
    connections,
  );
}

/** `count` rows as multi-row INSERT ... SELECT FROM unnest statements of `rowsPerStatement` rows, one connection. */
export async function rawBatchedInsert(url: string, count: number, rowsPerStatement = 1000): Promise<Measurement> {
  return withRawTable(
    url,
    async (pool) => {
      const started = performance.now();
      for (let done = 0; done < count; done += rowsPerStatement) {
        const rows = Array.from({ length: Math.min(rowsPerStatement, count - done) }, (_, i) => event(done + i));
        await pool.query('INSERT INTO bench_raw_rows (data, metadata) SELECT * FROM unnest($1::jsonb[], $2::jsonb[])', [
          rows.map((e) => JSON.stringify(e.data)),
          rows.map((e) => JSON.stringify(e.metadata)),
        ]);
      }
      return { count, ms: performance.now() - started };
    },
    1,
  );
}

/**
 * `count` one-event appends through PostgresEventStore.appendToStream from `writers` concurrent writers, each on
 * streams of its own (50 per writer, in turn, expected revision `any`). `url` must be a migrated database.
 */
export async function storeAppends(url: string, writers: number, count: number): Promise<Measurement> {
  const pool = new Pool({ connectionString: url, max: writers + 2 });
  pool.on('error', () => undefined);
  const store = new PostgresEventStore(pool);
  const run = newId().slice(0, 8);
  try {
    const perWriter = Math.ceil(count / writers);
    const started = performance.now();
    await Promise.all(
      Array.from({ length: writers }, async (_, w) => {
        for (let i = 0; i < perWriter; i++) await store.appendToStream(`bench-${run}-w${w}x${i % 50}`, [event(i)], 'any');
      }),
    );
    return { count: perWriter * writers, ms: performance.now() - started };
  } finally {
    await store.close();
    await pool.end();
  }
}

/** The measurements of ADR 0012, in the order the ADR's table lists them. */
export async function appendBenchmarks(url: string, count: number): Promise<Record<string, Measurement>> {
  return {
    'raw batched insert (1,000 rows/statement)': await rawBatchedInsert(url, count * 10),
    'raw one-row insert transactions, 1 connection': await rawOneRowInsertTransactions(url, 1, count),
    'raw one-row insert transactions, 16 connections': await rawOneRowInsertTransactions(url, 16, count),
    'store appends, 1 writer': await storeAppends(url, 1, count),
    'store appends, 8 writers': await storeAppends(url, 8, count),
    'store appends, 16 writers': await storeAppends(url, 16, count),
  };
}

async function main(): Promise<void> {
  const count = Number(process.env.BENCH_APPENDS ?? 2000);
  let adminUrl = process.env.DATABASE_URL;
  let stopEmbedded: (() => Promise<void>) | undefined;
  const dir = mkdtempSync(join(tmpdir(), 'baosong-bench-appends-'));
  chmodSync(dir, 0o755); // the embedded server runs as the postgres user when we are root
  if (!adminUrl) {
    const embedded = await startEmbeddedPostgres(dir, 0, () => undefined);
    adminUrl = embedded.url;
    stopEmbedded = embedded.stop;
  }
  const name = `bench_appends_${Date.now()}`;
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  const version = (await admin.query<{ server_version: string }>('SHOW server_version')).rows[0]!.server_version;
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  try {
    await migrate(url.toString());
    process.stdout.write(`PostgreSQL ${version}, ${count} appends or transactions per measurement\n`);
    const results = await appendBenchmarks(url.toString(), count);
    for (const [label, { count: n, ms }] of Object.entries(results)) {
      process.stdout.write(`${label.padEnd(52)} ${String(n).padStart(7)} in ${(ms / 1000).toFixed(2).padStart(6)} s = ${String(Math.round((n / ms) * 1000)).padStart(7)}/s\n`);
    }
    const rate = (m: Measurement): number => m.count / m.ms;
    const ratio = rate(results['store appends, 16 writers']!) / rate(results['raw one-row insert transactions, 16 connections']!);
    process.stdout.write(`16-writer appends / raw 16-connection one-row transactions = ${ratio.toFixed(2)} (target >= 0.5)\n`);
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
    await stopEmbedded?.();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  });
}
