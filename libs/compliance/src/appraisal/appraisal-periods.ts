import type { Period } from '@app/policies';
import { periodBounds, validPeriodKey } from '../domain/compliance-compute';

/** The periods an appraisal or a bulletin is made for, and the form of their keys (those of compliance: domain/compliance-compute.ts). */
export type ReportPeriod = Extract<Period, 'month' | 'quarter' | 'semester' | 'year'>;
export const REPORT_PERIODS: readonly ReportPeriod[] = ['month', 'quarter', 'semester', 'year'];

export const PERIOD_KEY_EXAMPLES: Record<ReportPeriod, string> = { year: '2026', semester: '2026-H1', quarter: '2026-Q1', month: '2026-03' };
/** Any period key (the route parameter's form). */
export const PERIOD_KEY = /^\d{4}(-H[12]|-Q[1-4]|-(0[1-9]|1[0-2]))?$/;

/** The kind of period a key names (2026 year, 2026-H1 semester, 2026-Q1 quarter, 2026-03 month), undefined otherwise. */
export function periodOfKey(key: string): ReportPeriod | undefined {
  return REPORT_PERIODS.find((p) => validPeriodKey(p, key));
}

/** The period's business dates, both ends included (YYYY-MM-DD); undefined when the key is not of the period's form. */
export function periodDates(period: ReportPeriod, key: string): { from: string; to: string } | undefined {
  if (!validPeriodKey(period, key)) return undefined;
  const { from, to } = periodBounds(period, key, 'UTC');
  return { from, to };
}
