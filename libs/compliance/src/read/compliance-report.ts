/**
 * What the compliance read model answers for a unit and a period (regulations §4.1-4.3): the shape the compliance
 * API returns and the bulletins (通报) are made of.
 *
 * Periods: month (2026-11), quarter (2026-Q4), semester (2026-H2: half year), year (2026), in the business time
 * zone. A period is final once a BusinessPeriodEnded whose end is at or after the period's end has been read
 * (the half year ends with its second quarter); until then it is provisional. A final period counts the facts
 * recorded up to that event's log position (finalAtPosition): an adoption back-dated into it later, say, counts in
 * the period it was recorded in (carriedIn there). The policies are those in force now (a what-if re-evaluates
 * every period).
 */
export type CompliancePeriod = 'month' | 'quarter' | 'semester' | 'year';

export interface QuotaOutcome {
  readonly quotaId: string;
  readonly policyId: string;
  readonly policyVersion: number;
  /** What counts (submitted, adopted, published) and for which content types. */
  readonly counts: { readonly outcome: 'submitted' | 'adopted' | 'published'; readonly contentTypes: readonly string[] | null };
  readonly required: number;
  readonly delivered: number;
  readonly shortfall: number;
  readonly met: boolean;
}

export interface LateItem {
  readonly draftId: string;
  readonly title: string;
  readonly ruleId: string;
  readonly dueAt: string;
  readonly submittedAt: string;
  readonly lateByMinutes: number;
}

export interface IncidentOutcome {
  readonly incidentId: string;
  readonly title: string;
  readonly step: 'first_report' | 'written_report' | 'follow_up' | 'case_report' | 'final_report';
  readonly verdict: 'on_time' | 'late' | 'concealed' | 'missed';
  readonly dueAt: string;
  readonly filedAt: string | null;
  readonly lateByMinutes: number;
}

export interface PenaltyLine {
  readonly ruleId: string;
  readonly policyId: string;
  readonly points: number;
  readonly reason: string;
}

export interface UnitCompliance {
  readonly unitId: string;
  readonly unitName: string;
  readonly unitType: string;
  readonly period: CompliancePeriod;
  readonly periodKey: string;
  /** From the first instant (inclusive) to the end (exclusive), UTC. */
  readonly startsAt: string;
  readonly endsAt: string;
  readonly status: 'provisional' | 'final';
  /** The log position of the BusinessPeriodEnded that made the period final (facts after it are not counted); null while provisional. */
  readonly finalAtPosition: string | null;
  /** Facts counted here as adjustments: dated in an earlier period that was already final when they were recorded (submissions, adoptions, publications, incident reports). */
  readonly carriedIn: number;
  readonly submitted: number;
  /** Items adopted in the period (their first adoption, at any level, dated in it), whenever they were submitted. */
  readonly adopted: number;
  /** Of the items submitted in the period, the share adopted (at any level) so far: at most 1; 0 when nothing was submitted (4 decimals). */
  readonly adoptionRate: number;
  readonly quotas: readonly QuotaOutcome[];
  readonly shortfall: number;
  /** Periods of this kind missed in a row up to this one (0 when this one met every quota). */
  readonly consecutiveMissed: number;
  /** The step of a consecutive_miss_escalation penalty reached (R4.37), null when none. */
  readonly escalation: { readonly ruleId: string; readonly consecutive: number; readonly action: string } | null;
  readonly timeliness: { readonly items: number; readonly onTime: number; readonly late: number; readonly lateItems: readonly LateItem[] };
  readonly incidents: { readonly steps: number; readonly onTime: number; readonly late: number; readonly concealed: number; readonly missed: number; readonly outcomes: readonly IncidentOutcome[] };
  readonly commissions: { readonly commissioned: number; readonly answeredOnTime: number; readonly answeredLate: number; readonly missed: number };
  readonly penalties: readonly PenaltyLine[];
  /** On the grading rule's scale; null when no grading rule is in force for the unit. */
  readonly score: number | null;
  readonly scale: number | null;
  readonly grade: { readonly key: string; readonly name: string } | null;
  /** The policy versions the figures came from. */
  readonly policies: readonly { readonly policyId: string; readonly policyVersion: number }[];
}
