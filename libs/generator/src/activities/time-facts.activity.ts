import { type BusinessPeriodEnded, businessCalendarStream, businessPeriodEventId, type Decider, type DeadlineScheduled, type DomainEvent } from '@app/kernel';
import { creditRecordDecider } from '@app/credit';
import { incidentDecider } from '@app/incidents';
import { commissionDecider } from '@app/reporting';
import { allPeriodsEnded, deadlineDecider } from '@app/scheduler';
import { BUSINESS_TIME_ZONE } from '../business-time';
import type { Activity, World } from '../world';

type Owner = Pick<Decider<unknown, unknown, DomainEvent>, 'initialState' | 'evolve'>;

/**
 * The streams that register deadlines, by category, with the decider that folds them: a DeadlineElapsed is
 * folded by the stream's owner as the next command on that stream would fold it.
 */
const OWNERS: Readonly<Record<string, Owner>> = {
  commission: commissionDecider as unknown as Owner,
  incident: incidentDecider as unknown as Owner,
  // credit-record-<id>: the review and upload deadlines of a credit record
  credit: creditRecordDecider as unknown as Owner,
};

/** The calendar streams hold nothing but BusinessPeriodEnded, which no decider folds: their owner keeps no state. */
const CALENDAR: Pick<Decider<unknown, null, BusinessPeriodEnded>, 'initialState' | 'evolve'> = { initialState: () => null, evolve: () => null };

/**
 * What the scheduler (libs/scheduler) appends because time passed, in the simulated time:
 * - DeadlineElapsed on the subject stream at a deadline's due time, unless something cancelled it first. It is
 *   decided as the scheduler decides it, by deadlineDecider over the deadline facts of that stream (followed here
 *   from the events), with the scheduler's actor.
 * - BusinessPeriodEnded for every day, month, quarter and year of the business time zone (the scheduler's
 *   BUSINESS_TIME_ZONE, one zone) that ends within the span, from the period of its first date on (as
 *   SCHEDULER_PERIODS_FROM=2025-01-02 would), at the period's end: the scheduler's own allPeriodsEnded gives the
 *   periods and their data, in its order (day before month before quarter before year at a shared end), each on
 *   its calendar stream (businessCalendar-month ...) with the scheduler's deterministic event id
 *   (businessPeriodEventId, also its command, correlation and causation id) and actor. At a period's end the
 *   deadlines due at that instant elapse first, as a scheduler tick elapses deadlines before it ends periods. The
 *   generator's finance awards the ranking prizes of the periods these facts end (entitlements-model.ts).
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
    schedulePeriodEnds(world);
  },
};

/**
 * One task per instant at which periods end within the span (the end itself excluded: the history stops before
 * it). The task runs again at the same instant, behind every task already due then (the deadlines due at a
 * midnight were scheduled before it), and records the periods.
 */
function schedulePeriodEnds(world: World): void {
  const from = new Date(world.start);
  const ended = allPeriodsEnded(BUSINESS_TIME_ZONE, { day: from, month: from, quarter: from, year: from }, new Date(world.end - 1));
  const byEnd = new Map<number, BusinessPeriodEnded['data'][]>();
  for (const data of ended) {
    const at = Date.parse(data.endedAt);
    const list = byEnd.get(at) ?? [];
    list.push(data);
    byEnd.set(at, list);
  }
  for (const [at, periods] of byEnd) world.at(at, () => world.at(at, () => periods.forEach((data) => endPeriod(world, data))));
}

/** Appends a period's end as Scheduler.recordPeriodEnd does (stream, event id, metadata, actor). */
function endPeriod(world: World, data: BusinessPeriodEnded['data']): void {
  const eventId = businessPeriodEventId(data.timeZone, data.period, data.key);
  const event: BusinessPeriodEnded = { type: 'BusinessPeriodEnded', data };
  world.record(businessCalendarStream(data.period), CALENDAR, [event], 'scheduler', { commandId: eventId, eventIds: [eventId], correlationId: eventId, causationId: eventId });
}

function elapse(world: World, deadlines: Map<string, ReturnType<typeof deadlineDecider.initialState>>, subject: string, deadlineId: string): void {
  const state = deadlines.get(subject);
  if (!state) return;
  const events = deadlineDecider.decide({ type: 'ElapseDeadline', deadlineId, now: world.nowIso() }, state);
  const owner = OWNERS[subject.slice(0, subject.indexOf('-'))];
  if (!owner) throw new Error(`the generator knows no owner of ${subject}'s deadlines`);
  world.record(subject, owner, events, 'scheduler');
}
