/**
 * The compliance figures of the bench (issue 11): over the history the rebuild has just built, with every
 * projection live at the head, the latency (p50 / p95 of 20 runs, after one warm-up call not counted) of
 * - `ComplianceQueries.report('month', <busiest month>)`: every unit's compliance for the month (what
 *   GET /v1/compliance?period=month&key=… answers), then the same for its quarter and its year; the busiest month
 *   is the one with most compliance_items submitted (the first submission's business date in the compliance time zone);
 * - `report('month', <busiest month>, <busiest unit>)`: one unit's month (GET /v1/compliance/units/{id}), the
 *   unit with most items submitted in that month;
 * - `BulletinsService.fresh('month', <busiest month>)`: the bulletin of that month built afresh (GET
 *   /v1/bulletins/month/{key}?as=fresh): the rewards leaderboard of the month and the compliance rows of every unit,
 *   after the read models have applied the head (X-Min-Position), built without the HTTP stack.
 * Each row gives the rows the query reads (units, items, incidents, commissions: the report reads every item and
 * incident of the units asked, the look-back of consecutive misses) and where a call's time goes: the time with
 * a query of the call in flight (SQL, transfer and pg's parsing of the jsonb) and the rest (the compute).
 * BENCH_COMPLIANCE_RUNS sets the runs (default 20; 5 when the warm-up call of a case takes over 10 s);
 * BENCH_COMPLIANCE_PROFILE=1 writes a CPU profile of one year report (bench/results/<stamp>-compliance.cpuprofile)
 * and its top self times into the result.
 */
import { Session } from 'node:inspector';
import { performance } from 'node:perf_hooks';
import { Pool } from 'pg';
import type { AccessPolicy } from '@app/access';
import { PostgresEventStore } from '@app/event-store';
import { PolicyCatalog } from '@app/policies';
import { ProjectionRuntime, ReadModels, waitForProjections } from '@app/projections';
import { RewardsQueries } from '@app/rewards';
import { BulletinsService, COMPLIANCE_TABLES, COMPLIANCE_TIME_ZONE, ComplianceQueries, complianceProjection } from '@app/compliance';
import type { BulletinContent } from '../libs/compliance/src/bulletins';
import { CONTEXT_PROJECTIONS } from '../apps/api/src/contexts';
import { quantile, timeRuns } from './latency';
import { topSelfTime } from './rebuild';
import type { Row } from './table';

export interface ComplianceBench {
  readonly rows: Row[];
  readonly details: Record<string, unknown>;
  readonly profile?: object;
}

/** A pool whose queries are timed: the wall time during which at least one query was in flight. */
function timedPool(pool: Pool): { pool: Pool; take(): number } {
  let inflight = 0;
  let since = 0;
  let total = 0;
  const query = (...args: unknown[]) => {
    if (inflight++ === 0) since = performance.now();
    const done = () => {
      if (--inflight === 0) total += performance.now() - since;
    };
    const p = (pool.query as (...a: unknown[]) => Promise<unknown>)(...args);
    return p.then(
      (r) => (done(), r),
      (e: unknown) => {
        done();
        throw e;
      },
    );
  };
  const proxy = new Proxy(pool, { get: (target, prop, receiver) => (prop === 'query' ? query : Reflect.get(target, prop, receiver)) });
  return {
    pool: proxy,
    take() {
      const t = total;
      total = 0;
      return t;
    },
  };
}

const RUNS = Number(process.env.BENCH_COMPLIANCE_RUNS ?? 20);
const ms = (v: number) => `${v.toLocaleString('en', { minimumFractionDigits: 1, maximumFractionDigits: 1 })} ms`;

interface Latency {
  readonly runs: number;
  readonly firstMs: number;
  readonly p50: number;
  readonly p95: number;
  readonly sqlP50: number;
  readonly restP50: number;
}

/** One warm-up call, then p50 / p95 of RUNS calls (5 when the warm-up took over 10 s), with the SQL / rest split. */
async function latency(run: () => Promise<unknown>, sql: { take(): number }): Promise<Latency> {
  sql.take();
  const s = performance.now();
  await run();
  const firstMs = performance.now() - s;
  sql.take();
  const runs = firstMs > 10_000 ? Math.min(5, RUNS) : RUNS;
  const sqlTimes: number[] = [];
  const rest: number[] = [];
  const times = await timeRuns(run, runs, (t) => {
    const q = sql.take();
    sqlTimes.push(q);
    rest.push(t - q);
  });
  for (const a of [sqlTimes, rest]) a.sort((x, y) => x - y);
  return { runs, firstMs, p50: quantile(times, 0.5), p95: quantile(times, 0.95), sqlP50: quantile(sqlTimes, 0.5), restP50: quantile(rest, 0.5) };
}

const describe = (l: Latency) => `p50 ${ms(l.p50)} / p95 ${ms(l.p95)}${l.runs !== 20 ? ` (${l.runs} runs)` : ''}; SQL ${ms(l.sqlP50)} + compute ${ms(l.restP50)} (p50)`;

export async function benchCompliance(url: string, log: (message: string) => void): Promise<ComplianceBench> {
  const rows: Row[] = [];
  const details: Record<string, unknown> = {};
  if (!CONTEXT_PROJECTIONS.some((p) => p.name === complianceProjection.name)) {
    rows.push({ group: 'compliance', name: `the ${complianceProjection.name} projection is not in CONTEXT_PROJECTIONS: not measured`, value: '-' });
    return { rows, details };
  }
  const base = new Pool({ connectionString: url, max: 20 });
  base.on('error', () => undefined);
  const timed = timedPool(base);
  const pool = timed.pool;
  const store = new PostgresEventStore(base, { pollIntervalMs: 50 });
  const runtime = new ProjectionRuntime(base, store, CONTEXT_PROJECTIONS, { leaseIntervalMs: 200 });
  // the ReadModels the API injects: live tables through the projections' registry (rm.<table>, the live build's
  // view); no X-Read-Build here, so the access policy is never asked
  const readModels = new ReadModels(pool, runtime, {} as AccessPolicy, { minPositionTimeoutMs: 120_000 });
  let profile: object | undefined;
  try {
    await runtime.start();
    await waitForProjections(base, store, runtime, 600_000);
    const r = await readModels.scope(undefined, Object.values(COMPLIANCE_TABLES).map((s) => s.name));
    const t = (name: keyof typeof COMPLIANCE_TABLES) => r.t(COMPLIANCE_TABLES[name].name);
    const count = async (sql: string, args: unknown[] = []) => Number((await base.query<{ n: string }>(sql, args)).rows[0]!.n);
    const submittedMonth = `to_char(((facts#>>'{submitted,at}')::timestamptz) AT TIME ZONE '${COMPLIANCE_TIME_ZONE}', 'YYYY-MM')`;
    const busiest = (
      await base.query<{ m: string; n: string }>(`SELECT ${submittedMonth} AS m, count(*) AS n FROM ${t('items')} WHERE facts#>>'{submitted,at}' IS NOT NULL GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 1`)
    ).rows[0];
    if (!busiest) {
      rows.push({ group: 'compliance', name: 'no compliance item submitted in the history: not measured', value: '-' });
      return { rows, details };
    }
    const month = busiest.m;
    const [y, mo] = month.split('-').map(Number) as [number, number];
    const quarter = `${y}-Q${Math.ceil(mo / 3)}`;
    const unit = (
      await base.query<{ u: string; n: string }>(
        `SELECT unit_id AS u, count(*) AS n FROM ${t('items')} WHERE facts#>>'{submitted,at}' IS NOT NULL AND ${submittedMonth} = $1 GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 1`,
        [month],
      )
    ).rows[0]!;
    const reads = {
      units: await count(`SELECT count(*) AS n FROM ${t('units')}`),
      items: await count(`SELECT count(*) AS n FROM ${t('items')}`),
      incidents: await count(`SELECT count(*) AS n FROM ${t('incidents')}`),
      commissions: await count(`SELECT count(*) AS n FROM ${t('commissions')}`),
      policyVersions: await count(`SELECT count(*) AS n FROM ${t('policies')}`),
      periodsEnded: await count(`SELECT count(*) AS n FROM ${t('periods')}`),
      itemsMB: Number((await base.query<{ mb: string }>(`SELECT round(sum(pg_column_size(facts)) / 1048576.0, 1) AS mb FROM ${t('items')}`)).rows[0]!.mb ?? 0),
    };
    const unitReads = {
      items: await count(`SELECT count(*) AS n FROM ${t('items')} WHERE unit_id = $1`, [unit.u]),
      incidents: await count(`SELECT count(*) AS n FROM ${t('incidents')} WHERE unit_id = $1`, [unit.u]),
    };
    const fmt = (n: number) => n.toLocaleString('en');
    const allReads = `reads ${fmt(reads.units)} units, ${fmt(reads.items)} items, ${fmt(reads.incidents)} incidents, ${fmt(reads.commissions)} commissions`;
    Object.assign(details, { busiestMonth: month, submittedInMonth: Number(busiest.n), quarter, year: String(y), busiestUnit: unit.u, unitSubmittedInMonth: Number(unit.n), reads, unitReads });
    log(`compliance: busiest month ${month} (${busiest.n} items submitted), unit ${unit.u} (${unit.n}); ${allReads}`);

    const queries = new ComplianceQueries(pool, readModels);
    const rewards = new RewardsQueries(pool, readModels);
    const bulletins = new BulletinsService(pool, store, readModels, new PolicyCatalog(store), rewards, { rows: (period, key, read) => queries.rows(period, key, undefined, read) });
    const answered: Record<string, number> = {};
    const report = (period: 'month' | 'quarter' | 'year', key: string, unitId?: string) => async () => {
      answered[`${period} ${key}${unitId ? ' unit' : ''}`] = (await queries.report(period, key, unitId)).rows.length;
    };
    const cases: [string, () => Promise<unknown>][] = [
      [`every unit, month ${month} (${fmt(Number(busiest.n))} items submitted in it; ${allReads})`, report('month', month)],
      [`every unit, quarter ${quarter} (same rows read)`, report('quarter', quarter)],
      [`every unit, year ${y} (same rows read)`, report('year', String(y))],
      [`one unit's month ${month} (${fmt(Number(unit.n))} items submitted in it; reads ${fmt(unitReads.items)} items, ${fmt(unitReads.incidents)} incidents, ${fmt(reads.commissions)} commissions)`, report('month', month, unit.u)],
    ];
    const latencies: Record<string, Latency> = {};
    for (const [name, run] of cases) {
      const l = await latency(run, timed);
      latencies[name] = l;
      rows.push({ group: 'compliance', name: `query latency: ${name}`, value: describe(l) });
      log(`compliance: ${name}: ${describe(l)}`);
    }
    details.unitsAnswered = answered;

    // the bulletin of the month built afresh, as GET /v1/bulletins/month/{key}?as=fresh builds it
    let bulletin: { content: BulletinContent } | undefined;
    try {
      bulletin = await bulletins.fresh('month', month);
    } catch (error) {
      const why = error instanceof Error ? error.message : String(error);
      rows.push({ group: 'compliance', name: `bulletin of month ${month} built afresh: not measured`, value: why.slice(0, 120) });
      log(`compliance: bulletin not measured: ${why}`);
    }
    if (bulletin) {
      const c = bulletin.content;
      details.bulletin = { units: c.units.length, shortfalls: c.shortfalls.length, lateReports: c.lateReports.length, compliance: c.compliance, status: c.status };
      const name = `bulletin of month ${month} built afresh (rewards leaderboard + every unit's compliance, ${fmt(c.units.length)} units ranked)`;
      const l = await latency(() => bulletins.fresh('month', month), timed);
      latencies[name] = l;
      rows.push({ group: 'compliance', name: `query latency: ${name}`, value: describe(l) });
      log(`compliance: ${name}: ${describe(l)}`);
    }
    details.latencies = latencies;

    if (process.env.BENCH_COMPLIANCE_PROFILE === '1') {
      const session = new Session();
      session.connect();
      const post = (method: string, params?: object) => new Promise<unknown>((resolve, reject) => session.post(method, params ?? {}, (e, res) => (e ? reject(e) : resolve(res))));
      await post('Profiler.enable');
      await post('Profiler.setSamplingInterval', { interval: 500 });
      await post('Profiler.start');
      const s = performance.now();
      await report('year', String(y))();
      const wall = performance.now() - s;
      profile = ((await post('Profiler.stop')) as { profile: object }).profile;
      session.disconnect();
      details.profileOf = `report('year', '${y}'), ${ms(wall)}`;
      details.profileTop = topSelfTime(profile as Parameters<typeof topSelfTime>[0], 20);
      log(`compliance: profiled report('year', '${y}') (${ms(wall)})`);
    }
    log('compliance queries done');
    return { rows, details, profile };
  } finally {
    readModels.onModuleDestroy();
    // bounded: a medium run once hung here for minutes after the measurements (the runtime's stop not returning);
    // the bench goes on without waiting for it
    const bounded = (what: string, p: Promise<unknown>) =>
      Promise.race([p, new Promise((resolve) => setTimeout(resolve, 30_000).unref()).then(() => log(`compliance: ${what} did not return within 30 s, not waited for`))]);
    await bounded('runtime.stop()', runtime.stop());
    await bounded('store.close()', store.close());
    await bounded('pool.end()', base.end());
  }
}
