import type { DomainEvent } from '@app/kernel';
import type {
  ConfidentialityVerdict,
  Coverage,
  DraftContent,
  PolicyRef,
  ReleaseRules,
  ResolvedChain,
  ReviewResumption,
  SecrecyAuthorityOutcome,
  SubmissionCheck,
  Timeliness,
} from './draft.types';

/**
 * Draft events. Fields marked optional were added later: events stored before them lack the field, and the
 * decider and projection give them the meaning they had then (see evolve and the reporting projection).
 */
export type DraftCreated = DomainEvent<
  'DraftCreated',
  { draftId: string; unitId: string; createdBy: string; content: DraftContent; commissionId: string | null; createdAt: string; coverage?: Coverage }
>;
export type DraftEdited = DomainEvent<'DraftEdited', { draftId: string; editedBy: string; content: DraftContent; editedAt: string }>;
export type DraftSubmitted = DomainEvent<
  'DraftSubmitted',
  {
    draftId: string;
    unitId: string;
    round: number;
    submittedBy: string;
    submittedAt: string;
    chain: ResolvedChain;
    check: SubmissionCheck;
    timeliness: Timeliness;
    commissionId: string | null;
    /** Where review resumes (step and approvals kept); absent on events stored before it was recorded. */
    resumeAt?: ReviewResumption;
    /** What a "not to be published" verdict blocks, from the policies in force at submission. */
    release?: ReleaseRules;
    /** Every policy version in force that the checks (limits, form, warnings) came from. */
    policiesInForce?: readonly PolicyRef[];
  }
>;
export type ReviewStepApproved = DomainEvent<
  'ReviewStepApproved',
  {
    draftId: string;
    round: number;
    stepIndex: number;
    stepKey: string;
    role: string;
    reviewerId: string;
    comment: string | null;
    signature: { kind: 'signature' | 'seal'; signedBy: string } | null;
    verdict: ConfidentialityVerdict | null;
    approvedAt: string;
    coverage?: Coverage;
  }
>;
/** 保密审查 could not tell whether the item is secret: referred to the 机要和保密局 (R7.12); the review waits for it. */
export type DraftReferredToSecrecyAuthority = DomainEvent<
  'DraftReferredToSecrecyAuthority',
  { draftId: string; round: number; stepIndex: number; stepKey: string; reviewerId: string; comment: string | null; referredAt: string; coverage: Coverage }
>;
/** The secrecy authority's answer, recorded on the referring step: the step completes with it as its verdict. */
export type SecrecyAuthorityAnswerRecorded = DomainEvent<
  'SecrecyAuthorityAnswerRecorded',
  {
    draftId: string;
    round: number;
    stepIndex: number;
    stepKey: string;
    /** The confidentiality reviewer who referred it: the step's reviewer for the two-person check. */
    referredBy: string;
    outcome: SecrecyAuthorityOutcome;
    /** The authority's reference (文号), when it gave one. */
    reference: string | null;
    /** The date of the authority's decision (YYYY-MM-DD). */
    answeredOn: string;
    comment: string | null;
    recordedBy: string;
    recordedAt: string;
    coverage: Coverage;
  }
>;
export type DraftSignedOff = DomainEvent<'DraftSignedOff', { draftId: string; round: number; signedOffBy: string; signedOffAt: string }>;
export type DraftReturnedForRevision = DomainEvent<
  'DraftReturnedForRevision',
  { draftId: string; round: number; stepIndex: number; stepKey: string; reviewerId: string; comments: string; returnedAt: string; coverage?: Coverage }
>;
export type DraftRejected = DomainEvent<
  'DraftRejected',
  { draftId: string; round: number; stepIndex: number; stepKey: string; reviewerId: string; reason: string; rejectedAt: string; coverage?: Coverage }
>;
export type DraftPublished = DomainEvent<
  'DraftPublished',
  { draftId: string; publicationId: string; channelId: string; levelKey: string; platform: string; url: string; publishedAt: string; exclusiveFirstRelease: boolean; recordedBy: string }
>;
export type DraftAdopted = DomainEvent<
  'DraftAdopted',
  { draftId: string; adoptionId: string; publicationName: string; levelKey: string; issue: string | null; adoptedAt: string; recordedBy: string }
>;
export type DraftRatedExcellent = DomainEvent<'DraftRatedExcellent', { draftId: string; levelKey: string; ratedAt: string; recordedBy: string }>;
export type LeaderInstructionRecorded = DomainEvent<
  'LeaderInstructionRecorded',
  { draftId: string; instructionId: string; levelKey: string; leader: string; text: string; instructedAt: string; recordedBy: string }
>;
export type DraftRetracted = DomainEvent<'DraftRetracted', { draftId: string; reason: string; retractedBy: string; retractedAt: string }>;

export type DraftEvent =
  | DraftCreated
  | DraftEdited
  | DraftSubmitted
  | ReviewStepApproved
  | DraftReferredToSecrecyAuthority
  | SecrecyAuthorityAnswerRecorded
  | DraftSignedOff
  | DraftReturnedForRevision
  | DraftRejected
  | DraftPublished
  | DraftAdopted
  | DraftRatedExcellent
  | LeaderInstructionRecorded
  | DraftRetracted;
