import type { Decider, DeadlineScheduled, DomainEvent } from '@app/kernel';
import { incidentDecider } from '@app/incidents';
import { commissionDecider } from '@app/reporting';
import { deadlineDecider } from '@app/scheduler';
import type { Activity, World } from '../world';

type Owner = Pick<Decider<unknown, unknown, DomainEvent>, 'initialState' | 'evolve'>;

/**
 * The streams that register deadlines, by category, with the decider that folds them: a DeadlineElapsed is
 * folded by the stream's owner as the next command on that stream would fold it.
 */
const OWNERS: Readonly<Record<string, Owner>> = {
  commission: commissionDecider as unknown as Owner,
  incident: incidentDecider as unknown as Owner,
};

/**
 * What the scheduler (libs/scheduler) appends because time passed, in the simulated time: DeadlineElapsed on the
 * subject stream at a deadline's due time, unless something cancelled it first. It is decided as the scheduler
 * decides it, by deadlineDecider over the deadline facts of that stream (followed here from the events), with the
 * scheduler's actor. BusinessPeriodEnded is not generated yet: the generator's finance would have to compute
 * the ranking prizes that such facts award (entitlements-model.ts).
 */
export const timeFactsActivity: Activity = {
  name: 'time-facts',
  start(world) {
    // each subject's deadline facts, folded as the scheduler folds them
    const deadlines = new Map<string, ReturnType<typeof deadlineDecider.initialState>>();
    world.onEvent((event) => {
      if (event.type !== 'DeadlineScheduled' && event.type !== 'DeadlineCancelled' && event.type !== 'DeadlineElapsed') return;
      const fact = event as DeadlineScheduled;
      const subject = fact.data.subject;
      const state = deadlineDecider.evolve(deadlines.get(subject) ?? deadlineDecider.initialState(), fact);
      if (state.deadlines.size === 0 || [...state.deadlines.values()].every((d) => d.status !== 'scheduled')) deadlines.delete(subject);
      else deadlines.set(subject, state);
      if (event.type === 'DeadlineScheduled') world.at(Date.parse(fact.data.dueAt), () => elapse(world, deadlines, subject, fact.data.deadlineId));
    });
  },
};

function elapse(world: World, deadlines: Map<string, ReturnType<typeof deadlineDecider.initialState>>, subject: string, deadlineId: string): void {
  const state = deadlines.get(subject);
  if (!state) return;
  const events = deadlineDecider.decide({ type: 'ElapseDeadline', deadlineId, now: world.nowIso() }, state);
  const owner = OWNERS[subject.slice(0, subject.indexOf('-'))];
  if (!owner) throw new Error(`the generator knows no owner of ${subject}'s deadlines`);
  world.record(subject, owner, events, 'scheduler');
}
