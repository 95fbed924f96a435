import { DateTime } from 'luxon';
import type { CalendarSpec, DeadlineSpec } from './policy-document';

/**
 * Chinese public holidays and adjusted working days (调休) of the State Council notices, the default calendar when
 * a policy gives none. A policy's own `calendar` replaces these lists.
 */
export const DEFAULT_CALENDAR: Required<CalendarSpec> = {
  timeZone: 'Asia/Shanghai',
  holidays: [
    // 2025
    '2025-01-01', '2025-01-28', '2025-01-29', '2025-01-30', '2025-01-31', '2025-02-01', '2025-02-02', '2025-02-03', '2025-02-04',
    '2025-04-04', '2025-04-05', '2025-04-06', '2025-05-01', '2025-05-02', '2025-05-03', '2025-05-04', '2025-05-05',
    '2025-05-31', '2025-06-01', '2025-06-02', '2025-10-01', '2025-10-02', '2025-10-03', '2025-10-04', '2025-10-05', '2025-10-06', '2025-10-07', '2025-10-08',
    // 2026
    '2026-01-01', '2026-01-02', '2026-01-03', '2026-02-15', '2026-02-16', '2026-02-17', '2026-02-18', '2026-02-19', '2026-02-20', '2026-02-21', '2026-02-22', '2026-02-23',
    '2026-04-04', '2026-04-05', '2026-04-06', '2026-05-01', '2026-05-02', '2026-05-03', '2026-05-04', '2026-05-05',
    '2026-06-19', '2026-06-20', '2026-06-21', '2026-09-25', '2026-09-26', '2026-09-27',
    '2026-10-01', '2026-10-02', '2026-10-03', '2026-10-04', '2026-10-05', '2026-10-06', '2026-10-07',
  ],
  workdays: ['2025-01-26', '2025-02-08', '2025-04-27', '2025-09-28', '2025-10-11', '2026-01-04', '2026-02-14', '2026-02-28', '2026-05-09', '2026-09-20', '2026-10-10'],
};

/**
 * A working-day count that reached a year the calendar has no holidays for: Monday to Friday was assumed for those
 * days, so the deadline may be wrong (a 2027 Spring Festival would count as working days). Never silent.
 */
export interface ProvisionalDeadline {
  /** The years counted without holiday data. */
  readonly years: readonly number[];
  /** The years the calendar covers. */
  readonly coveredYears: readonly number[];
  readonly reason: string;
}

export interface DeadlineVerdict {
  readonly at: Date;
  /** null: computed from the calendar's data; otherwise why it is provisional. */
  readonly provisional: ProvisionalDeadline | null;
}

export class WorkCalendar {
  readonly timeZone: string;
  /** The years the holiday and working-day lists cover (the years they name): outside them, working days are a guess. */
  readonly coveredYears: ReadonlySet<number>;
  private readonly holidays: ReadonlySet<string>;
  private readonly workdays: ReadonlySet<string>;

  constructor(spec: CalendarSpec = {}) {
    this.timeZone = spec.timeZone ?? DEFAULT_CALENDAR.timeZone;
    this.holidays = new Set(spec.holidays ?? DEFAULT_CALENDAR.holidays);
    this.workdays = new Set(spec.workdays ?? DEFAULT_CALENDAR.workdays);
    this.coveredYears = new Set([...this.holidays, ...this.workdays].map((d) => Number(d.slice(0, 4))));
  }

  isWorkingDay(day: DateTime): boolean {
    const iso = day.toISODate()!;
    if (this.workdays.has(iso)) return true;
    if (this.holidays.has(iso)) return false;
    return day.weekday <= 5;
  }

  /**
   * The deadline of a spec counted from an instant, in this calendar's time zone. A working-day count that passes
   * through a year the calendar does not cover is marked provisional (docs/policies.md, "Working days").
   */
  deadline(from: Date, spec: DeadlineSpec): DeadlineVerdict {
    const start = DateTime.fromJSDate(from, { zone: this.timeZone });
    const endOfDay = (d: DateTime): DateTime => {
      if (!spec.at) return d.endOf('day');
      const [h, m] = spec.at.split(':').map(Number);
      return d.set({ hour: h, minute: m, second: 0, millisecond: 0 });
    };
    const exact = (d: DateTime): DeadlineVerdict => ({ at: d.toJSDate(), provisional: null });
    switch (spec.unit) {
      case 'minutes':
        return exact(start.plus({ minutes: spec.amount }));
      case 'hours':
        return exact(start.plus({ hours: spec.amount }));
      case 'calendar_days':
        return exact(endOfDay(start.plus({ days: spec.amount })));
      case 'working_days': {
        let day = start.startOf('day');
        let left = spec.amount;
        const uncovered = new Set<number>();
        while (left > 0) {
          day = day.plus({ days: 1 });
          if (!this.coveredYears.has(day.year)) uncovered.add(day.year);
          if (this.isWorkingDay(day)) left--;
        }
        return { at: endOfDay(day).toJSDate(), provisional: uncovered.size > 0 ? this.provisional([...uncovered]) : null };
      }
      case 'same_day':
        return exact(endOfDay(start));
      case 'next_day':
        return exact(endOfDay(start.plus({ days: 1 })));
      case 'day_of_next_month':
        return exact(endOfDay(start.plus({ months: 1 }).set({ day: spec.amount })));
    }
  }

  private provisional(years: number[]): ProvisionalDeadline {
    const covered = [...this.coveredYears].sort((a, b) => a - b);
    const coveredText = covered.length > 0 ? covered.join(', ') : 'no year';
    return {
      years,
      coveredYears: covered,
      reason: `working days in ${years.join(', ')} counted Monday to Friday: the holiday calendar covers ${coveredText}; add that year's holidays and adjusted working days to the policy's calendar`,
    };
  }
}
