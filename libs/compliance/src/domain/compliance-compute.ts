import { DateTime } from 'luxon';
import { businessDateAt } from '@app/access';
import { firstReportVerdict, stepVerdict } from '@app/incidents';
import { type CompiledPolicy, gradeScore, type GradingRule, quotaReached, type QuotaRule } from '@app/policies';
import type { CompliancePeriod, IncidentOutcome, LateItem, PenaltyLine, QuotaOutcome, UnitCompliance } from '../read/compliance-report';

/**
 * Compliance per unit and period (issue 11 item 4, regulations §4.1-4.3), a pure function of facts folded from
 * the log (the compliance projection's tables) and the policies in force. No clock: a period is final once a
 * BusinessPeriodEnded whose end is at or after the period's end has been read, and then counts only the facts
 * recorded up to that event's log position (a fact dated in it but recorded later counts in the period it was
 * recorded in, as an adjustment: Placement); policies are always those in force now, so a retroactive version or a
 * what-if re-evaluates final periods too.
 */

/**
 * A fact as the log holds it: `at` is the instant it states (submitted, adopted, filed, the due that elapsed),
 * `recordedAt` when it was recorded, `position` its global log position. A final period counts only the facts at
 * or before the position of the BusinessPeriodEnded that made it final.
 */
export interface Recorded {
  readonly at: string;
  readonly recordedAt: string;
  readonly position: number;
}

export interface ItemFacts {
  readonly draftId: string;
  readonly unitId: string;
  readonly title: string;
  readonly contentType: string;
  readonly eventDate: string | null;
  readonly commissionId: string | null;
  /** The first submission (a resubmission after rework keeps it). */
  readonly submitted: Recorded | null;
  readonly adoptions: readonly (Recorded & { readonly levelKey: string })[];
  readonly publications: readonly (Recorded & { readonly levelKey: string })[];
  readonly retracted: Recorded | null;
  /** The last event folded in (a redelivered event at or before it changes nothing). */
  readonly position: number;
}

export interface CommissionFacts {
  readonly commissionId: string;
  readonly unitIds: readonly string[];
  readonly deadline: string;
  readonly issuedAt: number;
  readonly cancelled: Recorded | null;
  readonly elapsed: Recorded | null;
  readonly position: number;
}

/**
 * An incident's anchors and filings (libs/incidents/src/domain/incident.events.ts): its verdicts are decided when
 * compliance is computed, from these times and the incident rules of the policy in force (so a what-if or a
 * retroactive version of the rules re-decides them), never read from the verdicts the incident recorded.
 */
export interface IncidentFacts {
  readonly incidentId: string;
  readonly unitId: string;
  readonly title: string;
  readonly occurredAt: string;
  readonly discoveredAt: string;
  /** The policy version it was reported under (used when no version with incident rules is in force for it now). */
  readonly policy: { readonly policyId: string; readonly policyVersion: number } | null;
  /** The first report: `at` is the reported time it states (the phone call). */
  readonly reported: Recorded;
  readonly written: Recorded | null;
  readonly followUps: readonly Recorded[];
  /** 立案: `at` is the filing time it states. */
  readonly caseFiled: Recorded | null;
  readonly caseReported: Recorded | null;
  readonly finalReport: Recorded | null;
  readonly closed: Recorded | null;
  /** DeadlineElapsed of its stream: `at` is the due time that passed (a time fact). */
  readonly elapsed: readonly Recorded[];
  readonly position: number;
}

export interface UnitFacts {
  readonly unitId: string;
  readonly name: string;
  readonly unitType: string;
  /** The business date the unit was registered: periods that ended before it are not counted as missed. */
  readonly since?: string;
}

/** A BusinessPeriodEnded read in the time zone. */
export interface PeriodEnd {
  readonly endedAt: string;
  readonly position: number;
}

/** The facts, indexed by unit (every figure of a unit reads only its own). */
export interface FactIndex {
  itemsOf(unitId: string): readonly ItemFacts[];
  incidentsOf(unitId: string): readonly IncidentFacts[];
  commissionsOf(unitId: string): readonly CommissionFacts[];
  /** Items answering a commission (any unit). */
  answersOf(commissionId: string): readonly ItemFacts[];
  readonly periodEnds: readonly PeriodEnd[];
}

export interface ComplianceWorld extends FactIndex {
  readonly timeZone: string;
  readonly inForce: (unitType: string, businessDate: string) => readonly CompiledPolicy[];
  /** A published policy version by id and version (superseded ones too), or undefined. */
  readonly policyVersion: (policyId: string, version: number) => CompiledPolicy | undefined;
}

/** Indexes the facts by unit and commission. */
export function indexFacts(facts: { items: readonly ItemFacts[]; commissions: readonly CommissionFacts[]; incidents: readonly IncidentFacts[]; periodEnds: readonly PeriodEnd[] }): FactIndex {
  const group = <T>(rows: readonly T[], keys: (row: T) => readonly (string | null)[]) => {
    const map = new Map<string, T[]>();
    for (const row of rows) for (const k of keys(row)) if (k !== null) (map.get(k) ?? map.set(k, []).get(k)!).push(row);
    return map;
  };
  const items = group(facts.items, (i) => [i.unitId]);
  const answers = group(facts.items, (i) => [i.commissionId]);
  const incidents = group(facts.incidents, (i) => [i.unitId]);
  const commissions = group(facts.commissions, (c) => c.unitIds);
  return {
    itemsOf: (unitId) => items.get(unitId) ?? [],
    incidentsOf: (unitId) => incidents.get(unitId) ?? [],
    commissionsOf: (unitId) => commissions.get(unitId) ?? [],
    answersOf: (commissionId) => answers.get(commissionId) ?? [],
    periodEnds: facts.periodEnds,
  };
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
  return businessDateAt(at, timeZone);
}

function levelAtLeast(level: string, min: string | undefined): boolean {
  if (!min) return true;
  const a = LEVEL_ORDER.indexOf(level);
  const b = LEVEL_ORDER.indexOf(min);
  return a < 0 || b < 0 ? level === min : a >= b;
}

/** Positions up to the cutoff are counted: the whole log for a provisional period. */
const OPEN = Number.POSITIVE_INFINITY;
const seen = <T extends Recorded>(fact: T | null, cutoff: number): T | null => (fact && fact.position <= cutoff ? fact : null);

/**
 * The log position up to which a period's facts count: that of the first BusinessPeriodEnded (in log order) whose
 * end is at or after the period's end, which made the period final; OPEN while the period is provisional.
 */
export function cutoffOf(world: Pick<FactIndex, 'periodEnds'>, endsAt: string): number {
  let cutoff = OPEN;
  const end = Date.parse(endsAt);
  for (const e of world.periodEnds) if (Date.parse(e.endedAt) >= end && e.position < cutoff) cutoff = e.position;
  return cutoff;
}

/**
 * Where facts count for one period: in the period of the instant they state, unless that period was already final
 * when they were recorded (their position is after its BusinessPeriodEnded): then in the period they were recorded
 * in, as an adjustment. So a final period never changes, and nothing recorded late is lost.
 */
export interface Placement {
  /** The position up to which facts count (OPEN while the period is provisional). */
  readonly cutoff: number;
  /** Whether an instant falls in this period (a due, a deadline: times that are not facts recorded). */
  holds(at: string): boolean;
  /** Whether the fact counts in this period. */
  counts(fact: Recorded | null | undefined): boolean;
  /** Whether it counts here though dated in an earlier period that was final when it was recorded. */
  carried(fact: Recorded): boolean;
}

const cutoffCache = new WeakMap<readonly PeriodEnd[], Map<string, number>>();

/** The placement of facts for a period (the cutoffs of the periods they are dated in are computed once per world). */
export function placement(world: Pick<FactIndex, 'periodEnds'> & { readonly timeZone: string }, period: CompliancePeriod, key: string): Placement {
  let cache = cutoffCache.get(world.periodEnds);
  if (!cache) cutoffCache.set(world.periodEnds, (cache = new Map()));
  const cutoffOfKey = (k: string) => {
    const id = `${period}|${k}`;
    let c = cache!.get(id);
    if (c === undefined) cache!.set(id, (c = cutoffOf(world, periodBounds(period, k, world.timeZone).endsAt)));
    return c;
  };
  const keyOf = (at: string) => periodKeyOf(period, businessDateIn(at, world.timeZone));
  const cutoff = cutoffOfKey(key);
  const carried = (f: Recorded) => {
    const dated = keyOf(f.at);
    return dated !== key && cutoffOfKey(dated) < f.position && keyOf(f.recordedAt) === key;
  };
  return {
    cutoff,
    holds: (at) => keyOf(at) === key,
    counts: (f) => !!f && f.position <= cutoff && (keyOf(f.at) === key || carried(f)),
    carried: (f) => f.position <= cutoff && carried(f),
  };
}

/** The fact by which an item counts for a quota (its submission, or its first adoption or publication at minLevel), or null. */
function countingFact(item: ItemFacts, counts: QuotaRule['counts'], cutoff: number): Recorded | null {
  if (seen(item.retracted, cutoff)) return null;
  if (counts.contentTypes && counts.contentTypes.length > 0 && !counts.contentTypes.includes(item.contentType)) return null;
  if (counts.outcome === 'submitted') return seen(item.submitted, cutoff);
  const list = counts.outcome === 'adopted' ? item.adoptions : item.publications;
  return firstSeen(list.filter((o) => levelAtLeast(o.levelKey, counts.minLevel)), cutoff);
}

/** The earliest-dated of the facts seen by the cutoff. */
function firstSeen(facts: readonly Recorded[], cutoff: number): Recorded | null {
  let first: Recorded | null = null;
  for (const f of facts) if (f.position <= cutoff && (!first || f.at < first.at)) first = f;
  return first;
}

/** A quota's outcome for a unit in a period (R4.09/R4.10: monthly minimums; boundary as the policy declares). */
export function quotaOutcome(policy: CompiledPolicy, quota: QuotaRule, items: readonly ItemFacts[], place: Placement): QuotaOutcome {
  // ownUnitOnly: only the unit's own items count (items are owned by their submitting unit, so both read the same here)
  const delivered = items.filter((i) => place.counts(countingFact(i, quota.counts, place.cutoff))).length;
  const { met, required, shortfall } = quotaReached(quota, delivered);
  return {
    quotaId: quota.id,
    policyId: policy.document.id,
    policyVersion: policy.document.version,
    counts: { outcome: quota.counts.outcome, contentTypes: quota.counts.contentTypes ? [...quota.counts.contentTypes] : null },
    required,
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

/**
 * How many periods of this kind in a row, ending with this one, missed quota `quotaId` (0 when this one met it),
 * each earlier period as it stood when it became final. Periods before the unit's registration are not counted.
 */
function consecutiveMissed(world: ComplianceWorld, unit: UnitFacts, quotaId: string, period: CompliancePeriod, key: string, limit = 36): number {
  const items = world.itemsOf(unit.unitId);
  let n = 0;
  let k = key;
  while (n < limit) {
    const bounds = periodBounds(period, k, world.timeZone);
    if (unit.since && bounds.to < unit.since) break;
    const found = quotasInForce(world.inForce(unit.unitType, bounds.to), unit.unitType, period).find((x) => x.quota.id === quotaId);
    if (!found) break;
    const outcome = quotaOutcome(found.policy, found.quota, items, placement(world, period, k));
    if (outcome.met) break;
    n += 1;
    k = previousPeriodKey(period, k);
  }
  return n;
}

/** Score, scale and grade on the grading scale (the policy engine's gradeScore: bands on the exact score). */
export function gradeOf(grading: GradingRule, components: Readonly<Record<string, number>>, penaltyPoints: number) {
  const g = gradeScore(grading, components, penaltyPoints);
  return { score: g.score, scale: g.scale, grade: g.band ? { key: g.band.key, name: g.band.name } : null };
}

/** A decided incident step and the filing that places it in a period (none when missed: its due places it). */
interface DecidedStep {
  readonly outcome: IncidentOutcome;
  readonly placedBy: Recorded | null;
}

/**
 * An incident's step verdicts as of a log position, decided from its anchors under the incident rules of `policy`
 * with the verdict functions of the incidents context (firstReportVerdict, stepVerdict): the first report against
 * firstReport / lateAfter / concealedAfter (R5.35), the written report, each 续报 against the follow-up due
 * counted from the report before it (until the final report or closure), and the case report against its due from
 * 立案. A step filed counts where its filing is placed (the period of its stated time, or as an adjustment, see
 * Placement); a due with nothing filed is missed once a time fact at or after it has been read (the scheduler's
 * DeadlineElapsed or BusinessPeriodEnded, or a later filing of the incident) and counts in the period of its due.
 */
export function incidentSteps(inc: IncidentFacts, policy: CompiledPolicy, cutoff: number, periodEnds: readonly PeriodEnd[]): DecidedStep[] {
  if (inc.reported.position > cutoff) return [];
  const anchors = { occurredAt: new Date(inc.occurredAt), discoveredAt: new Date(inc.discoveredAt) };
  const due = policy.incidentDueTimes({ ...anchors, lastReportAt: new Date(inc.reported.at) });
  if (!due) return [];
  const facts = [inc.reported, inc.written, ...inc.followUps, inc.caseFiled, inc.caseReported, inc.finalReport, inc.closed].filter((f): f is Recorded => f !== null && f.position <= cutoff);
  let known = Math.max(...facts.map((f) => Date.parse(f.recordedAt)));
  for (const e of inc.elapsed) if (e.position <= cutoff) known = Math.max(known, Date.parse(e.at));
  for (const e of periodEnds) if (e.position <= cutoff) known = Math.max(known, Date.parse(e.endedAt));

  const steps: DecidedStep[] = [];
  const decided = (step: IncidentOutcome['step'], dueAt: Date, filed: Recorded | null) => {
    if (filed) {
      const v = stepVerdict(filed.at, dueAt.toISOString());
      steps.push({ outcome: { incidentId: inc.incidentId, title: inc.title, step, verdict: v.verdict, dueAt: v.dueAt, filedAt: filed.at, lateByMinutes: v.lateByMinutes }, placedBy: filed });
    } else if (known >= dueAt.getTime()) {
      steps.push({ outcome: { incidentId: inc.incidentId, title: inc.title, step, verdict: 'missed', dueAt: dueAt.toISOString(), filedAt: null, lateByMinutes: 0 }, placedBy: null });
    }
  };

  const first = firstReportVerdict(inc.reported.at, { firstReport: due.firstReport.at, lateAfter: due.lateAfter.at, concealedAfter: due.concealedAfter.at });
  steps.push({ outcome: { incidentId: inc.incidentId, title: inc.title, step: 'first_report', verdict: first.verdict, dueAt: first.dueAt, filedAt: inc.reported.at, lateByMinutes: first.lateByMinutes }, placedBy: inc.reported });
  decided('written_report', due.writtenReport.at, seen(inc.written, cutoff));

  if (due.followUp) {
    const ended = seen(inc.finalReport, cutoff) ?? seen(inc.closed, cutoff);
    let last = inc.reported.at;
    for (const f of inc.followUps.filter((x) => x.position <= cutoff)) {
      const next = policy.incidentDueTimes({ ...anchors, lastReportAt: new Date(last) })!.followUp!;
      decided('follow_up', next.at, f);
      last = f.at;
    }
    const next = policy.incidentDueTimes({ ...anchors, lastReportAt: new Date(last) })!.followUp!;
    // no follow-up is due once the final report is in (or the incident closed) before the next due
    if (!ended || Date.parse(ended.at) > next.at.getTime()) decided('follow_up', next.at, null);
  }
  const caseFiled = seen(inc.caseFiled, cutoff);
  const caseDue = caseFiled ? policy.incidentDueTimes({ ...anchors, caseFiledAt: new Date(caseFiled.at) })?.caseReport : null;
  if (caseDue) decided('case_report', caseDue.at, seen(inc.caseReported, cutoff));
  return steps;
}

/** The incident rules an incident is judged under: the version in force for the unit on its occurrence date, or the one it was reported under. */
function incidentPolicy(world: ComplianceWorld, unit: UnitFacts, inc: IncidentFacts): CompiledPolicy | undefined {
  const inForce = world.inForce(unit.unitType, businessDateIn(inc.occurredAt, world.timeZone)).find((p) => p.document.rules.incidentRules !== undefined);
  if (inForce) return inForce;
  const named = inc.policy ? world.policyVersion(inc.policy.policyId, inc.policy.policyVersion) : undefined;
  return named?.document.rules.incidentRules ? named : undefined;
}

/** One unit's compliance for a period. */
export function unitCompliance(world: ComplianceWorld, unit: UnitFacts, period: CompliancePeriod, key: string): UnitCompliance {
  const tz = world.timeZone;
  const bounds = periodBounds(period, key, tz);
  const place = placement(world, period, key);
  const cutoff = place.cutoff;
  const policies = world.inForce(unit.unitType, bounds.to);
  const used = new Map<string, { policyId: string; policyVersion: number }>();
  const use = (p: CompiledPolicy) => used.set(`${p.document.id}@${p.document.version}`, { policyId: p.document.id, policyVersion: p.document.version });

  const items = world.itemsOf(unit.unitId);
  const own = items.filter((i) => !seen(i.retracted, cutoff));
  const submittedItems = own.filter((i) => place.counts(i.submitted));
  const adoptedOfSubmitted = submittedItems.filter((i) => i.adoptions.some((a) => a.position <= cutoff)).length;
  // 采用 in the period: the items whose first adoption (by the cutoff) is dated in it, whenever they were submitted
  const adopted = own.filter((i) => place.counts(firstSeen(i.adoptions, cutoff))).length;

  // quotas (R4.01-R4.19) and their penalties and escalation (R4.37)
  const quotas: QuotaOutcome[] = [];
  const penalties: PenaltyLine[] = [];
  let escalation: UnitCompliance['escalation'] = null;
  let maxConsecutive = 0;
  for (const { policy, quota } of quotasInForce(policies, unit.unitType, period)) {
    use(policy);
    const outcome = quotaOutcome(policy, quota, items, place);
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
  // recomputed from eventDate and the submission under the policy in force at submission
  const lateItems: LateItem[] = [];
  let timed = 0;
  for (const item of submittedItems) {
    const submittedAt = item.submitted!.at;
    const policy = world.inForce(unit.unitType, businessDateIn(submittedAt, tz)).find((p) => p.deadlineRuleFor(item.contentType));
    if (!policy) continue;
    const t = policy.timeliness(item.contentType, item.eventDate, new Date(submittedAt));
    if (!t.deadline) continue;
    use(policy);
    timed += 1;
    if (t.late) lateItems.push({ draftId: item.draftId, title: item.title, ruleId: t.rule!.id, dueAt: t.deadline.toISOString(), submittedAt: new Date(submittedAt).toISOString(), lateByMinutes: t.lateByMinutes });
  }

  // incidents: every step decided under the incident rules in force, in the period its filing was recorded (or, missed, of its due)
  const outcomes: IncidentOutcome[] = [];
  for (const inc of world.incidentsOf(unit.unitId)) {
    const policy = incidentPolicy(world, unit, inc);
    if (!policy) continue;
    const steps = incidentSteps(inc, policy, cutoff, world.periodEnds).filter((s) => (s.placedBy ? place.counts(s.placedBy) : place.holds(s.outcome.dueAt)));
    if (steps.length > 0) use(policy);
    outcomes.push(...steps.map((s) => s.outcome));
  }
  const count = (v: IncidentOutcome['verdict']) => outcomes.filter((o) => o.verdict === v).length;

  // commissions (约稿, R2.23) whose deadline falls in the period
  let commissioned = 0;
  let answeredOnTime = 0;
  let answeredLate = 0;
  let missed = 0;
  for (const c of world.commissionsOf(unit.unitId)) {
    if (c.issuedAt > cutoff || seen(c.cancelled, cutoff) || !place.holds(c.deadline)) continue;
    const answers = world.answersOf(c.commissionId).filter((i) => i.unitId === unit.unitId && !seen(i.retracted, cutoff)).map((i) => seen(i.submitted, cutoff)?.at).filter((at): at is string => at != null).sort();
    if (answers.length > 0) {
      commissioned += 1;
      if (Date.parse(answers[0]!) <= Date.parse(c.deadline)) answeredOnTime += 1;
      else answeredLate += 1;
    } else if (seen(c.elapsed, cutoff)) {
      commissioned += 1;
      missed += 1;
    }
  }

  // per_late_report penalties: late items and late, concealed or missed incident steps
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

  // facts counted here as adjustments: dated in an earlier period that was final when they were recorded
  let carriedIn = 0;
  for (const i of items) for (const f of [i.submitted, ...i.adoptions, ...i.publications]) if (f && place.carried(f)) carriedIn += 1;
  for (const inc of world.incidentsOf(unit.unitId)) for (const f of [inc.reported, inc.written, ...inc.followUps, inc.caseReported]) if (f && place.carried(f)) carriedIn += 1;

  return {
    unitId: unit.unitId,
    unitName: unit.name,
    unitType: unit.unitType,
    period,
    periodKey: key,
    startsAt: bounds.startsAt,
    endsAt: bounds.endsAt,
    status: cutoff === OPEN ? 'provisional' : 'final',
    finalAtPosition: cutoff === OPEN ? null : String(cutoff),
    carriedIn,
    submitted: submittedItems.length,
    adopted,
    adoptionRate: submittedItems.length === 0 ? 0 : Math.round((adoptedOfSubmitted / submittedItems.length) * 10_000) / 10_000,
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

/**
 * Every unit's compliance for a period, ranked by score (highest first; no score last), then name. A unit
 * registered after the period ended, or dissolved before it began, has no compliance for it.
 */
export function periodCompliance(world: ComplianceWorld, units: readonly (UnitFacts & { readonly until?: string | null })[], period: CompliancePeriod, key: string): UnitCompliance[] {
  const bounds = periodBounds(period, key, world.timeZone);
  const rows = units.filter((u) => (!u.since || u.since <= bounds.to) && (!u.until || u.until >= bounds.from)).map((u) => unitCompliance(world, u, period, key));
  return rows.sort((a, b) => (b.score ?? -1) - (a.score ?? -1) || a.unitName.localeCompare(b.unitName) || a.unitId.localeCompare(b.unitId));
}
