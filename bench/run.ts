/**
 * npm run bench: BENCH_SIZE=small|medium|large (default small). Writes the generated history into a fresh
 * database, then measures in one run: the raw baselines (batched insert, one-row insert transactions from 1 and
 * 16 connections, read-and-parse of the events table), appends through the store (1, 8, 16 writers), the full
 * rebuild of every projection the API registers (events/s, ratio to read-and-parse, RSS), the rewards figures
 * (what-if, recompute, query latency: bench/rewards.ts; BENCH_REWARDS=0 skips them), the compliance query and
 * the bulletin built from it (latency: bench/compliance.ts; BENCH_COMPLIANCE=0 skips them) and policy evaluation.
 * Prints a table with each target met or not, and writes bench/results/<timestamp>.json. docs/performance.md
 * explains the method. BENCH_PROFILE=1 also writes a CPU profile of the rebuild next to the results.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { Pool } from 'pg';
import { batchedInsert, createScratchTable, Measurement, measured, oneRowInserts, readAndParse, samplePayloads } from './baselines';
import { startBenchServer } from './database';
import { benchSize, writeHistory } from './history';
import { benchPolicyEvaluation } from './policy-eval';
import { topSelfTime } from './rebuild';
import { rebuildInProcess } from './rebuild-process';
import { benchCompliance, ComplianceBench } from './compliance';
import { benchRewards } from './rewards';
import { rawOneRowInsertTransactions, storeAppends } from './appends';
import { Row, renderTable } from './table';

const SIZE = benchSize(process.env.BENCH_SIZE);
/** Counts of the fixed-size measurements (baselines, appends) per size. */
const COUNTS = {
  small: { batched: 50_000, oneRow: 1_000 },
  medium: { batched: 200_000, oneRow: 2_000 },
  large: { batched: 500_000, oneRow: 4_000 },
}[SIZE];
const measuredOf = (m: { count: number; ms: number }): Measurement => measured(m.count, m.ms);
const READ_CHUNK = Number(process.env.BENCH_READ_CHUNK ?? 1000);

async function main(): Promise<void> {
  const startedAt = new Date();
  const rows: Row[] = [];
  const log = (message: string) => process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
  const server = await startBenchServer();
  log(`server: ${server.description}`);
  // Ctrl-C: stop the embedded server too, or it outlives the run
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void server.stop().finally(() => process.exit(130)));
  try {
    // The history, then the baselines over its own payloads.
    const db = await server.createDatabase('history');
    const history = await writeHistory(db.url, SIZE, process.env.BENCH_SEED ?? 'bench', log);
    log(`history: ${history.events} events (${history.source}) in ${history.writeMs} ms through ${history.writePath}, ${history.refused} commands refused`);
    const pool = new Pool({ connectionString: db.url, max: 4 });
    pool.on('error', () => undefined);
    const payloads = await samplePayloads(pool);
    await pool.query('VACUUM ANALYZE es_events');
    const read = await readAndParse(pool, READ_CHUNK);
    rows.push({ group: 'baseline', name: `read-and-parse of es_events in position order (chunks of ${READ_CHUNK})`, m: read, unit: 'events' });
    log('read-and-parse done');
    await createScratchTable(pool);
    rows.push({ group: 'baseline', name: 'batched insert (1,000 rows per INSERT … unnest)', m: await batchedInsert(pool, payloads, COUNTS.batched), unit: 'rows' });
    rows.push({ group: 'baseline', name: 'one-row INSERT transactions, 1 connection', m: await oneRowInserts(db.url, payloads, 1, COUNTS.oneRow), unit: 'tx' });
    const raw16 = await oneRowInserts(db.url, payloads, 16, Math.ceil(COUNTS.oneRow / 8));
    rows.push({ group: 'baseline', name: 'one-row INSERT transactions, 16 connections', m: raw16, unit: 'tx' });
    await pool.query('DROP TABLE bench_raw');
    await pool.end();
    log('baselines done');

    // Appends through the store (bench/appends.ts), on a database of their own (so the rebuild's log stays the
    // history). Its raw baseline writes the same small rows into a plain table: the ratio target is taken
    // against the faster of the two 16-connection baselines.
    const appendsDb = await server.createDatabase('appends');
    const plain16 = measuredOf(await rawOneRowInsertTransactions(appendsDb.url, 16, COUNTS.oneRow * 2));
    rows.push({ group: 'baseline', name: 'one-row INSERT transactions, 16 connections, plain 3-column table (bench/appends.ts)', m: plain16, unit: 'tx' });
    const ceiling16 = Math.max(raw16.perSecond, plain16.perSecond);
    for (const writers of [1, 8, 16]) {
      const m = measuredOf(await storeAppends(appendsDb.url, writers, writers === 1 ? COUNTS.oneRow : COUNTS.oneRow * 2));
      const row: Row = { group: 'appends', name: `append, ${writers} writer${writers > 1 ? 's' : ''}, one event per append`, m, unit: 'appends' };
      if (writers === 16) row.target = { text: '>= 0.5 x one-row tx, 16 conn.', met: m.perSecond >= 0.5 * ceiling16, ratio: m.perSecond / ceiling16 };
      rows.push(row);
    }
    await appendsDb.drop();
    log('appends done');

    // The full rebuild of every registered projection, in a process of its own (bench/rebuild-process.ts): its
    // RSS is the runtime's, not what writing the history left in this process.
    const profile = process.env.BENCH_PROFILE === '1' ? 'rebuild' : undefined;
    const rebuild = await rebuildInProcess(db.url, { profile });
    const rebuildM: Measurement = { count: rebuild.events, ms: rebuild.ms, perSecond: rebuild.perSecond };
    const ratio = rebuild.perSecond / read.perSecond;
    rows.push({
      group: 'rebuild',
      name: `full rebuild, ${rebuild.projections.length} projections (${rebuild.projections.join(', ')})`,
      m: rebuildM,
      unit: 'events',
      target: { text: '>= 25,000 events/s', met: rebuild.perSecond >= 25_000 },
    });
    rows.push({ group: 'rebuild', name: 'rebuild / read-and-parse', value: ratio.toFixed(3), target: { text: '>= 0.3', met: ratio >= 0.3 } });
    rows.push({ group: 'rebuild', name: `RSS at ${rebuild.mark.toLocaleString('en')} events (slowest projection)`, value: `${rebuild.rssAtMarkMb} MB` });
    rows.push({
      group: 'rebuild',
      name: 'RSS at the end / peak',
      value: `${rebuild.rssEndMb} / ${rebuild.rssPeakMb} MB`,
      target: { text: '<= 512 MB, flat (end <= 1.25 x mark)', met: rebuild.rssPeakMb <= 512 && rebuild.rssEndMb <= 1.25 * Math.max(rebuild.rssAtMarkMb, 1) },
    });
    rows.push({ group: 'rebuild', name: 'CPU during the rebuild: node / postgres', value: `${rebuild.nodeCpuS} s / ${rebuild.postgresCpuS ?? '?'} s (wall ${(rebuild.ms / 1000).toFixed(1)} s)` });
    log(`rebuild done (${(rebuild.ms / 1000).toFixed(1)} s)`);

    // Compliance: the report of the busiest month, its quarter and year, one unit's month and the bulletin built
    // afresh, over the rebuilt read models (bench/compliance.ts), before the rewards figures append to the log.
    let compliance: ComplianceBench | undefined;
    if (process.env.BENCH_COMPLIANCE !== '0') {
      compliance = await benchCompliance(db.url, log);
      rows.push(...compliance.rows);
    }

    // Rewards: what-if, recompute and query latency over the rebuilt read models (bench/rewards.ts).
    if (process.env.BENCH_REWARDS !== '0') rows.push(...(await benchRewards(db.url, log)));

    // Policy evaluation (compiled once, evaluated per fact).
    const scale = { small: 0.1, medium: 0.3, large: 1 }[SIZE];
    benchPolicyEvaluation(scale, (name, count, ms, unit = 'evaluations') => rows.push({ group: 'policy', name, m: { count, ms: Math.round(ms), perSecond: Math.round((count / ms) * 1000) }, unit }));

    const stamp = startedAt.toISOString().replace(/[:.]/g, '-');
    const dir = join(__dirname, 'results');
    mkdirSync(dir, { recursive: true });
    const result = {
      startedAt: startedAt.toISOString(),
      size: SIZE,
      history,
      machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model, memoryMb: Math.round(totalmem() / 1024 / 1024), node: process.version, server: server.description, load: process.env.BENCH_LOAD_NOTE ?? null },
      rows,
      rebuild: { ...rebuild, profile: undefined, perProjectionS: rebuild.perProjectionS },
      ...(compliance ? { compliance: compliance.details } : {}),
      ...(rebuild.profile ? { rebuildProfileTop: topSelfTime(rebuild.profile as Parameters<typeof topSelfTime>[0]) } : {}),
    };
    writeFileSync(join(dir, `${stamp}.json`), `${JSON.stringify(result, null, 2)}\n`);
    if (rebuild.profile) writeFileSync(join(dir, `${stamp}-rebuild.cpuprofile`), JSON.stringify(rebuild.profile));
    if (compliance?.profile) writeFileSync(join(dir, `${stamp}-compliance.cpuprofile`), JSON.stringify(compliance.profile));
    process.stdout.write(`\nBENCH_SIZE=${SIZE}: ${history.events.toLocaleString('en')} events (${history.source}); ${server.description}; ${cpus().length} cores, node ${process.version}\n\n`);
    process.stdout.write(renderTable(rows));
    if (result.rebuildProfileTop) {
      process.stdout.write('\nrebuild CPU profile, self time:\n');
      for (const f of result.rebuildProfileTop) process.stdout.write(`  ${String(f.share).padStart(5)} %  ${f.fn}\n`);
    }
    process.stdout.write(`\nwritten: bench/results/${stamp}.json\n`);
    await db.drop();
  } finally {
    await server.stop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
