/**
 * Appends through the store port: `writers` concurrent writers, each appending one event per append to streams
 * of its own. (The store helper's bench/appends.ts replaces this once merged.)
 */
import { performance } from 'node:perf_hooks';
import { Pool } from 'pg';
import { deterministicUuid, newId } from '@app/kernel';
import { PostgresEventStore } from '@app/event-store';
import { Measurement, measured } from './baselines';

export async function measureAppends(url: string, writers: number, perWriter: number): Promise<Measurement> {
  const pool = new Pool({ connectionString: url, max: writers + 2 });
  pool.on('error', () => undefined); // DROP DATABASE … WITH (FORCE) ends idle connections
  const store = new PostgresEventStore(pool);
  try {
    const t = performance.now();
    await Promise.all(
      Array.from({ length: writers }, async (_, w) => {
        for (let i = 0; i < perWriter; i++) {
          const commandId = newId();
          await store.appendToStream(`bench-w${w}x${i % 50}-${Math.floor(i / 50)}`, [
            { type: 'BenchEvent', data: { i, title: '关于做好信息报送工作的通知' }, metadata: { eventId: deterministicUuid(commandId), commandId, correlationId: commandId, causationId: commandId, actorId: 'bench', schemaVersion: 1 } },
          ]);
        }
      }),
    );
    return measured(writers * perWriter, performance.now() - t);
  } finally {
    await store.close();
    await pool.end();
  }
}
