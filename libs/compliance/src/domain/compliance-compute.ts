import { DateTime } from 'luxon';
import { businessDate } from '@app/access';
import { type CompiledPolicy, type GradingRule, type QuotaRule, reaches } from '@app/policies';
import type { CompliancePeriod, IncidentOutcome, LateItem, PenaltyLine, QuotaOutcome, UnitCompliance } from '../read/compliance-report';

/**
 * Compliance per unit and period (issue 11 item 4, regulations §4.1-4.3), a pure function of facts folded from
 * the log (the compliance projection's tables) and the policies in force. No clock: a period is final once a
 * BusinessPeriodEnded whose end is at or after the period's end has been read.
 */

export interface ItemFacts {
  readonly draftId: string;
  readonly unitId: string;
  readonly title: string;
  readonly contentType: string;
  readonly eventDate: string | null;
  readonly commissionId: string | null;
  readonly submittedAt: string | null;
  readonly adoptions: readonly { readonly levelKey: string; readonly at: string }[];
  readonly publications: readonly { readonly levelKey: string; readonly at: string }[];
  readonly retracted: boolean;
}

export interface CommissionFacts {
  readonly commissionId: string;
  readonly unitIds: readonly string[];
  readonly deadline: string;
  readonly cancelled: boolean;
  readonly elapsed: boolean;
}

export interface IncidentStepFacts {
  readonly step: IncidentOutcome['step'];
  readonly deadlineId: string | null;
  readonly dueAt: string;
  readonly filedAt: string | null;
  readonly verdict: 'on_time' | 'late' | 'concealed' | null;
  readonly lateByMinutes: number;
  readonly elapsed: boolean;
}

export interface IncidentFacts {
  readonly incidentId: string;
  readonly unitId: string;
  readonly title: string;
  readonly occurredAt: string;
  readonly steps: readonly IncidentStepFacts[];
}

export interface UnitFacts {
  readonly unitId: string;
  readonly name: string;
  readonly unitType: string;
  /** The business date the unit was registered: periods that ended before it are not counted as missed. */
  readonly since?: string;
}

export interface ComplianceWorld {
  readonly timeZone: string;
  readonly inForce: (unitType: string, businessDate: string) => readonly CompiledPolicy[];
  readonly items: readonly ItemFacts[];
  readonly commissions: readonly CommissionFacts[];
  readonly incidents: readonly IncidentFacts[];
  /** endedAt of every BusinessPeriodEnded read in the time zone (ISO instants). */
  readonly periodsEndedAt: readonly string[];
}

const LEVEL_ORDER = ['unit', 'county', 'city', 'province', 'national'];

/** The period key of a business date (YYYY-MM-DD): 2026-11, 2026-Q4, 2026-H2, 2026. */
export function periodKeyOf(period: CompliancePeriod, date: string): string {
  const y = date.slice(0, 4);
  const m = Number(date.slice(5, 7));
  switch (period) {
    case 'month':
      return date.slice(0, 7);
    case 'quarter':
      return `${y}-Q${Math.ceil(m / 3)}`;
    case 'semester':
      return `${y}-H${m <= 6 ? 1 : 2}`;
    case 'year':
      return y;
  }
}

const KEY_PATTERNS: Record<CompliancePeriod, RegExp> = {
  month: /^\d{4}-(0[1-9]|1[0-2])$/,
  quarter: /^\d{4}-Q[1-4]$/,
  semester: /^\d{4}-H[12]$/,
  year: /^\d{4}$/,
};

export function validPeriodKey(period: CompliancePeriod, key: string): boolean {
  return KEY_PATTERNS[period].test(key);
}

/** First month (1-12) and number of months of a period key. */
function monthsOf(period: CompliancePeriod, key: string): { year: number; month: number; months: number } {
  const year = Number(key.slice(0, 4));
  switch (period) {
    case 'month':
      return { year, month: Number(key.slice(5, 7)), months: 1 };
    case 'quarter':
      return { year, month: (Number(key.slice(6)) - 1) * 3 + 1, months: 3 };
    case 'semester':
      return { year, month: key.endsWith('1') ? 1 : 7, months: 6 };
    case 'year':
      return { year, month: 1, months: 12 };
  }
}

/** The period's bounds in the time zone: first instant (inclusive), end (exclusive), first and last business dates. */
export function periodBounds(period: CompliancePeriod, key: string, timeZone: string) {
  const { year, month, months } = monthsOf(period, key);
  const start = DateTime.fromObject({ year, month, day: 1 }, { zone: timeZone });
  const end = start.plus({ months });
  return { startsAt: start.toUTC().toISO()!, endsAt: end.toUTC().toISO()!, from: start.toISODate()!, to: end.minus({ days: 1 }).toISODate()! };
}

/** The key of the period before. */
export function previousPeriodKey(period: CompliancePeriod, key: string): string {
  const { year, month, months } = monthsOf(period, key);
  const d = DateTime.fromObject({ year, month, day: 1 }, { zone: 'utc' }).minus({ months });
  return periodKeyOf(period, d.toISODate()!);
}

/** An instant's business date in the time zone: the shared helper of @app/access (the one the reminders use). */
export function businessDateIn(at: string, timeZone: string): string {
  return businessDate(new Date(at), timeZone);
}

function levelAtLeast(level: string, min: string | undefined): boolean {
  if (!min) return true;
  const a = LEVEL_ORDER.indexOf(level);
  const b = LEVEL_ORDER.indexOf(min);
  return a < 0 || b < 0 ? level === min : a >= b;
}

/** The instant an item counts for a quota, or null when it does not count (retracted, not yet, below minLevel). */
function countedAt(item: ItemFacts, counts: QuotaRule['counts']): string | null {
  if (item.retracted) return null;
  if (counts.contentTypes && counts.contentTypes.length > 0 && !counts.contentTypes.includes(item.contentType)) return null;
  if (counts.outcome === 'submitted') return item.submittedAt;
  const list = counts.outcome === 'adopted' ? item.adoptions : item.publications;
  const at = list.filter((o) => levelAtLeast(o.levelKey, counts.minLevel)).map((o) => o.at).sort();
  return at[0] ?? null;
}

/** A quota's outcome for a unit in a period (R4.09/R4.10: monthly minimums; boundary as the policy declares). */
export function quotaOutcome(policy: CompiledPolicy, quota: QuotaRule, unitId: string, items: readonly ItemFacts[], period: CompliancePeriod, key: string, timeZone: string): QuotaOutcome {
  // ownUnitOnly: only the unit's own items count (items are owned by their submitting unit, so both read the same here)
  const delivered = items.filter((i) => i.unitId === unitId).filter((i) => {
    const at = countedAt(i, quota.counts);
    return at !== null && periodKeyOf(period, businessDateIn(at, timeZone)) === key;
  }).length;
  const met = reaches(delivered, quota.minimum, quota.boundary);
  const shortfall = met ? 0 : Math.max(1, quota.minimum - delivered + (quota.boundary === 'exclusive' ? 1 : 0));
  return {
    quotaId: quota.id,
    policyId: policy.document.id,
    policyVersion: policy.document.version,
    counts: { outcome: quota.counts.outcome, contentTypes: quota.counts.contentTypes ? [...quota.counts.contentTypes] : null },
    required: quota.boundary === 'exclusive' ? quota.minimum + 1 : quota.minimum,
    delivered,
    shortfall,
    met,
  };
}

/** The quotas of a period kind in force for a unit type on a date, with their policy. */
function quotasInForce(policies: readonly CompiledPolicy[], unitType: string, period: CompliancePeriod) {
  return policies.flatMap((p) => p.quotasFor(unitType).filter((q) => q.period === period).map((q) => ({ policy: p, quota: q })));
}

/** The periods a unit's compliance is reported for under the policies: the month always, plus those named. */
export function reportedPeriods(policies: readonly CompiledPolicy[]): CompliancePeriod[] {
  const named = new Set<string>(['month']);
  for (const p of policies) {
    for (const x of p.document.rules.compliance?.periods ?? []) named.add(x);
    for (const q of p.document.rules.quotas ?? []) named.add(q.period);
  }
  return (['month', 'quarter', 'semester', 'year'] as const).filter((x) => named.has(x));
}

/** How many periods of this kind in a row, ending with this one, missed quota `quotaId` (0 when this one met it). */
function consecutiveMissed(world: ComplianceWorld, unit: UnitFacts, quotaId: string, period: CompliancePeriod, key: string, limit = 36): number {
  let n = 0;
  let k = key;
  while (n < limit) {
    const bounds = periodBounds(period, k, world.timeZone);
    if (unit.since && bounds.to < unit.since) break;
    const found = quotasInForce(world.inForce(unit.unitType, bounds.to), unit.unitType, period).find((x) => x.quota.id === quotaId);
    if (!found) break;
    const outcome = quotaOutcome(found.policy, found.quota, unit.unitId, world.items, period, k, world.timeZone);
    if (outcome.met) break;
    n += 1;
    k = previousPeriodKey(period, k);
  }
  return n;
}

/** Score on the grading scale: weighted components (100 x ratio each), plus penalty points, clamped to [0, scale]. */
export function gradeOf(grading: GradingRule, components: Readonly<Record<string, number>>, penaltyPoints: number) {
  let weighted = 0;
  for (const c of grading.components) weighted += ((components[c.key] ?? 100) * c.weight) / 100;
  const raw = (weighted * grading.scale) / 100 + penaltyPoints;
  const score = Math.min(grading.scale, Math.max(0, Math.round(raw * 100) / 100));
  const band = grading.bands.find((b) => reaches(score, b.min, b.boundary)) ?? null;
  return { score, scale: grading.scale, grade: band ? { key: band.key, name: band.name } : null };
}

/** One unit's compliance for a period. */
export function unitCompliance(world: ComplianceWorld, unit: UnitFacts, period: CompliancePeriod, key: string): UnitCompliance {
  const tz = world.timeZone;
  const bounds = periodBounds(period, key, tz);
  const inPeriod = (at: string | null) => at !== null && periodKeyOf(period, businessDateIn(at, tz)) === key;
  const policies = world.inForce(unit.unitType, bounds.to);
  const used = new Map<string, { policyId: string; policyVersion: number }>();
  const use = (p: CompiledPolicy) => used.set(`${p.document.id}@${p.document.version}`, { policyId: p.document.id, policyVersion: p.document.version });

  const own = world.items.filter((i) => i.unitId === unit.unitId && !i.retracted);
  const submittedItems = own.filter((i) => inPeriod(i.submittedAt));
  const adopted = own.filter((i) => inPeriod(i.adoptions.map((a) => a.at).sort()[0] ?? null)).length;

  // quotas (R4.01-R4.19) and their penalties and escalation (R4.37)
  const quotas: QuotaOutcome[] = [];
  const penalties: PenaltyLine[] = [];
  let escalation: UnitCompliance['escalation'] = null;
  let maxConsecutive = 0;
  for (const { policy, quota } of quotasInForce(policies, unit.unitType, period)) {
    use(policy);
    const outcome = quotaOutcome(policy, quota, unit.unitId, world.items, period, key, tz);
    quotas.push(outcome);
    const consecutive = outcome.met ? 0 : consecutiveMissed(world, unit, quota.id, period, key);
    maxConsecutive = Math.max(maxConsecutive, consecutive);
    const result = policy.penalties({ quotaId: quota.id, facts: [], missing: outcome.shortfall, consecutiveMissedPeriods: consecutive, lateReports: 0 });
    for (const l of result.lines) penalties.push({ ruleId: l.provenance.ruleId, policyId: policy.document.id, points: l.points, reason: `${quota.id}: ${l.reason}` });
    for (const e of result.escalations) {
      const steps = (policy.document.rules.penalties ?? []).find((p) => p.id === e.provenance.ruleId);
      const step = steps && steps.kind === 'consecutive_miss_escalation' ? [...steps.steps].sort((a, b) => b.consecutive - a.consecutive).find((s) => consecutive >= s.consecutive) : undefined;
      if (!escalation || (step?.consecutive ?? 0) > escalation.consecutive) escalation = { ruleId: e.provenance.ruleId, consecutive: step?.consecutive ?? consecutive, action: e.action };
    }
  }

  // timeliness (R4.20 news within 2 days, R4.21 leader visits within 1 day, R4.22 research within 5 working days),
  // recomputed from eventDate and submittedAt under the policy in force at submission
  const lateItems: LateItem[] = [];
  let timed = 0;
  for (const item of submittedItems) {
    const date = businessDateIn(item.submittedAt!, tz);
    const policy = world.inForce(unit.unitType, date).find((p) => p.deadlineRuleFor(item.contentType));
    if (!policy) continue;
    const t = policy.timeliness(item.contentType, item.eventDate, new Date(item.submittedAt!));
    if (!t.deadline) continue;
    use(policy);
    timed += 1;
    if (t.late) lateItems.push({ draftId: item.draftId, title: item.title, ruleId: t.rule!.id, dueAt: t.deadline.toISOString(), submittedAt: new Date(item.submittedAt!).toISOString(), lateByMinutes: t.lateByMinutes });
  }

  // incidents: each step's verdict; a due that elapsed with nothing filed is missed until filed (counted in the month of occurrence)
  const outcomes: IncidentOutcome[] = [];
  for (const inc of world.incidents.filter((i) => i.unitId === unit.unitId && inPeriod(i.occurredAt))) {
    for (const s of inc.steps) {
      const verdict = s.verdict ?? (s.elapsed ? 'missed' : null);
      if (!verdict) continue;
      outcomes.push({ incidentId: inc.incidentId, title: inc.title, step: s.step, verdict, dueAt: s.dueAt, filedAt: s.filedAt, lateByMinutes: s.lateByMinutes });
    }
  }
  const count = (v: IncidentOutcome['verdict']) => outcomes.filter((o) => o.verdict === v).length;

  // commissions (约稿, R2.23) whose deadline falls in the period
  let commissioned = 0;
  let answeredOnTime = 0;
  let answeredLate = 0;
  let missed = 0;
  for (const c of world.commissions.filter((c) => !c.cancelled && c.unitIds.includes(unit.unitId) && inPeriod(c.deadline))) {
    const answers = world.items.filter((i) => i.commissionId === c.commissionId && i.unitId === unit.unitId && i.submittedAt && !i.retracted).map((i) => i.submittedAt!).sort();
    if (answers.length > 0) {
      commissioned += 1;
      if (Date.parse(answers[0]!) <= Date.parse(c.deadline)) answeredOnTime += 1;
      else answeredLate += 1;
    } else if (c.elapsed) {
      commissioned += 1;
      missed += 1;
    }
  }

  // per_late_report penalties: late items and late or concealed incident steps
  const lateReports = lateItems.length + count('late') + count('concealed') + count('missed');
  // the grading of the policy that declares compliance first (another policy's grading may grade something else)
  const grading = policies.find((p) => p.document.rules.compliance && p.document.rules.grading) ?? policies.find((p) => p.document.rules.grading);
  for (const p of policies) {
    for (const rule of p.document.rules.penalties ?? []) {
      if (rule.kind === 'per_late_report' && lateReports > 0) {
        use(p);
        penalties.push({ ruleId: rule.id, policyId: p.document.id, points: rule.points * lateReports, reason: `${lateReports} late` });
      }
    }
  }

  let score: number | null = null;
  let scale: number | null = null;
  let grade: UnitCompliance['grade'] = null;
  if (grading) {
    use(grading);
    const ratio = (a: number, b: number) => (b === 0 ? 100 : (100 * a) / b);
    const required = quotas.reduce((s, q) => s + q.required, 0);
    const delivered = quotas.reduce((s, q) => s + Math.min(q.delivered, q.required), 0);
    const components = {
      quota: ratio(delivered, required),
      quantity: ratio(delivered, required),
      timeliness: ratio(timed - lateItems.length, timed),
      incidents: ratio(count('on_time'), outcomes.length),
      commissions: ratio(answeredOnTime, commissioned),
    };
    const g = gradeOf(grading.document.rules.grading!, components, penalties.reduce((s, l) => s + l.points, 0));
    score = g.score;
    scale = g.scale;
    grade = g.grade;
  }

  const final = world.periodsEndedAt.some((e) => Date.parse(e) >= Date.parse(bounds.endsAt));
  return {
    unitId: unit.unitId,
    unitName: unit.name,
    unitType: unit.unitType,
    period,
    periodKey: key,
    startsAt: bounds.startsAt,
    endsAt: bounds.endsAt,
    status: final ? 'final' : 'provisional',
    submitted: submittedItems.length,
    adopted,
    adoptionRate: submittedItems.length === 0 ? 0 : Math.round((adopted / submittedItems.length) * 10_000) / 10_000,
    quotas,
    shortfall: quotas.reduce((s, q) => s + q.shortfall, 0),
    consecutiveMissed: maxConsecutive,
    escalation,
    timeliness: { items: timed, onTime: timed - lateItems.length, late: lateItems.length, lateItems },
    incidents: { steps: outcomes.length, onTime: count('on_time'), late: count('late'), concealed: count('concealed'), missed: count('missed'), outcomes },
    commissions: { commissioned, answeredOnTime, answeredLate, missed },
    penalties,
    score,
    scale,
    grade,
    policies: [...used.values()],
  };
}

/** Every unit's compliance for a period, ranked by score (highest first; no score last), then name. */
export function periodCompliance(world: ComplianceWorld, units: readonly UnitFacts[], period: CompliancePeriod, key: string): UnitCompliance[] {
  const rows = units.map((u) => unitCompliance(world, u, period, key));
  return rows.sort((a, b) => (b.score ?? -1) - (a.score ?? -1) || a.unitName.localeCompare(b.unitName) || a.unitId.localeCompare(b.unitId));
}
