import { AccessPolicy, type Actor, businessDate, inForce } from '@app/access';
import type { CommandRunner } from '@app/event-store';
import { DomainError, fold } from '@app/kernel';
import { type DemoOrganization, loadActorAppointments } from '@app/organization';
import type { Payee } from '../domain/entitlements';
import { balanceOf, PAYOUTS_STREAM, type PayoutEvent, payeeKey, payoutsDecider, type PayoutsState } from '../domain/payouts.decider';
import { closePayoutPeriodCommand } from '../payouts/close-payout-period.command';
import type { PayoutsService } from '../payouts/payouts.service';

export interface DemoPayoutsPorts {
  readonly runner: CommandRunner;
  /** The app's payouts service: the close reads the current lines through it, as the close route does. */
  readonly payouts: Pick<PayoutsService, 'currentLines'>;
  /** The business time zone (the finance member's appointment in force, the payment date). */
  readonly timeZone: string;
  /**
   * How long, in all, a close may wait for the live rewards read model to apply the log's head before the seed
   * stops with what to do (default 120 s; each try waits READ_MIN_POSITION_TIMEOUT_MS).
   */
  readonly catchUpTimeoutMs?: number;
}

export interface DemoPayoutPeriod {
  readonly periodId: string;
  readonly from: string;
  readonly to: string;
  readonly status: 'open' | 'closed';
  /** This run opened it (false: it was open before). */
  readonly opened: boolean;
  /** This run closed it (false: closed before, or left open). */
  readonly closed: boolean;
  /** The closed statement's totals (null while open: its GET shows a preview). */
  readonly totals: { readonly payees: number; readonly lines: number; readonly amountFen: number; readonly points: number } | null;
}

export interface DemoPayout {
  readonly periodId: string;
  readonly payee: Payee;
  readonly amountFen: number;
  readonly reference: string;
  readonly paidOn: string;
  /** The payee's total in the period's closed statement, and the balance left after this payout. */
  readonly entitledFen: number;
  readonly balanceFen: number;
  /** This run recorded it (false: recorded before). */
  readonly recorded: boolean;
}

export interface DemoPayoutsSummary {
  readonly periods: readonly DemoPayoutPeriod[];
  readonly payouts: readonly DemoPayout[];
  /** Events this run appended (0 when the seed ran before). */
  readonly appended: number;
}

/** How many payees of the closed period are paid: the first ones in full, the last one partly. */
const PAID_PAYEES = 3;

const monthPeriod = (month: string) => {
  const [year, m] = month.split('-').map(Number) as [number, number];
  const last = new Date(Date.UTC(year, m, 0)).getUTCDate();
  return { periodId: month, from: `${month}-01`, to: `${month}-${String(last).padStart(2, '0')}` };
};

const nextMonthDay = (to: string, day: number) => {
  const [year, m] = to.split('-').map(Number) as [number, number];
  return new Date(Date.UTC(year, m, day)).toISOString().slice(0, 10);
};

/**
 * The payout ledger of the demo (issue 10): after `seed demo` a new user sees a ledger beside the leaderboard. A
 * payout period per month of the demo activity (`months`, YYYY-MM: id the month, dates its first and last business
 * day), opened in order; every month but the newest closed in order (a lone month is closed once it has ended),
 * each close recording the statement computed from the live rewards read model at the log's head, through the same
 * command as POST /v1/payouts/periods/:id/close (closePayoutPeriodCommand); then payouts against the older closed
 * period: its first members by total paid in full, the last one partly, so the ledger shows paid and a balance.
 * The newest month stays open: GET /v1/payouts/periods/:id answers its preview. All by the demo's finance member
 * (payouts.manage, checked as the API checks it), with fixed command ids and references: seeding twice appends
 * nothing (an open period is opened again as a no-op, a closed one is skipped, a payout is idempotent per
 * reference). The close needs the rewards projection running (here or in the API): it waits, bounded, and
 * otherwise stops with what to do; what was seeded stays and a rerun continues.
 */
export async function seedDemoPayouts(ports: DemoPayoutsPorts, demo: DemoOrganization, months: readonly string[], now: Date): Promise<DemoPayoutsSummary> {
  const { runner, timeZone } = ports;
  const store = runner.store;
  const today = businessDate(now, timeZone);
  const at = now.toISOString();
  const finance = demo.byRole.finance.memberId;
  const { member, appointments } = await loadActorAppointments(store, finance);
  const actor: Actor = { memberId: finance, name: member?.name ?? '', appointments: appointments.filter((a) => inForce(a, today)) };
  // payouts.manage is institution-wide: no unit lineage is looked up
  await new AccessPolicy({ lineage: (unitId) => Promise.resolve([unitId]) }).assert(actor, 'payouts.manage');
  const ctx = (key: string) => ({ commandId: `demo-payouts:${key}`, actorId: finance, correlationId: 'seed-demo-payouts' });
  const state = async (): Promise<PayoutsState> => fold(payoutsDecider, (await store.readStream(PAYOUTS_STREAM)) as unknown as PayoutEvent[]);
  let appended = 0;
  const count = (r: { events: readonly unknown[]; duplicate: boolean }) => {
    if (!r.duplicate) appended += r.events.length;
    return !r.duplicate && r.events.length > 0;
  };

  const planned = [...new Set(months)].sort().map(monthPeriod);
  const opened = new Set<string>();
  for (const p of planned) {
    if (count(await runner.run(PAYOUTS_STREAM, payoutsDecider, { type: 'OpenPayoutPeriod', ...p, actorId: finance, now: at }, ctx(`open:${p.periodId}`)))) opened.add(p.periodId);
  }

  const toClose = planned.length > 1 ? planned.slice(0, -1) : planned.filter((p) => p.to < today);
  const closed = new Set<string>();
  for (const p of toClose) {
    if ((await state()).periods.find((x) => x.periodId === p.periodId)?.status === 'closed') continue;
    if (count(await closeWhenCaughtUp(ports, p.periodId, finance, at, ctx(`close:${p.periodId}`)))) closed.add(p.periodId);
  }

  const paid: DemoPayout[] = [];
  const older = toClose[0];
  if (older) {
    const before = await state();
    const statement = before.periods.find((x) => x.periodId === older.periodId)?.statement;
    const payees = [...(statement?.payees ?? [])]
      .filter((s) => s.payee.kind === 'member' && s.totalFen > 0)
      .sort((a, b) => b.totalFen - a.totalFen || (payeeKey(a.payee) < payeeKey(b.payee) ? -1 : 1))
      .slice(0, PAID_PAYEES);
    const paidOn = [nextMonthDay(older.to, 10), today].sort()[0]!;
    for (const [index, s] of payees.entries()) {
      const reference = `DEMO-${older.periodId}-${s.payee.kind}-${s.payee.id}`;
      const known = before.payouts.get(reference);
      // the last of several is paid partly (half, in whole yuan): its balance stays on the ledger
      const amountFen = known?.amountFen ?? Math.min(balanceOf(await state(), s.payee), index === payees.length - 1 && payees.length > 1 ? Math.floor(s.totalFen / 200) * 100 : s.totalFen);
      if (amountFen <= 0) continue;
      const r = await runner.run(
        PAYOUTS_STREAM,
        payoutsDecider,
        { type: 'RecordPayout', periodId: older.periodId, payee: s.payee, amountFen, reference, paidOn: known?.paidOn ?? paidOn, actorId: finance, now: at },
        ctx(`pay:${reference}`),
      );
      const recorded = count(r);
      paid.push({ periodId: older.periodId, payee: s.payee, amountFen, reference, paidOn: known?.paidOn ?? paidOn, entitledFen: s.totalFen, balanceFen: balanceOf(await state(), s.payee), recorded });
    }
  }

  const after = await state();
  const periods = planned.map((p): DemoPayoutPeriod => {
    const period = after.periods.find((x) => x.periodId === p.periodId)!;
    const totals = period.statement?.totals;
    return {
      ...p,
      status: period.status,
      opened: opened.has(p.periodId),
      closed: closed.has(p.periodId),
      totals: totals ? { payees: totals.payees, lines: totals.lines, amountFen: totals.amountFen, points: totals.points } : null,
    };
  });
  return { periods, payouts: paid, appended };
}

/**
 * Closes a period through the close route's command; while the live rewards build has not applied the log's head
 * (read-not-caught-up: its projection is still catching up, here or on the API), tries again until the bound.
 */
async function closeWhenCaughtUp(ports: DemoPayoutsPorts, periodId: string, actorId: string, now: string, context: { commandId: string; actorId: string; correlationId: string }) {
  const timeoutMs = ports.catchUpTimeoutMs ?? 120_000;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await ports.runner.run(PAYOUTS_STREAM, payoutsDecider, closePayoutPeriodCommand(ports.payouts, periodId, actorId, now), context);
    } catch (error) {
      if (!(error instanceof DomainError && error.code === 'read-not-caught-up')) throw error;
      const stuck = /dead letter/.test(error.message);
      if (stuck || Date.now() >= deadline) {
        throw new Error(
          `seed demo: payout period ${periodId} was not closed: the rewards read model has not caught up with the log${stuck ? '' : ` within ${Math.round(timeoutMs / 1000)} s`} (${error.message}). ` +
            'The close records the statement of the live rewards build at the log\'s head, so the rewards projection must run: here (RUN_PROJECTIONS is on for the seed) or in the API holding its lock. ' +
            'Check `GET /v1/ops/projections` and `GET /v1/ops/dead-letters` (npm start), then run `npm run cli -- seed demo` again: what was seeded stays, the rerun continues from there.',
        );
      }
    }
  }
}
