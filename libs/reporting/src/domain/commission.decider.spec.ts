import { DeadlineElapsed, DeadlineScheduled, fold, InvalidState, RuleViolation } from '@app/kernel';
import { spec } from '@app/kernel/testing';
import { CommissionCommand, commissionDeadlineId, commissionDecider, CommissionIssued, CommissionStreamEvent, commissionUnitStatus } from './commission.decider';

const now = '2026-03-02T01:00:00.000Z';
const issue: CommissionCommand = {
  type: 'IssueCommission',
  commissionId: 'c1',
  topic: '夏季治安整治成效',
  requirements: '800字以内,附图片2张',
  purpose: '市局《信息专报》专题',
  deadline: '2026-03-06T10:00:00.000Z',
  contact: '办公室 王科长 0632-1234567',
  unitIds: ['u1', 'u2', 'u1'],
  unknownUnitIds: [],
  actorId: 'office-1',
  now,
};
const issued: CommissionIssued = {
  type: 'CommissionIssued',
  data: { commissionId: 'c1', topic: issue.topic, requirements: '800字以内,附图片2张', purpose: '市局《信息专报》专题', deadline: '2026-03-06T10:00:00.000Z', contact: issue.contact, unitIds: ['u1', 'u2'], issuedBy: 'office-1', issuedAt: now },
};

const deadlineId = commissionDeadlineId('c1');
const scheduled: DeadlineScheduled = { type: 'DeadlineScheduled', data: { deadlineId, dueAt: '2026-03-06T10:00:00.000Z', kind: 'commission-deadline', subject: 'commission-c1' } };
const elapsed: DeadlineElapsed = { type: 'DeadlineElapsed', data: { deadlineId, dueAt: '2026-03-06T10:00:00.000Z', kind: 'commission-deadline', subject: 'commission-c1' } };
const cancel: CommissionCommand = { type: 'CancelCommission', reason: '专题取消', actorId: 'office-1', now };

describe('commission decider (约稿)', () => {
  describe('when no commission exists', () => {
    it('issues it to the units (each once) with topic, requirements, purpose, deadline and contact, and registers its deadline (期限)', () => {
      spec(commissionDecider).given([]).when(issue).then([issued, scheduled]);
    });
    it('refuses unknown units', () => {
      spec(commissionDecider).given([]).when({ ...issue, unknownUnitIds: ['u9'] } as CommissionCommand).thenThrows(RuleViolation, 'commission-unit-unknown');
    });
    it('refuses a deadline in the past', () => {
      spec(commissionDecider).given([]).when({ ...issue, deadline: '2026-03-01T00:00:00.000Z' } as CommissionCommand).thenThrows(RuleViolation, 'commission-deadline-past');
    });
    it('cannot cancel it', () => {
      spec(commissionDecider).given([]).when({ type: 'CancelCommission', reason: 'x', actorId: 'o', now }).thenThrows(InvalidState, 'commission-not-found');
    });
  });
  describe('when issued', () => {
    it('is not issued twice', () => {
      spec(commissionDecider).given([issued, scheduled]).when(issue).thenThrows(InvalidState, 'commission-exists');
    });
    it('can be cancelled once, withdrawing its deadline', () => {
      spec(commissionDecider)
        .given([issued, scheduled])
        .when(cancel)
        .then([
          { type: 'CommissionCancelled', data: { commissionId: 'c1', reason: '专题取消', cancelledBy: 'office-1', cancelledAt: now } },
          { type: 'DeadlineCancelled', data: { deadlineId, kind: 'commission-deadline', subject: 'commission-c1', reason: 'commission-cancelled', cancelledAt: now } },
        ]);
      spec(commissionDecider)
        .given([issued, scheduled, { type: 'CommissionCancelled', data: { commissionId: 'c1', reason: 'x', cancelledBy: 'o', cancelledAt: now } }])
        .when({ type: 'CancelCommission', reason: 'x', actorId: 'o', now })
        .thenThrows(InvalidState, 'commission-already-cancelled');
    });
  });
  describe('when its deadline has elapsed (DeadlineElapsed in the stream)', () => {
    it('is closed', () => {
      spec(commissionDecider).given([issued, scheduled, elapsed]).thenState((state) => expect(state.status).toBe('closed'));
    });
    it('can no longer be cancelled: the units\' outcome stands', () => {
      spec(commissionDecider).given([issued, scheduled, elapsed]).when(cancel).thenThrows(InvalidState, 'commission-deadline-elapsed');
    });
    it('is decided from the facts, not the clock: a command "sent" long after the deadline, without the fact, still cancels', () => {
      spec(commissionDecider).given([issued, scheduled]).when({ ...cancel, now: '2026-04-01T00:00:00.000Z' } as CommissionCommand).thenMatches((events) => expect(events.map((e) => e.type)).toEqual(['CommissionCancelled', 'DeadlineCancelled']));
    });
    it('a DeadlineElapsed of another deadline leaves it open', () => {
      const other: DeadlineElapsed = { type: 'DeadlineElapsed', data: { ...elapsed.data, deadlineId: 'other' } };
      spec(commissionDecider).given([issued, scheduled, other]).thenState((state) => expect(state.status).toBe('open'));
    });
    it('a replay of the same stream reaches the same verdict whatever the time of the replay', () => {
      const log: CommissionStreamEvent[] = [issued, scheduled, elapsed];
      const verdict = (at: string) => {
        try {
          return commissionDecider.decide({ ...cancel, now: at } as CommissionCommand, fold(commissionDecider, log)).map((e) => e.type).join(',');
        } catch (error) {
          return (error as InvalidState).code;
        }
      };
      expect(['2026-03-02T01:00:00.000Z', '2026-03-07T00:00:00.000Z', '2030-01-01T00:00:00.000Z'].map(verdict)).toEqual(Array(3).fill('commission-deadline-elapsed'));
    });
  });
  describe('a unit\'s status, from the deadline and its first submission', () => {
    const deadline = '2026-03-06T10:00:00.000Z';
    it('submitted by the deadline: fulfilled', () => expect(commissionUnitStatus(deadline, '2026-03-06T09:59:00.000Z', '2026-04-01T00:00:00.000Z')).toBe('fulfilled'));
    it('submitted after the deadline: late', () => expect(commissionUnitStatus(deadline, '2026-03-06T10:07:00.000Z', '2026-04-01T00:00:00.000Z')).toBe('late'));
    it('nothing yet, deadline ahead: open', () => expect(commissionUnitStatus(deadline, null, '2026-03-05T00:00:00.000Z')).toBe('open'));
    it('nothing, deadline passed: missed', () => expect(commissionUnitStatus(deadline, null, '2026-03-06T10:00:01.000Z')).toBe('missed'));
  });
});
