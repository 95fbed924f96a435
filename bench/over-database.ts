/**
 * npm run bench:over -- <database url>: the full rebuild (in a process of its own, bench/rebuild-process.ts) and
 * the rewards figures (bench/rewards.ts: what-if, recompute, query latency) over a history already in a database,
 * e.g. one `npm run generate -- --size large --database gen_large` wrote. The database must hold no projection
 * builds yet. SKIP_REBUILD=1 measures only the rewards figures over builds that are there.
 */
import { rebuildInProcess } from './rebuild-process';
import { benchRewards } from './rewards';
import { renderTable, Row } from './table';

async function main(): Promise<void> {
  const url = process.argv[2];
  if (!url) throw new Error('usage: npm run bench:over -- postgres://…/database');
  const log = (message: string) => process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
  const rows: Row[] = [];
  if (process.env.SKIP_REBUILD !== '1') {
    const r = await rebuildInProcess(url, {});
    rows.push({ group: 'rebuild', name: `full rebuild, ${r.projections.length} projections`, m: { count: r.events, ms: r.ms, perSecond: r.perSecond }, unit: 'events' });
    rows.push({ group: 'rebuild', name: 'RSS at the mark / end / peak', value: `${r.rssAtMarkMb} / ${r.rssEndMb} / ${r.rssPeakMb} MB` });
    rows.push({ group: 'rebuild', name: 'CPU during the rebuild: node / postgres', value: `${r.nodeCpuS} s / ${r.postgresCpuS ?? '?'} s` });
    log('rebuild done');
  }
  rows.push(...(await benchRewards(url, log)));
  process.stdout.write(renderTable(rows));
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
