/**
 * npm run generate -- --size small|medium|large --seed 42 [--database name]: writes a generated history into
 * DATABASE_URL (or the embedded PostgreSQL of DATA_DIR, started when not running), or into the database `name` on
 * that server (created when missing), migrating it first, and prints events/s. The store must be empty: a history is
 * a whole institution (orgconfig-default, the policy and channel streams exist once per store).
 */
import { parseArgs } from 'node:util';
import { Client, Pool } from 'pg';
import { PostgresEventStore } from '@app/event-store';
import { loadConfig, migrate, resolveDatabase } from '@app/platform';
import { generateHistory } from './generator';
import { HistorySize, SIZES } from './world';

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { size: { type: 'string', default: 'small' }, seed: { type: 'string', default: '42' }, database: { type: 'string' } } });
  const size = values.size as HistorySize;
  if (!(size in SIZES)) throw new Error(`--size must be one of ${Object.keys(SIZES).join(', ')}`);
  const out = (line: string) => process.stdout.write(`${line}\n`);
  const database = await resolveDatabase(loadConfig(), out);
  const url = values.database ? await ensureDatabase(database.url, values.database) : database.url;
  const pool = new Pool({ connectionString: url, max: 4 });
  try {
    await migrate(url);
    const existing = await pool.query<{ n: string }>('SELECT count(*) AS n FROM es_events');
    if (existing.rows[0]!.n !== '0') {
      throw new Error(`The store already holds ${existing.rows[0]!.n} events: generate into an empty database (--database <new name>)`);
    }
    const store = new PostgresEventStore(pool);
    let last = 0;
    const result = await generateHistory({
      size,
      seed: values.seed!,
      store,
      onProgress: (p) => {
        if (p.elapsedMs - last < 2000) return;
        last = p.elapsedMs;
        out(`${String(p.events).padStart(9)} events  ${String(p.eventsPerSecond).padStart(7)} events/s`);
      },
    });
    await store.close();
    out(`generated ${result.size} history (seed ${result.seed}): ${result.events} events in ${result.appends} appends, ${result.from} to ${result.to}`);
    out(`written through appendMany in ${(result.elapsedMs / 1000).toFixed(1)} s = ${result.eventsPerSecond} events/s`);
    if (result.refused.length > 0) out(`warning: ${result.refused.length} commands were refused, first: ${JSON.stringify(result.refused[0])}`);
    // planner statistics now, not whenever autovacuum gets to it: on a never-analyzed million-event log a
    // projection's batch read took 7-20 s instead of milliseconds (the bench does the same before measuring)
    await pool.query('VACUUM ANALYZE es_events');
    out('es_events vacuumed and analyzed');
  } finally {
    await pool.end();
    await database.stop();
  }
}

/** The URL of database `name` on the server of `serverUrl`, created when it does not exist. */
async function ensureDatabase(serverUrl: string, name: string): Promise<string> {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(name)) throw new Error('--database is a lowercase name such as gen_large');
  const admin = new Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    const found = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (found.rowCount === 0) await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
