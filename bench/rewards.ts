/**
 * The rewards figures of the bench (issue 10): over the history the rebuild has just built, with every projection
 * live at the head:
 * - what-if: a shadow build of `rewards` with a draft version of the demo new-media policy treated as published
 *   (150 yuan per WeChat item), as of the head: seconds and log events/s until it reached its position;
 * - recompute: that version published with an effective date at the history's start (retroactive): seconds from
 *   its append until the live rewards build has applied it (the batch re-evaluates every item of its period);
 * - query latency (p50 / p95 of 20 runs): the leaderboards of the busiest month (people, units) and of its year,
 *   the explain of the busiest unit's month, and a payout close's statement of that month (lines read and built);
 *   and, when the history has a closed payout period, the payout ledger from the payouts read model: its first
 *   page, one payee's ledger, one payee's statement of the last closed period (the payee entitled to most in it:
 *   the largest statement total, total_fen).
 */
import { performance } from 'node:perf_hooks';
import { Pool } from 'pg';
import { handleCommand, PostgresEventStore } from '@app/event-store';
import { PolicyDocument, policyDecider, policyStream } from '@app/policies';
import { loadExamplePolicy } from '@app/policies/testing';
import { ProjectionRuntime, quoteIdent, ReadModels, waitForProjections } from '@app/projections';
import { CONTEXT_PROJECTIONS } from '../apps/api/src/contexts';
import { RewardsQueries } from '../libs/rewards/src/read/rewards.queries';
import { PayoutsService } from '../libs/rewards/src/payouts/payouts.service';
import { buildStatement, payoutsDecider } from '../libs/rewards/src/domain/payouts.decider';
import { quantile, timeRuns } from './latency';
import type { Row } from './table';

const POLICY = 'city-police-new-media-rewards.json';

/** p50 / p95 of 20 runs. */
async function latency(run: () => Promise<unknown>): Promise<string> {
  const times = await timeRuns(run, 20);
  return `p50 ${quantile(times, 0.5).toFixed(1)} ms / p95 ${quantile(times, 0.95).toFixed(1)} ms`;
}

export async function benchRewards(url: string, log: (message: string) => void): Promise<Row[]> {
  const pool = new Pool({ connectionString: url, max: 20 });
  pool.on('error', () => undefined);
  const store = new PostgresEventStore(pool, { pollIntervalMs: 50 });
  const runtime = new ProjectionRuntime(pool, store, CONTEXT_PROJECTIONS, { leaseIntervalMs: 200 });
  const rows: Row[] = [];
  try {
    await runtime.start();
    await waitForProjections(pool, store, runtime, 600_000);
    const head = await store.headPosition();
    const base = loadExamplePolicy(POLICY);
    const latest = Number((await pool.query<{ v: number | null }>(`SELECT max(version) AS v FROM rm.reward_policy_versions WHERE policy_id = $1`, [base.id])).rows[0]!.v ?? 0);
    const draft: PolicyDocument = {
      ...base,
      version: latest + 1,
      effectiveFrom: '2000-01-01',
      rules: { ...base.rules, itemRewards: base.rules.itemRewards!.map((r) => (r.id === 'wechat-item-100-yuan' ? { ...r, amountFen: 15000 } : r)) },
    };

    // what-if: a shadow build as of the head
    let t = performance.now();
    const shadow = await runtime.startShadowBuild('rewards', { parameters: { policies: { treatAsPublished: [draft] } }, targetPosition: head, purpose: 'bench what-if' });
    for (;;) {
      const r = (await pool.query<{ reached_target_at: Date | null; stopped_at: Date | null; last_error: string | null }>(`SELECT reached_target_at, stopped_at, last_error FROM projection_builds WHERE build_id = $1`, [shadow.build_id])).rows[0]!;
      if (r.stopped_at) throw new Error(`what-if build stopped: ${r.last_error}`);
      if (r.reached_target_at) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const whatIfMs = performance.now() - t;
    await runtime.dropBuild(shadow.build_id);
    rows.push({ group: 'rewards', name: 'what-if: shadow build of rewards with a draft version, as of the head', m: { count: Number(head), ms: Math.round(whatIfMs), perSecond: Math.round((Number(head) / whatIfMs) * 1000) }, unit: 'events' });
    log('rewards what-if done');

    // recompute: the version published, retroactive, while the projections run
    const now = new Date().toISOString();
    const context = (step: string) => ({ commandId: `bench-recompute-${draft.version}-${step}`, actorId: 'bench', correlationId: 'bench' });
    await handleCommand(store, policyStream(draft.id), policyDecider, { type: 'DraftPolicy', document: draft, actorId: 'bench', now }, context('draft'));
    t = performance.now();
    const published = await handleCommand(store, policyStream(draft.id), policyDecider, { type: 'PublishPolicy', version: draft.version, actorId: 'bench', now, published: [] }, context('publish'));
    const at = published.position!;
    for (;;) {
      const r = (await pool.query<{ position: string }>(`SELECT position FROM projection_builds WHERE projection = 'rewards' AND state = 'live'`)).rows[0];
      if (r && BigInt(r.position) >= at) break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const recomputeMs = performance.now() - t;
    const items = Number((await pool.query<{ n: string }>(`SELECT count(*) AS n FROM rm.reward_items WHERE last_date IS NOT NULL`)).rows[0]!.n);
    rows.push({ group: 'rewards', name: `recompute: a retroactive version published live, until the rewards build applied it (${items.toLocaleString('en')} dated items)`, value: `${(recomputeMs / 1000).toFixed(2)} s` });
    log('rewards recompute done');

    // query latency
    const live = { scope: async () => ({ t: (table: string) => `rm.${quoteIdent(table)}` }) } as unknown as ReadModels;
    const queries = new RewardsQueries(pool, live);
    const busiest = (await pool.query<{ m: string }>(`SELECT to_char(business_date, 'YYYY-MM') AS m FROM rm.entitlements GROUP BY 1 ORDER BY count(*) DESC LIMIT 1`)).rows[0]?.m;
    if (busiest) {
      const [y, mo] = busiest.split('-').map(Number) as [number, number];
      const month = { from: `${busiest}-01`, to: `${busiest}-${String(new Date(Date.UTC(y, mo, 0)).getUTCDate()).padStart(2, '0')}` };
      const year = { from: `${y}-01-01`, to: `${y}-12-31` };
      const unit = (await pool.query<{ u: string }>(`SELECT unit_id AS u FROM rm.entitlements WHERE business_date BETWEEN $1 AND $2 GROUP BY 1 ORDER BY count(*) DESC LIMIT 1`, [month.from, month.to])).rows[0]!.u;
      const payouts = new PayoutsService(store, pool, live);
      const state = { ...payoutsDecider.initialState(), periods: [{ periodId: 'bench', ...month, status: 'open' as const, statement: null, position: null }] };
      const lines = Number((await pool.query<{ n: string }>(`SELECT count(*) AS n FROM rm.entitlements WHERE business_date BETWEEN $1 AND $2`, [month.from, month.to])).rows[0]!.n);
      const cases: [string, () => Promise<unknown>][] = [
        [`leaderboard, people, month ${busiest} (${lines.toLocaleString('en')} lines)`, () => queries.leaderboard({ subject: 'member', by: 'money', range: month, limit: 100 })],
        [`leaderboard, units, month ${busiest}`, () => queries.leaderboard({ subject: 'unit', by: 'points', range: month, limit: 100 })],
        [`leaderboard, units, year ${y}`, () => queries.leaderboard({ subject: 'unit', by: 'points', range: year, limit: 100 })],
        [`explain: one unit's lines of ${busiest}`, () => queries.entitlements({ unitId: unit, range: month, limit: 200, offset: 0 })],
        [`payout close of ${busiest}: its statement (lines read, built)`, async () => buildStatement(state, state.periods[0]!, (await payouts.currentLines(state, month.to)).lines)],
      ];
      for (const [name, run] of cases) rows.push({ group: 'rewards', name: `query latency: ${name}`, value: await latency(run) });
    }
    // the payout ledger, read from the payouts read model (only when the history has a closed period)
    const closed = (
      await pool.query<{ period_id: string; payee_kind: 'member' | 'unit'; payee_id: string; lines: number; periods: number; payees: number }>(
        `SELECT s.period_id, s.payee_kind, s.payee_id, jsonb_array_length((s.statement::jsonb)->'lines') AS lines,
                (SELECT count(*)::int FROM rm.payout_periods WHERE status = 'closed') AS periods, (SELECT count(*)::int FROM rm.payout_payees) AS payees
           FROM rm.payout_periods p JOIN rm.payout_statements s USING (period_id)
          WHERE p.status = 'closed' ORDER BY p.from_date DESC, s.total_fen DESC, s.payee_kind, s.payee_id LIMIT 1`,
      )
    ).rows[0];
    if (closed) {
      const payouts = new PayoutsService(store, pool, live);
      const payee = { kind: closed.payee_kind, id: closed.payee_id };
      const cases: [string, () => Promise<unknown>][] = [
        [`payout ledger, first page of 1,000 rows (${closed.periods} closed periods, ${closed.payees.toLocaleString('en')} payees)`, () => payouts.ledger({ limit: 1_000 })],
        [`payout ledger of one payee (${closed.periods} closed periods)`, () => payouts.ledger({ payee })],
        [`payout statement of one payee, closed period ${closed.period_id} (${closed.lines.toLocaleString('en')} lines)`, () => payouts.payeeStatement(closed.period_id, payee)],
        // what every payout command decides on (open, close, pay): the payouts stream, every closed statement included
        [`payouts stream read and folded, as each payout command does (${closed.periods} closed statements)`, () => payouts.state()],
      ];
      const open = (await pool.query<{ period_id: string }>(`SELECT period_id FROM rm.payout_periods WHERE status = 'open' ORDER BY from_date LIMIT 1`)).rows[0];
      // a close's work: every line from the first period on, read and compared with the ledger's recorded lines
      if (open) cases.push([`preview of open period ${open.period_id}: the statement a close would record now`, () => payouts.period(open.period_id)]);
      for (const [name, run] of cases) rows.push({ group: 'rewards', name: `query latency: ${name}`, value: await latency(run) });
    } else log('rewards: no closed payout period in the history, no ledger latency');
    log('rewards queries done');
    return rows;
  } finally {
    await runtime.stop();
    await store.close();
    await pool.end();
  }
}
