import { ApiProperty } from '@nestjs/swagger';
import type { ProblemCode } from '@app/kernel';
import { COMMAND_POSITION_DESCRIPTION } from '@app/platform';

export class CommissionCommandResponse {
  @ApiProperty({ format: 'uuid' }) commissionId!: string;
  @ApiProperty({ example: '0', description: 'Stream revision after the command (also the ETag)' }) revision!: string;
  @ApiProperty({ example: '1042', description: COMMAND_POSITION_DESCRIPTION }) position!: string;
  @ApiProperty({ description: 'True when this Idempotency-Key was already processed: nothing changed' }) duplicate!: boolean;
}

export class StoredFileResponse {
  @ApiProperty({ description: 'Where the storage adapter keeps the bytes (the SHA-256 for local disk)' }) storageKey!: string;
  @ApiProperty({ pattern: '^[0-9a-f]{64}$', description: 'SHA-256 (hex): name it in a draft\'s attachments' }) sha256!: string;
  @ApiProperty({ type: 'integer', description: 'Bytes' }) size!: number;
}

/** Every command on an existing draft: it may not exist (404 before the decider reads it, 409 when it does). */
const DRAFT_PROBLEMS: ProblemCode[] = ['not-found', 'draft-not-found'];
/** Edit and submit: the draft must be a draft or returned for revision. */
export const EDITABLE_DRAFT_PROBLEMS: ProblemCode[] = [...DRAFT_PROBLEMS, 'draft-not-editable'];
/** The decisions on a review step: the draft must be in review (not held for the secrecy authority), at that step. */
export const REVIEW_STEP_PROBLEMS: ProblemCode[] = [...DRAFT_PROBLEMS, 'draft-not-in-review', 'review-held-for-secrecy-authority', 'review-step-moved', 'author-may-not-review', 'two-person-check'];
/** Recording the secrecy authority's answer: the draft must be referred, at that step. */
export const SECRECY_ANSWER_PROBLEMS: ProblemCode[] = [...DRAFT_PROBLEMS, 'draft-not-referred', 'review-step-moved'];
/** Outcomes and retraction: the draft must be signed off. */
export const SIGNED_OFF_DRAFT_PROBLEMS: ProblemCode[] = [...DRAFT_PROBLEMS, 'draft-not-signed-off'];
/** Outcomes recorded at a level of the ladder. */
export const OUTCOME_PROBLEMS: ProblemCode[] = [...SIGNED_OFF_DRAFT_PROBLEMS, 'publication-level-unknown'];
