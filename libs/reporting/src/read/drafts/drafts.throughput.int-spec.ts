import { performance } from 'node:perf_hooks';
import type { PoolClient } from 'pg';
import type { RecordedEvent } from '@app/event-store';
import { applyInSchema } from '@app/projections';
import { createTestDatabase, TestDatabase } from '@test/support';
import { reportingHistory } from './drafts.history.fixture';
import { reportingProjection } from './drafts.projection';
import { reportingV2OneEvent } from './drafts.v2.fixture';

/**
 * A measurement, not a test (no timing is asserted; speed is judged by `npm run bench`): the reporting projection's
 * events/s over a synthetic history, written in bulk in batches of 500 (the runtime's default), and by the
 * one-event SQL version it replaced. Runs only when asked:
 *   MEASURE_BULK=1 [MEASURE_DRAFTS=3000] npx jest libs/reporting/src/read/drafts/drafts.throughput
 */
const measure = process.env.MEASURE_BULK ? describe : describe.skip;

measure('reporting projection throughput (measurement)', () => {
  let db: TestDatabase;
  let client: PoolClient;
  beforeAll(async () => {
    db = await createTestDatabase({ migrate: false, poolSize: 1 });
    client = await db.pool.connect();
  });
  afterAll(async () => {
    client.release();
    await db.drop();
  });

  it('prints events/s of the bulk writer and of the one-event version', async () => {
    const { events } = reportingHistory(Number(process.env.MEASURE_DRAFTS ?? 3000));
    const chunks = (of: readonly RecordedEvent[], size = 500) => Array.from({ length: Math.ceil(of.length / size) }, (_, i) => of.slice(i * size, i * size + size));
    const time = async (label: string, run: () => Promise<void>, n: number = events.length) => {
      const started = performance.now();
      await run();
      const seconds = (performance.now() - started) / 1000;
      process.stdout.write(`${label}: ${n} events in ${seconds.toFixed(2)} s = ${Math.round(n / seconds)} events/s\n`);
    };
    await time('bulk, batches of 500', () => applyInSchema(client, reportingProjection, 'm_bulk', chunks(events)));
    const sample = events.slice(0, 5000);
    await time('one-event SQL (v2), batches of 500', () => applyInSchema(client, reportingV2OneEvent, 'm_one', chunks(sample)), sample.length);
  }, 600_000);
});
