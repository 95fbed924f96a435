/**
 * npm run bench: throughput of the event store and the projection runtime on this machine, against the embedded
 * PostgreSQL (or DATABASE_URL). Prints one line per measurement; BENCH_SCALE=0.1 for a quick run.
 */
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Pool } from 'pg';
import { deterministicUuid, newId } from '@app/kernel';
import { EventToAppend, PostgresEventStore } from '@app/event-store';
import { ProjectionDefinition, ProjectionRuntime, waitForProjections } from '@app/projections';
import { migrate, startEmbeddedPostgres } from '@app/platform';
import { benchPolicyEvaluation } from './policy-eval';

const SCALE = Number(process.env.BENCH_SCALE ?? 1);

function event(i: number): EventToAppend {
  const commandId = newId();
  return {
    type: 'BenchEvent',
    data: { i, title: '关于做好信息报送工作的通知', unitId: 'u-1' },
    metadata: { eventId: deterministicUuid(commandId), commandId, correlationId: commandId, causationId: commandId, actorId: 'bench', schemaVersion: 1 },
  };
}

function report(name: string, count: number, ms: number, unit = 'events'): void {
  const rate = Math.round((count / ms) * 1000);
  process.stdout.write(`${name.padEnd(48)} ${String(count).padStart(8)} ${unit} in ${(ms / 1000).toFixed(2)} s = ${rate} ${unit}/s\n`);
}

async function main(): Promise<void> {
  benchPolicyEvaluation(SCALE, report);
  let adminUrl = process.env.DATABASE_URL;
  let stopEmbedded: (() => Promise<void>) | undefined;
  const dir = mkdtempSync(join(tmpdir(), 'baosong-bench-'));
  chmodSync(dir, 0o755); // the embedded server runs as the postgres user when we are root
  if (!adminUrl) {
    const embedded = await startEmbeddedPostgres(dir, 0, () => undefined);
    adminUrl = embedded.url;
    stopEmbedded = embedded.stop;
  }
  const name = `bench_${Date.now()}`;
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  await migrate(url.toString());
  const pool = new Pool({ connectionString: url.toString(), max: 12 });
  pool.on('error', () => undefined); // DROP DATABASE … WITH (FORCE) at the end closes idle connections
  const store = new PostgresEventStore(pool);
  try {
    // 1. one writer, one event per append (a command's typical shape)
    const n1 = Math.round(2000 * SCALE);
    let t = Date.now();
    for (let i = 0; i < n1; i++) await store.appendToStream(`bench-single`, [event(i)]);
    report('append, 1 writer, 1 event/append', n1, Date.now() - t, 'appends');

    // 2. eight concurrent writers, each on its own streams
    const perWriter = Math.round(1000 * SCALE);
    t = Date.now();
    await Promise.all(
      Array.from({ length: 8 }, async (_, w) => {
        for (let i = 0; i < perWriter; i++) await store.appendToStream(`bench-w${w}x${i % 50}`, [event(i)]);
      }),
    );
    report('append, 8 writers, 1 event/append', 8 * perWriter, Date.now() - t, 'appends');

    // 3. batched appends (imports, seeds)
    const batches = Math.round(200 * SCALE);
    t = Date.now();
    for (let b = 0; b < batches; b++) await store.appendToStream(`bench-batch-${b}`, Array.from({ length: 100 }, (_, i) => event(i)));
    report('append, 1 writer, 100 events/append', batches * 100, Date.now() - t);

    // 4. reading the whole log in batches of 1,000
    const head = await store.headPosition();
    t = Date.now();
    let after = 0n;
    let read = 0;
    for (;;) {
      const page = await store.readAll({ after, maxCount: 1000 });
      if (page.length === 0) break;
      read += page.length;
      after = page[page.length - 1]!.position;
    }
    report('readAll, batches of 1,000', read, Date.now() - t);

    // 5. a projection rebuilding the whole log (one upsert per event)
    const projection: ProjectionDefinition = {
      name: 'bench-counts',
      version: 1,
      tables: ['bench_counts'],
      async setup(client, tn) {
        await client.query(`CREATE TABLE ${tn('bench_counts')} (stream_id text PRIMARY KEY, n int NOT NULL)`);
      },
      async apply(e, { client, t: tn }) {
        await client.query(
          `INSERT INTO ${tn('bench_counts')} VALUES ($1, 1) ON CONFLICT (stream_id) DO UPDATE SET n = ${tn('bench_counts')}.n + 1`,
          [e.streamId],
        );
      },
    };
    const runtime = new ProjectionRuntime(pool, store, [projection], { batchSize: 500 });
    t = Date.now();
    await runtime.start();
    await waitForProjections(pool, store, runtime, 600_000);
    report('projection rebuild from 0 (upsert per event)', Number(head), Date.now() - t);
    await runtime.stop();
  } finally {
    await store.close();
    await pool.end();
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
    await stopEmbedded?.();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
