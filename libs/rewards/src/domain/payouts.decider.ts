import { createHash } from 'node:crypto';
import { assertNever, canonicalJson, Decider, DomainEvent, InvalidState, RuleViolation, ValidationFailed } from '@app/kernel';
import type { EntitlementLine, Payee } from './entitlements';

/** The one stream of the payout ledger: periods, their closed statements, and payouts. */
export const PAYOUTS_STREAM = 'payouts';

/** An entitlement line as a statement records it (the rewards read model's line at the close position). */
export interface StatementLine {
  readonly draftId: string;
  readonly lineKey: string;
  readonly payee: Payee;
  readonly businessDate: string;
  readonly points: number;
  readonly amountFen: number;
  readonly policyId: string;
  readonly policyVersion: number;
  readonly ruleId: string;
  readonly eventIds: readonly string[];
}

/** An item's entitlement line as a statement records it. */
export function statementLine(draftId: string, line: EntitlementLine): StatementLine {
  return {
    draftId,
    lineKey: line.key,
    payee: { kind: line.payee.kind, id: line.payee.id },
    businessDate: line.businessDate,
    points: line.points,
    amountFen: line.amountFen,
    policyId: line.policyId,
    policyVersion: line.policyVersion,
    ruleId: line.ruleId,
    eventIds: [...line.eventIds],
  };
}

/** A change to a line of an earlier closed period, carried into the period being closed. */
export interface AdjustmentLine {
  /** The closed period whose amounts changed. */
  readonly correctsPeriod: string;
  readonly draftId: string;
  readonly lineKey: string;
  readonly payee: Payee;
  /** The business date of the line (within correctsPeriod). */
  readonly businessDate: string;
  readonly recordedPoints: number;
  readonly recordedFen: number;
  readonly currentPoints: number;
  readonly currentFen: number;
  readonly deltaPoints: number;
  readonly deltaFen: number;
  /** Why: the line is new, changed or gone; the policy version and rule and the events of the current line. */
  readonly cause: { readonly kind: 'added' | 'changed' | 'removed'; readonly policyId: string; readonly policyVersion: number; readonly ruleId: string; readonly eventIds: readonly string[] };
}

export interface PayeeStatement {
  readonly payee: Payee;
  readonly entitledPoints: number;
  readonly entitledFen: number;
  readonly adjustmentsPoints: number;
  readonly adjustmentsFen: number;
  readonly totalPoints: number;
  readonly totalFen: number;
  readonly lines: readonly StatementLine[];
  readonly adjustments: readonly AdjustmentLine[];
}

export interface Statement {
  readonly payees: readonly PayeeStatement[];
  readonly totals: { readonly points: number; readonly amountFen: number; readonly payees: number; readonly lines: number; readonly adjustments: number };
  /** sha256 of the canonical JSON of payees and totals (statementChecksum): what finance signs off. */
  readonly checksum: string;
}

export type PayoutPeriodOpened = DomainEvent<'PayoutPeriodOpened', { periodId: string; from: string; to: string; openedBy: string; openedAt: string }>;
export type PayoutPeriodClosed = DomainEvent<
  'PayoutPeriodClosed',
  { periodId: string; from: string; to: string; position: string; statement: Statement; closedBy: string; closedAt: string }
>;
export type PayoutRecorded = DomainEvent<'PayoutRecorded', { periodId: string; payee: Payee; amountFen: number; reference: string; paidOn: string; recordedBy: string; recordedAt: string }>;
export type PayoutEvent = PayoutPeriodOpened | PayoutPeriodClosed | PayoutRecorded;
export const PAYOUT_EVENT_TYPES = ['PayoutPeriodOpened', 'PayoutPeriodClosed', 'PayoutRecorded'] as const;

export interface PeriodState {
  readonly periodId: string;
  readonly from: string;
  readonly to: string;
  readonly status: 'open' | 'closed';
  readonly statement: Statement | null;
  /** The log position the closed statement was computed at (PayoutPeriodClosed.position); null while open. */
  readonly position: string | null;
}

export interface PayoutsState {
  readonly periods: readonly PeriodState[];
  /** What the ledger holds for each line of a closed period: its closed amount, then each adjustment's current one. */
  readonly recorded: ReadonlyMap<string, { readonly periodId: string; readonly line: StatementLine }>;
  readonly payouts: ReadonlyMap<string, PayoutRecorded['data']>;
}

export type PayoutCommand =
  | { readonly type: 'OpenPayoutPeriod'; readonly periodId: string; readonly from: string; readonly to: string; readonly actorId: string; readonly now: string }
  | {
      readonly type: 'ClosePayoutPeriod';
      readonly periodId: string;
      /** Every current entitlement line dated from the first period's start to this period's end. */
      readonly currentLines: readonly StatementLine[];
      readonly position: string;
      readonly actorId: string;
      readonly now: string;
    }
  | { readonly type: 'RecordPayout'; readonly periodId: string; readonly payee: Payee; readonly amountFen: number; readonly reference: string; readonly paidOn: string; readonly actorId: string; readonly now: string };

export const payeeKey = (p: Payee): string => `${p.kind}:${p.id}`;
const lineId = (l: Pick<StatementLine, 'draftId' | 'lineKey' | 'payee'>): string => `${l.draftId}|${l.lineKey}|${payeeKey(l.payee)}`;

/** What the close of `period` records: its own lines, and the changes to lines of earlier closed periods. */
export function buildStatement(state: PayoutsState, period: { periodId: string; from: string; to: string }, currentLines: readonly StatementLine[]): Statement {
  const closed = state.periods.filter((p) => p.status === 'closed');
  const periodOf = (date: string) => closed.find((p) => p.from <= date && date <= p.to)?.periodId;
  const byPayee = new Map<string, { payee: Payee; lines: StatementLine[]; adjustments: AdjustmentLine[] }>();
  const entry = (payee: Payee) => {
    const key = payeeKey(payee);
    let e = byPayee.get(key);
    if (!e) byPayee.set(key, (e = { payee, lines: [], adjustments: [] }));
    return e;
  };
  const current = new Map<string, { line: StatementLine; periodId: string }>();
  for (const line of currentLines) {
    if (period.from <= line.businessDate && line.businessDate <= period.to) {
      if (line.points !== 0 || line.amountFen !== 0) entry(line.payee).lines.push(line);
      continue;
    }
    const periodId = periodOf(line.businessDate);
    if (periodId) current.set(lineId(line), { line, periodId });
  }
  const adjust = (periodId: string, recorded: StatementLine | undefined, now: StatementLine | undefined) => {
    const base = (now ?? recorded)!;
    const deltaPoints = (now?.points ?? 0) - (recorded?.points ?? 0);
    const deltaFen = (now?.amountFen ?? 0) - (recorded?.amountFen ?? 0);
    if (deltaPoints === 0 && deltaFen === 0) return;
    entry(base.payee).adjustments.push({
      correctsPeriod: periodId,
      draftId: base.draftId,
      lineKey: base.lineKey,
      payee: base.payee,
      businessDate: base.businessDate,
      recordedPoints: recorded?.points ?? 0,
      recordedFen: recorded?.amountFen ?? 0,
      currentPoints: now?.points ?? 0,
      currentFen: now?.amountFen ?? 0,
      deltaPoints,
      deltaFen,
      cause: { kind: !recorded ? 'added' : !now ? 'removed' : 'changed', policyId: base.policyId, policyVersion: base.policyVersion, ruleId: base.ruleId, eventIds: [...base.eventIds] },
    });
  };
  for (const [id, { periodId, line }] of state.recorded) adjust(periodId, line, current.get(id)?.line);
  for (const [id, { periodId, line }] of current) if (!state.recorded.has(id)) adjust(periodId, undefined, line);

  const order = (a: { draftId: string; lineKey: string }, b: { draftId: string; lineKey: string }) => (a.draftId + a.lineKey < b.draftId + b.lineKey ? -1 : a.draftId + a.lineKey > b.draftId + b.lineKey ? 1 : 0);
  const sum = <T>(xs: readonly T[], f: (x: T) => number) => xs.reduce((s, x) => s + f(x), 0);
  const payees: PayeeStatement[] = [...byPayee.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([, e]) => {
      const lines = [...e.lines].sort(order);
      const adjustments = [...e.adjustments].sort((a, b) => (a.correctsPeriod < b.correctsPeriod ? -1 : a.correctsPeriod > b.correctsPeriod ? 1 : order(a, b)));
      const entitledPoints = sum(lines, (l) => l.points);
      const entitledFen = sum(lines, (l) => l.amountFen);
      const adjustmentsPoints = sum(adjustments, (a) => a.deltaPoints);
      const adjustmentsFen = sum(adjustments, (a) => a.deltaFen);
      return { payee: e.payee, entitledPoints, entitledFen, adjustmentsPoints, adjustmentsFen, totalPoints: entitledPoints + adjustmentsPoints, totalFen: entitledFen + adjustmentsFen, lines, adjustments };
    });
  const totals = {
    points: sum(payees, (p) => p.totalPoints),
    amountFen: sum(payees, (p) => p.totalFen),
    payees: payees.length,
    lines: sum(payees, (p) => p.lines.length),
    adjustments: sum(payees, (p) => p.adjustments.length),
  };
  return { payees, totals, checksum: statementChecksum({ payees, totals }) };
}

/**
 * sha256 over the canonical JSON (RFC 8785 style: keys sorted, no whitespace) of a statement's payees and totals.
 * Canonical so that whoever holds the statement can check it: the store keeps event data as jsonb, which
 * reorders object keys, and a client's JSON parser may do the same.
 */
export function statementChecksum(statement: Pick<Statement, 'payees' | 'totals'>): string {
  return createHash('sha256').update(canonicalJson({ payees: statement.payees, totals: statement.totals }), 'utf8').digest('hex');
}

/** A payee's balance: the totals of the closed statements less what was paid. */
export function balanceOf(state: PayoutsState, payee: Payee): number {
  const key = payeeKey(payee);
  let balance = 0;
  for (const p of state.periods) for (const s of p.statement?.payees ?? []) if (payeeKey(s.payee) === key) balance += s.totalFen;
  for (const paid of state.payouts.values()) if (payeeKey(paid.payee) === key) balance -= paid.amountFen;
  return balance;
}

const PERIOD_ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,39}$/;

export const payoutsDecider: Decider<PayoutCommand, PayoutsState, PayoutEvent> = {
  initialState: () => ({ periods: [], recorded: new Map(), payouts: new Map() }),
  evolve(state, event) {
    switch (event.type) {
      case 'PayoutPeriodOpened':
        return { ...state, periods: [...state.periods, { periodId: event.data.periodId, from: event.data.from, to: event.data.to, status: 'open', statement: null, position: null }] };
      case 'PayoutPeriodClosed': {
        const recorded = new Map(state.recorded);
        for (const payee of event.data.statement.payees) {
          for (const line of payee.lines) recorded.set(lineId(line), { periodId: event.data.periodId, line });
          for (const a of payee.adjustments) {
            const id = lineId(a);
            const was = recorded.get(id);
            if (a.cause.kind === 'removed') recorded.delete(id);
            else {
              const base = was?.line ?? { draftId: a.draftId, lineKey: a.lineKey, payee: a.payee, businessDate: a.businessDate, policyId: a.cause.policyId, policyVersion: a.cause.policyVersion, ruleId: a.cause.ruleId, eventIds: a.cause.eventIds };
              recorded.set(id, { periodId: a.correctsPeriod, line: { ...base, points: a.currentPoints, amountFen: a.currentFen, policyId: a.cause.policyId, policyVersion: a.cause.policyVersion, ruleId: a.cause.ruleId, eventIds: a.cause.eventIds } });
            }
          }
        }
        return { ...state, recorded, periods: state.periods.map((p) => (p.periodId === event.data.periodId ? { ...p, status: 'closed' as const, statement: event.data.statement, position: event.data.position } : p)) };
      }
      case 'PayoutRecorded': {
        const payouts = new Map(state.payouts);
        payouts.set(event.data.reference, event.data);
        return { ...state, payouts };
      }
      default:
        return state;
    }
  },
  decide(command, state) {
    switch (command.type) {
      case 'OpenPayoutPeriod': {
        if (!PERIOD_ID.test(command.periodId)) throw new ValidationFailed([{ field: 'periodId', message: 'periodId is 1-40 letters, digits, - or _' }]);
        if (command.from > command.to) throw new ValidationFailed([{ field: 'to', message: 'to is before from' }]);
        const same = state.periods.find((p) => p.periodId === command.periodId);
        if (same) {
          if (same.from === command.from && same.to === command.to) return [];
          throw new InvalidState('payout-period-exists', `Payout period ${command.periodId} exists with other dates`, { periodId: command.periodId });
        }
        const last = state.periods[state.periods.length - 1];
        if (last && command.from <= last.to) {
          throw new RuleViolation('payout-period-overlaps', `A payout period starts after the last one ends (${last.periodId} ends ${last.to})`, { field: 'from', periodId: last.periodId });
        }
        return [{ type: 'PayoutPeriodOpened', data: { periodId: command.periodId, from: command.from, to: command.to, openedBy: command.actorId, openedAt: command.now } }];
      }
      case 'ClosePayoutPeriod': {
        const period = periodOf(state, command.periodId);
        if (period.status === 'closed') throw new InvalidState('payout-period-closed', `Payout period ${period.periodId} is closed`, { periodId: period.periodId });
        const earlier = state.periods.find((p) => p.from < period.from && p.status === 'open');
        if (earlier) throw new RuleViolation('payout-period-earlier-open', `Close ${earlier.periodId} first: periods close in order`, { periodId: earlier.periodId });
        const statement = buildStatement(state, period, command.currentLines);
        return [{ type: 'PayoutPeriodClosed', data: { periodId: period.periodId, from: period.from, to: period.to, position: command.position, statement, closedBy: command.actorId, closedAt: command.now } }];
      }
      case 'RecordPayout': {
        const period = periodOf(state, command.periodId);
        const known = state.payouts.get(command.reference);
        if (known) {
          if (known.periodId === command.periodId && payeeKey(known.payee) === payeeKey(command.payee) && known.amountFen === command.amountFen) return [];
          throw new InvalidState('payout-reference-reused', `Reference ${command.reference} already records another payout`, { reference: command.reference });
        }
        if (period.status !== 'closed') throw new RuleViolation('payout-period-not-closed', `Payout period ${period.periodId} is not closed: close it before paying`, { field: 'periodId' });
        if (!Number.isSafeInteger(command.amountFen) || command.amountFen <= 0) throw new ValidationFailed([{ field: 'amountFen', message: 'amountFen is a positive integer (fen)' }]);
        const balance = balanceOf(state, command.payee);
        if (command.amountFen > balance) {
          throw new RuleViolation('payout-exceeds-balance', `The payee's balance is ${balance} fen`, { field: 'amountFen', balanceFen: balance });
        }
        return [{ type: 'PayoutRecorded', data: { periodId: command.periodId, payee: command.payee, amountFen: command.amountFen, reference: command.reference, paidOn: command.paidOn, recordedBy: command.actorId, recordedAt: command.now } }];
      }
      default:
        return assertNever(command, 'payout command');
    }
  },
};

function periodOf(state: PayoutsState, periodId: string): PeriodState {
  const period = state.periods.find((p) => p.periodId === periodId);
  if (!period) throw new RuleViolation('payout-period-unknown', `No payout period ${periodId}`, { field: 'periodId' });
  return period;
}
