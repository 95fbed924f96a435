import type { IncidentDue, IncidentStep, IncidentStreamEvent, ReportVerdict } from '../domain/incident.events';
import { isIncidentDeadlineKind, isReminderKind } from '../domain/incident.events';

/**
 * A step's standing: pending (due ahead, nothing filed), missed (its DeadlineElapsed is in the stream and nothing
 * is filed yet), on_time / late (filed, judged against its due), concealed (the first report, R5.35). From the
 * events alone: a replay of the log gives the same standing on any day.
 */
export type StepStatus = 'pending' | 'missed' | 'on_time' | 'late' | 'concealed' | 'withdrawn';

export interface StepView {
  step: IncidentStep;
  /** `written_report`, `follow_up-2`, `case_report`, `first_report`. */
  key: string;
  deadlineId: string | null;
  dueAt: string | null;
  remindAt: string | null;
  provisional: string | null;
  status: StepStatus;
  filedAt: string | null;
  lateByMinutes: number;
  /** When the reminder (催报) went out (its DeadlineElapsed), null otherwise. */
  remindedAt: string | null;
}

export interface IncidentView {
  incidentId: string;
  unitId: string;
  title: string;
  status: 'open' | 'final_reported' | 'closed';
  severity: string;
  categoryKey: string;
  categoryPath: string[];
  thresholdsReached: string[];
  occurredAt: string;
  discoveredAt: string;
  reportedAt: string;
  recordedAt: string;
  channel: string;
  place: string;
  policy: { policyId: string; policyVersion: number; ruleId: string };
  levelUnitId: string;
  steps: StepView[];
  approval: { approvedBy: string; approvedAt: string; wording: string } | null;
  escalations: { fromUnitId: string; toUnitId: string; skippedUnitIds: string[]; emergency: boolean; external: boolean; recipient: string | null; reason: string | null; escalatedBy: string; escalatedAt: string }[];
  instructions: { instructionId: string; leaderId: string; text: string; instructedAt: string; followUps: { response: string; reportedBy: string; reportedAt: string }[] }[];
  caseNumber: string | null;
  caseFiledAt: string | null;
  finalReportAt: string | null;
  closedAt: string | null;
  revision: string;
}

export interface TimelineEntry {
  revision: string;
  type: string;
  recordedAt: string;
  actorId: string;
  data: unknown;
}

const fromVerdict = (v: ReportVerdict): StepStatus => v.verdict;

function stepOf(due: IncidentDue, key: string): StepView {
  return { step: due.step, key, deadlineId: due.deadlineId, dueAt: due.dueAt, remindAt: due.remindAt, provisional: due.provisional, status: 'pending', filedAt: null, lateByMinutes: 0, remindedAt: null };
}

function setStep(view: IncidentView, key: string, change: Partial<StepView>): void {
  view.steps = view.steps.map((s) => (s.key === key ? { ...s, ...change } : s));
}

const keyOfDue = (due: IncidentDue, sequence?: number) => (due.step === 'follow_up' ? `follow_up-${sequence ?? 1}` : due.step);

/** Folds one event of an incident's stream into its view (pure; the projection calls it for events past the row's revision). */
export function applyIncidentEvent(view: IncidentView | null, event: IncidentStreamEvent, meta: { revision: bigint; recordedAt: string }): IncidentView | null {
  if (event.type === 'IncidentReported') {
    const d = event.data;
    return {
      incidentId: d.incidentId,
      unitId: d.unitId,
      title: d.title,
      status: 'open',
      severity: d.severity,
      categoryKey: d.categoryKey,
      categoryPath: d.categoryPath,
      thresholdsReached: d.thresholdsReached,
      occurredAt: d.occurredAt,
      discoveredAt: d.discoveredAt,
      reportedAt: d.reportedAt,
      recordedAt: meta.recordedAt,
      channel: d.channel,
      place: d.place,
      policy: d.policy,
      levelUnitId: d.unitId,
      steps: [
        { step: 'first_report', key: 'first_report', deadlineId: null, dueAt: d.firstReport.dueAt, remindAt: null, provisional: null, status: fromVerdict(d.firstReport), filedAt: d.reportedAt, lateByMinutes: d.firstReport.lateByMinutes, remindedAt: null },
        ...d.dues.map((due) => stepOf(due, keyOfDue(due))),
      ],
      approval: null,
      escalations: [],
      instructions: [],
      caseNumber: null,
      caseFiledAt: null,
      finalReportAt: null,
      closedAt: null,
      revision: meta.revision.toString(),
    };
  }
  if (!view) return view;
  const v: IncidentView = { ...view, revision: meta.revision.toString() };
  switch (event.type) {
    case 'DeadlineElapsed': {
      if (!isIncidentDeadlineKind(event.data.kind)) return v;
      if (isReminderKind(event.data.kind)) {
        const dueKind = event.data.kind.slice(0, -':reminder'.length);
        const step = v.steps.find((s) => s.deadlineId !== null && `incident-${s.key}` === dueKind);
        if (step) setStep(v, step.key, { remindedAt: event.data.dueAt });
        return v;
      }
      const step = v.steps.find((s) => s.deadlineId === event.data.deadlineId);
      if (step && step.status === 'pending') setStep(v, step.key, { status: 'missed' });
      return v;
    }
    case 'DeadlineScheduled':
    case 'DeadlineCancelled':
      // the incident's own events say what these say (the dues, the filings)
      return v;
    case 'IncidentWrittenReportFiled':
      setStep(v, 'written_report', { status: fromVerdict(event.data.verdict), filedAt: event.data.filedAt, lateByMinutes: event.data.verdict.lateByMinutes });
      return v;
    case 'IncidentFollowUpReported': {
      const key = `follow_up-${event.data.sequence}`;
      if (!v.steps.some((s) => s.key === key)) {
        v.steps = [...v.steps, { step: 'follow_up', key, deadlineId: null, dueAt: null, remindAt: null, provisional: null, status: 'on_time', filedAt: null, lateByMinutes: 0, remindedAt: null }];
      }
      setStep(v, key, { status: event.data.verdict ? fromVerdict(event.data.verdict) : 'on_time', filedAt: event.data.reportedAt, lateByMinutes: event.data.verdict?.lateByMinutes ?? 0 });
      if (event.data.nextDue) v.steps = [...v.steps, stepOf(event.data.nextDue, `follow_up-${event.data.sequence + 1}`)];
      return v;
    }
    case 'IncidentExternalReportApproved':
      v.approval = { approvedBy: event.data.approvedBy, approvedAt: event.data.approvedAt, wording: event.data.wording };
      return v;
    case 'IncidentEscalated': {
      const d = event.data;
      v.escalations = [
        ...v.escalations,
        { fromUnitId: d.fromUnitId, toUnitId: d.toUnitId, skippedUnitIds: d.skippedUnitIds, emergency: d.emergency, external: d.external ?? false, recipient: d.recipient ?? null, reason: d.reason, escalatedBy: d.escalatedBy, escalatedAt: d.escalatedAt },
      ];
      v.levelUnitId = d.toUnitId;
      return v;
    }
    case 'IncidentInstructionGiven':
      v.instructions = [...v.instructions, { instructionId: event.data.instructionId, leaderId: event.data.leaderId, text: event.data.text, instructedAt: event.data.instructedAt, followUps: [] }];
      return v;
    case 'IncidentInstructionFollowedUp':
      v.instructions = v.instructions.map((i) =>
        i.instructionId === event.data.instructionId ? { ...i, followUps: [...i.followUps, { response: event.data.response, reportedBy: event.data.reportedBy, reportedAt: event.data.reportedAt }] } : i,
      );
      return v;
    case 'IncidentCaseFiled':
      v.caseNumber = event.data.caseNumber;
      v.caseFiledAt = event.data.filedAt;
      if (event.data.due) v.steps = [...v.steps, stepOf(event.data.due, 'case_report')];
      else v.steps = [...v.steps, { step: 'case_report', key: 'case_report', deadlineId: null, dueAt: null, remindAt: null, provisional: null, status: 'pending', filedAt: null, lateByMinutes: 0, remindedAt: null }];
      return v;
    case 'IncidentCaseReported':
      setStep(v, 'case_report', { status: event.data.verdict ? fromVerdict(event.data.verdict) : 'on_time', filedAt: event.data.reportedAt, lateByMinutes: event.data.verdict?.lateByMinutes ?? 0 });
      return v;
    case 'IncidentFinalReportFiled':
      v.status = 'final_reported';
      v.finalReportAt = event.data.filedAt;
      // follow-ups no longer due: withdrawn, unless already missed
      v.steps = v.steps.map((s) => (s.step === 'follow_up' && s.status === 'pending' ? { ...s, status: 'withdrawn' } : s));
      return v;
    case 'IncidentClosed':
      v.status = 'closed';
      v.closedAt = event.data.closedAt;
      v.steps = v.steps.map((s) => (s.status === 'pending' ? { ...s, status: 'withdrawn' } : s));
      return v;
    default:
      return v;
  }
}

/** What is due and when, for an open incident: the steps not filed (pending or missed), soonest first. */
export function openDues(view: IncidentView): StepView[] {
  if (view.status === 'closed') return [];
  return view.steps.filter((s) => (s.status === 'pending' || s.status === 'missed') && s.dueAt !== null).sort((a, b) => (a.dueAt! < b.dueAt! ? -1 : a.dueAt! > b.dueAt! ? 1 : 0));
}
