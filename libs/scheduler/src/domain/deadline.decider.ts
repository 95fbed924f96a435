import { assertNever, Decider, DeadlineElapsed, DeadlineEvent } from '@app/kernel';

/**
 * The scheduler's side of a deadline, decided on the subject's own stream: it folds the deadline facts of that
 * stream (whatever else the stream holds is ignored) and elapses a deadline only while it is still scheduled
 * there and its due time has come. Deciding on the stream, not on the scheduler's read model, means a
 * cancellation that landed a moment earlier wins (the append is made at the revision that was read: a cancel in
 * between is a revision conflict, re-read, and then nothing to do), and a second instance or a restart finds the
 * elapse already in the stream (the same command id) and appends nothing.
 */
export type DeadlineCommand = { type: 'ElapseDeadline'; deadlineId: string; now: string };

export interface DeadlineView {
  readonly status: 'scheduled' | 'cancelled' | 'elapsed';
  readonly dueAt: string;
  readonly kind: string;
  readonly subject: string;
}

export interface DeadlinesState {
  readonly deadlines: ReadonlyMap<string, DeadlineView>;
}

export const deadlineDecider: Decider<DeadlineCommand, DeadlinesState, DeadlineEvent> = {
  initialState: () => ({ deadlines: new Map() }),
  evolve(state, event) {
    switch (event.type) {
      case 'DeadlineScheduled': {
        const deadlines = new Map(state.deadlines);
        const d = event.data;
        if (!deadlines.has(d.deadlineId)) deadlines.set(d.deadlineId, { status: 'scheduled', dueAt: d.dueAt, kind: d.kind, subject: d.subject });
        return { deadlines };
      }
      case 'DeadlineCancelled':
      case 'DeadlineElapsed': {
        const current = state.deadlines.get(event.data.deadlineId);
        // the first of the two settles the deadline for good
        if (!current || current.status !== 'scheduled') return state;
        const deadlines = new Map(state.deadlines);
        deadlines.set(event.data.deadlineId, { ...current, status: event.type === 'DeadlineCancelled' ? 'cancelled' : 'elapsed' });
        return { deadlines };
      }
      default:
        return state;
    }
  },
  decide(command, state) {
    switch (command.type) {
      case 'ElapseDeadline': {
        const d = state.deadlines.get(command.deadlineId);
        if (!d || d.status !== 'scheduled') return [];
        if (Date.parse(command.now) < Date.parse(d.dueAt)) return [];
        const elapsed: DeadlineElapsed = { type: 'DeadlineElapsed', data: { deadlineId: command.deadlineId, dueAt: d.dueAt, kind: d.kind, subject: d.subject } };
        return [elapsed];
      }
      default:
        return assertNever(command.type, 'deadline command');
    }
  },
};
