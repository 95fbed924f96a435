/**
 * npm run generate -- --size small|medium|large --seed 42: writes a generated history into DATABASE_URL (or the
 * embedded PostgreSQL of DATA_DIR, started when not running), migrating it first, and prints events/s.
 */
import { parseArgs } from 'node:util';
import { Pool } from 'pg';
import { PostgresEventStore } from '@app/event-store';
import { loadConfig, migrate, resolveDatabase } from '@app/platform';
import { generateHistory } from './generator';
import { HistorySize, SIZES } from './world';

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { size: { type: 'string', default: 'small' }, seed: { type: 'string', default: '42' } } });
  const size = values.size as HistorySize;
  if (!(size in SIZES)) throw new Error(`--size must be one of ${Object.keys(SIZES).join(', ')}`);
  const out = (line: string) => process.stdout.write(`${line}\n`);
  const database = await resolveDatabase(loadConfig(), out);
  const pool = new Pool({ connectionString: database.url, max: 4 });
  try {
    await migrate(database.url);
    const existing = await pool.query<{ n: string }>('SELECT count(*) AS n FROM es_events');
    if (existing.rows[0]!.n !== '0') out(`note: the store already holds ${existing.rows[0]!.n} events; this history is appended after them`);
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
    out(`generated ${result.size} history (seed ${result.seed}): ${result.events} events in ${result.appends} appends, ${result.from.slice(0, 10)} to ${result.to.slice(0, 10)}`);
    out(`written through ${result.writePath} in ${(result.elapsedMs / 1000).toFixed(1)} s = ${result.eventsPerSecond} events/s`);
    if (result.refused.length > 0) out(`warning: ${result.refused.length} commands were refused, first: ${JSON.stringify(result.refused[0])}`);
  } finally {
    await pool.end();
    await database.stop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
