import { Inject, Injectable } from '@nestjs/common';
import type { Pool, PoolClient } from 'pg';
import { fold, ValidationFailed } from '@app/kernel';
import { EVENT_STORE, EventStore } from '@app/event-store';
import { isCalendarDate, PG_POOL, ReadSelector } from '@app/platform';
import { inTransaction, ReadModels, ReadScope } from '@app/projections';
import type { Payee } from '../domain/entitlements';
import { buildStatement, PAYOUTS_STREAM, PayoutEvent, PayeeStatement, payeeKey, PayoutsState, payoutsDecider, Statement, StatementLine } from '../domain/payouts.decider';

/** The ledger's default and largest page (rows); the export reads up to MAX_EXPORT_ROWS + 1 in one page. */
export const LEDGER_PAGE = { default: 1_000, max: 10_000 };

export interface LedgerFilter {
  readonly payee?: Payee;
  /** Only the rows of this period (the running balance is still the payee's balance after it). */
  readonly periodId?: string;
  /** Rows per page (LEDGER_PAGE.default when absent). */
  readonly limit?: number;
  /** The `next` of the previous page. */
  readonly cursor?: string;
}

export interface LedgerRow {
  readonly payee: Payee;
  readonly periodId: string;
  readonly from: string;
  readonly to: string;
  readonly entitledPoints: number;
  readonly entitledFen: number;
  readonly adjustmentsPoints: number;
  readonly adjustmentsFen: number;
  readonly totalPoints: number;
  readonly totalFen: number;
  readonly paidFen: number;
  readonly balanceFen: number;
}

/** Where a page ends: the last row's payee and period start; `next` is it as base64url JSON. */
type Cursor = { kind: Payee['kind']; id: string; from: string };
/** A payee id as the ledger's query takes it (LedgerFilterQuery.payeeId): no text PostgreSQL cannot store (NUL). */
export const PAYEE_ID = /^[A-Za-z0-9_-]{1,100}$/;
const encodeCursor = (c: Cursor): string => Buffer.from(JSON.stringify([c.kind, c.id, c.from])).toString('base64url');
/**
 * A cursor as a previous page gave it: [kind, id, from] with kind member or unit, id a payee id, from a calendar
 * date (isCalendarDate, as IsCalendarDate checks); anything else, also well-formed JSON naming a day that does not
 * exist, is 400 naming `cursor` before any SQL sees it.
 */
function decodeCursor(text: string): Cursor {
  try {
    const value = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(value) && value.length === 3) {
      const [kind, id, from] = value as unknown[];
      if ((kind === 'member' || kind === 'unit') && typeof id === 'string' && PAYEE_ID.test(id) && isCalendarDate(from)) return { kind, id, from: from as string };
    }
  } catch {
    // answered below
  }
  throw new ValidationFailed([{ field: 'cursor', message: 'cursor is the `next` of a previous ledger page' }]);
}

const TABLES = ['payout_periods', 'payout_statements', 'payouts', 'payout_payees', 'payout_ledger_head'];

const EMPTY_STATEMENT = (payee: Payee): PayeeStatement => ({ payee, entitledPoints: 0, entitledFen: 0, adjustmentsPoints: 0, adjustmentsFen: 0, totalPoints: 0, totalFen: 0, lines: [], adjustments: [] });

type PeriodRecord = {
  period_id: string;
  from_date: string;
  to_date: string;
  status: 'open' | 'closed';
  statement_position: string | null;
  total_points: string | null;
  total_fen: string | null;
  payees: number | null;
  lines: number | null;
  adjustments: number | null;
  checksum: string | null;
  closed_by: string | null;
  closed_at: Date | null;
};

/**
 * The payout ledger. Reads come from the `payouts` read model (periods, closed statements one row per payee,
 * payouts) under the request's ReadSelector (X-Min-Position: read your own writes; X-Read-Build). The write side
 * stays on the stream: the commands fold it (state), and the close (and the preview of an open period) takes the
 * current lines from the live rewards read model once it has applied the log's head (currentLines).
 */
@Injectable()
export class PayoutsService {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(PG_POOL) private readonly pool: Pool,
    private readonly readModels: ReadModels,
  ) {}

  /** The decider's state, folded from the stream (what the commands decide on, and the open period's preview). */
  async state(): Promise<{ state: PayoutsState; position: string | null }> {
    const events = await this.store.readStream(PAYOUTS_STREAM);
    return { state: fold(payoutsDecider, events as unknown as PayoutEvent[]), position: events.length > 0 ? events[events.length - 1]!.position.toString() : null };
  }

  /**
   * Every current entitlement line from the first period's start to `to`, read from the live rewards build after
   * it has applied the head of the log (so a close sees every fact recorded before it); and that head.
   */
  async currentLines(state: PayoutsState, to: string): Promise<{ lines: StatementLine[]; position: string }> {
    const head = await this.store.headPosition();
    const r = await this.readModels.scope({ minPosition: head }, ['entitlements']);
    const from = state.periods[0]?.from ?? to;
    const rows = await this.pool.query(
      `SELECT draft_id, line_key, payee_kind, payee_id, to_char(business_date, 'YYYY-MM-DD') AS business_date, points, amount_fen, policy_id, policy_version, rule_id, event_ids
         FROM ${r.t('entitlements')} WHERE business_date BETWEEN $1::date AND $2::date ORDER BY draft_id, line_key`,
      [from, to],
    );
    return {
      position: head.toString(),
      lines: rows.rows.map((row) => ({
        draftId: row.draft_id as string,
        lineKey: row.line_key as string,
        payee: { kind: row.payee_kind as Payee['kind'], id: row.payee_id as string },
        businessDate: row.business_date as string,
        points: row.points as number,
        amountFen: Number(row.amount_fen),
        policyId: row.policy_id as string,
        policyVersion: row.policy_version as number,
        ruleId: row.rule_id as string,
        eventIds: row.event_ids as string[],
      })),
    };
  }

  private async periodRecord(r: ReadScope, periodId: string): Promise<PeriodRecord | undefined> {
    const rows = await this.pool.query<PeriodRecord>(
      `SELECT period_id, to_char(from_date, 'YYYY-MM-DD') AS from_date, to_char(to_date, 'YYYY-MM-DD') AS to_date, status, statement_position::text, total_points::text, total_fen::text,
              payees, lines, adjustments, checksum, closed_by, closed_at
         FROM ${r.t('payout_periods')} WHERE period_id = $1`,
      [periodId],
    );
    return rows.rows[0];
  }

  /**
   * A period: its recorded statement when closed (from the read model: the period's row and one row per payee, in
   * the recorded order), else what closing it now would record (preview, from the stream's state and the live
   * entitlements). Without X-Read-Build, a period the live read model does not show closed yet is answered from the
   * stream, so a read right after a close never shows a stale preview. With X-Read-Build the build alone answers: a
   * period it does not know is undefined (404), a period open in it is answered open, without a statement
   * (`statement: null`, `preview: false`: a preview is of the live state, not of the build's).
   */
  async period(periodId: string, read?: ReadSelector) {
    const r = await this.readModels.scope(read, TABLES);
    const row = await this.periodRecord(r, periodId);
    if (row?.status === 'closed') {
      const payees = await this.pool.query<{ statement: string }>(`SELECT statement FROM ${r.t('payout_statements')} WHERE period_id = $1 ORDER BY ord`, [periodId]);
      const statement: Statement = {
        payees: payees.rows.map((p) => JSON.parse(p.statement) as PayeeStatement),
        totals: { points: Number(row.total_points), amountFen: Number(row.total_fen), payees: row.payees!, lines: row.lines!, adjustments: row.adjustments! },
        checksum: row.checksum!,
      };
      return { periodId, from: row.from_date, to: row.to_date, status: 'closed' as const, preview: false, position: row.statement_position, buildId: r.buildId ?? null, statement };
    }
    if (r.buildId !== undefined) {
      if (!row) return undefined;
      return { periodId, from: row.from_date, to: row.to_date, status: 'open' as const, preview: false, position: null, buildId: r.buildId, statement: null };
    }
    return this.fromStream(periodId);
  }

  /** The open period's preview (or a closed period the live read model has not applied yet), from the stream. */
  private async fromStream(periodId: string) {
    const { state } = await this.state();
    const period = state.periods.find((p) => p.periodId === periodId);
    if (!period) return undefined;
    if (period.statement) return { periodId, from: period.from, to: period.to, status: period.status, preview: false, position: period.position, buildId: null, statement: period.statement };
    const { lines, position } = await this.currentLines(state, period.to);
    return { periodId, from: period.from, to: period.to, status: period.status, preview: true, position, buildId: null, statement: buildStatement(state, period, lines) };
  }

  /**
   * One payee's statement of a period: one row of the read model when closed; the preview's part while open. With
   * X-Read-Build the build alone answers, as period() does: unknown there undefined, open there `statement: null`.
   */
  async payeeStatement(periodId: string, payee: Payee, read?: ReadSelector) {
    const r = await this.readModels.scope(read, TABLES);
    const row = await this.periodRecord(r, periodId);
    if (row?.status === 'closed') {
      const s = await this.pool.query<{ statement: string }>(`SELECT statement FROM ${r.t('payout_statements')} WHERE period_id = $1 AND payee_kind = $2 AND payee_id = $3`, [periodId, payee.kind, payee.id]);
      const statement = s.rows[0] ? (JSON.parse(s.rows[0].statement) as PayeeStatement) : EMPTY_STATEMENT(payee);
      return { periodId, status: 'closed' as const, preview: false, buildId: r.buildId ?? null, statement };
    }
    if (r.buildId !== undefined) {
      if (!row) return undefined;
      return { periodId, status: 'open' as const, preview: false, buildId: r.buildId, statement: null };
    }
    const period = await this.fromStream(periodId);
    if (!period) return undefined;
    const key = payeeKey(payee);
    return { periodId, status: period.status, preview: period.preview, buildId: null, statement: period.statement.payees.find((p) => payeeKey(p.payee) === key) ?? EMPTY_STATEMENT(payee) };
  }

  /**
   * Per payee and closed period: entitled (the period's own lines), adjustments (to earlier periods, recorded with
   * it), total, paid against it, and the payee's running balance after it (one window over the payee's periods);
   * then the balance of each payee on the page. Rows are ordered by payee (kind, id), then period; a page holds
   * `limit` rows and `next` continues after its last row. The SQL reads only the page's payees (at most limit + 2,
   * in key order: from payout_payees, or with periodId from that period's statements and payouts) and every period
   * of each of them (the running balance), so a page costs in proportion to its payees' periods, not to the number
   * of payees; with periodId, finding the page's payees costs in proportion to that period's payees. The page, the
   * balance, the periods and the head are read in one REPEATABLE READ READ ONLY transaction on one connection: one
   * snapshot, even when a batch of the projection commits meanwhile.
   */
  async ledger(filter: LedgerFilter, read?: ReadSelector) {
    const limit = filter.limit ?? LEDGER_PAGE.default;
    const cursor = filter.cursor !== undefined ? decodeCursor(filter.cursor) : undefined;
    const r = await this.readModels.scope(read, TABLES);
    const params = [cursor?.kind ?? null, cursor?.id ?? null, cursor?.from ?? null, filter.payee?.kind ?? null, filter.payee?.id ?? null, filter.periodId ?? null, limit];
    // The payees a page may show: with periodId those with a statement or a payout in that period, else every payee.
    const payees =
      filter.periodId !== undefined
        ? `(SELECT payee_kind, payee_id FROM ${r.t('payout_statements')} WHERE period_id = $6::text
             UNION SELECT payee_kind, payee_id FROM ${r.t('payouts')} WHERE period_id = $6::text)`
        : r.t('payout_payees');
    return inTransaction(this.pool, async (db) => {
      const result = await db.query(
        `WITH page_payees AS (
           SELECT x.payee_kind, x.payee_id FROM ${payees} x
            WHERE ($1::text IS NULL OR (x.payee_kind, x.payee_id) >= ($1::text, $2::text))
              AND ($4::text IS NULL OR (x.payee_kind = $4::text AND x.payee_id = $5::text))
            ORDER BY x.payee_kind, x.payee_id
            LIMIT $7::int + 2),
         statements AS (
           SELECT s.period_id, s.payee_kind, s.payee_id, s.entitled_points, s.entitled_fen, s.adjustments_points, s.adjustments_fen, s.total_points, s.total_fen
             FROM ${r.t('payout_statements')} s JOIN page_payees USING (payee_kind, payee_id)),
         paid AS (
           SELECT p.period_id, p.payee_kind, p.payee_id, sum(p.amount_fen) AS paid_fen
             FROM ${r.t('payouts')} p JOIN page_payees USING (payee_kind, payee_id) GROUP BY 1, 2, 3),
         cells AS (
           SELECT period_id, payee_kind, payee_id,
                  COALESCE(s.entitled_points, 0) AS entitled_points, COALESCE(s.entitled_fen, 0) AS entitled_fen,
                  COALESCE(s.adjustments_points, 0) AS adjustments_points, COALESCE(s.adjustments_fen, 0) AS adjustments_fen,
                  COALESCE(s.total_points, 0) AS total_points, COALESCE(s.total_fen, 0) AS total_fen, COALESCE(p.paid_fen, 0) AS paid_fen
             FROM statements s FULL JOIN paid p USING (period_id, payee_kind, payee_id)),
         ledger AS (
           SELECT c.*, per.from_date, per.to_date,
                  sum(c.total_fen - c.paid_fen) OVER (PARTITION BY c.payee_kind, c.payee_id ORDER BY per.from_date) AS balance_fen,
                  sum(c.total_fen - c.paid_fen) OVER (PARTITION BY c.payee_kind, c.payee_id) AS payee_balance_fen
             FROM cells c JOIN ${r.t('payout_periods')} per ON per.period_id = c.period_id AND per.status = 'closed')
         SELECT payee_kind, payee_id, period_id, to_char(from_date, 'YYYY-MM-DD') AS from_date, to_char(to_date, 'YYYY-MM-DD') AS to_date,
                entitled_points::text, entitled_fen::text, adjustments_points::text, adjustments_fen::text, total_points::text, total_fen::text,
                paid_fen::text, balance_fen::text, payee_balance_fen::text
           FROM ledger
          WHERE ($6::text IS NULL OR period_id = $6::text)
            AND ($1::text IS NULL OR (payee_kind, payee_id, from_date) > ($1::text, $2::text, $3::date))
          ORDER BY payee_kind, payee_id, from_date
          LIMIT $7::int + 1`,
        params,
      );
      const all = result.rows.map((row) => ({
        row: {
          payee: { kind: row.payee_kind as Payee['kind'], id: row.payee_id as string },
          periodId: row.period_id as string,
          from: row.from_date as string,
          to: row.to_date as string,
          entitledPoints: Number(row.entitled_points),
          entitledFen: Number(row.entitled_fen),
          adjustmentsPoints: Number(row.adjustments_points),
          adjustmentsFen: Number(row.adjustments_fen),
          totalPoints: Number(row.total_points),
          totalFen: Number(row.total_fen),
          paidFen: Number(row.paid_fen),
          balanceFen: Number(row.balance_fen),
        } satisfies LedgerRow,
        payeeBalance: Number(row.payee_balance_fen),
      }));
      const page = all.slice(0, limit);
      const last = page[page.length - 1]?.row;
      const balances = new Map<string, { payee: Payee; balanceFen: number }>();
      for (const { row, payeeBalance } of page) balances.set(payeeKey(row.payee), { payee: row.payee, balanceFen: payeeBalance });
      if (filter.payee && balances.size === 0) balances.set(payeeKey(filter.payee), { payee: filter.payee, balanceFen: await this.balance(db, r, filter.payee) });
      const periods = await db.query<PeriodRecord>(
        `SELECT period_id, to_char(from_date, 'YYYY-MM-DD') AS from_date, to_char(to_date, 'YYYY-MM-DD') AS to_date, status, statement_position::text, total_points::text, total_fen::text,
                payees, lines, adjustments, checksum, closed_by, closed_at
           FROM ${r.t('payout_periods')} ORDER BY from_date`,
      );
      const head = await db.query<{ position: string }>(`SELECT position::text FROM ${r.t('payout_ledger_head')} WHERE id = 1`);
      return {
        position: head.rows[0]?.position ?? null,
        buildId: r.buildId ?? null,
        periods: periods.rows.map((p) => ({
          periodId: p.period_id,
          from: p.from_date,
          to: p.to_date,
          status: p.status,
          totals: p.status === 'closed' ? { points: Number(p.total_points), amountFen: Number(p.total_fen), payees: p.payees!, lines: p.lines!, adjustments: p.adjustments! } : null,
          checksum: p.checksum,
          closedBy: p.closed_by,
          closedAt: p.closed_at ? p.closed_at.toISOString() : null,
        })),
        rows: page.map((p) => p.row),
        balances: [...balances.values()],
        next: all.length > limit && last ? encodeCursor({ kind: last.payee.kind, id: last.payee.id, from: last.from }) : null,
      };
    }, 'snapshot');
  }

  /** A payee's balance (closed totals less payouts) when the page has no row of theirs. */
  private async balance(db: Pick<PoolClient, 'query'>, r: ReadScope, payee: Payee): Promise<number> {
    const rows = await db.query<{ balance: string }>(
      `SELECT ((SELECT COALESCE(sum(total_fen), 0) FROM ${r.t('payout_statements')} WHERE payee_kind = $1 AND payee_id = $2)
             - (SELECT COALESCE(sum(amount_fen), 0) FROM ${r.t('payouts')} WHERE payee_kind = $1 AND payee_id = $2))::text AS balance`,
      [payee.kind, payee.id],
    );
    return Number(rows.rows[0]!.balance);
  }
}
