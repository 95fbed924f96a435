import type { DomainEvent } from './decider';
import { deterministicUuid } from './ids';

/**
 * Time as facts (ADR 0015). A decider that must react to time passing does not read a clock: it registers a
 * deadline with DeadlineScheduled in its own stream (and withdraws it with DeadlineCancelled when what it
 * watches is settled), and the scheduler appends DeadlineElapsed to that same stream when the due time comes,
 * carrying the due time, not the time it noticed. The decider folds DeadlineElapsed like any other fact of its
 * aggregate, so a replay of the log reaches the same verdicts on any day.
 *
 * `subject` is the stream the deadline belongs to (the decider's own stream, where DeadlineElapsed is appended);
 * `kind` says what the deadline is for (e.g. `commission-deadline`), for operators and readers.
 */
export type DeadlineScheduled = DomainEvent<'DeadlineScheduled', { deadlineId: string; dueAt: string; kind: string; subject: string }>;
export type DeadlineCancelled = DomainEvent<'DeadlineCancelled', { deadlineId: string; kind: string; subject: string; reason: string; cancelledAt: string }>;
export type DeadlineElapsed = DomainEvent<'DeadlineElapsed', { deadlineId: string; dueAt: string; kind: string; subject: string }>;
export type DeadlineEvent = DeadlineScheduled | DeadlineCancelled | DeadlineElapsed;

/** A registered deadline as its stream's deciders fold it: still scheduled, withdrawn (cancelled) or elapsed. */
export interface DeadlineState {
  readonly deadlineId: string;
  readonly kind: string;
  readonly dueAt: string;
  readonly status: 'scheduled' | 'cancelled' | 'elapsed';
}

/**
 * The deadlines of a stream after one of its deadline events: scheduled ones added, the first settlement
 * (cancelled or elapsed) wins, as in the scheduler's read model. The same map when nothing changes.
 */
export function foldDeadline(deadlines: Readonly<Record<string, DeadlineState>>, event: DeadlineEvent): Readonly<Record<string, DeadlineState>> {
  if (event.type === 'DeadlineScheduled') {
    return { ...deadlines, [event.data.deadlineId]: { deadlineId: event.data.deadlineId, kind: event.data.kind, dueAt: event.data.dueAt, status: 'scheduled' } };
  }
  const d = deadlines[event.data.deadlineId];
  if (!d || d.status !== 'scheduled') return deadlines;
  return { ...deadlines, [d.deadlineId]: { ...d, status: event.type === 'DeadlineCancelled' ? 'cancelled' : 'elapsed' } };
}

export const DEADLINE_EVENT_TYPES = ['DeadlineScheduled', 'DeadlineCancelled', 'DeadlineElapsed'] as const;

/** The id of the one deadline of a kind on a subject (a decider that needs several gives each its own kind). */
export function deadlineIdFor(kind: string, subject: string): string {
  return deterministicUuid('deadline', kind, subject);
}

/** Business periods, in the business time zone (BUSINESS_TIME_ZONE). */
export type BusinessPeriod = 'day' | 'month' | 'quarter' | 'year';
export const BUSINESS_PERIODS: readonly BusinessPeriod[] = ['day', 'month', 'quarter', 'year'];

/**
 * A business period ended: `key` names it in the business calendar (day 2026-11-30, month 2026-11, quarter
 * 2026-Q4, year 2026); `startedAt` (inclusive) and `endedAt` (exclusive: the first instant of the next period)
 * are UTC instants, so November 2026 in Asia/Shanghai ended at 2026-11-30T16:00:00.000Z.
 */
export type BusinessPeriodEnded = DomainEvent<
  'BusinessPeriodEnded',
  { period: BusinessPeriod; key: string; startedAt: string; endedAt: string; timeZone: string }
>;

/** Each period kind has its own stream (`businessCalendar-month` ...), in the order the periods ended. */
export const businessCalendarStream = (period: BusinessPeriod): string => `businessCalendar-${period}`;

/** The one event id of a period's end in a time zone: a second instance or a restart appends a duplicate the store absorbs. */
export function businessPeriodEventId(timeZone: string, period: BusinessPeriod, key: string): string {
  return deterministicUuid('BusinessPeriodEnded', timeZone, period, key);
}
