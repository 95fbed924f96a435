import { Inject, Injectable } from '@nestjs/common';
import type { Pool } from 'pg';
// one reading of a period name for every context (libs/kernel/src/period-range.ts)
import { periodRange, ValidationFailed } from '@app/kernel';
import { PG_POOL, ReadSelector } from '@app/platform';
import { ReadModels } from '@app/projections';

export type LeaderboardSubject = 'member' | 'unit';
export type LeaderboardOrder = 'points' | 'money' | 'adopted' | 'adoptionRate';

/** A business date range, both ends included (YYYY-MM-DD). */
export interface DateRange {
  readonly from: string;
  readonly to: string;
}

const ORDER_SQL: Record<LeaderboardOrder, string> = {
  points: 'points DESC',
  money: 'amount_fen DESC',
  adopted: 'adopted DESC',
  adoptionRate: 'adoption_rate DESC NULLS LAST',
};


/**
 * `period`, or `from` + `to`, as a range; a 400 naming the field otherwise. The query DTO has checked each field
 * (a period's form, calendar dates, and `to` not before `from`: IsOnOrAfter); what is left is which of them were
 * given together.
 */
export function requestedRange(q: { period?: string; from?: string; to?: string }): DateRange {
  if (q.period !== undefined) {
    if (q.from !== undefined || q.to !== undefined) throw new ValidationFailed([{ field: 'period', message: 'give period, or from and to, not both' }]);
    const range = periodRange(q.period);
    if (!range) throw new ValidationFailed([{ field: 'period', message: 'period is a year (2026), quarter (2026-Q1), month (2026-03) or day (2026-03-15)' }]);
    return range;
  }
  if (q.from === undefined || q.to === undefined) throw new ValidationFailed([{ field: q.from === undefined ? 'from' : 'to', message: 'give period, or both from and to (YYYY-MM-DD)' }]);
  return { from: q.from, to: q.to };
}

const TABLES = ['entitlements', 'reward_activity', 'reward_units', 'reward_members'];

/**
 * Leaderboards and entitlement lines from the rewards read model (live, or the build X-Read-Build names: a what-if
 * or as-of build is read by the same SQL).
 */
@Injectable()
export class RewardsQueries {
  constructor(
    @Inject(PG_POOL) private readonly pool: Pool,
    private readonly readModels: ReadModels,
  ) {}

  /**
   * People (the payee of each line) or units (every line of the unit's items), with points, money, lines and
   * items in the range, and the items submitted, adopted and instructed in it with the adoption rate (采用率 =
   * adopted / submitted). Ranked by competition ranking (1, 2, 2, 4): equal values share a rank; the listing
   * orders equals by name, then id.
   */
  async leaderboard(q: { subject: LeaderboardSubject; by: LeaderboardOrder; range: DateRange; limit: number }, read?: ReadSelector) {
    const r = await this.readModels.scope(read, TABLES);
    const member = q.subject === 'member';
    const lineKey = member ? `payee_id` : `unit_id::text`;
    const lineFilter = member ? `AND payee_kind = 'member'` : '';
    const activityKey = member ? `author_id` : `unit_id::text`;
    const result = await this.pool.query(
      `WITH earned AS (
         SELECT ${lineKey} AS id, sum(points)::bigint AS points, sum(amount_fen)::bigint AS amount_fen, count(*)::int AS lines, count(DISTINCT draft_id) FILTER (WHERE family <> 'ranking')::int AS items
           FROM ${r.t('entitlements')} WHERE business_date BETWEEN $1::date AND $2::date ${lineFilter} GROUP BY 1),
       counted AS (
         SELECT ${activityKey} AS id,
                count(DISTINCT draft_id) FILTER (WHERE kind = 'submitted')::int AS submitted,
                count(DISTINCT draft_id) FILTER (WHERE kind = 'adopted')::int AS adopted,
                count(DISTINCT draft_id) FILTER (WHERE kind = 'instructed')::int AS instructed
           FROM ${r.t('reward_activity')}
          WHERE business_date BETWEEN $1::date AND $2::date AND ${activityKey} IS NOT NULL
          GROUP BY 1),
       board AS (
         SELECT COALESCE(e.id, c.id) AS id, COALESCE(e.points, 0) AS points, COALESCE(e.amount_fen, 0) AS amount_fen,
                COALESCE(e.lines, 0) AS lines, COALESCE(e.items, 0) AS items, COALESCE(c.submitted, 0) AS submitted,
                COALESCE(c.adopted, 0) AS adopted, COALESCE(c.instructed, 0) AS instructed,
                CASE WHEN COALESCE(c.submitted, 0) = 0 THEN NULL ELSE round(c.adopted::numeric / c.submitted, 4) END AS adoption_rate
           FROM earned e FULL JOIN counted c ON c.id = e.id)
       SELECT rank() OVER (ORDER BY ${ORDER_SQL[q.by]})::int AS rank, b.*,
              ${member ? `(SELECT name FROM ${r.t('reward_members')} WHERE member_id = b.id)` : `(SELECT name FROM ${r.t('reward_units')} WHERE unit_id::text = b.id)`} AS name
         FROM board b
        ORDER BY ${ORDER_SQL[q.by]}, name NULLS LAST, b.id
        LIMIT $3`,
      [q.range.from, q.range.to, q.limit],
    );
    return {
      subject: q.subject,
      by: q.by,
      from: q.range.from,
      to: q.range.to,
      buildId: r.buildId ?? null,
      rows: result.rows.map((row) => ({
        rank: row.rank as number,
        id: row.id as string,
        name: (row.name as string | null) ?? null,
        points: Number(row.points),
        amountFen: Number(row.amount_fen),
        lines: row.lines as number,
        items: row.items as number,
        submitted: row.submitted as number,
        adopted: row.adopted as number,
        instructed: row.instructed as number,
        adoptionRate: row.adoption_rate === null ? null : Number(row.adoption_rate),
      })),
    };
  }

  /**
   * The entitlement lines behind a leaderboard cell or a statement (explain): filtered by payee, unit (every line
   * of the unit's items), item, family and business date range; totals over every matching line, then the lines
   * in business date order, each with its policy version, rule, parameters and events.
   */
  async entitlements(q: { payeeId?: string; unitId?: string; draftId?: string; family?: string; range: DateRange; limit: number; offset: number }, read?: ReadSelector) {
    const r = await this.readModels.scope(read, TABLES);
    const where = `business_date BETWEEN $1::date AND $2::date AND ($3::text IS NULL OR payee_id = $3) AND ($4::uuid IS NULL OR unit_id = $4)
                   AND ($5::uuid IS NULL OR draft_id = $5) AND ($6::text IS NULL OR family = $6)`;
    const params = [q.range.from, q.range.to, q.payeeId ?? null, q.unitId ?? null, q.draftId ?? null, q.family ?? null];
    const totals = await this.pool.query(
      `SELECT COALESCE(sum(points), 0)::bigint AS points, COALESCE(sum(amount_fen), 0)::bigint AS amount_fen, count(*)::int AS lines, count(DISTINCT draft_id) FILTER (WHERE family <> 'ranking')::int AS items
         FROM ${r.t('entitlements')} WHERE ${where}`,
      params,
    );
    const byRule = await this.pool.query(
      `SELECT policy_id, policy_version, rule_id, family, sum(points)::bigint AS points, sum(amount_fen)::bigint AS amount_fen, count(*)::int AS lines
         FROM ${r.t('entitlements')} WHERE ${where} GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3`,
      params,
    );
    const lines = await this.pool.query(
      `SELECT e.*, to_char(e.business_date, 'YYYY-MM-DD') AS business_day FROM ${r.t('entitlements')} e
        WHERE ${where.replace(/\b(business_date|payee_id|unit_id|draft_id|family)\b/g, 'e.$1')}
        ORDER BY e.business_date, e.draft_id, e.line_key LIMIT $7 OFFSET $8`,
      [...params, q.limit, q.offset],
    );
    const t = totals.rows[0]!;
    return {
      from: q.range.from,
      to: q.range.to,
      buildId: r.buildId ?? null,
      totals: { points: Number(t.points), amountFen: Number(t.amount_fen), lines: t.lines as number, items: t.items as number },
      byRule: byRule.rows.map((row) => ({
        policyId: row.policy_id as string,
        policyVersion: row.policy_version as number,
        ruleId: row.rule_id as string,
        family: row.family as string,
        points: Number(row.points),
        amountFen: Number(row.amount_fen),
        lines: row.lines as number,
      })),
      lines: lines.rows.map((row) => ({
        draftId: row.draft_id as string,
        key: row.line_key as string,
        family: row.family as string,
        payee: { kind: row.payee_kind as string, id: row.payee_id as string },
        unitId: row.unit_id as string,
        businessDate: row.business_day as string,
        points: row.points as number,
        amountFen: Number(row.amount_fen),
        reason: row.reason as string,
        policy: { policyId: row.policy_id as string, version: row.policy_version as number, ruleId: row.rule_id as string, parameters: row.parameters as unknown },
        eventIds: row.event_ids as string[],
        history: row.family === 'ranking' ? null : `/v1/drafts/${row.draft_id as string}`,
      })),
      next: lines.rows.length === q.limit ? q.offset + q.limit : null,
    };
  }
}
