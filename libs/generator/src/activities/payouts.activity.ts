import { type Payee, PAYOUTS_STREAM, balanceOf, payoutsDecider, type PayoutCommand, type PayoutsState } from '@app/rewards';
import { EntitlementsModel } from '../entitlements-model';
import type { Rng } from '../random';
import type { Activity, World } from '../world';

const HOUR = 3_600_000;
const DAY = 86_400_000;
/** Working days into the next month before finance closes a month (late adoptions and metrics come after: adjustments). */
const CLOSE_AFTER_WORKING_DAYS = 5;
/** Days after its last fact that an item's facts are kept as JSON text by the model (memory). */
const FREEZE_AFTER_DAYS = 30;
/** Working days from a close to the bank transfers. */
const PAY_AFTER_WORKING_DAYS = 3;

/**
 * Finance (issue 10): the member with the finance role (world.staff.finance) opens a payout period per month (its business dates) on the
 * month's first working day, closes the month on the fifth working day of the next one with the statement the
 * close route would record (the entitlement lines as the rewards read model holds them at that point of the log,
 * the ranking prizes of the ended periods included, computed by EntitlementsModel; adjustments to earlier closed months come from the decider), and three working
 * days later records payouts: most payees are paid their balance, some half of it (the rest stays on the ledger),
 * a few nothing this time. Every command goes through the real payouts decider as POST /v1/payouts/* decides it.
 *
 * A close records as its position the number of events before it: the head of a store the history is written
 * into from empty (what `npm run bench` and the specs do), as the route records the head it read.
 */
export const payoutsActivity: Activity = {
  name: 'payouts',
  start(world) {
    const rng = world.rng('payouts');
    const model = new EntitlementsModel();
    world.onEvent((event, eventId) => model.observe(event, eventId, world.nowIso(), world.now));
    for (let m = 0; m < world.plan.months; m++) {
      const monthStart = world.time.firstOfMonth(world.start, m);
      const nextMonth = world.time.firstOfMonth(world.start, m + 1);
      const period = { periodId: world.time.date(monthStart).slice(0, 7), from: world.time.date(monthStart), to: world.time.date(nextMonth - DAY) };
      world.at(Math.max(world.time.nextOpen(monthStart), world.time.nextOpen(world.start) + 3 * HOUR), async () => {
        await run(world, world.staff.finance, { type: 'OpenPayoutPeriod', ...period, actorId: world.staff.finance, now: world.nowIso() });
      });
      const closeAt = world.time.afterWorkingDays(nextMonth, CLOSE_AFTER_WORKING_DAYS, rng);
      world.at(closeAt, async () => {
        const state = world.ledger.state<PayoutsState>(PAYOUTS_STREAM, payoutsDecider);
        const first = state.periods[0]?.from ?? period.from;
        const command: PayoutCommand = {
          type: 'ClosePayoutPeriod',
          periodId: period.periodId,
          currentLines: model.lines(first, period.to, state.recorded),
          position: String(world.ledger.produced),
          actorId: world.staff.finance,
          now: world.nowIso(),
        };
        await run(world, world.staff.finance, command);
        // items untouched for a month are rarely touched again: their facts wait as JSON, the ledger holds their lines
        const closed = world.ledger.state<PayoutsState>(PAYOUTS_STREAM, payoutsDecider).periods.find((p) => p.periodId === period.periodId);
        if (closed?.status === 'closed') model.freeze(world.now - FREEZE_AFTER_DAYS * DAY, period.to);
      });
      world.at(world.time.afterWorkingDays(closeAt, PAY_AFTER_WORKING_DAYS, rng), () => pay(world, rng, world.staff.finance, period.periodId));
    }
  },
};

async function run(world: World, memberId: string, command: PayoutCommand): Promise<void> {
  const actor = await world.acting(memberId, 'payouts.manage');
  if (!actor) return;
  world.run(PAYOUTS_STREAM, payoutsDecider, command, memberId);
}

async function pay(world: World, rng: Rng, memberId: string, periodId: string): Promise<void> {
  const state = world.ledger.state<PayoutsState>(PAYOUTS_STREAM, payoutsDecider);
  const period = state.periods.find((p) => p.periodId === periodId);
  if (!period?.statement) return;
  let n = 0;
  for (const { payee } of period.statement.payees) {
    const balance = balanceOf(world.ledger.state<PayoutsState>(PAYOUTS_STREAM, payoutsDecider), payee);
    if (balance <= 0) continue;
    const roll = rng.int(1, 100);
    if (roll <= 5) continue;
    const amountFen = roll <= 15 ? Math.ceil(balance / 2) : balance;
    const reference = `BANK-${periodId}-${String(++n).padStart(4, '0')}`;
    await run(world, memberId, { type: 'RecordPayout', periodId, payee: payee as Payee, amountFen, reference, paidOn: world.today(), actorId: memberId, now: world.nowIso() });
  }
}
