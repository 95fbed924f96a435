import type {
  AdoptionLadderRule,
  Boundary,
  ChainStepSpec,
  DeadlineRule,
  DeadlineSpec,
  EngagementTierRule,
  GradingRule,
  QuotaRule,
  IncidentCategory,
  ItemRewardRule,
  LengthLimitRule,
  PenaltyRule,
  PolicyDocument,
  QualityRule,
  ReviewChainRule,
} from './policy-document';
import { DateTime } from 'luxon';
import { DeadlineVerdict, WorkCalendar } from './calendar';

/** Where a computed number comes from: the policy version, the clause and its parameters, the facts used. */
export interface Provenance {
  readonly policyId: string;
  readonly policyVersion: number;
  readonly ruleId: string;
  readonly parameters: unknown;
  readonly facts: readonly string[];
}

export interface Line {
  readonly points: number;
  readonly amountFen: number;
  readonly payee: string;
  readonly reason: string;
  readonly provenance: Provenance;
  /**
   * Which input the line came from, for callers that date and explain it: the outcome of an adoption-ladder line
   * ({ kind, levelKey }), the publication and reading of an engagement line ({ ref, platform, metric, value }).
   */
  readonly basis?: Readonly<Record<string, unknown>>;
}

export interface DraftFacts {
  readonly contentType: string;
  readonly importance: 'general' | 'important';
  readonly destination: 'internal' | 'external';
  readonly title: string;
  readonly body: string;
  readonly targetPlatforms: readonly string[];
  readonly longForm: boolean;
  readonly formFields: Readonly<Record<string, string>>;
}

export interface Violation {
  readonly rule: string;
  readonly message: string;
  readonly field?: string;
}

/** Characters as a reader counts them (字数): code points, whitespace excluded. */
export function charCount(text: string): number {
  let n = 0;
  for (const ch of text) if (!/\s/.test(ch)) n++;
  return n;
}

const matches = (list: readonly string[] | undefined, value: string): boolean => !list || list.length === 0 || list.includes('*') || list.includes(value);
/** Whether a value reaches a threshold under the rule's declared boundary (以上: inclusive >=, exclusive >). */
export const reaches = (value: number, min: number, boundary: Boundary): boolean => (boundary === 'inclusive' ? value >= min : value > min);

/**
 * A quota against what was delivered: met under the quota's boundary ("≥ 3" inclusive, "3以上" exclusive: more
 * than 3), the number required (minimum, or minimum + 1 when exclusive) and the shortfall (0 when met, else at
 * least 1).
 */
export function quotaReached(quota: Pick<QuotaRule, 'minimum' | 'boundary'>, delivered: number): { met: boolean; required: number; shortfall: number } {
  const required = quota.boundary === 'exclusive' ? quota.minimum + 1 : quota.minimum;
  const met = reaches(delivered, quota.minimum, quota.boundary);
  return { met, required, shortfall: met ? 0 : Math.max(1, required - delivered) };
}

/**
 * A score on a grading rule's scale: weighted components (each 0..100; a component not given counts 100, nothing
 * to judge), plus penalty points, clamped to [0, scale]. The band is that of the exact score (89.996 is below 90);
 * the score is given rounded to 2 decimals.
 */
export function gradeScore(grading: GradingRule, components: Readonly<Record<string, number>>, penaltyPoints = 0): { score: number; scale: number; band: GradingRule['bands'][number] | null } {
  let weighted = 0;
  for (const c of grading.components) weighted += ((components[c.key] ?? 100) * c.weight) / 100;
  const exact = Math.min(grading.scale, Math.max(0, (weighted * grading.scale) / 100 + penaltyPoints));
  const band = grading.bands.find((b) => reaches(exact, b.min, b.boundary)) ?? null;
  return { score: Math.round(exact * 100) / 100, scale: grading.scale, band };
}
const below = (value: number, max: number, boundary: Boundary): boolean => (boundary === 'inclusive' ? value <= max : value < max);

// Figures such as "120" not followed by a unit or a counter word: "figures without units" (R2.41).
const FIGURE_WITHOUT_UNIT = /(\d+(?:\.\d+)?)(?![\d.%‰]|\s*(?:人|次|起|件|元|万|亿|个|名|辆|家|所|台|户|吨|公里|千米|米|平方|亩|天|日|月|年|时|小时|分|分钟|秒|岁|条|篇|期|项|处|份|场|批|余|多|％|km|m|kg|t))/u;

/**
 * A policy compiled once into plain functions and lookup tables: evaluation inside rebuilds and what-ifs over
 * millions of events allocates little and never re-reads the document.
 */
export class CompiledPolicy {
  readonly calendar: WorkCalendar;
  private readonly chainCache = new Map<string, ReviewChainRule | null>();
  private readonly deadlineByType = new Map<string, DeadlineRule | null>();
  private readonly forbidden: { rule: QualityRule & { kind: 'forbidden-words' }; pattern: RegExp }[];
  private readonly adoptionByLevel: Map<string, AdoptionLadderRule['levels'][number]>;

  constructor(readonly document: PolicyDocument) {
    this.calendar = new WorkCalendar(document.calendar);
    this.forbidden = (document.rules.qualityRules ?? [])
      .filter((q): q is QualityRule & { kind: 'forbidden-words' } => q.kind === 'forbidden-words')
      .map((rule) => ({ rule, pattern: new RegExp(rule.words.map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'), 'gu') }));
    this.adoptionByLevel = new Map((document.rules.adoptionLadder?.levels ?? []).map((l) => [l.levelKey, l]));
  }

  provenance(ruleId: string, parameters: unknown, facts: readonly string[] = []): Provenance {
    return { policyId: this.document.id, policyVersion: this.document.version, ruleId, parameters, facts };
  }

  appliesTo(unitType: string, businessDate: string): boolean {
    const d = this.document;
    return matches(d.scope.unitTypes, unitType) && d.effectiveFrom <= businessDate && (!d.effectiveTo || businessDate <= d.effectiveTo);
  }

  contentTypes(): string[] {
    return (this.document.rules.contentTypes ?? []).map((c) => c.key);
  }

  /** The review chain for unit type x content type x importance x destination: the first rule that matches. */
  resolveChain(ctx: { unitType: string; contentType: string; importance: 'general' | 'important'; destination: 'internal' | 'external' }): ReviewChainRule | null {
    const key = `${ctx.unitType}|${ctx.contentType}|${ctx.importance}|${ctx.destination}`;
    let chain = this.chainCache.get(key);
    if (chain === undefined) {
      chain =
        (this.document.rules.reviewChains ?? []).find(
          (c) =>
            matches(c.when.unitTypes, ctx.unitType) &&
            matches(c.when.contentTypes, ctx.contentType) &&
            matches(c.when.importance, ctx.importance) &&
            matches(c.when.destination, ctx.destination),
        ) ?? null;
      this.chainCache.set(key, chain);
    }
    return chain;
  }

  /** Hard violations (422 at submission), soft warnings, and the form's completeness (reward eligibility). */
  checkDraft(draft: DraftFacts): { violations: Violation[]; warnings: Violation[]; formComplete: boolean; missingFields: string[] } {
    const violations: Violation[] = [];
    const warnings: Violation[] = [];
    const rules = this.document.rules;
    if (rules.contentTypes && rules.contentTypes.length > 0 && !rules.contentTypes.some((c) => c.key === draft.contentType)) {
      violations.push({ rule: 'content-type-unknown', message: `Content type ${draft.contentType} is not defined by policy ${this.document.id}`, field: 'contentType' });
    }
    const length = charCount(draft.body);
    for (const limit of rules.lengthLimits ?? []) {
      if (!this.limitApplies(limit, draft)) continue;
      if (length > limit.maxChars) {
        const v = { rule: limit.id, message: `${length} characters: the limit for ${limit.platform === '*' ? 'this content type' : limit.platform} is ${limit.maxChars}`, field: 'body' };
        (limit.severity === 'hard' ? violations : warnings).push(v);
      }
    }
    const text = `${draft.title}\n${draft.body}`;
    for (const { rule, pattern } of this.forbidden) {
      const found = [...new Set(text.match(pattern) ?? [])];
      if (found.length > 0) (rule.severity === 'hard' ? violations : warnings).push({ rule: rule.id, message: `${rule.message}: ${found.join('、')}`, field: 'body' });
    }
    for (const rule of rules.qualityRules ?? []) {
      if (rule.kind === 'one-event-per-report') {
        // 一事一报: a heuristic, so policies usually make it soft: distinct event dates (X月X日) mentioned in the body
        const dates = new Set(draft.body.match(/\d{1,2}月\d{1,2}日/g) ?? []);
        if (dates.size > rule.maxEvents) {
          (rule.severity === 'hard' ? violations : warnings).push({ rule: rule.id, message: `${rule.message} (${dates.size} dates: ${[...dates].join('、')})`, field: 'body' });
        }
      }
      if (rule.kind === 'figures-without-units' && FIGURE_WITHOUT_UNIT.test(draft.body.replace(/\d{4}年|\d{1,2}月|\d{1,2}日|\d{1,2}时/g, ''))) {
        (rule.severity === 'hard' ? violations : warnings).push({ rule: rule.id, message: rule.message, field: 'body' });
      }
    }
    const missingFields = (rules.formFields ?? [])
      .filter((f) => f.required && matches(f.contentTypes, draft.contentType) && !(draft.formFields[f.key] ?? '').trim())
      .map((f) => f.key);
    return { violations, warnings, formComplete: missingFields.length === 0, missingFields };
  }

  private limitApplies(limit: LengthLimitRule, draft: DraftFacts): boolean {
    if (limit.unlessLongForm && draft.longForm) return false;
    if (!matches(limit.contentTypes, draft.contentType)) return false;
    if (limit.importance && limit.importance !== '*' && limit.importance !== draft.importance) return false;
    return limit.platform === '*' || draft.targetPlatforms.includes(limit.platform);
  }

  deadlineRuleFor(contentType: string): DeadlineRule | null {
    let rule = this.deadlineByType.get(contentType);
    if (rule === undefined) {
      rule = (this.document.rules.deadlines ?? []).find((d) => d.appliesTo.contentTypes && matches(d.appliesTo.contentTypes, contentType)) ?? null;
      this.deadlineByType.set(contentType, rule);
    }
    return rule;
  }

  deadlineFor(kind: string): DeadlineRule | null {
    return (this.document.rules.deadlines ?? []).find((d) => d.appliesTo.kind === kind) ?? null;
  }

  /** The deadline and whether it is provisional (working days counted in a year the calendar does not cover). */
  deadline(from: Date, spec: DeadlineSpec): DeadlineVerdict {
    return this.calendar.deadline(from, spec);
  }

  /** Lateness of a submission against the content type's deadline counted from the event date. */
  timeliness(contentType: string, eventDate: string | null, submittedAt: Date) {
    const rule = this.deadlineRuleFor(contentType);
    if (!rule || (rule.from === 'event' && eventDate === null)) {
      return { rule, deadline: null, lateByMinutes: 0, late: false, provisional: null };
    }
    const { at: deadline, provisional } = rule.from === 'event' ? this.eventDeadline(rule, eventDate!) : this.calendar.deadline(submittedAt, rule.deadline);
    const lateByMinutes = Math.max(0, Math.ceil((submittedAt.getTime() - deadline.getTime()) / 60_000));
    return { rule, deadline, lateByMinutes, late: lateByMinutes > 0, provisional };
  }

  /** Deadlines counted from an event date, memoised per rule and date (a pure function of both; bounded). */
  private readonly eventDeadlines = new Map<string, DeadlineVerdict>();
  private eventDeadline(rule: DeadlineRule, eventDate: string): DeadlineVerdict {
    const key = `${rule.id}|${eventDate}`;
    let found = this.eventDeadlines.get(key);
    if (!found) {
      if (this.eventDeadlines.size >= 20_000) this.eventDeadlines.clear();
      this.eventDeadlines.set(key, (found = this.calendar.deadline(this.startOfDay(eventDate), rule.deadline)));
    }
    return found;
  }

  private startOfDay(date: string): Date {
    return DateTime.fromISO(date, { zone: this.calendar.timeZone }).startOf('day').toJSDate();
  }

  /** Per-item rewards: every matching clause, with the quality multiplier (优质稿件 x2) and eligibility. */
  itemRewards(item: {
    facts: readonly string[];
    platform: string;
    levelKey: string;
    contentType: string;
    source: 'original' | 'repost';
    length: number;
    formComplete: boolean;
    published: boolean;
    exclusiveFirstRelease: boolean;
    excellent: boolean;
  }): Line[] {
    const lines: Line[] = [];
    for (const r of this.document.rules.itemRewards ?? []) {
      if (!this.rewardMatches(r, item)) continue;
      const multiplier = item.excellent && r.qualityMultiplier ? r.qualityMultiplier : 1;
      lines.push({
        points: (r.points ?? 0) * multiplier,
        amountFen: Math.round((r.amountFen ?? 0) * multiplier),
        payee: r.payee,
        reason: `${item.platform} ${item.contentType}${multiplier > 1 ? ` x${multiplier}` : ''}`,
        provenance: this.provenance(r.id, r, item.facts),
      });
    }
    return lines;
  }

  private rewardMatches(r: ItemRewardRule, item: Parameters<CompiledPolicy['itemRewards']>[0]): boolean {
    const w = r.when;
    if (!matches(w.platforms, item.platform) || !matches(w.levels, item.levelKey) || !matches(w.contentTypes, item.contentType)) return false;
    if (w.source && !w.source.includes(item.source)) return false;
    if (w.length) {
      if (w.length.min !== undefined && !reaches(item.length, w.length.min, w.length.boundary)) return false;
      if (w.length.max !== undefined && !below(item.length, w.length.max, w.length.boundary)) return false;
    }
    if (r.requires?.formComplete && !item.formComplete) return false;
    if (r.requires?.published && !item.published) return false;
    if (r.requires?.exclusiveFirstRelease && !item.exclusiveFirstRelease) return false;
    return true;
  }

  /** Points for an item's climb up the publication ladder (cumulative, or the highest rung only). */
  adoptionPoints(outcomes: { facts: readonly string[]; submitted: boolean; adopted: readonly string[]; excellent: readonly string[]; instructed: readonly string[] }): Line[] {
    const ladder = this.document.rules.adoptionLadder;
    if (!ladder) return [];
    const line = (points: number, reason: string, parameters: unknown, kind: string, levelKey: string | null): Line => ({
      points,
      amountFen: 0,
      payee: ladder.payee,
      reason,
      provenance: this.provenance(ladder.id, parameters, outcomes.facts),
      basis: { kind, levelKey },
    });
    if (ladder.mode === 'ladder') {
      let best: AdoptionLadderRule['levels'][number] | undefined;
      for (const key of outcomes.adopted) {
        const level = this.adoptionByLevel.get(key);
        if (level && (!best || level.adopted > best.adopted)) best = level;
      }
      if (best) return [line(best.adopted, `adopted at ${best.levelKey}`, best, 'adopted', best.levelKey)];
      return outcomes.submitted && ladder.submitted ? [line(ladder.submitted, 'submitted', { submitted: ladder.submitted }, 'submitted', null)] : [];
    }
    const lines: Line[] = [];
    if (outcomes.submitted && ladder.submitted) lines.push(line(ladder.submitted, 'submitted', { submitted: ladder.submitted }, 'submitted', null));
    for (const [kind, keys] of [['adopted', outcomes.adopted], ['excellent', outcomes.excellent], ['instructed', outcomes.instructed]] as const) {
      for (const key of new Set(keys)) {
        const level = this.adoptionByLevel.get(key);
        const points = level?.[kind];
        if (points) lines.push(line(points, `${kind} at ${key}`, level, kind, key));
      }
    }
    return lines;
  }

  /**
   * Engagement rewards: for each tier group, pay the highest qualifying platform only (no stacking). Relative
   * tiers pay per step of followers-at-publication, up to the cap; absolute tiers pay once the threshold is met.
   */
  engagementRewards(item: {
    facts: readonly string[];
    source: 'original' | 'repost';
    /** One entry per reading of a publication (ref names it for the caller: the line's basis says which won). */
    publications: readonly { ref?: string; platform: string; followersAtPublication: number | null; daysSincePublication: number; reads: number; reposts: number; interactions: number }[];
  }): Line[] {
    const best = new Map<string, Line>();
    for (const tier of this.document.rules.engagementTiers ?? []) {
      if (tier.requires?.source && !tier.requires.source.includes(item.source)) continue;
      for (const p of item.publications) {
        if (!tier.platforms.includes(p.platform) || p.daysSincePublication > tier.windowDays) continue;
        const amount = this.tierAmount(tier, p);
        if (amount <= 0) continue;
        const group = tier.group ?? tier.id;
        const current = best.get(group);
        if (!current || amount > current.amountFen) {
          best.set(group, {
            points: 0,
            amountFen: amount,
            payee: tier.payee,
            reason: `${tier.metric} on ${p.platform}`,
            provenance: this.provenance(tier.id, tier, item.facts),
            basis: { ref: p.ref ?? null, platform: p.platform, metric: tier.metric, value: p[tier.metric] },
          });
        }
      }
    }
    return [...best.values()];
  }

  private tierAmount(tier: EngagementTierRule, p: { followersAtPublication: number | null; reads: number; reposts: number; interactions: number }): number {
    const value = p[tier.metric];
    if (tier.basis === 'absolute') {
      if (!reaches(value, tier.step, tier.boundary)) return 0;
      const steps = tier.once ? 1 : Math.floor(value / tier.step);
      return Math.min(steps * tier.amountFenPerStep, tier.capFen ?? Infinity);
    }
    if (!p.followersAtPublication) return 0;
    const percent = (value / p.followersAtPublication) * 100;
    let steps = Math.floor(percent / tier.step + 1e-9);
    if (tier.boundary === 'exclusive' && Math.abs(percent - steps * tier.step) < 1e-9) steps -= 1;
    return Math.min(Math.max(0, steps) * tier.amountFenPerStep, tier.capFen ?? Infinity);
  }

  /** Penalty points for a unit's misses against a quota in one period (and consecutive periods). */
  penalties(input: { quotaId: string; facts: readonly string[]; missing: number; consecutiveMissedPeriods: number; lateReports: number }): { lines: Line[]; escalations: { action: string; provenance: Provenance }[] } {
    const lines: Line[] = [];
    const escalations: { action: string; provenance: Provenance }[] = [];
    for (const p of this.document.rules.penalties ?? []) {
      this.applyPenalty(p, input, lines, escalations);
    }
    return { lines, escalations };
  }

  private applyPenalty(p: PenaltyRule, input: Parameters<CompiledPolicy['penalties']>[0], lines: Line[], escalations: { action: string; provenance: Provenance }[]): void {
    const line = (points: number, reason: string): Line => ({ points, amountFen: 0, payee: 'unit', reason, provenance: this.provenance(p.id, p, input.facts) });
    switch (p.kind) {
      case 'per_missing_item':
        if (p.quotaId === input.quotaId && input.missing > 0) lines.push(line(p.points * input.missing, `${input.missing} missing`));
        return;
      case 'step_schedule': {
        if (p.quotaId !== input.quotaId || input.missing <= 0) return;
        const step = [...p.steps].sort((a, b) => b.misses - a.misses).find((s) => input.missing >= s.misses);
        if (step) lines.push(line(step.points, `${input.missing} missing (≥ ${step.misses})`));
        return;
      }
      case 'consecutive_miss_escalation': {
        if (p.quotaId !== input.quotaId || input.consecutiveMissedPeriods <= 0) return;
        const step = [...p.steps].sort((a, b) => b.consecutive - a.consecutive).find((s) => input.consecutiveMissedPeriods >= s.consecutive);
        if (step) escalations.push({ action: step.action, provenance: this.provenance(p.id, p, input.facts) });
        return;
      }
      case 'per_late_report':
        if (input.lateReports > 0) lines.push(line(p.points * input.lateReports, `${input.lateReports} late`));
        return;
    }
  }

  /** Incident verdict from facts only (incident time, report time): on time, late (迟报) or concealed (瞒报). */
  incidentVerdict(occurredAt: Date, firstReportedAt: Date) {
    const rules = this.document.rules.incidentRules;
    if (!rules) return null;
    const due = this.calendar.deadline(occurredAt, rules.firstReport);
    const lateAfter = this.calendar.deadline(occurredAt, rules.lateAfter);
    const concealedAfter = this.calendar.deadline(occurredAt, rules.concealedAfter);
    const written = this.calendar.deadline(occurredAt, rules.writtenReport);
    const t = firstReportedAt.getTime();
    const verdict = t > concealedAfter.at.getTime() ? 'concealed' : t > lateAfter.at.getTime() ? 'late' : 'on_time';
    // a verdict resting on a working-day count outside the calendar's years says so
    const provisional = [due, lateAfter, concealedAfter, written].find((d) => d.provisional)?.provisional ?? null;
    return {
      verdict,
      provisional,
      firstReportDue: due.at,
      writtenReportDue: written.at,
      minutesAfterIncident: Math.round((t - occurredAt.getTime()) / 60_000),
      provenance: this.provenance(rules.id, { firstReport: rules.firstReport, lateAfter: rules.lateAfter, concealedAfter: rules.concealedAfter }),
    };
  }

  /**
   * Every due time of an incident, resolved from its anchors with this policy's calendar (working days skip
   * weekends and holidays): the first report (its due, late-after and concealed-after times count from the incident's
   * occurrence or discovery as `countFrom` says), the written report (same anchor), the next follow-up (from the
   * last report, when the policy has followUpEvery) and the case report (from 立案, when the policy has
   * caseReport). `remindBefore` gives the reminder time of a due (due - remindBefore), null when the policy has none.
   */
  incidentDueTimes(anchors: { occurredAt: Date; discoveredAt: Date; lastReportAt?: Date; caseFiledAt?: Date }) {
    const rules = this.document.rules.incidentRules;
    if (!rules) return null;
    const anchor = rules.countFrom === 'discovered' ? anchors.discoveredAt : anchors.occurredAt;
    const at = (from: Date, spec: DeadlineSpec | undefined): DeadlineVerdict | null => (spec ? this.calendar.deadline(from, spec) : null);
    return {
      countFrom: rules.countFrom ?? 'occurred',
      anchor,
      firstReport: this.calendar.deadline(anchor, rules.firstReport),
      lateAfter: this.calendar.deadline(anchor, rules.lateAfter),
      concealedAfter: this.calendar.deadline(anchor, rules.concealedAfter),
      writtenReport: this.calendar.deadline(anchor, rules.writtenReport),
      followUp: anchors.lastReportAt ? at(anchors.lastReportAt, rules.followUpEvery) : null,
      caseReport: anchors.caseFiledAt ? at(anchors.caseFiledAt, rules.caseReport) : null,
    };
  }

  /** When the reminder (催报) of a due goes out: remindBefore ahead of it (minutes or hours), or null. */
  incidentRemindAt(dueAt: Date): Date | null {
    const before = this.document.rules.incidentRules?.remindBefore;
    if (!before) return null;
    const minutes = before.unit === 'minutes' ? before.amount : before.unit === 'hours' ? before.amount * 60 : null;
    return minutes === null ? null : new Date(dueAt.getTime() - minutes * 60_000);
  }

  /**
   * An incident's category (by key, anywhere in the policy's tree) with its path and severity: the category's
   * severity (default major) when every one of its thresholds is reached under its declared boundary (R5.01:
   * injured >= 1 and in hospital >= 1 day; loss >= 500 yuan), general otherwise; null for a key not in the tree.
   */
  incidentSeverity(categoryKey: string, metrics: Readonly<Record<string, number>>): { key: string; path: string[]; severity: 'major' | 'general'; thresholdsReached: string[] } | null {
    const find = (categories: readonly IncidentCategory[], path: string[]): { category: IncidentCategory; path: string[] } | null => {
      for (const c of categories) {
        if (c.key === categoryKey) return { category: c, path: [...path, c.key] };
        const inner = c.children ? find(c.children, [...path, c.key]) : null;
        if (inner) return inner;
      }
      return null;
    };
    const found = find(this.document.rules.incidentRules?.categories ?? [], []);
    if (!found) return null;
    const thresholds = found.category.thresholds ?? [];
    const reached = thresholds.filter((th) => metrics[th.metric] !== undefined && reaches(metrics[th.metric]!, th.min, th.boundary));
    const all = reached.length === thresholds.length;
    return {
      key: found.category.key,
      path: found.path,
      severity: all ? (found.category.severity ?? 'major') : 'general',
      thresholdsReached: reached.map((th) => `${th.metric}${th.boundary === 'inclusive' ? '>=' : '>'}${th.min}`),
    };
  }

  /** A grade from component scores (each 0..100) and penalty points: gradeScore under this policy's grading rule. */
  grade(scores: Readonly<Record<string, number>>, penaltyPoints = 0, facts: readonly string[] = []) {
    const g: GradingRule | undefined = this.document.rules.grading;
    if (!g) return null;
    const r = gradeScore(g, scores, penaltyPoints);
    return { score: r.score, scale: r.scale, band: r.band?.key ?? null, provenance: this.provenance(g.id, g, facts) };
  }

  /** Ranking prizes: the top N of a period's ranking (ties share the higher place's prize). */
  rankingPrizes(ruleId: string, ranking: readonly { id: string; score: number; facts?: readonly string[] }[]): Line[] {
    const rule = (this.document.rules.rankingPrizes ?? []).find((r) => r.id === ruleId);
    if (!rule) return [];
    const sorted = [...ranking].sort((a, b) => b.score - a.score);
    const lines: Line[] = [];
    let place = 0;
    sorted.forEach((entry, i) => {
      if (i === 0 || entry.score < sorted[i - 1]!.score) place = i;
      const prize = rule.prizesFen[place];
      if (prize !== undefined && entry.score > 0) {
        lines.push({ points: 0, amountFen: prize, payee: entry.id, reason: `place ${place + 1} of the ${rule.period} ranking`, provenance: this.provenance(rule.id, rule, entry.facts ?? []) });
      }
    });
    return lines;
  }

  /** Quota compliance of a unit type in a period: how many items counted, the minimum, and how many are missing. */
  quotaCompliance(quotaId: string, unitType: string, counted: number, facts: readonly string[] = []) {
    const quota = (this.document.rules.quotas ?? []).find((q) => q.id === quotaId && matches(q.unitTypes, unitType));
    if (!quota) return null;
    const r = quotaReached(quota, counted);
    return { quotaId, period: quota.period, minimum: quota.minimum, counted, met: r.met, missing: r.shortfall, provenance: this.provenance(quota.id, quota, facts) };
  }

  /** The quotas that apply to a unit type. */
  quotasFor(unitType: string) {
    return (this.document.rules.quotas ?? []).filter((q) => matches(q.unitTypes, unitType));
  }

  /** Which incident categories a report's metrics reach (every threshold of the category met; children first). */
  incidentCategories(metrics: Readonly<Record<string, number>>): { key: string; path: string[] }[] {
    const found: { key: string; path: string[] }[] = [];
    const visit = (categories: readonly IncidentCategory[], path: string[]) => {
      for (const c of categories) {
        const reached = (c.thresholds ?? []).every((th) => metrics[th.metric] !== undefined && reaches(metrics[th.metric]!, th.min, th.boundary));
        if (c.children) visit(c.children, [...path, c.key]);
        if (reached && (c.thresholds ?? []).length > 0) found.push({ key: c.key, path: [...path, c.key] });
      }
    };
    visit(this.document.rules.incidentRules?.categories ?? [], []);
    return found;
  }

  chainSteps(chain: ReviewChainRule): ChainStepSpec[] {
    return [...chain.steps];
  }
}

export function compilePolicy(document: PolicyDocument): CompiledPolicy {
  return new CompiledPolicy(document);
}
