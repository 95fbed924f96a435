import type { RecordedEvent } from '@app/event-store';
import type { CreditCategory, CreditFieldName, CreditFields, CreditRecordKind } from '../domain/credit-fields';
import type { CreditRecordStatus } from '../domain/credit-record.decider';
import type { CreditRecordStreamEvent, FieldReason, ReviewChecklist } from '../domain/credit-record.events';
import { maskedCreditFields } from '../domain/credit-personal-data';

export interface CreditDueView {
  readonly deadlineId: string;
  readonly dueAt: string;
  readonly provisional: string | null;
  /** Its DeadlineElapsed is in the log, before the step was done. */
  readonly elapsed: boolean;
}

/** A credit record as the read model holds it: personal fields masked (maskPersonal), never clear. */
export interface CreditRecordView {
  recordId: string;
  unitId: string;
  kind: CreditRecordKind;
  category: CreditCategory;
  status: CreditRecordStatus;
  subjectPersonId: string | null;
  fields: CreditFields;
  completeness: { complete: number; required: number; missing: CreditFieldName[]; rate: number };
  round: number;
  submittedBy: string;
  submittedAt: string;
  submittedOn: string;
  returns: { round: number; reasons: FieldReason[]; returnedBy: string; returnedAt: string }[];
  corrections: { round: number; changedFields: CreditFieldName[]; correctedBy: string; correctedAt: string }[];
  review: { approvedBy: string; approvedAt: string; checklist: ReviewChecklist; comment: string | null; verdict: string } | null;
  rejection: { reason: string; rejectedBy: string; rejectedAt: string } | null;
  upload: { idempotencyKey: string | null; platform: string | null; failedAttempts: number; lastError: string | null; uploadedAt: string | null; reference: string | null; verdict: string | null; uploadRound: number };
  reviewDue: CreditDueView | null;
  uploadDue: CreditDueView | null;
  revision: string;
}

const rate = (c: { complete: number; required: number }) => (c.required === 0 ? 1 : Math.round((c.complete / c.required) * 10_000) / 10_000);
const dueView = (d: { deadlineId: string; dueAt: string; provisional: string | null } | null): CreditDueView | null => (d ? { deadlineId: d.deadlineId, dueAt: d.dueAt, provisional: d.provisional, elapsed: false } : null);

/** Folds one event of a record's stream into its view (null: not a record yet). */
export function applyCreditEvent(view: CreditRecordView | null, e: RecordedEvent & CreditRecordStreamEvent): CreditRecordView | null {
  const revision = e.revision.toString();
  if (e.type === 'PublicCreditRecordSubmitted' || e.type === 'PersonalCreditRecordSubmitted') {
    const d = e.data;
    return {
      recordId: d.recordId,
      unitId: d.unitId,
      kind: d.kind,
      category: d.category,
      status: 'submitted',
      subjectPersonId: e.type === 'PersonalCreditRecordSubmitted' ? e.data.subjectPersonId : null,
      fields: maskedCreditFields(d.kind, d.fields),
      completeness: { complete: d.completeness.complete, required: d.completeness.required, missing: [...d.completeness.missing], rate: rate(d.completeness) },
      round: d.round,
      submittedBy: d.submittedBy,
      submittedAt: d.submittedAt,
      submittedOn: d.submittedOn,
      returns: [],
      corrections: [],
      review: null,
      rejection: null,
      upload: { idempotencyKey: null, platform: null, failedAttempts: 0, lastError: null, uploadedAt: null, reference: null, verdict: null, uploadRound: 0 },
      reviewDue: dueView(d.reviewDue),
      uploadDue: dueView(d.uploadDue),
      revision,
    };
  }
  if (!view) return null;
  const v: CreditRecordView = { ...view, revision };
  switch (e.type) {
    case 'DeadlineElapsed':
      if (v.reviewDue?.deadlineId === e.data.deadlineId) v.reviewDue = { ...v.reviewDue, elapsed: true };
      if (v.uploadDue?.deadlineId === e.data.deadlineId) v.uploadDue = { ...v.uploadDue, elapsed: true };
      return v;
    case 'DeadlineScheduled':
    case 'DeadlineCancelled':
      return v;
    case 'CreditRecordReturned':
      return { ...v, status: 'returned', returns: [...v.returns, { round: e.data.round, reasons: e.data.reasons, returnedBy: e.data.returnedBy, returnedAt: e.data.returnedAt }] };
    case 'PublicCreditRecordCorrected':
    case 'PersonalCreditRecordCorrected': {
      const d = e.data;
      return {
        ...v,
        status: 'submitted',
        fields: maskedCreditFields(v.kind, d.fields),
        completeness: { complete: d.completeness.complete, required: d.completeness.required, missing: [...d.completeness.missing], rate: rate(d.completeness) },
        round: d.round,
        corrections: [...v.corrections, { round: d.round, changedFields: d.changedFields, correctedBy: d.correctedBy, correctedAt: d.correctedAt }],
        reviewDue: dueView(d.reviewDue),
      };
    }
    case 'CreditRecordApproved':
      return { ...v, status: 'approved', review: { approvedBy: e.data.approvedBy, approvedAt: e.data.approvedAt, checklist: e.data.checklist, comment: e.data.comment, verdict: e.data.reviewVerdict }, upload: { ...v.upload, uploadRound: 1 } };
    case 'CreditRecordRejected':
      return { ...v, status: 'rejected', rejection: { reason: e.data.reason, rejectedBy: e.data.rejectedBy, rejectedAt: e.data.rejectedAt } };
    case 'CreditRecordUploadRequested':
      return { ...v, status: 'approved', upload: { ...v.upload, uploadRound: e.data.uploadRound } };
    case 'CreditRecordUploadFailed':
      return {
        ...v,
        status: v.status === 'uploaded' ? v.status : 'upload_failed',
        upload: { ...v.upload, idempotencyKey: e.data.idempotencyKey, platform: e.data.platform, failedAttempts: v.upload.failedAttempts + 1, lastError: e.data.error },
      };
    case 'CreditRecordUploaded':
      return {
        ...v,
        status: 'uploaded',
        upload: { ...v.upload, idempotencyKey: e.data.idempotencyKey, platform: e.data.platform, uploadedAt: e.data.uploadedAt, reference: e.data.reference, verdict: e.data.verdict, uploadRound: e.data.uploadRound },
      };
    default:
      return v;
  }
}
