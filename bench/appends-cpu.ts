/**
 * npm run bench:appends: where the time of one-event appends from 16 writers goes. Runs, on a fresh database of
 * the bench server (embedded PostgreSQL, or DATABASE_URL), the raw baseline (one-row INSERT transactions into a
 * plain table from 16 connections) and the store's appends (PostgresEventStore.appendToStream, 16 writers), twice
 * each, and prints per run the rate, the wall time, this process's CPU and the machine's busy CPU (from /proc/stat,
 * so run it on an otherwise idle machine: what is not this process is PostgreSQL). APPENDS sets the count
 * (default 16,000). docs/performance.md records what it showed.
 */
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { startBenchServer } from './database';
import { rawOneRowInsertTransactions, storeAppends } from './appends';

/** Busy CPU seconds of the whole machine so far (Linux /proc/stat: every state but idle and iowait). */
function machineBusySeconds(): number {
  const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  const [user, nice, system, , , irq, softirq, steal] = fields as number[];
  return (user! + nice! + system! + irq! + softirq! + (steal ?? 0)) / 100;
}

async function main(): Promise<void> {
  const count = Number(process.env.APPENDS ?? 16_000);
  const server = await startBenchServer();
  try {
    const db = await server.createDatabase('appends_cpu');
    process.stdout.write(`${server.description}; ${cpus().length} cores; ${count} one-event transactions per run\n`);
    process.stdout.write('| run | per second | wall s | node CPU s | other CPU s (PostgreSQL) | CPU per transaction, node / other (ms) |\n|---|---:|---:|---:|---:|---:|\n');
    for (let round = 0; round < 2; round++) {
      const runs = [
        ['raw one-row INSERT transactions, 16 connections', () => rawOneRowInsertTransactions(db.url, 16, count)],
        ['store appends, 16 writers', () => storeAppends(db.url, 16, count)],
      ] as const;
      for (const [name, run] of runs) {
        const c0 = process.cpuUsage();
        const b0 = machineBusySeconds();
        const m = await run();
        const c = process.cpuUsage(c0);
        const node = (c.user + c.system) / 1e6;
        const other = Math.max(0, machineBusySeconds() - b0 - node);
        process.stdout.write(
          `| ${name} | ${Math.round((m.count / m.ms) * 1000)} | ${(m.ms / 1000).toFixed(1)} | ${node.toFixed(1)} | ${other.toFixed(1)} | ${((node / m.count) * 1000).toFixed(3)} / ${((other / m.count) * 1000).toFixed(3)} |\n`,
        );
      }
    }
    await db.drop();
  } finally {
    await server.stop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
