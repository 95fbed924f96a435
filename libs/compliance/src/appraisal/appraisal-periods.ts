import type { Period } from '@app/policies';

/** The periods an appraisal or a bulletin is made for, and the form of their keys. */
export type ReportPeriod = Extract<Period, 'month' | 'quarter' | 'semester' | 'year'>;
export const REPORT_PERIODS: readonly ReportPeriod[] = ['month', 'quarter', 'semester', 'year'];

const KEY_FORMS: Record<ReportPeriod, RegExp> = {
  year: /^(\d{4})$/,
  semester: /^(\d{4})-H([12])$/,
  quarter: /^(\d{4})-Q([1-4])$/,
  month: /^(\d{4})-(0[1-9]|1[0-2])$/,
};
export const PERIOD_KEY_EXAMPLES: Record<ReportPeriod, string> = { year: '2026', semester: '2026-H1', quarter: '2026-Q1', month: '2026-03' };
/** Any period key (the route parameter's form). */
export const PERIOD_KEY = /^\d{4}(-H[12]|-Q[1-4]|-(0[1-9]|1[0-2]))?$/;

/** The kind of period a key names (2026 year, 2026-H1 semester, 2026-Q1 quarter, 2026-03 month), undefined otherwise. */
export function periodOfKey(key: string): ReportPeriod | undefined {
  return REPORT_PERIODS.find((p) => KEY_FORMS[p].test(key));
}

/** The period's business dates, both ends included (YYYY-MM-DD); undefined when the key is not of the period's form. */
export function periodDates(period: ReportPeriod, key: string): { from: string; to: string } | undefined {
  const m = KEY_FORMS[period].exec(key);
  if (!m) return undefined;
  const y = Number(m[1]);
  const pad = (n: number) => String(n).padStart(2, '0');
  const lastDay = (month: number) => new Date(Date.UTC(y, month, 0)).getUTCDate();
  const months = (first: number, last: number) => ({ from: `${y}-${pad(first)}-01`, to: `${y}-${pad(last)}-${pad(lastDay(last))}` });
  switch (period) {
    case 'year':
      return months(1, 12);
    case 'semester':
      return m[2] === '1' ? months(1, 6) : months(7, 12);
    case 'quarter': {
      const q = Number(m[2]);
      return months(q * 3 - 2, q * 3);
    }
    case 'month':
      return months(Number(m[2]), Number(m[2]));
  }
}

/** An instant's business date (YYYY-MM-DD) in a time zone. */
export function businessDateOf(instant: string, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date(instant));
}
