/**
 * The history the bench rebuilds: the generated institution (libs/generator, generateHistory) at BENCH_SIZE,
 * written through the store's batch path (appendMany when the store has it). Sizes: small about 20k events,
 * medium 200k, large 1M. BENCH_SEED picks another institution of the same size.
 */
import { Pool } from 'pg';
import { PostgresEventStore } from '@app/event-store';
import { generateHistory, HistorySize } from '@app/generator';

export type BenchSize = HistorySize;

export function benchSize(value: string | undefined): BenchSize {
  const size = value ?? 'small';
  if (size !== 'small' && size !== 'medium' && size !== 'large') throw new Error(`BENCH_SIZE must be small, medium or large, not ${size}`);
  return size;
}

export interface WrittenHistory {
  readonly events: number;
  readonly source: string;
  readonly writeMs: number;
  readonly writePath: string;
  readonly refused: number;
}

/** Writes the history into the database at `url`. */
export async function writeHistory(url: string, size: BenchSize, seed: string, log: (message: string) => void): Promise<WrittenHistory> {
  const pool = new Pool({ connectionString: url, max: 4 });
  pool.on('error', () => undefined); // DROP DATABASE … WITH (FORCE) ends idle connections
  const store = new PostgresEventStore(pool);
  let next = 0;
  try {
    const result = await generateHistory({
      size,
      seed,
      store,
      onProgress: (p) => {
        if (p.events < next) return;
        next += 50_000;
        log(`history: ${p.events} events written (${p.eventsPerSecond} events/s)`);
      },
    });
    return { events: Number(await store.headPosition()), source: `generator, size ${size}, seed ${seed}`, writeMs: result.elapsedMs, writePath: 'appendMany', refused: result.refused.length };
  } finally {
    await store.close();
    await pool.end();
  }
}
