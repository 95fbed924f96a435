// A second service instance for the take-over test: runs the stream-counts projection until killed.
import { Pool } from 'pg';
import { PostgresEventStore } from '@app/event-store';
import { ProjectionRuntime } from '../projection-runtime';
import { counter } from './stream-counts.fixture';

async function main(): Promise<void> {
  const pool = new Pool({ connectionString: process.env.TEST_DATABASE_URL, max: 5 });
  const store = new PostgresEventStore(pool, { pollIntervalMs: 50 });
  const runtime = new ProjectionRuntime(pool, store, [counter()], { instanceId: process.env.INSTANCE_ID, leaseIntervalMs: 200 });
  await runtime.start();
  const timer = setInterval(() => {
    if (runtime.heldProjections().includes('stream-counts')) {
      process.stdout.write('holding stream-counts\n');
      clearInterval(timer);
    }
  }, 20);
  setInterval(() => undefined, 1 << 30);
}

void main();
