import { Inject, Injectable } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import type { Pool } from 'pg';
import { CommandContext, deterministicUuid, fold, NotFound, RuleViolation } from '@app/kernel';
import { EVENT_STORE, EventStore, runDecider } from '@app/event-store';
import { PG_POOL } from '@app/platform';
import { BuildView, ReadModels, ShadowBuilds } from '@app/projections';
import { comparisonDecider, ComparisonEvent, ComparisonSpec, comparisonStream, RewardComparisonStarted } from '../domain/comparison.decider';

/** Shadow builds of a comparison live this long unless read (reading its diff slides it: ReadModels.scopeOfBuild). */
const COMPARISON_TTL_SECONDS = 7 * 24 * 3600;

export interface DiffRow {
  readonly payee: { readonly kind: string; readonly id: string };
  readonly period: string;
  readonly before: { readonly points: number; readonly amountFen: number; readonly rankByMoney: number | null; readonly rankByPoints: number | null };
  readonly after: { readonly points: number; readonly amountFen: number; readonly rankByMoney: number | null; readonly rankByPoints: number | null };
  readonly deltaPoints: number;
  readonly deltaFen: number;
  readonly deltaYuan: number;
  /** before - after (a positive number is a climb); null when the payee is ranked on one side only. */
  readonly deltaRankByMoney: number | null;
  readonly deltaRankByPoints: number | null;
  /** The rules (policy@version/rule) of the lines that differ. */
  readonly rules: readonly string[];
}

/**
 * What-if runs and recomputations: two shadow builds of the rewards projection as of a position, recorded in the
 * log (RewardComparisonStarted), and their diff per payee and month once both have reached their position. The
 * diff is the difference of two full rebuilds, by construction: each side is one.
 */
@Injectable()
export class RewardComparisons {
  constructor(
    @Inject(PG_POOL) private readonly pool: Pool,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly builds: ShadowBuilds,
    private readonly readModels: ReadModels,
    private readonly commands: CommandBus,
  ) {}

  /** A what-if: the log as it is against the log with `policies` (treatAsPublished, ignoreVersions), at the head. */
  async whatIf(spec: { policies: Record<string, unknown>; from: string | null; to: string | null; purpose: string | null }, context: CommandContext, now: string) {
    const head = await this.store.headPosition();
    return this.start({ kind: 'what-if', policies: spec.policies, policy: null, from: spec.from, to: spec.to, purpose: spec.purpose }, { before: head, after: head, afterParameters: { policies: spec.policies } }, context, now);
  }

  /** A recomputation: as of just before a version's publication against as of it. */
  async recomputation(spec: { policyId: string; version: number; from: string | null; to: string | null; purpose: string | null }, context: CommandContext, now: string) {
    const events = await this.store.readStream(`policy-${spec.policyId}`);
    const published = events.find((e) => e.type === 'PolicyPublished' && (e.data as { version: number }).version === spec.version);
    if (!published) throw new RuleViolation('policy-version-not-published', `${spec.policyId} version ${spec.version} was never published`, { field: 'version' });
    const p = published.position;
    return this.start(
      { kind: 'recomputation', policies: null, policy: { policyId: spec.policyId, version: spec.version, publishedAtPosition: p.toString() }, from: spec.from, to: spec.to, purpose: spec.purpose },
      { before: p - 1n, after: p, afterParameters: {} },
      context,
      now,
    );
  }

  private async start(spec: ComparisonSpec, at: { before: bigint; after: bigint; afterParameters: Record<string, unknown> }, context: CommandContext, now: string) {
    const runId = deterministicUuid(context.commandId, 'reward-comparison');
    const existing = await this.started(runId);
    if (existing) return { runId, position: null as string | null, duplicate: true };
    const label = `${spec.kind} ${runId}`;
    const before = await this.builds.start({ projection: 'rewards', targetPosition: at.before, purpose: `${label}: before`, createdBy: context.actorId, ttlSeconds: COMPARISON_TTL_SECONDS });
    const after = await this.builds.start({ projection: 'rewards', parameters: at.afterParameters, targetPosition: at.after, purpose: `${label}: after`, createdBy: context.actorId, ttlSeconds: COMPARISON_TTL_SECONDS });
    try {
      const result = await runDecider(
        this.commands,
        comparisonStream(runId),
        comparisonDecider,
        { type: 'StartComparison', runId, spec, builds: { before: before.buildId, after: after.buildId, beforePosition: at.before.toString(), afterPosition: at.after.toString() }, actorId: context.actorId, now },
        context,
      );
      if (result.duplicate) {
        await this.drop([before.buildId, after.buildId]);
        return { runId, position: String(result.position ?? 0n), duplicate: true };
      }
      return { runId, position: String(result.position ?? 0n), duplicate: false };
    } catch (error) {
      await this.drop([before.buildId, after.buildId]);
      throw error;
    }
  }

  private async drop(buildIds: string[]): Promise<void> {
    for (const id of buildIds) await this.builds.drop(id).catch(() => undefined);
  }

  private async started(runId: string): Promise<RewardComparisonStarted['data'] | null> {
    const events = await this.store.readStream(comparisonStream(runId));
    return fold(comparisonDecider, events as unknown as ComparisonEvent[]).started;
  }

  /** The run, its builds' progress and, once both reached their position, the diff. */
  async get(runId: string) {
    const run = await this.started(runId);
    if (!run) throw new NotFound('Comparison', runId);
    const before = await this.builds.get(run.beforeBuildId).catch(() => null);
    const after = await this.builds.get(run.afterBuildId).catch(() => null);
    const progress = (b: BuildView | null) => (b ? { buildId: b.buildId, ...b.progress } : null);
    const status = !before || !after ? 'expired' : before.progress.reachedTarget && after.progress.reachedTarget ? 'done' : 'running';
    const answer = { run, status, builds: { before: progress(before), after: progress(after) } };
    if (status !== 'done') return { ...answer, diff: null };
    try {
      return { ...answer, diff: await this.diff(run.beforeBuildId, run.afterBuildId, run.from, run.to) };
    } catch (error) {
      // The sweeper may drop a build after builds.get above (its ttl ran out): the run has expired, not gone unknown.
      const [b, a] = await Promise.all([this.builds.get(run.beforeBuildId).catch(() => null), this.builds.get(run.afterBuildId).catch(() => null)]);
      if (b && a) throw error;
      return { run, status: 'expired' as const, builds: { before: progress(b), after: progress(a) }, diff: null };
    }
  }

  /**
   * Per payee and business month: totals on both sides, ranks, deltas, and the rules of the lines that differ.
   * Read like any read of a shadow build (ReadModels), which slides each build's expiry by its ttl.
   */
  async diff(beforeBuildId: string, afterBuildId: string, from: string | null, to: string | null): Promise<{ rows: DiffRow[]; totals: { deltaPoints: number; deltaFen: number; payees: number } }> {
    const B = (await this.readModels.scopeOfBuild(beforeBuildId, ['entitlements'])).t('entitlements');
    const A = (await this.readModels.scopeOfBuild(afterBuildId, ['entitlements'])).t('entitlements');
    const range = (alias: string) => `($1::date IS NULL OR ${alias}.business_date >= $1::date) AND ($2::date IS NULL OR ${alias}.business_date <= $2::date)`;
    const side = (table: string, alias: string) =>
      `SELECT payee_kind, payee_id, to_char(business_date, 'YYYY-MM') AS period, sum(points)::bigint AS p, sum(amount_fen)::bigint AS f FROM ${table} ${alias} WHERE ${range(alias)} GROUP BY 1, 2, 3`;
    const result = await this.pool.query(
      `WITH b AS (${side(B, 'x')}), a AS (${side(A, 'y')}),
       j AS (
         SELECT COALESCE(a.payee_kind, b.payee_kind) AS kind, COALESCE(a.payee_id, b.payee_id) AS id, COALESCE(a.period, b.period) AS period,
                b.p AS bp, b.f AS bf, a.p AS ap, a.f AS af
           FROM a FULL JOIN b ON a.payee_kind = b.payee_kind AND a.payee_id = b.payee_id AND a.period = b.period),
       ranked AS (
         SELECT j.*,
                CASE WHEN bf IS NOT NULL THEN rank() OVER (PARTITION BY kind, period, bf IS NOT NULL ORDER BY bf DESC) END AS rb_money,
                CASE WHEN bp IS NOT NULL THEN rank() OVER (PARTITION BY kind, period, bp IS NOT NULL ORDER BY bp DESC) END AS rb_points,
                CASE WHEN af IS NOT NULL THEN rank() OVER (PARTITION BY kind, period, af IS NOT NULL ORDER BY af DESC) END AS ra_money,
                CASE WHEN ap IS NOT NULL THEN rank() OVER (PARTITION BY kind, period, ap IS NOT NULL ORDER BY ap DESC) END AS ra_points
           FROM j),
       changed AS (
         SELECT COALESCE(y.payee_kind, x.payee_kind) AS kind, COALESCE(y.payee_id, x.payee_id) AS id,
                to_char(COALESCE(y.business_date, x.business_date), 'YYYY-MM') AS period,
                x.policy_id || '@' || x.policy_version || '/' || x.rule_id AS before_rule, y.policy_id || '@' || y.policy_version || '/' || y.rule_id AS after_rule
           FROM ${A} y FULL JOIN ${B} x ON x.draft_id = y.draft_id AND x.line_key = y.line_key AND x.payee_kind = y.payee_kind AND x.payee_id = y.payee_id
          WHERE (x.draft_id IS NULL OR y.draft_id IS NULL OR x.points <> y.points OR x.amount_fen <> y.amount_fen OR x.policy_version <> y.policy_version)
            AND (x.draft_id IS NULL OR ${range('x')}) AND (y.draft_id IS NULL OR ${range('y')})),
       rules AS (
         SELECT kind, id, period, array_agg(DISTINCT r ORDER BY r) AS rules
           FROM changed, unnest(ARRAY[before_rule, after_rule]) AS r WHERE r IS NOT NULL GROUP BY 1, 2, 3)
       SELECT ranked.*, COALESCE(rules.rules, '{}') AS rules FROM ranked LEFT JOIN rules USING (kind, id, period)
        WHERE COALESCE(bp, 0) <> COALESCE(ap, 0) OR COALESCE(bf, 0) <> COALESCE(af, 0) OR rb_money IS DISTINCT FROM ra_money OR rb_points IS DISTINCT FROM ra_points
        ORDER BY period, kind, id`,
      [from, to],
    );
    const n = (v: unknown) => (v === null || v === undefined ? 0 : Number(v));
    const r = (v: unknown) => (v === null || v === undefined ? null : Number(v));
    const rows: DiffRow[] = result.rows.map((row) => {
      const deltaFen = n(row.af) - n(row.bf);
      const rb = { money: r(row.rb_money), points: r(row.rb_points) };
      const ra = { money: r(row.ra_money), points: r(row.ra_points) };
      return {
        payee: { kind: row.kind as string, id: row.id as string },
        period: row.period as string,
        before: { points: n(row.bp), amountFen: n(row.bf), rankByMoney: rb.money, rankByPoints: rb.points },
        after: { points: n(row.ap), amountFen: n(row.af), rankByMoney: ra.money, rankByPoints: ra.points },
        deltaPoints: n(row.ap) - n(row.bp),
        deltaFen,
        deltaYuan: deltaFen / 100,
        deltaRankByMoney: rb.money !== null && ra.money !== null ? rb.money - ra.money : null,
        deltaRankByPoints: rb.points !== null && ra.points !== null ? rb.points - ra.points : null,
        rules: row.rules as string[],
      };
    });
    return { rows, totals: { deltaPoints: rows.reduce((s, x) => s + x.deltaPoints, 0), deltaFen: rows.reduce((s, x) => s + x.deltaFen, 0), payees: new Set(rows.map((x) => `${x.payee.kind}:${x.payee.id}`)).size } };
  }
}
