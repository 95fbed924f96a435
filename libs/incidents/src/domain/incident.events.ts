import type { DeadlineCancelled, DeadlineElapsed, DeadlineScheduled, DomainEvent } from '@app/kernel';

/**
 * Incident events (突发事件 / 重大信息, regulations §5), in the stream `incident-<incidentId>`. Times are ISO
 * instants: `…At` fields that a person states (occurred, discovered, reported by phone) are facts of the report,
 * distinct from the moment the command was recorded (the event metadata's recordedAt). Money is integer yuan as the
 * sources state it (500元以上).
 */
export type IncidentChannel = 'phone' | 'written' | 'in_person';
export type IncidentSeverity = 'major' | 'general';

/** The steps that have deadlines (regulations §5.2): the first report is the incident's creation. */
export type IncidentStep = 'first_report' | 'written_report' | 'follow_up' | 'case_report' | 'final_report';

export interface Casualties {
  readonly deaths: number;
  readonly injured: number;
  /** The longest stay in hospital of the injured, in days (R5.01: 在医院治疗一天以上). */
  readonly hospitalisedDays: number;
}

export interface IncidentContact {
  readonly name: string;
  readonly phone: string;
}

/** The policy that governed the incident: the version in force at its occurrence for its reporting unit's type. */
export interface IncidentPolicyRef {
  readonly policyId: string;
  readonly policyVersion: number;
  readonly ruleId: string;
}

/** A deadline the report registered, resolved from the policy (the DeadlineScheduled of the same step carries its id). */
export interface IncidentDue {
  readonly step: IncidentStep;
  readonly deadlineId: string;
  readonly dueAt: string;
  /** When a reminder (催报) goes out before dueAt, if the policy asks for one. */
  readonly remindAt: string | null;
  /** Set when the due time counted working days in years the policy's calendar does not cover. */
  readonly provisional: string | null;
}

/** On time, late (迟报) by how much, or concealed (瞒报): a report's time against its anchor, never a clock. */
export interface ReportVerdict {
  readonly verdict: 'on_time' | 'late' | 'concealed';
  readonly dueAt: string;
  readonly lateByMinutes: number;
}

export type IncidentReported = DomainEvent<
  'IncidentReported',
  {
    incidentId: string;
    /** The unit that reports (报送单位): the duty officer's or unit head's own unit. */
    unitId: string;
    reportedBy: string;
    title: string;
    categoryKey: string;
    /** The category's path from the policy's tree's root (['accident', 'fire']). */
    categoryPath: string[];
    severity: IncidentSeverity;
    /** The thresholds the figures reached (R5.01), e.g. ['injured>=1', 'hospitalisedDays>=1']. */
    thresholdsReached: string[];
    occurredAt: string;
    discoveredAt: string;
    /** When the first report was made (the phone call), which may precede its entry here. */
    reportedAt: string;
    channel: IncidentChannel;
    place: string;
    unitsInvolved: string[];
    peopleInvolved: string[];
    course: string;
    casualties: Casualties;
    /** Preliminary direct loss in yuan, null when not yet estimated. */
    directLossYuan: number | null;
    cause: string | null;
    measures: string | null;
    signer: string | null;
    contact: IncidentContact;
    policy: IncidentPolicyRef;
    /** The first report's own verdict against the policy's firstReport / lateAfter / concealedAfter. */
    firstReport: ReportVerdict;
    /** The deadlines registered (written report, and follow-ups or the case report as they arise). */
    dues: IncidentDue[];
  }
>;

/** The written report (书面报告), with the full elements of R5.25. */
export type IncidentWrittenReportFiled = DomainEvent<
  'IncidentWrittenReportFiled',
  {
    incidentId: string;
    filedBy: string;
    filedAt: string;
    course: string;
    casualties: Casualties;
    directLossYuan: number | null;
    cause: string;
    measures: string;
    signer: string;
    verdict: ReportVerdict;
  }
>;

/** 续报 (R5.26): progress, measures, cause and consequences, lessons. */
export type IncidentFollowUpReported = DomainEvent<
  'IncidentFollowUpReported',
  {
    incidentId: string;
    sequence: number;
    reportedBy: string;
    reportedAt: string;
    progress: string;
    measures: string;
    causeAndConsequences: string | null;
    lessons: string | null;
    casualties: Casualties | null;
    directLossYuan: number | null;
    /** Against the follow-up deadline, when the policy has one (followUpEvery); null otherwise. */
    verdict: ReportVerdict | null;
    /** The next follow-up's deadline, when the policy has one. */
    nextDue: IncidentDue | null;
  }
>;

/** The principal leader agrees and fixes one wording (统一口径, R5.27) before anything goes out. */
export type IncidentExternalReportApproved = DomainEvent<
  'IncidentExternalReportApproved',
  { incidentId: string; approvedBy: string; approvedAt: string; wording: string }
>;

/** Reported up the chain: level by level, or skipping levels in an emergency where the policy allows it (R5.32). */
export type IncidentEscalated = DomainEvent<
  'IncidentEscalated',
  {
    incidentId: string;
    fromUnitId: string;
    /** The unit of the tree it went to; for a report that leaves the institution (external), the unit that sent it out. */
    toUnitId: string;
    skippedUnitIds: string[];
    emergency: boolean;
    reason: string | null;
    escalatedBy: string;
    escalatedAt: string;
    /** True when the report left the institution (to `recipient`, a body outside the unit tree). */
    external?: boolean;
    recipient?: string | null;
  }
>;

/** A leader's instruction (批示) on the incident. */
export type IncidentInstructionGiven = DomainEvent<
  'IncidentInstructionGiven',
  { incidentId: string; instructionId: string; leaderId: string; text: string; instructedAt: string }
>;

/** What was done about an instruction (落实情况). */
export type IncidentInstructionFollowedUp = DomainEvent<
  'IncidentInstructionFollowedUp',
  { incidentId: string; instructionId: string; response: string; reportedBy: string; reportedAt: string }
>;

/** 立案 (discipline cases, R4.28): the case report is due within the policy's caseReport of this. */
export type IncidentCaseFiled = DomainEvent<'IncidentCaseFiled', { incidentId: string; caseNumber: string; filedAt: string; recordedBy: string; due: IncidentDue | null }>;

export type IncidentCaseReported = DomainEvent<
  'IncidentCaseReported',
  { incidentId: string; reportedBy: string; reportedAt: string; summary: string; verdict: ReportVerdict | null }
>;

/** 终报: the final report (course, cause, consequences, handling, lessons). */
export type IncidentFinalReportFiled = DomainEvent<
  'IncidentFinalReportFiled',
  { incidentId: string; filedBy: string; filedAt: string; summary: string; cause: string; consequences: string; lessons: string; casualties: Casualties; directLossYuan: number | null }
>;

export type IncidentClosed = DomainEvent<'IncidentClosed', { incidentId: string; closedBy: string; closedAt: string; reason: string | null }>;

export type IncidentEvent =
  | IncidentReported
  | IncidentWrittenReportFiled
  | IncidentFollowUpReported
  | IncidentExternalReportApproved
  | IncidentEscalated
  | IncidentInstructionGiven
  | IncidentInstructionFollowedUp
  | IncidentCaseFiled
  | IncidentCaseReported
  | IncidentFinalReportFiled
  | IncidentClosed;

/** Everything in an incident's stream: its own events and the facts of its deadlines (ADR 0015). */
export type IncidentStreamEvent = IncidentEvent | DeadlineScheduled | DeadlineCancelled | DeadlineElapsed;

export const INCIDENT_EVENT_TYPES: readonly IncidentEvent['type'][] = [
  'IncidentReported',
  'IncidentWrittenReportFiled',
  'IncidentFollowUpReported',
  'IncidentExternalReportApproved',
  'IncidentEscalated',
  'IncidentInstructionGiven',
  'IncidentInstructionFollowedUp',
  'IncidentCaseFiled',
  'IncidentCaseReported',
  'IncidentFinalReportFiled',
  'IncidentClosed',
];

export const incidentStream = (incidentId: string): string => `incident-${incidentId}`;

/**
 * Deadline kinds: `incident-<step>` is the due time (its DeadlineElapsed means nothing was filed by then: missed
 * until filed, then late); `incident-<step>:reminder` is the reminder before it. A follow-up's kind carries its
 * sequence (`incident-follow_up-2`) so each has its own deadline id.
 */
export const incidentDeadlineKind = (step: IncidentStep, sequence?: number): string => (sequence === undefined ? `incident-${step}` : `incident-${step}-${sequence}`);
export const incidentReminderKind = (dueKind: string): string => `${dueKind}:reminder`;
export const isIncidentDeadlineKind = (kind: string): boolean => kind.startsWith('incident-');
export const isReminderKind = (kind: string): boolean => kind.endsWith(':reminder');
