import type { CommandFromState } from '@app/event-store';
import type { PayoutCommand, PayoutsState } from '../domain/payouts.decider';
import type { PayoutsService } from './payouts.service';

/**
 * The close of a payout period as a command built from the ledger's state: the current entitlement lines from the
 * first period's start to this period's end, read from the live rewards build once it has applied the log's head
 * (503 read-not-caught-up otherwise), and that head. The close route (PayoutsHttpController) and the demo seed
 * (seedDemoPayouts) both close through it.
 */
export function closePayoutPeriodCommand(payouts: Pick<PayoutsService, 'currentLines'>, periodId: string, actorId: string, now: string): CommandFromState<PayoutCommand, PayoutsState> {
  return async (state) => {
    const period = state.periods.find((p) => p.periodId === periodId);
    const { lines, position } = period ? await payouts.currentLines(state, period.to) : { lines: [], position: '0' };
    return { type: 'ClosePayoutPeriod', periodId, currentLines: lines, position, actorId, now };
  };
}
