import type { DeadlineCancelled, DeadlineElapsed, DeadlineScheduled } from '@app/kernel';
import { spec } from '@app/kernel/testing';
import { deadlineDecider } from './deadline.decider';

const scheduled: DeadlineScheduled = { type: 'DeadlineScheduled', data: { deadlineId: 'd1', dueAt: '2026-03-06T02:00:00.000Z', kind: 'commission-deadline', subject: 'commission-c1' } };
const elapsed: DeadlineElapsed = { type: 'DeadlineElapsed', data: { deadlineId: 'd1', dueAt: '2026-03-06T02:00:00.000Z', kind: 'commission-deadline', subject: 'commission-c1' } };
const cancelled: DeadlineCancelled = { type: 'DeadlineCancelled', data: { deadlineId: 'd1', kind: 'commission-deadline', subject: 'commission-c1', reason: 'x', cancelledAt: '2026-03-05T00:00:00.000Z' } };

describe('deadline decider (the scheduler on the subject stream)', () => {
  describe('when the deadline is scheduled', () => {
    it('elapses it once its due time has come, carrying the due time (noticed a day later)', () => {
      spec(deadlineDecider).given([scheduled]).when({ type: 'ElapseDeadline', deadlineId: 'd1', now: '2026-03-07T09:00:00.000Z' }).then([elapsed]);
    });
    it('elapses it at the due instant itself', () => {
      spec(deadlineDecider).given([scheduled]).when({ type: 'ElapseDeadline', deadlineId: 'd1', now: '2026-03-06T02:00:00.000Z' }).then([elapsed]);
    });
    it('does nothing before the due time', () => {
      spec(deadlineDecider).given([scheduled]).when({ type: 'ElapseDeadline', deadlineId: 'd1', now: '2026-03-06T01:59:59.999Z' }).then([]);
    });
  });
  describe('when the deadline is settled', () => {
    it('does not elapse twice', () => {
      spec(deadlineDecider).given([scheduled, elapsed]).when({ type: 'ElapseDeadline', deadlineId: 'd1', now: '2026-03-08T00:00:00.000Z' }).then([]);
    });
    it('does not elapse a cancelled deadline', () => {
      spec(deadlineDecider).given([scheduled, cancelled]).when({ type: 'ElapseDeadline', deadlineId: 'd1', now: '2026-03-08T00:00:00.000Z' }).then([]);
    });
    it('does not elapse a deadline this stream never scheduled', () => {
      spec(deadlineDecider).given([]).when({ type: 'ElapseDeadline', deadlineId: 'd1', now: '2026-03-08T00:00:00.000Z' }).then([]);
    });
  });
});
