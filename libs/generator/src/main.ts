/**
 * npm run generate -- --size small|medium|large --seed 42 [--database name]: writes a generated history
 * (generateIntoDatabase: into DATABASE_URL or the embedded PostgreSQL of DATA_DIR, or into the database `name` on
 * that server) and prints events/s. `npm run cli -- generate` does the same with a progress bar.
 */
import { parseArgs } from 'node:util';
import { generateIntoDatabase } from './generate-into-database';

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { size: { type: 'string', default: 'small' }, seed: { type: 'string', default: '42' }, database: { type: 'string' } } });
  const out = (line: string) => process.stdout.write(`${line}\n`);
  let last = 0;
  await generateIntoDatabase({
    size: values.size!,
    seed: values.seed!,
    database: values.database,
    out,
    onProgress: (p) => {
      if (p.elapsedMs - last < 2000) return;
      last = p.elapsedMs;
      out(`${String(p.events).padStart(9)} events  ${String(p.eventsPerSecond).padStart(7)} events/s`);
    },
  });
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
