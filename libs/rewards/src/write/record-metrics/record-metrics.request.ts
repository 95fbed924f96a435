import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsInt, IsOptional, IsString, IsUUID, Length, Max, Min } from 'class-validator';
import { IsInstant } from '@app/platform';
import { COMMAND_POSITION_DESCRIPTION } from '@app/platform';

export const MAX_OBSERVATIONS = 500;

/** One observation of a publication's counts. Validated item by item (a bad item does not refuse the batch). */
export class MetricsObservationRequest {
  @ApiProperty({ format: 'uuid', description: 'The draft the publication belongs to' }) @IsUUID() draftId!: string;
  @ApiProperty({ format: 'uuid', description: 'The publication (its DraftPublished) on the draft' }) @IsUUID() publicationId!: string;
  @ApiProperty({ example: '2026-03-05T02:00:00Z', description: 'When the platform reported these counts (business time)' }) @IsInstant() observedAt!: string;
  @ApiProperty({ example: 'wechat-mp-api', description: 'Where the counts come from; with observedAt the key of the observation' })
  @IsString()
  @Length(1, 100)
  source!: string;
  @ApiProperty({ type: 'integer', minimum: 0, example: 4500 }) @IsInt() @Min(0) @Max(Number.MAX_SAFE_INTEGER) reads!: number;
  @ApiProperty({ type: 'integer', minimum: 0, example: 120 }) @IsInt() @Min(0) @Max(Number.MAX_SAFE_INTEGER) reposts!: number;
  @ApiProperty({ type: 'integer', minimum: 0, example: 300 }) @IsInt() @Min(0) @Max(Number.MAX_SAFE_INTEGER) interactions!: number;
  @ApiPropertyOptional({ type: 'integer', minimum: 0, nullable: true, example: 10000, description: 'The channel\'s follower count when observed, if the platform gives it' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(Number.MAX_SAFE_INTEGER)
  followers?: number | null;
}

export class RecordMetricsRequest {
  @ApiProperty({ type: [MetricsObservationRequest], minItems: 1, maxItems: MAX_OBSERVATIONS, description: '1-500 observations, each validated and decided on its own' })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_OBSERVATIONS)
  observations!: unknown[];
}

export class MetricsFieldProblem {
  @ApiProperty({ example: 'reads' }) field!: string;
  @ApiProperty({ example: 'reads must not be less than 0' }) message!: string;
}

/** The problem an item was rejected with: the members of the problem+json the same request for one item would answer. */
export class MetricsItemProblem {
  @ApiProperty({ example: 'urn:baosong:problem:metrics-before-publication' }) type!: string;
  @ApiProperty({ example: 'Unprocessable Content' }) title!: string;
  @ApiProperty({ type: 'integer', example: 422, description: 'The status a request of this item alone would answer' }) status!: number;
  @ApiProperty() detail!: string;
  @ApiPropertyOptional({ example: 'observedAt', description: 'The field of the item at fault' }) field?: string;
  @ApiPropertyOptional({ example: 'metrics-before-publication', description: 'The rule that refused the item (422)' }) rule?: string;
  @ApiPropertyOptional({ type: [MetricsFieldProblem], description: 'validation-failed: each field at fault' }) errors?: MetricsFieldProblem[];
}

export const METRICS_ITEM_STATUSES = ['recorded', 'corrected', 'unchanged', 'rejected'] as const;
export type MetricsItemStatus = (typeof METRICS_ITEM_STATUSES)[number];

export class MetricsItemResult {
  @ApiProperty({ type: 'integer', description: 'The item\'s index in `observations`' }) index!: number;
  @ApiProperty({ enum: METRICS_ITEM_STATUSES, description: 'recorded: a new observation; corrected: other counts for a known (observedAt, source); unchanged: the same counts again, nothing appended; rejected: see `problem`' })
  status!: MetricsItemStatus;
  @ApiPropertyOptional({ example: '1042', description: `${COMMAND_POSITION_DESCRIPTION}; for unchanged, the position of the publication's latest metrics event` })
  position?: string;
  @ApiPropertyOptional({ type: MetricsItemProblem }) problem?: MetricsItemProblem;
}

export class MetricsCountsResponse {
  @ApiProperty({ type: 'integer' }) recorded!: number;
  @ApiProperty({ type: 'integer' }) corrected!: number;
  @ApiProperty({ type: 'integer' }) unchanged!: number;
  @ApiProperty({ type: 'integer' }) rejected!: number;
}

export class RecordMetricsResponse {
  @ApiProperty({ type: [MetricsItemResult] }) results!: MetricsItemResult[];
  @ApiProperty({ type: MetricsCountsResponse }) counts!: MetricsCountsResponse;
  @ApiPropertyOptional({ example: '1042', description: 'The highest position of the batch (absent when nothing was recorded or known): send it as X-Min-Position' })
  position?: string;
}
