import { createHash } from 'node:crypto';
import { canonicalJson } from '@app/kernel';
import type { UnitCompliance } from '../read/compliance-report';
import type { ReportPeriod } from '../appraisal/appraisal-periods';

/** A unit's row of the leaderboard (the rewards context's unit leaderboard by points for the period's dates). */
export interface UnitPoints {
  readonly id: string;
  readonly name: string | null;
  readonly points: number;
  readonly submitted: number;
  readonly adopted: number;
  readonly adoptionRate: number | null;
}

export interface BulletinUnitRow {
  readonly rank: number;
  readonly unitId: string;
  readonly unitName: string;
  readonly points: number;
  readonly submitted: number;
  readonly adopted: number;
  /** The compliance report's adoption rate (the share of the items submitted in the period adopted so far), or adopted / submitted without a compliance row (4 decimals, 0 when nothing was submitted). */
  readonly adoptionRate: number;
  /** From the compliance report; null when it has no row for the unit. */
  readonly shortfall: number | null;
  readonly consecutiveMissed: number | null;
  readonly escalation: string | null;
  readonly lateItems: number | null;
  readonly lateIncidentReports: number | null;
  readonly concealedIncidentReports: number | null;
  readonly score: number | null;
  readonly grade: string | null;
}

/** What a bulletin (通报) says: built from the compliance rows and the rewards points of one period, nothing else. */
export interface BulletinContent {
  readonly format: 'baosong.bulletin/1';
  readonly institution: string;
  readonly title: string;
  readonly period: ReportPeriod;
  readonly key: string;
  readonly from: string;
  readonly to: string;
  /** final once every compliance row of the period is final (its BusinessPeriodEnded read); provisional otherwise. */
  readonly status: 'provisional' | 'final';
  readonly policy: { readonly policyId: string; readonly policyVersion: number; readonly ruleId: string };
  readonly totals: { readonly units: number; readonly points: number; readonly submitted: number; readonly adopted: number; readonly adoptionRate: number };
  readonly units: readonly BulletinUnitRow[];
  /** Named shortfalls and the escalation step reached (R4.37: 点名通报, notice to the principal leader, targeted help). */
  readonly shortfalls: readonly { readonly unitId: string; readonly unitName: string; readonly shortfall: number; readonly consecutiveMissed: number; readonly escalation: string | null }[];
  /** Late (迟报), concealed (瞒报) or missed incident reports of the period. */
  readonly lateReports: readonly { readonly unitId: string; readonly unitName: string; readonly incidentId: string; readonly title: string; readonly step: string; readonly verdict: string; readonly dueAt: string; readonly lateByMinutes: number }[];
  /** Whether compliance figures were available when it was built (the compliance report answered). */
  readonly compliance: boolean;
}

const rate = (adopted: number, submitted: number) => (submitted === 0 ? 0 : Math.round((adopted / submitted) * 10_000) / 10_000);

/**
 * The bulletin of a period (pure): units ranked by points (competition ranking, ties by name then id), each with
 * its items submitted and adopted, adoption rate, shortfall, escalation, late items and incident reports, score and
 * grade; the named shortfalls and the late or concealed reports. Units with points but no compliance row and the
 * other way round are both listed.
 */
export function buildBulletin(input: {
  institution: string;
  title: string;
  period: ReportPeriod;
  key: string;
  from: string;
  to: string;
  policy: BulletinContent['policy'];
  points: readonly UnitPoints[];
  compliance: readonly UnitCompliance[] | null;
}): BulletinContent {
  const compliance = new Map((input.compliance ?? []).map((c) => [c.unitId, c]));
  const points = new Map(input.points.map((p) => [p.id, p]));
  const ids = [...new Set([...points.keys(), ...compliance.keys()])];
  const rows = ids.map((unitId) => {
    const p = points.get(unitId);
    const c = compliance.get(unitId);
    const submitted = c?.submitted ?? p?.submitted ?? 0;
    const adopted = c?.adopted ?? p?.adopted ?? 0;
    return {
      unitId,
      unitName: c?.unitName ?? p?.name ?? unitId,
      points: p?.points ?? 0,
      submitted,
      adopted,
      adoptionRate: c ? c.adoptionRate : rate(adopted, submitted),
      shortfall: c ? c.shortfall : null,
      consecutiveMissed: c ? c.consecutiveMissed : null,
      escalation: c?.escalation?.action ?? null,
      lateItems: c ? c.timeliness.late : null,
      lateIncidentReports: c ? c.incidents.late : null,
      concealedIncidentReports: c ? c.incidents.concealed : null,
      score: c ? c.score : null,
      grade: c?.grade?.name ?? null,
    };
  });
  rows.sort((a, b) => b.points - a.points || a.unitName.localeCompare(b.unitName, 'zh') || a.unitId.localeCompare(b.unitId));
  let rank = 0;
  const units = rows.map((r, i) => {
    if (i === 0 || r.points !== rows[i - 1]!.points) rank = i + 1;
    return { rank, ...r };
  });
  const cs = [...compliance.values()].sort((a, b) => a.unitName.localeCompare(b.unitName, 'zh') || a.unitId.localeCompare(b.unitId));
  const submitted = units.reduce((s, u) => s + u.submitted, 0);
  const adopted = units.reduce((s, u) => s + u.adopted, 0);
  return {
    format: 'baosong.bulletin/1',
    institution: input.institution,
    title: input.title,
    period: input.period,
    key: input.key,
    from: input.from,
    to: input.to,
    status: input.compliance && input.compliance.length > 0 && input.compliance.every((c) => c.status === 'final') ? 'final' : 'provisional',
    policy: input.policy,
    totals: { units: units.length, points: units.reduce((s, u) => s + u.points, 0), submitted, adopted, adoptionRate: rate(adopted, submitted) },
    units,
    shortfalls: cs.filter((c) => c.shortfall > 0).map((c) => ({ unitId: c.unitId, unitName: c.unitName, shortfall: c.shortfall, consecutiveMissed: c.consecutiveMissed, escalation: c.escalation?.action ?? null })),
    lateReports: cs.flatMap((c) =>
      c.incidents.outcomes
        .filter((o) => o.verdict !== 'on_time')
        .map((o) => ({ unitId: c.unitId, unitName: c.unitName, incidentId: o.incidentId, title: o.title, step: o.step, verdict: o.verdict, dueAt: o.dueAt, lateByMinutes: o.lateByMinutes })),
    ),
    compliance: input.compliance !== null,
  };
}

/** sha256 (hex) of the content's canonical JSON: what BulletinIssued records and an issued read verifies. */
export function bulletinChecksum(content: unknown): string {
  return createHash('sha256').update(canonicalJson(content)).digest('hex');
}

const PERIOD_NAMES: Record<ReportPeriod, (key: string) => string> = {
  year: (k) => `${k}年`,
  semester: (k) => `${k.slice(0, 4)}年${k.endsWith('H1') ? '上半年' : '下半年'}`,
  quarter: (k) => `${k.slice(0, 4)}年第${['一', '二', '三', '四'][Number(k.slice(-1)) - 1]}季度`,
  month: (k) => `${k.slice(0, 4)}年${Number(k.slice(5, 7))}月`,
};

/** The period in Chinese: 2026年3月, 2026年第一季度, 2026年上半年, 2026年. */
export const periodName = (period: ReportPeriod, key: string): string => PERIOD_NAMES[period](key);
