import { assertNever, Decider, DeadlineCancelled, DeadlineElapsed, deadlineIdFor, DeadlineScheduled, DomainEvent, InvalidState, RuleViolation } from '@app/kernel';

/** 约稿 (R2.23): the office asks units for a draft on a topic by a deadline. */
export type CommissionIssued = DomainEvent<
  'CommissionIssued',
  {
    commissionId: string;
    topic: string;
    requirements: string;
    purpose: string;
    deadline: string;
    contact: string;
    unitIds: string[];
    issuedBy: string;
    issuedAt: string;
  }
>;
export type CommissionCancelled = DomainEvent<'CommissionCancelled', { commissionId: string; reason: string; cancelledBy: string; cancelledAt: string }>;
/**
 * The commission registers its deadline with the scheduler (DeadlineScheduled, in this stream, when issued),
 * withdraws it when cancelled (DeadlineCancelled), and folds DeadlineElapsed, which the scheduler appends to this
 * stream when the deadline comes (ADR 0015): from then on the commission is closed, as a fact of the log, not
 * as a comparison with a clock.
 */
export type CommissionEvent = CommissionIssued | CommissionCancelled;
/** Everything in a commission's stream: its own events and the facts of its deadline. */
export type CommissionStreamEvent = CommissionEvent | DeadlineScheduled | DeadlineCancelled | DeadlineElapsed;

/** What the deadline of a commission is registered as. */
export const COMMISSION_DEADLINE = 'commission-deadline';

export type CommissionCommand =
  | {
      type: 'IssueCommission';
      commissionId: string;
      topic: string;
      requirements: string;
      purpose: string;
      deadline: string;
      contact: string;
      unitIds: string[];
      unknownUnitIds: string[];
      actorId: string;
      now: string;
    }
  | { type: 'CancelCommission'; reason: string; actorId: string; now: string };

/**
 * open: issued, deadline ahead; cancelled: withdrawn before its deadline; closed: its deadline elapsed
 * (DeadlineElapsed in the stream). Drafts may still answer a closed commission: they count as late.
 */
export type CommissionState =
  | { status: 'none' }
  | { status: 'open' | 'cancelled' | 'closed'; commissionId: string; unitIds: readonly string[]; deadline: string; deadlineId: string };

export const commissionStream = (commissionId: string): string => `commission-${commissionId}`;
export const commissionDeadlineId = (commissionId: string): string => deadlineIdFor(COMMISSION_DEADLINE, commissionStream(commissionId));

export const commissionDecider: Decider<CommissionCommand, CommissionState, CommissionStreamEvent> = {
  initialState: () => ({ status: 'none' }),
  evolve(state, event) {
    switch (event.type) {
      case 'CommissionIssued':
        return {
          status: 'open',
          commissionId: event.data.commissionId,
          unitIds: event.data.unitIds,
          deadline: event.data.deadline,
          deadlineId: commissionDeadlineId(event.data.commissionId),
        };
      case 'CommissionCancelled':
        return state.status === 'none' ? state : { ...state, status: 'cancelled' };
      case 'DeadlineElapsed':
        return state.status === 'open' && event.data.deadlineId === state.deadlineId ? { ...state, status: 'closed' } : state;
      case 'DeadlineScheduled':
      case 'DeadlineCancelled':
        // the commission's own events already say what these say (issued, cancelled): for the scheduler
        return state;
      default:
        return state;
    }
  },
  decide(command, state) {
    switch (command.type) {
      case 'IssueCommission': {
        if (state.status !== 'none') throw new InvalidState('commission-exists', `Commission ${command.commissionId} already exists`);
        if (command.unknownUnitIds.length > 0) {
          throw new RuleViolation('commission-unit-unknown', `Unknown or dissolved units: ${command.unknownUnitIds.join(', ')}`, { field: 'unitIds' });
        }
        if (command.deadline <= command.now) throw new RuleViolation('commission-deadline-past', 'The deadline must be in the future', { field: 'deadline' });
        const { type: _type, unknownUnitIds: _unknown, actorId, now, ...rest } = command;
        const subject = commissionStream(command.commissionId);
        return [
          { type: 'CommissionIssued', data: { ...rest, unitIds: [...new Set(rest.unitIds)], issuedBy: actorId, issuedAt: now } },
          { type: 'DeadlineScheduled', data: { deadlineId: commissionDeadlineId(command.commissionId), dueAt: command.deadline, kind: COMMISSION_DEADLINE, subject } },
        ];
      }
      case 'CancelCommission':
        if (state.status === 'none') throw new InvalidState('commission-not-found', 'The commission does not exist');
        if (state.status === 'cancelled') throw new InvalidState('commission-already-cancelled', 'The commission is already cancelled');
        // Once the deadline has elapsed the units' standing (fulfilled, late, missed) is a matter of record: a
        // cancellation now would turn "missed" into "cancelled" after the fact.
        if (state.status === 'closed') {
          throw new InvalidState('commission-deadline-elapsed', `The commission's deadline ${state.deadline} has elapsed: its outcome stands and it can no longer be cancelled`, { deadline: state.deadline });
        }
        return [
          { type: 'CommissionCancelled', data: { commissionId: state.commissionId, reason: command.reason, cancelledBy: command.actorId, cancelledAt: command.now } },
          { type: 'DeadlineCancelled', data: { deadlineId: state.deadlineId, kind: COMMISSION_DEADLINE, subject: commissionStream(state.commissionId), reason: 'commission-cancelled', cancelledAt: command.now } },
        ];
      default:
        return assertNever(command, 'commission command');
    }
  },
};

/**
 * A unit's standing on a commission, from facts only (deadline, first submission time) and the time asked about,
 * so a replay gives the same answer for the same "as of".
 */
export function commissionUnitStatus(deadline: string, firstSubmittedAt: string | null, asOf: string): 'fulfilled' | 'late' | 'missed' | 'open' {
  if (firstSubmittedAt !== null) return firstSubmittedAt <= deadline ? 'fulfilled' : 'late';
  return asOf > deadline ? 'missed' : 'open';
}
