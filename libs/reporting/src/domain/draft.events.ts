import type { DomainEvent } from '@app/kernel';
import type { ConfidentialityVerdict, DraftContent, ResolvedChain, SubmissionCheck, Timeliness } from './draft.types';

export type DraftCreated = DomainEvent<'DraftCreated', { draftId: string; unitId: string; createdBy: string; content: DraftContent; commissionId: string | null; createdAt: string }>;
export type DraftEdited = DomainEvent<'DraftEdited', { draftId: string; editedBy: string; content: DraftContent; editedAt: string }>;
export type DraftSubmitted = DomainEvent<
  'DraftSubmitted',
  { draftId: string; unitId: string; round: number; submittedBy: string; submittedAt: string; chain: ResolvedChain; check: SubmissionCheck; timeliness: Timeliness; commissionId: string | null }
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
  }
>;
export type DraftSignedOff = DomainEvent<'DraftSignedOff', { draftId: string; round: number; signedOffBy: string; signedOffAt: string }>;
export type DraftReturnedForRevision = DomainEvent<
  'DraftReturnedForRevision',
  { draftId: string; round: number; stepIndex: number; stepKey: string; reviewerId: string; comments: string; returnedAt: string }
>;
export type DraftRejected = DomainEvent<'DraftRejected', { draftId: string; round: number; stepIndex: number; stepKey: string; reviewerId: string; reason: string; rejectedAt: string }>;
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
  | DraftSignedOff
  | DraftReturnedForRevision
  | DraftRejected
  | DraftPublished
  | DraftAdopted
  | DraftRatedExcellent
  | LeaderInstructionRecorded
  | DraftRetracted;
