// A dispatcher process for the crash test: its receiver writes the receipt, then the process is SIGKILLed before
// the dispatcher can record the outcome.
import { Pool } from 'pg';
import { EffectDispatcher } from '../effect-dispatcher';
import { notifier, TEST_DISPATCH } from './notifier.fixture';

async function main(): Promise<void> {
  const pool = new Pool({ connectionString: process.env.TEST_DATABASE_URL, max: 4 });
  const reactor = notifier(async (notice, { key, attempt }) => {
    await pool.query('INSERT INTO effect_receipts (effect_key, notice, attempt) VALUES ($1, $2, $3)', [key, notice.to, attempt]);
    process.kill(process.pid, 'SIGKILL');
  });
  await new EffectDispatcher(pool, [reactor], TEST_DISPATCH).start();
  setInterval(() => undefined, 1 << 30);
}

void main();
