import { DateTime } from 'luxon';
import type { BusinessPeriod, BusinessPeriodEnded } from '@app/kernel';

const RANK: Record<BusinessPeriod, number> = { day: 0, month: 1, quarter: 2, year: 3 };
const UNIT = { day: 'days', month: 'months', quarter: 'quarters', year: 'years' } as const;

/** The period's name in the business calendar: 2026-11-30, 2026-11, 2026-Q4, 2026. */
export function periodKey(period: BusinessPeriod, start: DateTime): string {
  switch (period) {
    case 'day':
      return start.toISODate()!;
    case 'month':
      return start.toFormat('yyyy-MM');
    case 'quarter':
      return `${start.toFormat('yyyy')}-Q${start.quarter}`;
    case 'year':
      return start.toFormat('yyyy');
  }
}

/**
 * The periods of one kind that ended after `after` (exclusive) and by `now` (inclusive), starting with the
 * period that contains `after`: pure, so the same instants always give the same facts. At most `limit`.
 */
export function periodsEnded(period: BusinessPeriod, timeZone: string, after: Date, now: Date, limit = 10_000): BusinessPeriodEnded['data'][] {
  const out: BusinessPeriodEnded['data'][] = [];
  // `after` is the first event's time, or the end of the last period reported (then the next period starts there)
  let start: DateTime = DateTime.fromJSDate(after, { zone: timeZone }).startOf(period);
  const end = (s: DateTime) => s.plus({ [UNIT[period]]: 1 }).startOf(period);
  while (out.length < limit) {
    const next = end(start);
    if (next.toMillis() > now.getTime()) break;
    out.push({ period, key: periodKey(period, start), startedAt: start.toUTC().toISO()!, endedAt: next.toUTC().toISO()!, timeZone });
    start = next;
  }
  return out;
}

/** Periods of every kind that ended in (after[kind], now], in the order they ended (day before month at a shared boundary). */
export function allPeriodsEnded(timeZone: string, after: Readonly<Record<BusinessPeriod, Date>>, now: Date, limit = 10_000): BusinessPeriodEnded['data'][] {
  const all = (Object.keys(RANK) as BusinessPeriod[]).flatMap((p) => periodsEnded(p, timeZone, after[p], now, limit));
  all.sort((a, b) => Date.parse(a.endedAt) - Date.parse(b.endedAt) || RANK[a.period] - RANK[b.period]);
  return all.slice(0, limit);
}

/** The first instant of a business date (YYYY-MM-DD) in the zone. */
export function startOfBusinessDate(date: string, timeZone: string): Date {
  return DateTime.fromISO(date, { zone: timeZone }).startOf('day').toJSDate();
}
