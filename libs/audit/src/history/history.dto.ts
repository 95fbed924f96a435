import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsInt, IsOptional, Length, Matches, Max, Min } from 'class-validator';
import { IsInstant } from '@app/platform';
import { POSITION } from './log-cursor';

/** A repeatable query parameter also given as a comma list (`type=A&type=B` or `type=A,B`): its items, trimmed. */
const list = ({ value }: { value: unknown }): unknown => {
  const items = typeof value === 'string' ? [value] : value;
  if (!Array.isArray(items) || !items.every((v) => typeof v === 'string')) return value;
  return (items as string[]).flatMap((v) => v.split(',')).map((v) => v.trim());
};

const EVENT_TYPE = /^[A-Za-z][A-Za-z0-9_.:-]{0,99}$/;
const CATEGORY = /^[a-z][a-zA-Z0-9_]{0,49}$/;
/** Actor and correlation ids as the API records them (member UUIDs, `system`, `seed-demo`; X-Correlation-Id). */
export const REQUEST_ID = /^[A-Za-z0-9_.:-]{1,128}$/;
/** An instant with its zone (Z or an offset), or a date (midnight UTC): never read in the server's local time. */
const ZONED = /^\d{4}-\d{2}-\d{2}$|(Z|[+-]\d{2}:?\d{2})$/;
const ZONED_MESSAGE = 'must be a date (YYYY-MM-DD, midnight UTC) or a date-time with Z or an offset, e.g. 2026-03-01T08:00:00+08:00';
const POSITION_MESSAGE = 'must be a global position: a decimal string of at most 18 digits';

/** GET /v1/audit/events: every filter is applied before the page is cut. */
export class AuditLogQuery {
  @ApiPropertyOptional({ type: [String], description: 'Event types (repeat the parameter or give a comma list), e.g. DraftSubmitted' })
  @IsOptional()
  @Transform(list)
  @IsArray()
  @ArrayMaxSize(50)
  @Matches(EVENT_TYPE, { each: true, message: 'type must be event type names (letters first; letters, digits, _ . : -)' })
  type?: string[];

  @ApiPropertyOptional({ type: [String], description: 'Stream categories (the part of the stream id before the first "-": draft, unit, member, incident, policy, payouts …), repeatable or a comma list' })
  @IsOptional()
  @Transform(list)
  @IsArray()
  @ArrayMaxSize(50)
  @Matches(CATEGORY, { each: true, message: 'category must be stream categories (a lowercase letter, then letters, digits or _)' })
  category?: string[];

  @ApiPropertyOptional({ description: 'The member who acted (`system`, `seed-demo` for commands outside HTTP)' })
  @IsOptional()
  @Matches(REQUEST_ID, { message: 'actorId must be 1-128 characters of A-Z a-z 0-9 _ . : -' })
  actorId?: string;

  @ApiPropertyOptional({ description: 'The correlation id of a request (X-Correlation-Id)' })
  @IsOptional()
  @Matches(REQUEST_ID, { message: 'correlationId must be 1-128 characters of A-Z a-z 0-9 _ . : -' })
  correlationId?: string;

  @ApiPropertyOptional({ description: 'Recorded at or after (ISO 8601 with Z or an offset; compared to the millisecond)' })
  @IsOptional()
  @IsInstant()
  @Matches(ZONED, { message: `from ${ZONED_MESSAGE}` })
  from?: string;

  @ApiPropertyOptional({ description: 'Recorded before (ISO 8601 with Z or an offset)' })
  @IsOptional()
  @IsInstant()
  @Matches(ZONED, { message: `to ${ZONED_MESSAGE}` })
  to?: string;

  @ApiPropertyOptional({ example: '1200', description: 'Events strictly after this global position' })
  @IsOptional()
  @Matches(POSITION, { message: `afterPosition ${POSITION_MESSAGE}` })
  afterPosition?: string;

  @ApiPropertyOptional({ example: '2400', description: 'Events at or before this global position' })
  @IsOptional()
  @Matches(POSITION, { message: `toPosition ${POSITION_MESSAGE}` })
  toPosition?: string;

  @ApiPropertyOptional({ default: 100, minimum: 1, maximum: 1000 }) @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(1000) limit?: number;

  @ApiPropertyOptional({ description: 'The `next` value of the previous page (opaque); omit for the first page' })
  @IsOptional()
  @Length(1, 400)
  @Matches(/^[A-Za-z0-9_-]+$/, { message: 'cursor must be a `next` value this list returned' })
  cursor?: string;
}

export class AuditEventMetadataResponse {
  @ApiProperty() eventId!: string;
  @ApiProperty({ description: 'The member whose token sent the command (`system`, `seed-demo` outside HTTP)' }) actorId!: string;
  @ApiProperty({ format: 'date-time', description: 'When the store recorded the event' }) recordedAt!: string;
  @ApiProperty({ description: 'Shared by everything one request caused' }) correlationId!: string;
  @ApiProperty({ description: 'The message that caused the event (today the command)' }) causationId!: string;
  @ApiProperty({ description: 'The command (Idempotency-Key) that appended it' }) commandId!: string;
  @ApiPropertyOptional({ description: 'With Idempotency-Key only: the fingerprint of the request' }) requestFingerprint?: string;
}

export class AuditEventResponse {
  @ApiProperty({ example: 'draft-6f2c…' }) streamId!: string;
  @ApiProperty({ example: '3', description: "The event's revision in its stream (decimal string)" }) revision!: string;
  @ApiProperty({ example: '1207', description: 'Global position (decimal string)' }) position!: string;
  @ApiProperty({ example: 'DraftSubmitted' }) type!: string;
  @ApiProperty({ type: 'integer', description: 'The payload schema version, after upcasting' }) schemaVersion!: number;
  @ApiProperty({ type: 'object', additionalProperties: true, nullable: true, description: 'The event data' }) data!: unknown;
  @ApiProperty({ type: AuditEventMetadataResponse }) metadata!: AuditEventMetadataResponse;
}

export class AggregateHistoryResponse {
  @ApiProperty({ type: String, nullable: true, example: 'draft', description: 'The aggregate kind (null when read by stream id)' }) kind!: string | null;
  @ApiProperty({ description: 'The aggregate id (the stream id when read by stream id)' }) id!: string;
  @ApiProperty({ example: 'draft-6f2c…' }) streamId!: string;
  @ApiProperty({ example: '7', description: "The stream's last revision (decimal string)" }) revision!: string;
  @ApiProperty({ type: [AuditEventResponse], description: 'Every event, oldest first' }) events!: AuditEventResponse[];
}

export class AuditLogPageResponse {
  @ApiProperty({ type: [AuditEventResponse] }) items!: AuditEventResponse[];
  @ApiProperty({ type: String, nullable: true, description: 'The cursor of the next page (send as `cursor` with the same filters); null on the last page' }) next!: string | null;
  @ApiProperty({ example: '2400', description: 'The position read up to: every matching event after the page start and at or before it is in this or an earlier page' }) through!: string;
}

export class CorrelationSummaryResponse {
  @ApiProperty({ type: 'integer' }) events!: number;
  @ApiProperty({ type: [String], description: 'Streams touched, in the order first touched' }) streams!: string[];
  @ApiProperty({ type: [String], description: 'Their categories' }) categories!: string[];
  @ApiProperty({ type: [String] }) eventTypes!: string[];
  @ApiProperty({ type: [String] }) actors!: string[];
  @ApiProperty({ type: [String] }) commandIds!: string[];
  @ApiProperty({ example: '1200' }) firstPosition!: string;
  @ApiProperty({ example: '1207' }) lastPosition!: string;
  @ApiProperty({ format: 'date-time' }) firstRecordedAt!: string;
  @ApiProperty({ format: 'date-time' }) lastRecordedAt!: string;
}

export class CorrelationResponse {
  @ApiProperty() correlationId!: string;
  @ApiProperty({ type: CorrelationSummaryResponse }) summary!: CorrelationSummaryResponse;
  @ApiProperty({ type: [AuditEventResponse], description: 'In position order, across streams' }) events!: AuditEventResponse[];
  @ApiProperty({ description: `True when the request caused more events than one answer holds (the first ones are here; page the rest with GET /v1/audit/events?correlationId=)` }) truncated!: boolean;
}
