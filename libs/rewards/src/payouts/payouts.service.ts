import { Inject, Injectable } from '@nestjs/common';
import type { Pool } from 'pg';
import { fold } from '@app/kernel';
import { EVENT_STORE, EventStore } from '@app/event-store';
import { PG_POOL } from '@app/platform';
import { ReadModels } from '@app/projections';
import type { Payee } from '../domain/entitlements';
import { balanceOf, buildStatement, PAYOUTS_STREAM, PayoutEvent, payeeKey, PayoutsState, payoutsDecider, StatementLine } from '../domain/payouts.decider';

/**
 * The payout ledger, read from its stream (`payouts`: periods, closed statements, payouts) and, for what a close
 * would record now, from the live rewards read model once it has applied the log's head.
 */
@Injectable()
export class PayoutsService {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(PG_POOL) private readonly pool: Pool,
    private readonly readModels: ReadModels,
  ) {}

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

  /** A period: its recorded statement when closed, else what closing it now would record (preview). */
  async period(periodId: string) {
    const { state } = await this.state();
    const period = state.periods.find((p) => p.periodId === periodId);
    if (!period) return undefined;
    if (period.statement) return { periodId, from: period.from, to: period.to, status: period.status, preview: false, statement: period.statement };
    const { lines, position } = await this.currentLines(state, period.to);
    return { periodId, from: period.from, to: period.to, status: period.status, preview: true, position, statement: buildStatement(state, period, lines) };
  }

  /**
   * Per payee and closed period: entitled (the period's own lines), adjustments (to earlier periods, recorded with
   * it), paid against it, and the payee's running balance; then the payee's balance.
   */
  async ledger(filter: { payee?: Payee }) {
    const { state, position } = await this.state();
    const rows: {
      payee: Payee;
      periodId: string;
      from: string;
      to: string;
      entitledPoints: number;
      entitledFen: number;
      adjustmentsPoints: number;
      adjustmentsFen: number;
      totalFen: number;
      paidFen: number;
      balanceFen: number;
    }[] = [];
    const payees = new Map<string, Payee>();
    for (const p of state.periods) for (const s of p.statement?.payees ?? []) payees.set(payeeKey(s.payee), s.payee);
    for (const paid of state.payouts.values()) payees.set(payeeKey(paid.payee), paid.payee);
    const wanted = filter.payee ? [filter.payee] : [...payees.values()].sort((a, b) => (payeeKey(a) < payeeKey(b) ? -1 : 1));
    for (const payee of wanted) {
      let balance = 0;
      for (const p of state.periods.filter((x) => x.status === 'closed')) {
        const s = p.statement!.payees.find((x) => payeeKey(x.payee) === payeeKey(payee));
        const paid = [...state.payouts.values()].filter((x) => x.periodId === p.periodId && payeeKey(x.payee) === payeeKey(payee)).reduce((sum, x) => sum + x.amountFen, 0);
        if (!s && paid === 0) continue;
        balance += (s?.totalFen ?? 0) - paid;
        rows.push({
          payee,
          periodId: p.periodId,
          from: p.from,
          to: p.to,
          entitledPoints: s?.entitledPoints ?? 0,
          entitledFen: s?.entitledFen ?? 0,
          adjustmentsPoints: s?.adjustmentsPoints ?? 0,
          adjustmentsFen: s?.adjustmentsFen ?? 0,
          totalFen: s?.totalFen ?? 0,
          paidFen: paid,
          balanceFen: balance,
        });
      }
    }
    return {
      position,
      periods: state.periods.map((p) => ({ periodId: p.periodId, from: p.from, to: p.to, status: p.status, totals: p.statement?.totals ?? null, checksum: p.statement?.checksum ?? null })),
      rows,
      balances: wanted.map((payee) => ({ payee, balanceFen: balanceOf(state, payee) })),
    };
  }
}
