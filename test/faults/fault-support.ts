import { randomBytes } from 'node:crypto';
import { Client, Pool } from 'pg';
import { PostgresEventStore } from '@app/event-store';
import { AnyProjection, installEffects, ProjectionRuntime } from '@app/projections';

/** The server the tests run on (jest's embedded PostgreSQL or DATABASE_URL). */
function adminUrl(): string {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('DATABASE_URL is not set: run the fault tests through jest');
  return url;
}

function urlOf(name: string): string {
  const url = new URL(adminUrl());
  url.pathname = `/${name}`;
  return url.toString();
}

async function admin<T>(work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: adminUrl() });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

export interface Database {
  readonly name: string;
  readonly url: string;
}

/**
 * A new database copied from `template` (CREATE DATABASE … TEMPLATE): the same log byte for byte, positions,
 * revisions and recorded_at included. The template must have no open connection.
 */
export async function cloneDatabase(template: string): Promise<Database> {
  const name = `f_${randomBytes(6).toString('hex')}`;
  await admin(async (c) => {
    for (let attempt = 0; ; attempt++) {
      try {
        await c.query(`CREATE DATABASE ${name} TEMPLATE ${template}`);
        return;
      } catch (error) {
        // a killed child's backend may take a moment to notice its socket closed
        if (attempt >= 50 || !String(error).includes('being accessed by other users')) throw error;
        await c.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [template]);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
  });
  return { name, url: urlOf(name) };
}

export async function dropDatabase(db: Database): Promise<void> {
  await admin((c) => c.query(`DROP DATABASE IF EXISTS ${db.name} WITH (FORCE)`));
}

/**
 * Leaves only the log: drops every build's schema and the runtime's bookkeeping (builds, dead letters and what
 * refers to them) and the rm views, as in a database where no projection has run yet.
 */
export async function resetReadSide(url: string): Promise<void> {
  const pool = new Pool({ connectionString: url, max: 1 });
  try {
    const schemas = await pool.query<{ schema_name: string }>('SELECT schema_name FROM projection_builds');
    for (const r of schemas.rows) await pool.query(`DROP SCHEMA IF EXISTS "${r.schema_name}" CASCADE`);
    await pool.query('TRUNCATE projection_builds, projection_dead_letters CASCADE');
    const views = await pool.query<{ table_name: string }>(`SELECT table_name FROM information_schema.views WHERE table_schema = 'rm'`);
    for (const v of views.rows) await pool.query(`DROP VIEW IF EXISTS rm."${v.table_name}" CASCADE`);
  } finally {
    await pool.end();
  }
}

/** Every build of these projections that is not live yet, or not at the head, or stopped. */
export async function pendingBuilds(pool: Pool, defs: readonly AnyProjection[], head: bigint): Promise<string[]> {
  const rows = await pool.query<{ projection: string; state: string; position: string; stopped_at: Date | null; last_error: string | null; version: number }>(
    `SELECT projection, state, position, stopped_at, last_error, version FROM projection_builds WHERE projection = ANY($1) AND state <> 'retired'`,
    [defs.map((d) => d.name)],
  );
  const stopped = rows.rows.find((r) => r.stopped_at);
  if (stopped) throw new Error(`projection ${stopped.projection} stopped: ${stopped.last_error}`);
  const pending = rows.rows.filter((r) => r.state !== 'live' || BigInt(r.position) < head).map((r) => `${r.projection}:${r.state}@${r.position}`);
  const live = new Set(rows.rows.filter((r) => r.state === 'live').map((r) => r.projection));
  for (const def of defs) if (!live.has(def.name)) pending.push(`${def.name}: no live build`);
  return pending;
}

/** Sum of the positions of the builds in these states: how far the work has come (the kill points' scale). */
export async function progress(pool: Pool, defs: readonly AnyProjection[], states: readonly string[]): Promise<bigint> {
  const r = await pool.query<{ total: string | null }>(
    `SELECT sum(position)::text AS total FROM projection_builds WHERE projection = ANY($1) AND state = ANY($2)`,
    [defs.map((d) => d.name), states],
  );
  return BigInt(r.rows[0]?.total ?? '0');
}

/**
 * Every row of every table of each projection's live build, as JSON text in a stable order: two databases whose
 * read models are equal give equal results, row for row.
 */
export async function readModels(pool: Pool, defs: readonly AnyProjection[]): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  for (const def of defs) {
    const live = await pool.query<{ schema_name: string }>(`SELECT schema_name FROM projection_builds WHERE projection = $1 AND state = 'live'`, [def.name]);
    if (live.rows.length !== 1) throw new Error(`${def.name}: ${live.rows.length} live builds`);
    const schema = live.rows[0]!.schema_name;
    for (const table of def.tables) {
      const rows = await pool.query<{ r: string }>(`SELECT to_jsonb(x)::text AS r FROM "${schema}"."${table}" x ORDER BY 1`);
      out[`${def.name}/${table}`] = rows.rows.map((row) => row.r);
    }
  }
  return out;
}

/** Runs these projections in this process until every one is live at the head: a clean build. */
export async function buildInProcess(url: string, defs: readonly AnyProjection[], timeoutMs: number): Promise<void> {
  const pool = new Pool({ connectionString: url, max: 8 });
  const store = new PostgresEventStore(pool, { pollIntervalMs: 50 });
  const runtime = new ProjectionRuntime(pool, store, defs, { leaseIntervalMs: 100 });
  try {
    // the reactors record effects in the outbox's queue: installed first, as the API's dispatcher does at start
    await installEffects(pool);
    await runtime.start();
    const head = await store.headPosition();
    await waitUntil(async () => (await pendingBuilds(pool, defs, head)).length === 0, timeoutMs, async () => (await pendingBuilds(pool, defs, head)).join(', '));
  } finally {
    await runtime.stop();
    await store.close();
    await pool.end();
  }
}

export async function waitUntil(done: () => Promise<boolean>, timeoutMs: number, describe: () => Promise<string>, intervalMs = 20): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error(`not done within ${timeoutMs} ms: ${await describe()}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** A small seeded PRNG (mulberry32): the same FAULT_SEED gives the same kill points. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * What differs between two read-model dumps (readModels), table by table: the rows only one side has (as
 * multisets, the first few, shortened). Empty when they are equal row for row.
 */
export function differences(actual: Record<string, string[]>, expected: Record<string, string[]>): Record<string, { missing: string[]; extra: string[]; rows: string }> {
  const out: Record<string, { missing: string[]; extra: string[]; rows: string }> = {};
  for (const key of new Set([...Object.keys(actual), ...Object.keys(expected)])) {
    const a = actual[key] ?? [];
    const e = expected[key] ?? [];
    const left = new Map<string, number>();
    for (const row of a) left.set(row, (left.get(row) ?? 0) + 1);
    const missing: string[] = [];
    for (const row of e) {
      const n = left.get(row) ?? 0;
      if (n > 0) left.set(row, n - 1);
      else missing.push(row);
    }
    const extra = [...left.entries()].flatMap(([row, n]) => Array.from({ length: n }, () => row));
    if (missing.length > 0 || extra.length > 0) {
      const short = (rows: string[]) => rows.slice(0, 3).map((r) => (r.length > 400 ? `${r.slice(0, 400)}…` : r));
      out[key] = { missing: short(missing), extra: short(extra), rows: `${a.length} rows, expected ${e.length}` };
    }
  }
  return out;
}
