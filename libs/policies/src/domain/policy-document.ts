/**
 * A policy document: every number of the regulations lives here, as data. Code knows only the rule families.
 * Money is integer fen; dates are YYYY-MM-DD in the policy's time zone; every rule has an id that provenance
 * names.
 */
export type Role =
  | 'reporter'
  | 'unit_head'
  | 'leader_in_charge'
  | 'principal_leader'
  | 'office_reviewer'
  | 'confidentiality_reviewer'
  | 'duty_officer'
  | 'finance'
  | 'auditor'
  | 'administrator';

/** Whether 以上/以下 include the boundary: the sources never say, so each rule says it. */
export type Boundary = 'inclusive' | 'exclusive';

export interface PolicyDocument {
  readonly id: string;
  readonly version: number;
  readonly title: string;
  readonly rationale: string;
  /** The source regulation it encodes (e.g. "000-A"), for auditors. */
  readonly source?: string;
  readonly effectiveFrom: string;
  readonly effectiveTo?: string | null;
  /**
   * Precedence among policies whose review chains have equal scope specificity (higher wins, default 0): the
   * most specific scope wins first, then priority; equal on both and overlapping is refused at publication.
   */
  readonly priority?: number;
  /** The whole institution ("*"), or selected unit types. */
  readonly scope: { readonly unitTypes: readonly string[] };
  readonly calendar?: CalendarSpec;
  readonly rules: PolicyRules;
}

export interface CalendarSpec {
  readonly timeZone?: string;
  /** Public holidays (no work). */
  readonly holidays?: readonly string[];
  /** Adjusted working days (调休: weekend days that are worked). */
  readonly workdays?: readonly string[];
}

export interface PolicyRules {
  readonly contentTypes?: readonly ContentTypeRule[];
  readonly formFields?: readonly FormFieldRule[];
  readonly lengthLimits?: readonly LengthLimitRule[];
  readonly qualityRules?: readonly QualityRule[];
  readonly reviewChains?: readonly ReviewChainRule[];
  readonly deadlines?: readonly DeadlineRule[];
  readonly itemRewards?: readonly ItemRewardRule[];
  readonly adoptionLadder?: AdoptionLadderRule;
  readonly engagementTiers?: readonly EngagementTierRule[];
  readonly rankingPrizes?: readonly RankingPrizeRule[];
  readonly quotas?: readonly QuotaRule[];
  readonly penalties?: readonly PenaltyRule[];
  readonly incidentRules?: IncidentRules;
  /** Unit compliance (quotas, timeliness, incidents, commissions) graded on `grading`'s scale per period. */
  readonly compliance?: ComplianceRule;
  readonly grading?: GradingRule;
  /** The individual appraisal (R4.44, §8.1): 1000 points, weighted parts, deductions and bonuses. */
  readonly appraisal?: AppraisalRule;
  /** The periodic notice (通报, R4.36-R4.42) the office issues. */
  readonly bulletins?: BulletinRule;
  readonly confidentialityRelease?: ConfidentialityReleaseRule;
}

export interface ContentTypeRule {
  readonly key: string;
  readonly name: string;
}

export interface FormFieldRule {
  readonly key: string;
  readonly name: string;
  readonly required: boolean;
  /** Only for these content types (all when omitted). */
  readonly contentTypes?: readonly string[];
}

export interface LengthLimitRule {
  readonly id: string;
  /** "*" for any. */
  readonly platform: string;
  readonly contentTypes: readonly string[];
  readonly importance?: 'general' | 'important' | '*';
  readonly maxChars: number;
  /** The limit does not apply to drafts marked long-form (a long Weibo post is "specially marked"). */
  readonly unlessLongForm?: boolean;
  /** hard: 422 at submission; soft: a warning on the draft (原则上 "in principle"). */
  readonly severity: 'hard' | 'soft';
}

export type QualityRule =
  | { readonly id: string; readonly kind: 'forbidden-words'; readonly words: readonly string[]; readonly severity: 'hard' | 'soft'; readonly message: string }
  | { readonly id: string; readonly kind: 'figures-without-units'; readonly severity: 'hard' | 'soft'; readonly message: string }
  | { readonly id: string; readonly kind: 'one-event-per-report'; readonly maxEvents: number; readonly severity: 'hard' | 'soft'; readonly message: string };

export interface ChainStepSpec {
  readonly key: string;
  readonly name: string;
  readonly role: Role;
  readonly signature: 'none' | 'signature' | 'seal';
  readonly confidentiality?: boolean;
}

export interface ReviewChainRule {
  readonly id: string;
  /** Chosen by unit type x content type x importance x destination; "*" matches anything; first match wins. */
  readonly when: {
    readonly unitTypes?: readonly string[];
    readonly contentTypes?: readonly string[];
    readonly importance?: readonly ('general' | 'important')[];
    readonly destination?: readonly ('internal' | 'external')[];
  };
  readonly steps: readonly ChainStepSpec[];
  readonly rules: {
    readonly twoPersonCheck: boolean;
    readonly authorMayNotReview: boolean;
    readonly confidentialityBeforePublication: boolean;
    readonly onReturn: 'restart' | 'returning_step';
  };
}

export type DeadlineUnit = 'minutes' | 'hours' | 'calendar_days' | 'working_days' | 'same_day' | 'next_day' | 'day_of_next_month';

export interface DeadlineSpec {
  readonly unit: DeadlineUnit;
  /** minutes/hours/days to add; for day_of_next_month the day of the month (the 6th of next month …). */
  readonly amount: number;
  /** For same_day / next_day / day_of_next_month: the time of day the deadline falls (HH:MM, default 23:59:59). */
  readonly at?: string;
}

export interface DeadlineRule {
  readonly id: string;
  /** What it applies to: content types of drafts (timeliness), or a named kind (incident-first-report …). */
  readonly appliesTo: { readonly contentTypes?: readonly string[]; readonly kind?: string };
  /** The event the deadline counts from. */
  readonly from: 'event' | 'submission' | 'publication' | 'period_end';
  readonly deadline: DeadlineSpec;
}

export type Payee = 'first_author' | 'recommender' | 'operating_team' | 'unit';

export interface ItemRewardRule {
  readonly id: string;
  readonly when: {
    readonly platforms?: readonly string[];
    readonly levels?: readonly string[];
    readonly contentTypes?: readonly string[];
    readonly source?: readonly ('original' | 'repost')[];
    /** Length band in characters: 200字以上 = { min: 200 }, 200字以下 = { max: 200 }. */
    readonly length?: { readonly min?: number; readonly max?: number; readonly boundary: Boundary };
  };
  readonly points?: number;
  readonly amountFen?: number;
  readonly payee: Payee;
  /** 优质稿件 x2 */
  readonly qualityMultiplier?: number;
  readonly requires?: { readonly formComplete?: boolean; readonly published?: boolean; readonly exclusiveFirstRelease?: boolean };
}

export interface AdoptionLadderRule {
  readonly id: string;
  /** cumulative: each outcome adds its points (003-A); ladder: the highest level's points only (001-P). */
  readonly mode: 'cumulative' | 'ladder';
  readonly submitted?: number;
  readonly levels: readonly { readonly levelKey: string; readonly adopted: number; readonly excellent?: number; readonly instructed?: number }[];
  readonly payee: Payee;
}

export interface EngagementTierRule {
  readonly id: string;
  readonly platforms: readonly string[];
  readonly metric: 'reads' | 'reposts' | 'interactions';
  /** relative: the metric as a share of followers at publication; absolute: a count. */
  readonly basis: 'relative_to_followers' | 'absolute';
  /** relative: percent per step (20 = every 20% of followers); absolute: the threshold count. */
  readonly step: number;
  readonly amountFenPerStep: number;
  readonly capFen?: number;
  /** absolute thresholds pay once when reached */
  readonly once?: boolean;
  readonly windowDays: number;
  readonly boundary: Boundary;
  readonly payee: Payee;
  /** Items on several platforms are paid for the highest qualifying platform only (no stacking). */
  readonly group?: string;
  readonly requires?: { readonly source?: readonly ('original' | 'repost')[] };
}

export interface RankingPrizeRule {
  readonly id: string;
  readonly period: Period;
  readonly scope: 'unit' | 'member';
  readonly platforms?: readonly string[];
  readonly prizesFen: readonly number[];
}

export type Period = 'day' | 'week' | 'month' | 'quarter' | 'semester' | 'year';

export interface QuotaRule {
  readonly id: string;
  readonly unitTypes: readonly string[];
  readonly period: Period;
  readonly minimum: number;
  readonly counts: { readonly contentTypes?: readonly string[]; readonly minLevel?: string; readonly ownUnitOnly?: boolean; readonly outcome: 'submitted' | 'adopted' | 'published' };
  readonly boundary: Boundary;
}

export type PenaltyRule =
  | { readonly id: string; readonly kind: 'per_missing_item'; readonly quotaId: string; readonly points: number }
  | { readonly id: string; readonly kind: 'step_schedule'; readonly quotaId: string; readonly steps: readonly { readonly misses: number; readonly points: number }[] }
  | { readonly id: string; readonly kind: 'consecutive_miss_escalation'; readonly quotaId: string; readonly steps: readonly { readonly consecutive: number; readonly action: string }[] }
  | { readonly id: string; readonly kind: 'per_late_report'; readonly points: number };

export interface IncidentCategory {
  readonly key: string;
  readonly name: string;
  /** Every threshold must be reached (R5.01: injured >= 1 and in hospital >= 1 day); each says its boundary. */
  readonly thresholds?: readonly { readonly metric: string; readonly min: number; readonly boundary: Boundary }[];
  /** What an incident of this category is when its thresholds are reached (default major); below them: general. */
  readonly severity?: IncidentSeverity;
  readonly children?: readonly IncidentCategory[];
}

export type IncidentSeverity = 'major' | 'general';

/** The elements of an incident report (R5.25): which a first or written report must have is the policy's choice. */
export type IncidentElement =
  | 'occurredAt'
  | 'discoveredAt'
  | 'place'
  | 'unitsInvolved'
  | 'peopleInvolved'
  | 'course'
  | 'casualties'
  | 'directLoss'
  | 'cause'
  | 'measures'
  | 'reportingUnit'
  | 'signer'
  | 'contact';

export interface IncidentRules {
  readonly id: string;
  readonly categories: readonly IncidentCategory[];
  readonly firstReport: DeadlineSpec;
  readonly writtenReport: DeadlineSpec;
  readonly followUpEvery?: DeadlineSpec;
  /** Reported later than this after the incident: late (迟报); later than concealedAfter: concealed (瞒报). */
  readonly lateAfter: DeadlineSpec;
  readonly concealedAfter: DeadlineSpec;
  readonly escalation: 'level_by_level' | 'skip_allowed_in_emergencies';
  /** What the first report's deadlines count from (default occurred: 事件发生后). */
  readonly countFrom?: 'occurred' | 'discovered';
  /** Discipline cases (R4.28, R5.21): the case report is due this long after the case is filed (立案). */
  readonly caseReport?: DeadlineSpec;
  /** A reminder (催报) this long before each due time (minutes or hours); when omitted, only when it passes. */
  readonly remindBefore?: DeadlineSpec;
  /** The elements each report must carry (R5.25); omitted: none required beyond the form's own fields. */
  readonly requiredElements?: { readonly firstReport?: readonly IncidentElement[]; readonly writtenReport?: readonly IncidentElement[] };
  /** Before an external report: the principal leader's approval and one unified wording (统一口径, R5.27). */
  readonly externalReport?: { readonly leaderApproval: boolean; readonly unifiedWording: boolean };
}

/**
 * Unit compliance per period (R4.36-R4.43). Each component of `grading` that names one of the measured ratios
 * (quota, timeliness, incidents, commissions) scores 100 x that ratio; penalties add their (negative) points;
 * the score is clamped to [0, grading.scale] and banded by grading.bands.
 */
export interface ComplianceRule {
  readonly id: string;
  /** The periods compliance is reported for. */
  readonly periods: readonly Period[];
}

export interface AppraisalItem {
  readonly id: string;
  readonly part: 'public' | 'business' | 'bonus';
  readonly name: string;
  /** recorded: entered by the office with evidence, within [min, max]; the others are counted from the log. */
  readonly kind: 'recorded' | 'per_adoption' | 'per_instruction' | 'per_late_report';
  /** Points per occurrence (negative for deductions), or the range a recorded entry may take. */
  readonly points?: number;
  readonly min?: number;
  readonly max?: number;
  /** per_adoption / per_instruction: only at this publication level. */
  readonly levelKey?: string;
  /** Bonuses need a written reason and evidence (R4.44). */
  readonly evidenceRequired?: boolean;
  /** Occurrence schedule (R8.01: 1st -50, 2 -> -150): the points at n occurrences replace n x points. */
  readonly schedule?: readonly { readonly occurrences: number; readonly points: number }[];
}

export interface AppraisalRule {
  readonly id: string;
  readonly period: Period;
  /** Base total (1000 = public 500 + business 500). */
  readonly base: number;
  readonly parts: readonly { readonly key: 'public' | 'business'; readonly name: string; readonly points: number }[];
  /** Weighted sources of the composite (peer 20, panel 20, directors 20, daily 40); `daily` is base + items. */
  readonly components: readonly { readonly key: string; readonly name: string; readonly weight: number }[];
  readonly items: readonly AppraisalItem[];
  readonly bands: readonly { readonly key: string; readonly name: string; readonly min: number; readonly boundary: Boundary }[];
}

export interface BulletinRule {
  readonly id: string;
  readonly periods: readonly Period[];
  /** The institution's name in the heading (the unit tree's root name when omitted). */
  readonly institution?: string;
  readonly title?: string;
}

export interface GradingRule {
  readonly id: string;
  readonly scale: number;
  readonly components: readonly { readonly key: string; readonly name: string; readonly weight: number }[];
  /** From the top: the first band whose minimum the score reaches. */
  readonly bands: readonly { readonly key: string; readonly name: string; readonly min: number; readonly boundary: Boundary }[];
}

/** What a "not to be published" verdict blocks beyond channel publication, which it always blocks (R7.10). */
export interface ConfidentialityReleaseRule {
  readonly id: string;
  /** Publications whose adoption is a public release: adoption by them is refused (names without 《》). */
  readonly publicPublications?: readonly string[];
  /** Further outcomes refused: any adoption (internal bulletins too), excellent ratings, leader instructions. */
  readonly notToPublishAlsoBlocks?: readonly ('adoption' | 'excellent' | 'instruction')[];
}
