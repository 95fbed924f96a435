import { Client, Pool } from 'pg';
import { PostgresEventStore } from '@app/event-store';
import { loadConfig, migrate, resolveDatabase } from '@app/platform';
import { generateHistory, GenerateHistoryResult } from './generator';
import { HistorySize, SIZES } from './world';

export interface GenerateIntoOptions {
  readonly size: string;
  readonly seed: string;
  /** A database on the configured server, created when missing (default: the configured database itself). */
  readonly database?: string;
  /** Lines of what happened (the summary at the end). */
  readonly out: (line: string) => void;
  /** Events written so far (every chunk). */
  readonly onProgress?: (progress: { events: number; eventsPerSecond: number; elapsedMs: number }) => void;
}

/**
 * Writes a generated history into DATABASE_URL (or the embedded PostgreSQL of DATA_DIR, started when not running),
 * or into the database `database` on that server (created when missing), migrating it first. The store must be
 * empty: a history is a whole institution (orgconfig-default, the policy and channel streams exist once per store).
 * Used by `npm run generate` and `npm run cli -- generate`.
 */
export async function generateIntoDatabase(options: GenerateIntoOptions): Promise<GenerateHistoryResult> {
  const size = options.size as HistorySize;
  if (!(size in SIZES)) throw new Error(`--size must be one of ${Object.keys(SIZES).join(', ')}`);
  const out = options.out;
  const database = await resolveDatabase(loadConfig(), out);
  const url = options.database ? await ensureDatabase(database.url, options.database) : database.url;
  const pool = new Pool({ connectionString: url, max: 4 });
  try {
    await migrate(url);
    const existing = await pool.query<{ n: string }>('SELECT count(*) AS n FROM es_events');
    if (existing.rows[0]!.n !== '0') {
      throw new Error(`The store already holds ${existing.rows[0]!.n} events: generate into an empty database (--database <new name>)`);
    }
    const store = new PostgresEventStore(pool);
    const result = await generateHistory({ size, seed: options.seed, store, onProgress: options.onProgress });
    await store.close();
    out(`generated ${result.size} history (seed ${result.seed}): ${result.events} events in ${result.appends} appends, ${result.from} to ${result.to}`);
    out(`written through appendMany in ${(result.elapsedMs / 1000).toFixed(1)} s = ${result.eventsPerSecond} events/s`);
    if (result.refused.length > 0) out(`warning: ${result.refused.length} commands were refused, first: ${JSON.stringify(result.refused[0])}`);
    // planner statistics now, not whenever autovacuum gets to it: on a never-analyzed million-event log a
    // projection's batch read took 7-20 s instead of milliseconds (the bench does the same before measuring)
    await pool.query('VACUUM ANALYZE es_events');
    out('es_events vacuumed and analyzed');
    return result;
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

