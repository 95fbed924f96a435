/**
 * npm run bench:projections -- <database url>: rebuilds each registered projection on its own over the history in
 * that database (generated with `npm run generate -- --database …`), one after the other, and prints for each its
 * events/s and where its batches spend their time: the statements it sends, grouped by their first words, with
 * count and total milliseconds. It answers "which projection, which statement" when the full rebuild is slow.
 * PROFILE_ONLY=reporting,policies limits it to some projections; PROFILE_BATCH=n sets the batch size; builds are
 * dropped at the end unless PROFILE_KEEP=1.
 */
import { performance } from 'node:perf_hooks';
import { Pool, Client } from 'pg';
import { PostgresEventStore } from '@app/event-store';
import { AnyProjection, ProjectionRuntime } from '@app/projections';
import { CONTEXT_PROJECTIONS } from '../apps/api/src/contexts';

type Stat = { count: number; ms: number };

async function main(): Promise<void> {
  const url = process.argv[2] ?? process.env.PROFILE_DATABASE_URL;
  if (!url) throw new Error('usage: npm run bench:projections -- postgres://…/database');
  const only = process.env.PROFILE_ONLY?.split(',');
  const defs = CONTEXT_PROJECTIONS.filter((d) => !only || only.includes(d.name));
  const stats = new Map<string, Stat>();
  const original = Client.prototype.query;
  // Times every statement a pooled client sends (the runtime's and the projections' alike).
  (Client.prototype as unknown as { query: unknown }).query = function timed(this: Client, ...args: unknown[]) {
    const text = typeof args[0] === 'string' ? args[0] : ((args[0] as { text?: string })?.text ?? '?');
    const label = text.replace(/\s+/g, ' ').trim().slice(0, 90);
    const t = performance.now();
    const result = (original as (...a: unknown[]) => unknown).apply(this, args);
    if (result && typeof (result as Promise<unknown>).then === 'function') {
      void (result as Promise<unknown>).then(
        () => record(label, performance.now() - t),
        () => record(label, performance.now() - t),
      );
    }
    return result;
  };
  const record = (label: string, ms: number) => {
    const s = stats.get(label) ?? { count: 0, ms: 0 };
    s.count += 1;
    s.ms += ms;
    stats.set(label, s);
  };
  for (const def of defs) {
    stats.clear();
    const result = await rebuildOne(url, def);
    process.stdout.write(`\n${def.name}: ${result.events} events of its types, log head ${result.head}, ${(result.ms / 1000).toFixed(2)} s = ${Math.round((result.head / result.ms) * 1000)} log events/s\n`);
    const top = [...stats].sort((a, b) => b[1].ms - a[1].ms).slice(0, 12);
    for (const [label, s] of top) process.stdout.write(`  ${String(Math.round(s.ms)).padStart(7)} ms ${String(s.count).padStart(6)} x  ${label}\n`);
  }
}

async function rebuildOne(url: string, def: AnyProjection): Promise<{ head: number; events: number; ms: number }> {
  const pool = new Pool({ connectionString: url, max: 6 });
  const store = new PostgresEventStore(pool, { pollIntervalMs: 50 });
  const head = Number(await store.headPosition());
  const events = def.eventTypes
    ? Number((await pool.query<{ n: string }>('SELECT count(*) AS n FROM es_events WHERE event_type = ANY($1)', [def.eventTypes])).rows[0]!.n)
    : head;
  await dropBuilds(pool, def.name);
  const batchSize = process.env.PROFILE_BATCH ? Number(process.env.PROFILE_BATCH) : undefined;
  const runtime = new ProjectionRuntime(pool, store, [def], { leaseIntervalMs: 200, ...(batchSize ? { batchSize, catchUpBatchSize: batchSize } : {}) });
  const t = performance.now();
  try {
    await runtime.start();
    for (;;) {
      const row = (await pool.query<{ state: string; position: string; last_error: string | null; stopped_at: Date | null }>(
        `SELECT state, position, last_error, stopped_at FROM projection_builds WHERE projection = $1 AND state <> 'retired' ORDER BY started_at DESC LIMIT 1`,
        [def.name],
      )).rows[0];
      if (row?.stopped_at) throw new Error(`${def.name} stopped: ${row.last_error}`);
      if (row?.state === 'live' && Number(row.position) >= head) break;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    return { head, events, ms: performance.now() - t };
  } finally {
    await runtime.stop();
    if (process.env.PROFILE_KEEP !== '1') await dropBuilds(pool, def.name);
    await store.close();
    await pool.end();
  }
}

/** Removes every build of the projection (schema, view, rows), so the next start builds it from 0. */
async function dropBuilds(pool: Pool, projection: string): Promise<void> {
  const builds = await pool.query<{ build_id: string; schema_name: string }>('SELECT build_id, schema_name FROM projection_builds WHERE projection = $1', [projection]);
  for (const b of builds.rows) await pool.query(`DROP SCHEMA IF EXISTS "${b.schema_name}" CASCADE`);
  await pool.query('DELETE FROM projection_dead_letters WHERE projection = $1', [projection]);
  await pool.query('DELETE FROM projection_builds WHERE projection = $1', [projection]);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
