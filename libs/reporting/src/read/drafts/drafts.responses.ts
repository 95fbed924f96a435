import { ApiProperty } from '@nestjs/swagger';

const STATUSES = ['draft', 'in_review', 'referred', 'returned', 'signed_off', 'rejected', 'retracted'];
const OUTCOME_KINDS = ['publication', 'adoption', 'excellent', 'instruction'];

export class RuleWarning {
  @ApiProperty({ example: 'one-event-per-report' }) rule!: string;
  @ApiProperty() message!: string;
}

/** A draft as the lists show it (rm.drafts). */
export class DraftSummaryResponse {
  @ApiProperty({ format: 'uuid' }) draftId!: string;
  @ApiProperty({ format: 'uuid' }) unitId!: string;
  @ApiProperty({ description: 'Member id of the creator' }) createdBy!: string;
  @ApiProperty({ type: [String], description: 'Member ids, first author first' }) authors!: string[];
  @ApiProperty() title!: string;
  @ApiProperty({ example: 'dynamic' }) contentType!: string;
  @ApiProperty({ enum: ['general', 'important'] }) importance!: string;
  @ApiProperty({ enum: ['internal', 'external'] }) destination!: string;
  @ApiProperty({ enum: ['original', 'repost'] }) source!: string;
  @ApiProperty({ enum: STATUSES }) status!: string;
  @ApiProperty({ type: 'integer', description: 'Submission round (0 before the first submission)' }) round!: number;
  @ApiProperty({ type: 'integer', nullable: true, description: 'The waiting step, counted from 0 (as in steps/{stepIndex})' }) currentStep!: number | null;
  @ApiProperty({ type: String, nullable: true, description: 'The role the waiting step needs' }) currentRole!: string | null;
  @ApiProperty({ type: String, nullable: true }) currentStepName!: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) waitingSince!: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) submittedAt!: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'When the waiting step is due' }) dueAt!: string | null;
  @ApiProperty({ type: Boolean, nullable: true }) late!: boolean | null;
  @ApiProperty({ type: 'integer', nullable: true }) lateByMinutes!: number | null;
  @ApiProperty({ type: Boolean, nullable: true, description: 'All 报送表 fields the policy requires are filled' }) formComplete!: boolean | null;
  @ApiProperty({ type: [String], nullable: true }) missingFields!: string[] | null;
  @ApiProperty({ type: [RuleWarning], nullable: true, description: 'Soft rules the submission broke' }) warnings!: RuleWarning[] | null;
  @ApiProperty({ type: String, nullable: true }) lastReturnComments!: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'While `referred`: the reviewer who referred the step to the secrecy authority (机要和保密局)' }) referredBy!: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) signedOffAt!: string | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) commissionId!: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
  @ApiProperty({ example: '3', description: 'Stream revision (the ETag of GET /v1/drafts/{draftId})' }) revision!: string;
}

export class DraftOutcomeResponse {
  @ApiProperty({ enum: OUTCOME_KINDS }) kind!: string;
  @ApiProperty({ type: String, nullable: true }) levelKey!: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'Channel or publication name' }) name!: string | null;
  @ApiProperty({ type: String, nullable: true }) issue!: string | null;
  @ApiProperty({ format: 'date-time' }) at!: string;
}

export class DraftOutcomeDetailResponse extends DraftOutcomeResponse {
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'The outcome event\'s data' }) detail!: Record<string, unknown>;
}

export class DraftHistoryEntryResponse {
  @ApiProperty({ example: '0' }) revision!: string;
  @ApiProperty({ example: 'DraftCreated' }) type!: string;
  @ApiProperty() actorId!: string;
  @ApiProperty({ format: 'date-time' }) at!: string;
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'The event data' }) data!: Record<string, unknown>;
}

export class DraftAttachmentResponse {
  @ApiProperty({ example: '现场照片.jpg' }) name!: string;
  @ApiProperty({ example: 'image/jpeg' }) mediaType!: string;
  @ApiProperty({ type: 'integer', description: 'Bytes' }) size!: number;
  @ApiProperty({ pattern: '^[0-9a-f]{64}$' }) sha256!: string;
  @ApiProperty({ description: 'Where the storage adapter keeps the bytes' }) storageKey!: string;
}

/** The draft's current content: what PUT /v1/drafts/{draftId} sends back after 退回修改. */
export class DraftContentResponse {
  @ApiProperty() title!: string;
  @ApiProperty() body!: string;
  @ApiProperty({ example: 'dynamic' }) contentType!: string;
  @ApiProperty({ enum: ['original', 'repost'] }) source!: string;
  @ApiProperty({ type: String, nullable: true }) originalOutlet!: string | null;
  @ApiProperty({ enum: ['exclusive', 'published_elsewhere'] }) firstRelease!: string;
  @ApiProperty({ type: [String] }) targetPlatforms!: string[];
  @ApiProperty({ type: [String], description: 'Member ids, first author first' }) authors!: string[];
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) recommenderId!: string | null;
  @ApiProperty({ type: String, format: 'date', nullable: true }) eventDate!: string | null;
  @ApiProperty({ enum: ['general', 'important'] }) importance!: string;
  @ApiProperty({ enum: ['internal', 'external'] }) destination!: string;
  @ApiProperty() longForm!: boolean;
  @ApiProperty({ type: [DraftAttachmentResponse] }) attachments!: DraftAttachmentResponse[];
  @ApiProperty({ type: 'object', additionalProperties: { type: 'string' }, description: 'Further 报送表 fields the policy defines' }) formFields!: Record<string, string>;
}

export class DraftDetailResponse extends DraftSummaryResponse {
  @ApiProperty({ type: DraftContentResponse, description: 'The current content (as last created or edited)' }) content!: DraftContentResponse;
  @ApiProperty({ type: 'object', additionalProperties: true, nullable: true, description: 'The review chain the policy chose at submission' }) chain!: Record<string, unknown> | null;
  @ApiProperty({ type: [DraftOutcomeDetailResponse] }) outcomes!: DraftOutcomeDetailResponse[];
  @ApiProperty({ type: [DraftHistoryEntryResponse] }) history!: DraftHistoryEntryResponse[];
}

export class RegisterEntryResponse {
  @ApiProperty({ format: 'uuid' }) draftId!: string;
  @ApiProperty({ format: 'uuid' }) unitId!: string;
  @ApiProperty() title!: string;
  @ApiProperty() contentType!: string;
  @ApiProperty({ type: String, nullable: true }) firstAuthor!: string | null;
  @ApiProperty({ format: 'date-time' }) signedOffAt!: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) retractedAt!: string | null;
  @ApiProperty({ type: String, nullable: true }) retractionReason!: string | null;
  @ApiProperty({ type: [DraftOutcomeResponse] }) outcomes!: DraftOutcomeResponse[];
}

export class CommissionUnitResponse {
  @ApiProperty({ format: 'uuid' }) unitId!: string;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) firstDraftId!: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) firstSubmittedAt!: string | null;
  @ApiProperty({ enum: ['open', 'fulfilled', 'late', 'missed'] }) status!: string;
}

/** A page of a keyset-paged list: pass `next` back as `cursor` for the following page. */
const NEXT = { type: String, nullable: true, description: 'The cursor of the next page (send it as `cursor`), null on the last page' } as const;

export class DraftPageResponse {
  @ApiProperty({ type: [DraftSummaryResponse] }) items!: DraftSummaryResponse[];
  @ApiProperty(NEXT) next!: string | null;
}

export class RegisterPageResponse {
  @ApiProperty({ type: [RegisterEntryResponse] }) items!: RegisterEntryResponse[];
  @ApiProperty(NEXT) next!: string | null;
}

export class CommissionResponse {
  @ApiProperty({ format: 'uuid' }) commissionId!: string;
  @ApiProperty() topic!: string;
  @ApiProperty() requirements!: string;
  @ApiProperty() purpose!: string;
  @ApiProperty({ format: 'date-time' }) deadline!: string;
  @ApiProperty() contact!: string;
  @ApiProperty() issuedBy!: string;
  @ApiProperty({ format: 'date-time' }) issuedAt!: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) cancelledAt!: string | null;
  @ApiProperty({ format: 'date-time', description: 'The instant the statuses are computed for' }) asOf!: string;
  @ApiProperty({ enum: ['open', 'fulfilled', 'missed', 'cancelled'] }) status!: string;
  @ApiProperty({ type: [CommissionUnitResponse] }) units!: CommissionUnitResponse[];
}

export class CommissionPageResponse {
  @ApiProperty({ type: [CommissionResponse] }) items!: CommissionResponse[];
  @ApiProperty(NEXT) next!: string | null;
}
