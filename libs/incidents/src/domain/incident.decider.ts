import { assertNever, Decider, DeadlineCancelled, deadlineIdFor, DeadlineScheduled, type DeadlineState, foldDeadline, InvalidState, NotFound, RuleViolation } from '@app/kernel';
import type { CompiledPolicy, IncidentElement, IncidentRules } from '@app/policies';
import {
  Casualties,
  IncidentChannel,
  IncidentContact,
  incidentDeadlineKind,
  IncidentDue,
  IncidentPolicyRef,
  incidentReminderKind,
  IncidentSeverity,
  IncidentStep,
  incidentStream,
  IncidentStreamEvent,
  ReportVerdict,
} from './incident.events';

/**
 * The incident aggregate (突发事件 / 重大信息, regulations §5). Pure: the policy in force (compiled) and `now` arrive
 * in the command. Reporting registers the deadlines the policy gives (DeadlineScheduled in the incident's own
 * stream); filing a step withdraws its deadline and reminder (DeadlineCancelled); the scheduler appends
 * DeadlineElapsed when a due passes with nothing filed, which this decider folds (the step is missed until filed,
 * then late). Verdicts come from the stated and recorded times against the policy's deadlines, never a clock.
 */

interface Actor {
  readonly actorId: string;
  readonly now: string;
}

export interface ReportIncidentCommand extends Actor {
  type: 'ReportIncident';
  incidentId: string;
  unitId: string;
  title: string;
  categoryKey: string;
  occurredAt: string;
  discoveredAt: string;
  reportedAt: string;
  channel: IncidentChannel;
  place: string | null;
  unitsInvolved: string[];
  peopleInvolved: string[];
  course: string | null;
  casualties: Casualties | null;
  directLossYuan: number | null;
  cause: string | null;
  measures: string | null;
  signer: string | null;
  contact: IncidentContact | null;
  /** The policy in force for the reporting unit's type at occurredAt (one with incidentRules). */
  policy: CompiledPolicy;
}

export type IncidentCommand =
  | ReportIncidentCommand
  | (Actor & { type: 'FileWrittenReport'; policy: CompiledPolicy; course: string; casualties: Casualties | null; directLossYuan: number | null; cause: string; measures: string; signer: string })
  | (Actor & {
      type: 'ReportFollowUp';
      policy: CompiledPolicy;
      progress: string;
      measures: string;
      causeAndConsequences: string | null;
      lessons: string | null;
      casualties: Casualties | null;
      directLossYuan: number | null;
    })
  | (Actor & { type: 'ApproveExternalReport'; policy: CompiledPolicy; wording: string })
  | (Actor & {
      type: 'Escalate';
      policy: CompiledPolicy;
      /** The incident's current level followed by its ancestors up to the institution's top unit (the org tree). */
      lineage: readonly string[];
      /** A unit of the tree above the current level; null for a report that leaves the institution (recipient). */
      toUnitId: string | null;
      recipient: string | null;
      emergency: boolean;
      reason: string | null;
    })
  | (Actor & { type: 'GiveInstruction'; instructionId: string; text: string })
  | (Actor & { type: 'FollowUpInstruction'; instructionId: string; response: string })
  | (Actor & { type: 'FileCase'; policy: CompiledPolicy; caseNumber: string; filedAt: string })
  | (Actor & { type: 'ReportCase'; summary: string })
  | (Actor & { type: 'FileFinalReport'; summary: string; cause: string; consequences: string; lessons: string; casualties: Casualties | null; directLossYuan: number | null })
  | (Actor & { type: 'CloseIncident'; reason: string | null });

export type { DeadlineState } from '@app/kernel';

export type IncidentState =
  | { status: 'none' }
  | {
      status: 'open' | 'final_reported' | 'closed';
      incidentId: string;
      unitId: string;
      occurredAt: string;
      reportedAt: string;
      policy: IncidentPolicyRef;
      /** Where the incident sits in the chain: the reporting unit, then each unit it was escalated to. */
      levelUnitId: string;
      approval: { approvedBy: string; wording: string } | null;
      writtenFiled: boolean;
      followUps: number;
      instructions: readonly string[];
      caseFiled: boolean;
      caseReported: boolean;
      /** The dues by step key (`written_report`, `follow_up-2`, `case_report`). */
      dues: Readonly<Record<string, IncidentDue>>;
      deadlines: Readonly<Record<string, DeadlineState>>;
    };

type Open = Exclude<IncidentState, { status: 'none' }>;

export const ZERO_CASUALTIES: Casualties = { deaths: 0, injured: 0, hospitalisedDays: 0 };

/** The key of a due in the state: the step, with the follow-up's sequence. */
export const dueKey = (step: IncidentStep, sequence?: number): string => (sequence === undefined ? step : `${step}-${sequence}`);

export const incidentDeadlineId = (incidentId: string, kind: string): string => deadlineIdFor(kind, incidentStream(incidentId));

const minutesLate = (at: string, due: string): number => Math.max(0, Math.ceil((Date.parse(at) - Date.parse(due)) / 60_000));

/** A filed step against its due: on time when filed <= due, otherwise late by the minutes after it (rounded up). */
export function stepVerdict(filedAt: string, dueAt: string): ReportVerdict {
  const late = Date.parse(filedAt) > Date.parse(dueAt);
  return { verdict: late ? 'late' : 'on_time', dueAt, lateByMinutes: late ? minutesLate(filedAt, dueAt) : 0 };
}

/**
 * The first report's verdict (R5.35): on time up to lateAfter (inclusive: at exactly 2 h on time), late (迟报)
 * after it, concealed (瞒报) after concealedAfter; lateByMinutes counts from the lateAfter time.
 */
export function firstReportVerdict(reportedAt: string, due: { firstReport: Date; lateAfter: Date; concealedAfter: Date }): ReportVerdict {
  const t = Date.parse(reportedAt);
  const verdict = t > due.concealedAfter.getTime() ? 'concealed' : t > due.lateAfter.getTime() ? 'late' : 'on_time';
  return { verdict, dueAt: due.firstReport.toISOString(), lateByMinutes: verdict === 'on_time' ? 0 : minutesLate(reportedAt, due.lateAfter.toISOString()) };
}

function rulesOf(policy: CompiledPolicy): IncidentRules {
  const rules = policy.document.rules.incidentRules;
  if (!rules) throw new RuleViolation('incident-no-policy', `Policy ${policy.document.id} v${policy.document.version} has no incident rules`, { policyId: policy.document.id });
  return rules;
}

const blank = (s: string | null | undefined): boolean => s === null || s === undefined || s.trim() === '';

/** Which of the required elements (R5.25) the report lacks, as request fields. */
export function missingElements(required: readonly IncidentElement[], c: Omit<ReportIncidentCommand, 'policy' | 'type' | 'actorId' | 'now'>): { field: string; element: IncidentElement }[] {
  const missing: { field: string; element: IncidentElement }[] = [];
  for (const element of required) {
    const field = ((): string | null => {
      switch (element) {
        case 'occurredAt':
          return blank(c.occurredAt) ? 'occurredAt' : null;
        case 'discoveredAt':
          return blank(c.discoveredAt) ? 'discoveredAt' : null;
        case 'place':
          return blank(c.place) ? 'place' : null;
        case 'unitsInvolved':
          return c.unitsInvolved.length === 0 ? 'unitsInvolved' : null;
        case 'peopleInvolved':
          return c.peopleInvolved.length === 0 ? 'peopleInvolved' : null;
        case 'course':
          return blank(c.course) ? 'course' : null;
        case 'casualties':
          return c.casualties === null ? 'casualties' : null;
        case 'directLoss':
          return c.directLossYuan === null ? 'directLossYuan' : null;
        case 'cause':
          return blank(c.cause) ? 'cause' : null;
        case 'measures':
          return blank(c.measures) ? 'measures' : null;
        case 'reportingUnit':
          return blank(c.unitId) ? 'unitId' : null;
        case 'signer':
          return blank(c.signer) ? 'signer' : null;
        case 'contact':
          return c.contact === null || blank(c.contact.name) || blank(c.contact.phone) ? 'contact' : null;
        default:
          return assertNever(element, 'incident element');
      }
    })();
    if (field) missing.push({ field, element });
  }
  return missing;
}

/**
 * Which required elements a written report lacks: the report's own fields (course, casualties, direct loss, cause,
 * measures, signer); the others (time, place, units, contact …) are the first report's and stay as reported.
 */
export function writtenMissing(required: readonly IncidentElement[], r: { course: string; casualties: Casualties | null; directLossYuan: number | null; cause: string; measures: string; signer: string }): { field: string; element: IncidentElement }[] {
  const lacks: Partial<Record<IncidentElement, string | null>> = {
    course: blank(r.course) ? 'course' : null,
    casualties: r.casualties === null ? 'casualties' : null,
    directLoss: r.directLossYuan === null ? 'directLossYuan' : null,
    cause: blank(r.cause) ? 'cause' : null,
    measures: blank(r.measures) ? 'measures' : null,
    signer: blank(r.signer) ? 'signer' : null,
  };
  return required.flatMap((element) => (lacks[element] ? [{ field: lacks[element]!, element }] : []));
}

function refuseMissing(missing: { field: string; element: IncidentElement }[], report: string): void {
  if (missing.length === 0) return;
  throw new RuleViolation('incident-elements-missing', `The ${report} lacks required elements (R5.25): ${missing.map((m) => m.field).join(', ')}`, {
    fields: missing.map((m) => m.field),
    errors: missing.map((m) => ({ field: m.field, message: `${m.field} is required in a ${report} by the policy in force (${m.element})` })),
  });
}

/** DeadlineScheduled for a due and, when it has one, its reminder. */
function schedule(incidentId: string, due: IncidentDue, kind: string): DeadlineScheduled[] {
  const subject = incidentStream(incidentId);
  const events: DeadlineScheduled[] = [{ type: 'DeadlineScheduled', data: { deadlineId: due.deadlineId, dueAt: due.dueAt, kind, subject } }];
  if (due.remindAt) {
    const reminder = incidentReminderKind(kind);
    events.push({ type: 'DeadlineScheduled', data: { deadlineId: incidentDeadlineId(incidentId, reminder), dueAt: due.remindAt, kind: reminder, subject } });
  }
  return events;
}

/** A due of a step, resolved: its deadline id from its kind, its reminder when ahead of `now`. */
function makeDue(policy: CompiledPolicy, incidentId: string, step: IncidentStep, at: { at: Date; provisional: { reason: string } | null }, now: string, sequence?: number): { due: IncidentDue; kind: string } {
  const kind = incidentDeadlineKind(step, sequence);
  const remind = policy.incidentRemindAt(at.at);
  return {
    kind,
    due: {
      step,
      deadlineId: incidentDeadlineId(incidentId, kind),
      dueAt: at.at.toISOString(),
      remindAt: remind && remind.getTime() > Date.parse(now) ? remind.toISOString() : null,
      provisional: at.provisional?.reason ?? null,
    },
  };
}

/** DeadlineCancelled for the due of a step key and its reminder, where still scheduled. */
function withdraw(state: Open, key: string, reason: string, now: string): DeadlineCancelled[] {
  const due = state.dues[key];
  if (!due) return [];
  const kind = incidentDeadlineKind(due.step, key.startsWith('follow_up-') ? Number(key.slice('follow_up-'.length)) : undefined);
  const ids = [due.deadlineId, incidentDeadlineId(state.incidentId, incidentReminderKind(kind))];
  return ids
    .map((id) => state.deadlines[id])
    .filter((d): d is DeadlineState => d !== undefined && d.status === 'scheduled')
    .map((d) => ({ type: 'DeadlineCancelled' as const, data: { deadlineId: d.deadlineId, kind: d.kind, subject: incidentStream(state.incidentId), reason, cancelledAt: now } }));
}

function notBefore(field: string, value: string, earlier: string, earlierField: string): void {
  if (Date.parse(value) < Date.parse(earlier)) {
    throw new RuleViolation('incident-times-out-of-order', `${field} (${value}) is before ${earlierField} (${earlier}): occurred <= discovered <= reported <= now`, { field, errors: [{ field, message: `${field} must not be before ${earlierField}` }] });
  }
}

const policyRef = (policy: CompiledPolicy, rules: IncidentRules): IncidentPolicyRef => ({ policyId: policy.document.id, policyVersion: policy.document.version, ruleId: rules.id });

function report(c: ReportIncidentCommand): IncidentStreamEvent[] {
  const rules = rulesOf(c.policy);
  notBefore('discoveredAt', c.discoveredAt, c.occurredAt, 'occurredAt');
  notBefore('reportedAt', c.reportedAt, c.discoveredAt, 'discoveredAt');
  if (Date.parse(c.reportedAt) > Date.parse(c.now)) {
    throw new RuleViolation('incident-times-out-of-order', `reportedAt (${c.reportedAt}) is in the future (now ${c.now}): occurred <= discovered <= reported <= now`, {
      field: 'reportedAt',
      errors: [{ field: 'reportedAt', message: 'reportedAt must not be after now' }],
    });
  }
  const { policy, type: _t, actorId, now, ...facts } = c;
  refuseMissing(missingElements(rules.requiredElements?.firstReport ?? [], facts), 'first report');
  const casualties = c.casualties ?? ZERO_CASUALTIES;
  const category = policy.incidentSeverity(c.categoryKey, { deaths: casualties.deaths, injured: casualties.injured, hospitalisedDays: casualties.hospitalisedDays, lossYuan: c.directLossYuan ?? 0 });
  if (!category) {
    throw new RuleViolation('incident-category-unknown', `Category ${c.categoryKey} is not in the incident categories of policy ${policy.document.id} v${policy.document.version}`, {
      field: 'categoryKey',
      errors: [{ field: 'categoryKey', message: `categoryKey must be a category of the policy in force` }],
    });
  }
  const due = policy.incidentDueTimes({ occurredAt: new Date(c.occurredAt), discoveredAt: new Date(c.discoveredAt), lastReportAt: new Date(c.reportedAt) })!;
  const dues = [makeDue(policy, c.incidentId, 'written_report', due.writtenReport, now)];
  if (due.followUp) dues.push(makeDue(policy, c.incidentId, 'follow_up', due.followUp, now, 1));
  const severity: IncidentSeverity = category.severity;
  return [
    {
      type: 'IncidentReported',
      data: {
        incidentId: c.incidentId,
        unitId: c.unitId,
        reportedBy: actorId,
        title: c.title,
        categoryKey: category.key,
        categoryPath: category.path,
        severity,
        thresholdsReached: category.thresholdsReached,
        occurredAt: c.occurredAt,
        discoveredAt: c.discoveredAt,
        reportedAt: c.reportedAt,
        channel: c.channel,
        place: c.place ?? '',
        unitsInvolved: c.unitsInvolved,
        peopleInvolved: c.peopleInvolved,
        course: c.course ?? '',
        casualties,
        directLossYuan: c.directLossYuan,
        cause: c.cause,
        measures: c.measures,
        signer: c.signer,
        contact: c.contact ?? { name: '', phone: '' },
        policy: policyRef(policy, rules),
        firstReport: firstReportVerdict(c.reportedAt, { firstReport: due.firstReport.at, lateAfter: due.lateAfter.at, concealedAfter: due.concealedAfter.at }),
        dues: dues.map((d) => d.due),
      },
    },
    ...dues.flatMap((d) => schedule(c.incidentId, d.due, d.kind)),
  ];
}

function live(state: IncidentState, incidentId = ''): Open {
  if (state.status === 'none') throw new NotFound('Incident', incidentId);
  if (state.status === 'closed') throw new InvalidState('incident-closed', `Incident ${state.incidentId} is closed: it takes no further reports`);
  return state;
}

export const incidentDecider: Decider<IncidentCommand, IncidentState, IncidentStreamEvent> = {
  initialState: () => ({ status: 'none' }),
  evolve(state, event) {
    if (event.type === 'IncidentReported') {
      const d = event.data;
      const dues: Record<string, IncidentDue> = {};
      for (const due of d.dues) dues[due.step === 'follow_up' ? dueKey('follow_up', 1) : due.step] = due;
      return {
        status: 'open',
        incidentId: d.incidentId,
        unitId: d.unitId,
        occurredAt: d.occurredAt,
        reportedAt: d.reportedAt,
        policy: d.policy,
        levelUnitId: d.unitId,
        approval: null,
        writtenFiled: false,
        followUps: 0,
        instructions: [],
        caseFiled: false,
        caseReported: false,
        dues,
        deadlines: {},
      };
    }
    if (state.status === 'none') return state;
    switch (event.type) {
      case 'DeadlineScheduled':
      case 'DeadlineCancelled':
      case 'DeadlineElapsed': {
        const deadlines = foldDeadline(state.deadlines, event);
        return deadlines === state.deadlines ? state : { ...state, deadlines };
      }
      case 'IncidentWrittenReportFiled':
        return { ...state, writtenFiled: true };
      case 'IncidentFollowUpReported': {
        const dues = event.data.nextDue ? { ...state.dues, [dueKey('follow_up', event.data.sequence + 1)]: event.data.nextDue } : state.dues;
        return { ...state, followUps: event.data.sequence, dues };
      }
      case 'IncidentExternalReportApproved':
        return { ...state, approval: { approvedBy: event.data.approvedBy, wording: event.data.wording } };
      case 'IncidentEscalated':
        return { ...state, levelUnitId: event.data.toUnitId };
      case 'IncidentInstructionGiven':
        return { ...state, instructions: [...state.instructions, event.data.instructionId] };
      case 'IncidentInstructionFollowedUp':
        return state;
      case 'IncidentCaseFiled':
        return { ...state, caseFiled: true, dues: event.data.due ? { ...state.dues, case_report: event.data.due } : state.dues };
      case 'IncidentCaseReported':
        return { ...state, caseReported: true };
      case 'IncidentFinalReportFiled':
        return { ...state, status: 'final_reported' };
      case 'IncidentClosed':
        return { ...state, status: 'closed' };
      default:
        return state;
    }
  },
  decide(command, state) {
    switch (command.type) {
      case 'ReportIncident':
        if (state.status !== 'none') throw new InvalidState('incident-exists', `Incident ${command.incidentId} already exists`);
        return report(command);
      case 'FileWrittenReport': {
        const s = live(state);
        if (s.writtenFiled) throw new InvalidState('incident-written-report-filed', 'The written report (书面报告) is already filed: send a follow-up (续报) instead');
        const rules = rulesOf(command.policy);
        const { type: _t, policy: _p, actorId, now, ...body } = command;
        refuseMissing(writtenMissing(rules.requiredElements?.writtenReport ?? [], body), 'written report');
        const due = s.dues.written_report;
        return [
          {
            type: 'IncidentWrittenReportFiled',
            data: {
              incidentId: s.incidentId,
              filedBy: actorId,
              filedAt: now,
              course: body.course,
              casualties: body.casualties ?? ZERO_CASUALTIES,
              directLossYuan: body.directLossYuan,
              cause: body.cause,
              measures: body.measures,
              signer: body.signer,
              verdict: due ? stepVerdict(now, due.dueAt) : { verdict: 'on_time', dueAt: now, lateByMinutes: 0 },
            },
          },
          ...withdraw(s, 'written_report', 'written-report-filed', now),
        ];
      }
      case 'ReportFollowUp': {
        const s = live(state);
        if (s.status === 'final_reported') throw new InvalidState('incident-final-report-filed', 'The final report (终报) is filed: no further follow-ups');
        const sequence = s.followUps + 1;
        const key = dueKey('follow_up', sequence);
        const due = s.dues[key];
        const nextAt = command.policy.incidentDueTimes({ occurredAt: new Date(s.occurredAt), discoveredAt: new Date(s.occurredAt), lastReportAt: new Date(command.now) })?.followUp ?? null;
        const next = nextAt ? makeDue(command.policy, s.incidentId, 'follow_up', nextAt, command.now, sequence + 1) : null;
        return [
          {
            type: 'IncidentFollowUpReported',
            data: {
              incidentId: s.incidentId,
              sequence,
              reportedBy: command.actorId,
              reportedAt: command.now,
              progress: command.progress,
              measures: command.measures,
              causeAndConsequences: command.causeAndConsequences,
              lessons: command.lessons,
              casualties: command.casualties,
              directLossYuan: command.directLossYuan,
              verdict: due ? stepVerdict(command.now, due.dueAt) : null,
              nextDue: next?.due ?? null,
            },
          },
          ...withdraw(s, key, 'follow-up-reported', command.now),
          ...(next ? schedule(s.incidentId, next.due, next.kind) : []),
        ];
      }
      case 'ApproveExternalReport': {
        const s = live(state);
        const rules = rulesOf(command.policy);
        if (rules.externalReport?.unifiedWording && blank(command.wording)) {
          throw new RuleViolation('incident-wording-required', 'The policy asks for one unified wording (统一口径, R5.27) with the approval', { field: 'wording' });
        }
        return [{ type: 'IncidentExternalReportApproved', data: { incidentId: s.incidentId, approvedBy: command.actorId, approvedAt: command.now, wording: command.wording } }];
      }
      case 'Escalate': {
        const s = live(state);
        const rules = rulesOf(command.policy);
        const [level, ...ancestors] = command.lineage;
        if (level !== s.levelUnitId) throw new InvalidState('incident-level-changed', `The incident sits at unit ${s.levelUnitId}, not ${level ?? 'none'}`);
        const mayskip = rules.escalation === 'skip_allowed_in_emergencies' && command.emergency;
        let toUnitId: string;
        let skipped: string[];
        const external = command.toUnitId === null;
        if (external) {
          if (blank(command.recipient)) throw new RuleViolation('incident-escalation-recipient-required', 'A report that leaves the institution names its recipient', { field: 'recipient' });
          // out of the institution: from its top unit, or (skipping every level above) straight from here
          skipped = ancestors;
          toUnitId = level;
          const ext = rules.externalReport;
          if (ext?.leaderApproval && !s.approval) {
            throw new InvalidState('incident-external-approval-required', 'The principal leader must approve the external report with one unified wording (统一口径, R5.27) before it leaves the institution');
          }
          if (ext?.unifiedWording && s.approval && blank(s.approval.wording)) {
            throw new InvalidState('incident-external-approval-required', 'The approval has no unified wording (统一口径, R5.27)');
          }
        } else {
          const index = ancestors.indexOf(command.toUnitId!);
          if (index < 0) {
            throw new RuleViolation('incident-escalation-not-upward', `Unit ${command.toUnitId} is not above unit ${level} in the chain: an incident is escalated upward`, { field: 'toUnitId' });
          }
          skipped = ancestors.slice(0, index);
          toUnitId = command.toUnitId!;
        }
        if (skipped.length > 0 && !mayskip) {
          const why =
            rules.escalation === 'skip_allowed_in_emergencies'
              ? 'skipping levels is allowed in an emergency only (emergency: true)'
              : 'the policy in force has escalation level by level (越级上报 is forbidden)';
          throw new RuleViolation('incident-escalation-skips-levels', `Escalating from ${level} would skip ${skipped.join(', ')}: ${why}`, { field: 'toUnitId', skippedUnitIds: skipped, escalation: rules.escalation });
        }
        return [
          {
            type: 'IncidentEscalated',
            data: {
              incidentId: s.incidentId,
              fromUnitId: level,
              toUnitId,
              skippedUnitIds: skipped,
              emergency: command.emergency,
              reason: command.reason,
              escalatedBy: command.actorId,
              escalatedAt: command.now,
              external,
              recipient: external ? command.recipient : null,
            },
          },
        ];
      }
      case 'GiveInstruction': {
        const s = live(state);
        if (s.instructions.includes(command.instructionId)) throw new InvalidState('incident-instruction-exists', `Instruction ${command.instructionId} already exists`);
        return [{ type: 'IncidentInstructionGiven', data: { incidentId: s.incidentId, instructionId: command.instructionId, leaderId: command.actorId, text: command.text, instructedAt: command.now } }];
      }
      case 'FollowUpInstruction': {
        const s = live(state);
        if (!s.instructions.includes(command.instructionId)) throw new NotFound('Instruction', command.instructionId);
        return [{ type: 'IncidentInstructionFollowedUp', data: { incidentId: s.incidentId, instructionId: command.instructionId, response: command.response, reportedBy: command.actorId, reportedAt: command.now } }];
      }
      case 'FileCase': {
        const s = live(state);
        if (s.caseFiled) throw new InvalidState('incident-case-already-filed', 'The case is already filed (立案)');
        notBefore('filedAt', command.filedAt, s.occurredAt, 'occurredAt');
        if (Date.parse(command.filedAt) > Date.parse(command.now)) {
          throw new RuleViolation('incident-times-out-of-order', `filedAt (${command.filedAt}) is in the future`, { field: 'filedAt', errors: [{ field: 'filedAt', message: 'filedAt must not be after now' }] });
        }
        const at = command.policy.incidentDueTimes({ occurredAt: new Date(s.occurredAt), discoveredAt: new Date(s.occurredAt), caseFiledAt: new Date(command.filedAt) })?.caseReport ?? null;
        const due = at ? makeDue(command.policy, s.incidentId, 'case_report', at, command.now) : null;
        return [
          { type: 'IncidentCaseFiled', data: { incidentId: s.incidentId, caseNumber: command.caseNumber, filedAt: command.filedAt, recordedBy: command.actorId, due: due?.due ?? null } },
          ...(due ? schedule(s.incidentId, due.due, due.kind) : []),
        ];
      }
      case 'ReportCase': {
        const s = live(state);
        if (!s.caseFiled) throw new InvalidState('incident-case-not-filed', 'No case is filed (立案) for this incident');
        if (s.caseReported) throw new InvalidState('incident-case-already-reported', 'The case report is already filed');
        const due = s.dues.case_report;
        return [
          { type: 'IncidentCaseReported', data: { incidentId: s.incidentId, reportedBy: command.actorId, reportedAt: command.now, summary: command.summary, verdict: due ? stepVerdict(command.now, due.dueAt) : null } },
          ...withdraw(s, 'case_report', 'case-reported', command.now),
        ];
      }
      case 'FileFinalReport': {
        const s = live(state);
        if (s.status === 'final_reported') throw new InvalidState('incident-final-report-filed', 'The final report (终报) is already filed');
        const { type: _t, actorId, now, casualties, ...body } = command;
        return [
          { type: 'IncidentFinalReportFiled', data: { incidentId: s.incidentId, filedBy: actorId, filedAt: now, ...body, casualties: casualties ?? ZERO_CASUALTIES } },
          // no follow-up is due once the final report is in
          ...Object.keys(s.dues)
            .filter((k) => k.startsWith('follow_up-'))
            .flatMap((k) => withdraw(s, k, 'final-report-filed', now)),
        ];
      }
      case 'CloseIncident': {
        const s = live(state);
        if (s.status !== 'final_reported') throw new InvalidState('incident-final-report-missing', 'An incident closes after its final report (终报)');
        const pending = Object.values(s.deadlines).filter((d) => d.status === 'scheduled');
        return [
          { type: 'IncidentClosed', data: { incidentId: s.incidentId, closedBy: command.actorId, closedAt: command.now, reason: command.reason } },
          ...pending.map((d) => ({ type: 'DeadlineCancelled' as const, data: { deadlineId: d.deadlineId, kind: d.kind, subject: incidentStream(s.incidentId), reason: 'incident-closed', cancelledAt: command.now } })),
        ];
      }
      default:
        return assertNever(command, 'incident command');
    }
  },
};
