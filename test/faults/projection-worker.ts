// The projection process of the fault tests: runs every projection the API registers against FAULT_DATABASE_URL
// until it is killed (the test SIGKILLs it at random points and starts it again).
import { Pool } from 'pg';
import { PostgresEventStore } from '@app/event-store';
import { installEffects, ProjectionRuntime } from '@app/projections';
import { CONTEXT_PROJECTIONS } from '../../apps/api/src/contexts';

async function main(): Promise<void> {
  const pool = new Pool({ connectionString: process.env.FAULT_DATABASE_URL, max: 8 });
  pool.on('error', () => undefined);
  const store = new PostgresEventStore(pool, { pollIntervalMs: 50 });
  const runtime = new ProjectionRuntime(pool, store, CONTEXT_PROJECTIONS, {
    instanceId: `fault-worker:${process.pid}`,
    leaseIntervalMs: 100,
    batchSize: Number(process.env.FAULT_BATCH_SIZE ?? 20),
  });
  // the reactors record effects in the outbox's queue (pg-boss): installed as the API's dispatcher does at start
  await installEffects(pool);
  await runtime.start();
  process.stdout.write('started\n');
  setInterval(() => undefined, 1 << 30);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
