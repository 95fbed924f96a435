import { ApiProperty } from '@nestjs/swagger';
import type { ProblemCode } from '@app/kernel';

export class CommissionCommandResponse {
  @ApiProperty({ format: 'uuid' }) commissionId!: string;
  @ApiProperty({ example: '0', description: 'Stream revision after the command (also the ETag)' }) revision!: string;
  @ApiProperty({ description: 'True when this Idempotency-Key was already processed: nothing changed' }) duplicate!: boolean;
}

export class StoredFileResponse {
  @ApiProperty({ description: 'Where the storage adapter keeps the bytes (the SHA-256 for local disk)' }) storageKey!: string;
  @ApiProperty({ pattern: '^[0-9a-f]{64}$', description: 'SHA-256 (hex): name it in a draft\'s attachments' }) sha256!: string;
  @ApiProperty({ type: 'integer', description: 'Bytes' }) size!: number;
}

/** A draft command the state of the draft may refuse (409 with the state as the code). */
export const DRAFT_STATE_PROBLEMS: ProblemCode[] = ['not-found', 'draft-not-found', 'draft-draft', 'draft-in-review', 'draft-returned', 'draft-signed-off', 'draft-rejected', 'draft-retracted'];
/** The decisions on a review step. */
export const REVIEW_STEP_PROBLEMS: ProblemCode[] = [...DRAFT_STATE_PROBLEMS, 'review-step-moved', 'author-may-not-review', 'two-person-check'];
/** Outcomes recorded at a level of the ladder. */
export const OUTCOME_PROBLEMS: ProblemCode[] = [...DRAFT_STATE_PROBLEMS, 'publication-level-unknown'];
