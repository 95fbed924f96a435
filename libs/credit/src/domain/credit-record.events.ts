import type { DeadlineCancelled, DeadlineElapsed, DeadlineScheduled, DomainEvent } from '@app/kernel';
import type { Completeness, CreditCategory, CreditFieldName, CreditFields, CreditRecordKind } from './credit-fields';

/**
 * Credit record events (信用信息上报, regulations R6.01-R6.06), in the stream `credit-record-<recordId>`. A public
 * record (公共信用信息) and a personal one (个人信用信息) are submitted and corrected with events of their own type,
 * so that the personal fields of the personal ones are declared per event type (CREDIT_PERSONAL_DATA) and always
 * have their person (`subjectPersonId`).
 */

/** A deadline the record registered (the DeadlineScheduled of the same id is in the stream). */
export interface CreditDue {
  readonly deadlineId: string;
  readonly kind: string;
  readonly dueAt: string;
  /** Set when working days were counted in a year the holiday calendar does not cover. */
  readonly provisional: string | null;
}

interface SubmittedData {
  recordId: string;
  /** 采集单位 (R6.05): the collecting unit. */
  unitId: string;
  kind: CreditRecordKind;
  category: CreditCategory;
  fields: CreditFields;
  completeness: Completeness;
  submittedBy: string;
  submittedAt: string;
  /** The business date of the submission: the period the record counts in. */
  submittedOn: string;
  /** 1 for the first submission; each correction is the next round, with its own review deadline. */
  round: number;
  reviewDue: CreditDue | null;
  uploadDue: CreditDue | null;
}

export type PublicCreditRecordSubmitted = DomainEvent<'PublicCreditRecordSubmitted', SubmittedData & { kind: 'public' }>;
export type PersonalCreditRecordSubmitted = DomainEvent<'PersonalCreditRecordSubmitted', SubmittedData & { kind: 'personal'; subjectPersonId: string }>;

/** 退回修改: the reviewer's reasons, each naming a field of the record (or `record` for the whole). */
export interface FieldReason {
  readonly field: string;
  readonly reason: string;
}
export type CreditRecordReturned = DomainEvent<'CreditRecordReturned', { recordId: string; round: number; reasons: FieldReason[]; returnedBy: string; returnedAt: string }>;

interface CorrectedData {
  recordId: string;
  round: number;
  fields: CreditFields;
  changedFields: CreditFieldName[];
  completeness: Completeness;
  correctedBy: string;
  correctedAt: string;
  reviewDue: CreditDue | null;
}
export type PublicCreditRecordCorrected = DomainEvent<'PublicCreditRecordCorrected', CorrectedData>;
export type PersonalCreditRecordCorrected = DomainEvent<'PersonalCreditRecordCorrected', CorrectedData & { subjectPersonId: string }>;

/** The reviewer's checks (R6.06 step 2: 真实、准确、完整), each one confirmed. */
export interface ReviewChecklist {
  readonly truthful: boolean;
  readonly accurate: boolean;
  readonly complete: boolean;
}

export type CreditRecordApproved = DomainEvent<
  'CreditRecordApproved',
  { recordId: string; round: number; checklist: ReviewChecklist; comment: string | null; approvedBy: string; approvedAt: string; reviewVerdict: 'on_time' | 'late' | 'no_deadline' }
>;
export type CreditRecordRejected = DomainEvent<'CreditRecordRejected', { recordId: string; reason: string; rejectedBy: string; rejectedAt: string }>;

/** A manual retry of a failed upload (上报单位): the upload reactor records a new delivery for `uploadRound`. */
export type CreditRecordUploadRequested = DomainEvent<'CreditRecordUploadRequested', { recordId: string; uploadRound: number; requestedBy: string; requestedAt: string }>;

/** The sharing platform (信用信息共享平台) accepted the record (R6.06 step 3), as the upload adapter reported it. */
export type CreditRecordUploaded = DomainEvent<
  'CreditRecordUploaded',
  { recordId: string; idempotencyKey: string; platform: string; reference: string | null; attempt: number; uploadRound: number; uploadedAt: string; verdict: 'on_time' | 'late' | 'no_deadline' }
>;
/** One delivery to the sharing platform failed; the outbox retries it (with backoff) until its attempts run out. */
export type CreditRecordUploadFailed = DomainEvent<
  'CreditRecordUploadFailed',
  { recordId: string; idempotencyKey: string; platform: string; attempt: number; uploadRound: number; error: string; failedAt: string }
>;

export type CreditRecordEvent =
  | PublicCreditRecordSubmitted
  | PersonalCreditRecordSubmitted
  | CreditRecordReturned
  | PublicCreditRecordCorrected
  | PersonalCreditRecordCorrected
  | CreditRecordApproved
  | CreditRecordRejected
  | CreditRecordUploadRequested
  | CreditRecordUploaded
  | CreditRecordUploadFailed;

export type CreditRecordStreamEvent = CreditRecordEvent | DeadlineScheduled | DeadlineCancelled | DeadlineElapsed;

export const CREDIT_EVENT_TYPES: readonly CreditRecordEvent['type'][] = [
  'PublicCreditRecordSubmitted',
  'PersonalCreditRecordSubmitted',
  'CreditRecordReturned',
  'PublicCreditRecordCorrected',
  'PersonalCreditRecordCorrected',
  'CreditRecordApproved',
  'CreditRecordRejected',
  'CreditRecordUploadRequested',
  'CreditRecordUploaded',
  'CreditRecordUploadFailed',
];

export const CREDIT_RECORD_STREAM_PREFIX = 'credit-record-';
export const creditRecordStream = (recordId: string): string => `${CREDIT_RECORD_STREAM_PREFIX}${recordId}`;

/**
 * Deadline kinds (ADR 0015): `credit-review-<round>` (the review of a submission round is due; its DeadlineElapsed
 * means nobody approved, returned or rejected it by then) and `credit-upload` (the record is due on the sharing
 * platform; elapsed before CreditRecordUploaded: overdue). The numbers are configuration (R6.06: the source gives
 * none), docs/credit.md "Deadlines".
 */
export const creditReviewKind = (round: number): string => `credit-review-${round}`;
export const CREDIT_UPLOAD_KIND = 'credit-upload';
export const isCreditDeadlineKind = (kind: string): boolean => kind.startsWith('credit-');

/** The key the sharing platform deduplicates on: one per record, whatever the delivery or the retry. */
export const creditIdempotencyKey = (recordId: string): string => `credit-record:${recordId}`;
