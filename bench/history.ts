/**
 * The history the bench rebuilds: the generated institution (libs/generator) at BENCH_SIZE, written through the
 * store's batch path. Sizes: small about 20k events, medium 200k, large 1M.
 */
import { Pool } from 'pg';
import { CommandRunner, PostgresEventStore, UpcasterRegistry } from '@app/event-store';
import { seedDemoOrganization } from '@app/organization';

export type BenchSize = 'small' | 'medium' | 'large';

export function benchSize(value: string | undefined): BenchSize {
  const size = value ?? 'small';
  if (size !== 'small' && size !== 'medium' && size !== 'large') throw new Error(`BENCH_SIZE must be small, medium or large, not ${size}`);
  return size;
}

/** Writes the history into the database at `url`; returns how it was made. */
export async function writeHistory(url: string, size: BenchSize): Promise<{ events: number; source: string }> {
  const pool = new Pool({ connectionString: url, max: 4 });
  pool.on('error', () => undefined); // DROP DATABASE … WITH (FORCE) ends idle connections
  const store = new PostgresEventStore(pool);
  try {
    // Until the generator is merged: the demo institution only (a few hundred real events).
    await seedDemoOrganization(new CommandRunner(store, new UpcasterRegistry()), new Date('2026-03-02T01:00:00Z'));
    return { events: Number(await store.headPosition()), source: `demo seed (generator not merged; BENCH_SIZE=${size} ignored)` };
  } finally {
    await store.close();
    await pool.end();
  }
}
