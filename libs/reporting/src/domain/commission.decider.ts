import { assertNever, Decider, DomainEvent, InvalidState, RuleViolation } from '@app/kernel';

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
export type CommissionEvent = CommissionIssued | CommissionCancelled;

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

export type CommissionState =
  | { status: 'none' }
  | { status: 'open' | 'cancelled'; commissionId: string; unitIds: readonly string[]; deadline: string };

export const commissionStream = (commissionId: string): string => `commission-${commissionId}`;

export const commissionDecider: Decider<CommissionCommand, CommissionState, CommissionEvent> = {
  initialState: () => ({ status: 'none' }),
  evolve(state, event) {
    switch (event.type) {
      case 'CommissionIssued':
        return { status: 'open', commissionId: event.data.commissionId, unitIds: event.data.unitIds, deadline: event.data.deadline };
      case 'CommissionCancelled':
        return state.status === 'none' ? state : { ...state, status: 'cancelled' };
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
        return [{ type: 'CommissionIssued', data: { ...rest, unitIds: [...new Set(rest.unitIds)], issuedBy: actorId, issuedAt: now } }];
      }
      case 'CancelCommission':
        if (state.status === 'none') throw new InvalidState('commission-not-found', 'The commission does not exist');
        if (state.status === 'cancelled') throw new InvalidState('commission-already-cancelled', 'The commission is already cancelled');
        return [{ type: 'CommissionCancelled', data: { commissionId: state.commissionId, reason: command.reason, cancelledBy: command.actorId, cancelledAt: command.now } }];
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
