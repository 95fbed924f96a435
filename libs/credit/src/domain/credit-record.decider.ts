import { assertNever, Decider, DeadlineCancelled, deadlineIdFor, DeadlineScheduled, type DeadlineState, foldDeadline, InvalidState, NotFound, RuleViolation } from '@app/kernel';
import { applicableFields, checkFields, completenessOf, CreditCategory, CreditFieldName, CreditFields, CreditRecordKind, isCategoryOf } from './credit-fields';
import {
  CREDIT_UPLOAD_KIND,
  CreditDue,
  creditRecordStream,
  CreditRecordStreamEvent,
  creditReviewKind,
  FieldReason,
  ReviewChecklist,
} from './credit-record.events';

/**
 * The credit record aggregate (信用信息上报, R6.01-R6.06). Pure: `now`, the business date and the due times (counted
 * by the handler from the configured working days, R6.06 gives none) arrive in the command.
 *
 *   submitted ──return──► returned ──correct──► submitted ──approve──► approved ──uploaded──► uploaded
 *       │                                          │                     │  ▲
 *       └──────────────reject──────────────────────┴──► rejected         ▼  │ (outbox retries, or a manual retry)
 *                                                                   upload_failed
 *
 * R6.05/R6.06: the collector (采集单位) submits, the user (使用单位) reviews for truth, accuracy and completeness
 * (R6.02 真实、准确、完整), the reporting unit (上报单位) uploads the approved record to the sharing platform; the
 * upload's outcome is appended by the upload reactor's effect (CreditRecordUploaded / CreditRecordUploadFailed).
 */

interface Actor {
  readonly actorId: string;
  readonly now: string;
}

export interface DueInput {
  readonly dueAt: string;
  readonly provisional: string | null;
}

export interface SubmitCreditRecordCommand extends Actor {
  type: 'SubmitCreditRecord';
  recordId: string;
  unitId: string;
  kind: CreditRecordKind;
  category: string;
  /** The person a personal record is about (whose key encrypts its personal fields); null for a public record. */
  subjectPersonId: string | null;
  fields: CreditFields;
  /** The business date of `now`. */
  today: string;
  reviewDue: DueInput | null;
  uploadDue: DueInput | null;
}

export type CreditRecordCommand =
  | SubmitCreditRecordCommand
  | (Actor & { type: 'ReturnCreditRecord'; reasons: FieldReason[] })
  | (Actor & { type: 'CorrectCreditRecord'; fields: CreditFields; today: string; reviewDue: DueInput | null })
  | (Actor & { type: 'ApproveCreditRecord'; checklist: ReviewChecklist; comment: string | null })
  | (Actor & { type: 'RejectCreditRecord'; reason: string })
  | (Actor & { type: 'RequestCreditUpload' })
  | (Actor & { type: 'RecordCreditUploaded'; idempotencyKey: string; platform: string; reference: string | null; attempt: number; uploadRound: number })
  | (Actor & { type: 'RecordCreditUploadFailed'; idempotencyKey: string; platform: string; attempt: number; uploadRound: number; error: string });

export type CreditRecordStatus = 'submitted' | 'returned' | 'approved' | 'upload_failed' | 'uploaded' | 'rejected';

/** The deadlines' state is the kernel's (time-facts.ts). */
export type CreditDeadlineState = DeadlineState;

export type CreditRecordState =
  | { status: 'none' }
  | {
      status: CreditRecordStatus;
      recordId: string;
      unitId: string;
      kind: CreditRecordKind;
      category: CreditCategory;
      subjectPersonId: string | null;
      fields: CreditFields;
      missing: readonly CreditFieldName[];
      submittedBy: string;
      round: number;
      uploadRound: number;
      reviewDue: CreditDue | null;
      uploadDue: CreditDue | null;
      deadlines: Readonly<Record<string, CreditDeadlineState>>;
    };

export type LiveCreditRecord = Exclude<CreditRecordState, { status: 'none' }>;

export const creditDeadlineId = (recordId: string, kind: string): string => deadlineIdFor(kind, creditRecordStream(recordId));

const due = (recordId: string, kind: string, input: DueInput | null): CreditDue | null =>
  input ? { deadlineId: creditDeadlineId(recordId, kind), kind, dueAt: input.dueAt, provisional: input.provisional } : null;

const schedule = (recordId: string, d: CreditDue | null): DeadlineScheduled[] =>
  d ? [{ type: 'DeadlineScheduled', data: { deadlineId: d.deadlineId, dueAt: d.dueAt, kind: d.kind, subject: creditRecordStream(recordId) } }] : [];

/** DeadlineCancelled for the record's deadlines still scheduled among `which`. */
function withdraw(s: LiveCreditRecord, which: readonly (CreditDue | null)[], reason: string, now: string): DeadlineCancelled[] {
  return which
    .filter((d): d is CreditDue => d !== null)
    .map((d) => s.deadlines[d.deadlineId])
    .filter((d): d is CreditDeadlineState => d !== undefined && d.status === 'scheduled')
    .map((d) => ({ type: 'DeadlineCancelled' as const, data: { deadlineId: d.deadlineId, kind: d.kind, subject: creditRecordStream(s.recordId), reason, cancelledAt: now } }));
}

const verdict = (at: string, d: CreditDue | null): 'on_time' | 'late' | 'no_deadline' => (d === null ? 'no_deadline' : Date.parse(at) <= Date.parse(d.dueAt) ? 'on_time' : 'late');

function live(state: CreditRecordState): LiveCreditRecord {
  if (state.status === 'none') throw new NotFound('Credit record', '');
  return state;
}

function expect(s: LiveCreditRecord, allowed: readonly CreditRecordStatus[], action: string): void {
  if (!allowed.includes(s.status)) {
    throw new InvalidState('credit-record-state', `A ${s.status} credit record cannot be ${action} (it must be ${allowed.join(' or ')})`, { status: s.status, allowed });
  }
}

function submit(c: SubmitCreditRecordCommand): CreditRecordStreamEvent[] {
  if (!isCategoryOf(c.kind, c.category)) {
    throw new RuleViolation('credit-category-unknown', `${c.category} is not a category of ${c.kind} credit information (R6.03)`, { field: 'category', errors: [{ field: 'category', message: `category must be a ${c.kind} category of R6.03` }] });
  }
  if (c.kind === 'personal' && !c.subjectPersonId) {
    throw new RuleViolation('credit-subject-person-required', 'A personal credit record names the person it is about (subjectPersonId)', { field: 'subjectPersonId', errors: [{ field: 'subjectPersonId', message: 'subjectPersonId is required for a personal record' }] });
  }
  if (c.kind === 'public' && c.subjectPersonId) {
    throw new RuleViolation('credit-field-not-applicable', 'A public credit record is about an organisation: it names no person (subjectPersonId)', { field: 'subjectPersonId', errors: [{ field: 'subjectPersonId', message: 'subjectPersonId applies to personal records only' }] });
  }
  const fields = checkFields(c.kind, c.category, c.fields, c.today);
  if (!fields.name) throw new RuleViolation('credit-subject-name-required', 'A credit record names its subject (name: 名称 or 姓名, R6.04)', { field: 'name', errors: [{ field: 'name', message: 'name is required' }] });
  const reviewDue = due(c.recordId, creditReviewKind(1), c.reviewDue);
  const uploadDue = due(c.recordId, CREDIT_UPLOAD_KIND, c.uploadDue);
  const base = {
    recordId: c.recordId,
    unitId: c.unitId,
    category: c.category,
    fields,
    completeness: completenessOf(c.kind, c.category, fields),
    submittedBy: c.actorId,
    submittedAt: c.now,
    submittedOn: c.today,
    round: 1,
    reviewDue,
    uploadDue,
  };
  const submitted: CreditRecordStreamEvent =
    c.kind === 'personal'
      ? { type: 'PersonalCreditRecordSubmitted', data: { ...base, kind: 'personal', subjectPersonId: c.subjectPersonId! } }
      : { type: 'PublicCreditRecordSubmitted', data: { ...base, kind: 'public' } };
  return [submitted, ...schedule(c.recordId, reviewDue), ...schedule(c.recordId, uploadDue)];
}

export const creditRecordDecider: Decider<CreditRecordCommand, CreditRecordState, CreditRecordStreamEvent> = {
  initialState: () => ({ status: 'none' }),
  evolve(state, event) {
    if (event.type === 'PublicCreditRecordSubmitted' || event.type === 'PersonalCreditRecordSubmitted') {
      const d = event.data;
      return {
        status: 'submitted',
        recordId: d.recordId,
        unitId: d.unitId,
        kind: d.kind,
        category: d.category,
        subjectPersonId: event.type === 'PersonalCreditRecordSubmitted' ? event.data.subjectPersonId : null,
        fields: d.fields,
        missing: d.completeness.missing,
        submittedBy: d.submittedBy,
        round: d.round,
        uploadRound: 0,
        reviewDue: d.reviewDue,
        uploadDue: d.uploadDue,
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
      case 'CreditRecordReturned':
        return { ...state, status: 'returned' };
      case 'PublicCreditRecordCorrected':
      case 'PersonalCreditRecordCorrected':
        return { ...state, status: 'submitted', fields: event.data.fields, missing: event.data.completeness.missing, round: event.data.round, reviewDue: event.data.reviewDue };
      case 'CreditRecordApproved':
        return { ...state, status: 'approved', uploadRound: 1 };
      case 'CreditRecordRejected':
        return { ...state, status: 'rejected' };
      case 'CreditRecordUploadRequested':
        return { ...state, status: 'approved', uploadRound: event.data.uploadRound };
      case 'CreditRecordUploaded':
        return { ...state, status: 'uploaded' };
      case 'CreditRecordUploadFailed':
        return state.status === 'uploaded' ? state : { ...state, status: 'upload_failed' };
      default:
        return state;
    }
  },
  decide(command, state) {
    switch (command.type) {
      case 'SubmitCreditRecord':
        if (state.status !== 'none') throw new InvalidState('credit-record-exists', `Credit record ${command.recordId} already exists`);
        return submit(command);
      case 'ReturnCreditRecord': {
        const s = live(state);
        expect(s, ['submitted'], 'returned for correction');
        if (command.reasons.length === 0) throw new RuleViolation('credit-return-reasons-required', 'A return for correction (退回修改) gives a reason per field', { field: 'reasons' });
        const known = applicableFields(s.kind, s.category) as readonly string[];
        const unknown = command.reasons.find((r) => r.field !== 'record' && !known.includes(r.field));
        if (unknown) {
          throw new RuleViolation('credit-return-field-unknown', `${unknown.field} is not a field of a ${s.kind} ${s.category} record: a reason names one of ${known.join(', ')} (or record)`, { field: 'reasons', errors: [{ field: 'reasons', message: `unknown field ${unknown.field}` }], applicable: known });
        }
        return [
          { type: 'CreditRecordReturned', data: { recordId: s.recordId, round: s.round, reasons: command.reasons, returnedBy: command.actorId, returnedAt: command.now } },
          ...withdraw(s, [s.reviewDue], 'returned', command.now),
        ];
      }
      case 'CorrectCreditRecord': {
        const s = live(state);
        expect(s, ['returned'], 'corrected');
        const fields = checkFields(s.kind, s.category, command.fields, command.today);
        if (!fields.name) throw new RuleViolation('credit-subject-name-required', 'A credit record names its subject (name: 名称 or 姓名, R6.04)', { field: 'name', errors: [{ field: 'name', message: 'name is required' }] });
        const names = new Set([...Object.keys(s.fields), ...Object.keys(fields)]) as Set<CreditFieldName>;
        const changedFields = [...names].filter((f) => (s.fields[f] ?? null) !== (fields[f] ?? null)).sort();
        const round = s.round + 1;
        const reviewDue = due(s.recordId, creditReviewKind(round), command.reviewDue);
        const data = { recordId: s.recordId, round, fields, changedFields, completeness: completenessOf(s.kind, s.category, fields), correctedBy: command.actorId, correctedAt: command.now, reviewDue };
        const corrected: CreditRecordStreamEvent =
          s.kind === 'personal' ? { type: 'PersonalCreditRecordCorrected', data: { ...data, subjectPersonId: s.subjectPersonId! } } : { type: 'PublicCreditRecordCorrected', data };
        return [corrected, ...schedule(s.recordId, reviewDue)];
      }
      case 'ApproveCreditRecord': {
        const s = live(state);
        expect(s, ['submitted'], 'approved');
        if (command.actorId === s.submittedBy) {
          throw new RuleViolation('credit-review-own-record', 'The collector who submitted a credit record does not review it (R6.05: collector and user are distinct roles)', { field: 'reviewer' });
        }
        const unchecked = (['truthful', 'accurate', 'complete'] as const).filter((k) => command.checklist[k] !== true);
        if (unchecked.length > 0) {
          throw new RuleViolation('credit-review-checklist-incomplete', `Approval confirms truth, accuracy and completeness (R6.02, R6.06): not confirmed: ${unchecked.join(', ')}`, {
            field: `checklist.${unchecked[0]}`,
            errors: unchecked.map((k) => ({ field: `checklist.${k}`, message: `checklist.${k} must be confirmed (true) to approve` })),
          });
        }
        if (s.missing.length > 0) {
          throw new RuleViolation('credit-record-incomplete', `The record lacks required fields (R6.02 完整, R6.04): ${s.missing.join(', ')}; return it for correction`, {
            field: s.missing[0],
            fields: s.missing,
            errors: s.missing.map((f) => ({ field: f, message: `${f} is required (R6.04)` })),
          });
        }
        return [
          { type: 'CreditRecordApproved', data: { recordId: s.recordId, round: s.round, checklist: command.checklist, comment: command.comment, approvedBy: command.actorId, approvedAt: command.now, reviewVerdict: verdict(command.now, s.reviewDue) } },
          ...withdraw(s, [s.reviewDue], 'approved', command.now),
        ];
      }
      case 'RejectCreditRecord': {
        const s = live(state);
        expect(s, ['submitted', 'returned'], 'rejected');
        return [
          { type: 'CreditRecordRejected', data: { recordId: s.recordId, reason: command.reason, rejectedBy: command.actorId, rejectedAt: command.now } },
          ...withdraw(s, [s.reviewDue, s.uploadDue], 'rejected', command.now),
        ];
      }
      case 'RequestCreditUpload': {
        const s = live(state);
        if (s.status !== 'upload_failed') throw new InvalidState('credit-upload-not-failed', `Only a failed upload is retried by hand; the record is ${s.status}`, { status: s.status });
        return [{ type: 'CreditRecordUploadRequested', data: { recordId: s.recordId, uploadRound: s.uploadRound + 1, requestedBy: command.actorId, requestedAt: command.now } }];
      }
      case 'RecordCreditUploaded': {
        const s = live(state);
        if (s.status === 'uploaded') return []; // a second delivery of the same record: the platform deduplicated it
        expect(s, ['approved', 'upload_failed'], 'uploaded');
        return [
          {
            type: 'CreditRecordUploaded',
            data: { recordId: s.recordId, idempotencyKey: command.idempotencyKey, platform: command.platform, reference: command.reference, attempt: command.attempt, uploadRound: command.uploadRound, uploadedAt: command.now, verdict: verdict(command.now, s.uploadDue) },
          },
          ...withdraw(s, [s.uploadDue], 'uploaded', command.now),
        ];
      }
      case 'RecordCreditUploadFailed': {
        const s = live(state);
        if (s.status === 'uploaded') return [];
        expect(s, ['approved', 'upload_failed'], 'marked upload failed');
        return [{ type: 'CreditRecordUploadFailed', data: { recordId: s.recordId, idempotencyKey: command.idempotencyKey, platform: command.platform, attempt: command.attempt, uploadRound: command.uploadRound, error: command.error.slice(0, 500), failedAt: command.now } }];
      }
      default:
        return assertNever(command, 'credit record command');
    }
  },
};
