import { DateTime } from 'luxon';
import { WorkCalendar } from '@app/policies';
import type { Rng } from './random';

/** The institution's business time zone (BUSINESS_TIME_ZONE's default) and office hours. */
export const BUSINESS_TIME_ZONE = 'Asia/Shanghai';
const OPEN_MINUTE = 8 * 60 + 30;
const CLOSE_MINUTE = 17 * 60 + 30;
const MINUTE = 60_000;
const DAY = 86_400_000;

/**
 * Simulated business time. Instants are epoch milliseconds and a day is the instant of its local midnight. People
 * act on working days (the policies' holiday calendar, with 调休 working weekends) during office hours in the
 * business time zone, so the working-day deadlines the policy engine computes and the generated history agree
 * about which days count. The zone's offset is taken once and checked constant over the span (Asia/Shanghai has
 * no daylight saving time): date arithmetic stays plain arithmetic, which keeps generation fast.
 */
export class BusinessTime {
  private readonly calendar = new WorkCalendar();
  private readonly working = new Map<number, boolean>();
  private readonly offset: number;
  private readonly dates = new Map<number, string>();

  constructor(from: string, months: number) {
    const start = DateTime.fromISO(from, { zone: BUSINESS_TIME_ZONE });
    this.offset = start.offset * MINUTE;
    for (let m = 0; m <= months; m++) {
      if (start.plus({ months: m }).offset * MINUTE !== this.offset) throw new Error(`${BUSINESS_TIME_ZONE} changes its UTC offset within the span: the generator assumes a fixed offset`);
    }
  }

  /** Local midnight of the day of an instant. */
  day(at: number): number {
    return Math.floor((at + this.offset) / DAY) * DAY - this.offset;
  }

  /** YYYY-MM-DD in the business zone. */
  date(at: number): string {
    const day = this.day(at);
    let date = this.dates.get(day);
    if (date === undefined) {
      date = new Date(day + this.offset).toISOString().slice(0, 10);
      this.dates.set(day, date);
    }
    return date;
  }

  /** Local midnight of a YYYY-MM-DD date. */
  startOf(date: string): number {
    return Date.parse(`${date}T00:00:00.000Z`) - this.offset;
  }

  /** Local midnight of the first day of the month `months` after the month of `at`. */
  firstOfMonth(at: number, months: number): number {
    const d = new Date(this.day(at) + this.offset);
    return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + months, 1) - this.offset;
  }

  isWorkingDay(day: number): boolean {
    const key = this.day(day);
    let w = this.working.get(key);
    if (w === undefined) {
      w = this.calendar.isWorkingDay(DateTime.fromISO(this.date(key), { zone: BUSINESS_TIME_ZONE }));
      this.working.set(key, w);
    }
    return w;
  }

  /** The working days from `from` (inclusive) to `to` (exclusive), as local midnights. */
  workingDaysBetween(from: number, to: number): number[] {
    const days: number[] = [];
    for (let d = this.day(from); d < to; d += DAY) if (this.isWorkingDay(d)) days.push(d);
    return days;
  }

  /** A random instant within office hours of a day. */
  duringOfficeHours(day: number, rng: Rng): number {
    return this.day(day) + rng.int(OPEN_MINUTE, CLOSE_MINUTE - 1) * MINUTE + rng.int(0, 59) * 1000;
  }

  /** Closing time (17:30) of the day of an instant. */
  closeOf(at: number): number {
    return this.day(at) + CLOSE_MINUTE * MINUTE;
  }

  /** The instant `minutes` of office time after `at` (nights, weekends and holidays do not count). */
  afterWorkingMinutes(at: number, minutes: number): number {
    let t = this.nextOpen(at);
    let left = Math.max(1, Math.round(minutes)) * MINUTE;
    for (;;) {
      const close = this.closeOf(t);
      if (t + left <= close) return t + left;
      left -= close - t;
      t = this.nextOpen(close + MINUTE);
    }
  }

  /** `at` when it is within office hours of a working day, else the next opening. */
  nextOpen(at: number): number {
    let day = this.day(at);
    const minuteOfDay = (at - day) / MINUTE;
    if (this.isWorkingDay(day) && minuteOfDay >= OPEN_MINUTE && minuteOfDay < CLOSE_MINUTE) return at;
    if (minuteOfDay >= OPEN_MINUTE) day += DAY;
    while (!this.isWorkingDay(day)) day += DAY;
    return day + OPEN_MINUTE * MINUTE;
  }

  /** An instant at a random office time `n` working days after `at`'s day (0: later the same working day, or the next). */
  afterWorkingDays(at: number, n: number, rng: Rng): number {
    let day = this.day(at);
    let left = n;
    while (left > 0) {
      day += DAY;
      if (this.isWorkingDay(day)) left--;
    }
    while (!this.isWorkingDay(day)) day += DAY;
    const t = this.duringOfficeHours(day, rng);
    return t > at ? t : this.afterWorkingMinutes(at, rng.int(5, 60));
  }
}
