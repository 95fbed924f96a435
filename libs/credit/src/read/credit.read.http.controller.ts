import { Controller, Get, Inject, Param, Query } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsUUID, Length, Matches, Max, Min } from 'class-validator';
import { ValidationFailed } from '@app/kernel';
import { Access, AccessPolicy, Actor, CurrentActor } from '@app/access';
import { Endpoint, ReadAt, ReadSelector, UuidParamPipe } from '@app/platform';
import { CREDIT_CATEGORIES, CREDIT_RECORD_KINDS } from '../domain/credit-fields';
import { CREDIT_CONFIG, CreditConfig } from '../credit-config';
import { CreditQueries } from './credit.queries';

const STATUSES = ['submitted', 'returned', 'approved', 'upload_failed', 'uploaded', 'rejected'];
const PERIOD = /^\d{4}(-Q[1-4]|-(0[1-9]|1[0-2]))?$/;

export class CreditListQuery {
  @ApiPropertyOptional({ default: 50, minimum: 1, maximum: 500 }) @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(500) limit?: number;
  @ApiPropertyOptional({ description: 'The `next` value of the previous page (opaque); omit for the first page' })
  @IsOptional()
  @Length(1, 400)
  @Matches(/^[A-Za-z0-9_-]+$/, { message: 'cursor must be a `next` value this list returned' })
  cursor?: string;
  @ApiPropertyOptional({ format: 'uuid', description: 'The collecting unit (required unless you may read the statistics of every unit: credit.statistics)' }) @IsOptional() @IsUUID() unitId?: string;
  @ApiPropertyOptional({ enum: STATUSES }) @IsOptional() @IsIn(STATUSES) status?: string;
  @ApiPropertyOptional({ enum: CREDIT_RECORD_KINDS }) @IsOptional() @IsIn(CREDIT_RECORD_KINDS) kind?: string;
  @ApiPropertyOptional({ enum: CREDIT_CATEGORIES }) @IsOptional() @IsIn(CREDIT_CATEGORIES) category?: string;
}

export class CreditInboxQuery {
  @ApiProperty({ format: 'uuid', description: 'The unit whose submitted records you review' }) @IsUUID() unitId!: string;
}

export class CreditPeriodQuery {
  @ApiProperty({ example: '2026-03', description: 'YYYY, YYYY-Qn or YYYY-MM: records by the business date of their first submission' }) @Matches(PERIOD, { message: 'period must be YYYY, YYYY-Qn or YYYY-MM' }) period!: string;
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID() unitId?: string;
}

export class CreditDueResponse {
  @ApiProperty({ format: 'uuid' }) deadlineId!: string;
  @ApiProperty({ format: 'date-time' }) dueAt!: string;
  @ApiProperty({ type: String, nullable: true }) provisional!: string | null;
  @ApiProperty({ description: 'Its DeadlineElapsed is in the log' }) elapsed!: boolean;
}

export class CreditRecordResponse {
  @ApiProperty({ format: 'uuid' }) recordId!: string;
  @ApiProperty({ format: 'uuid' }) unitId!: string;
  @ApiProperty({ enum: CREDIT_RECORD_KINDS }) kind!: string;
  @ApiProperty({ enum: CREDIT_CATEGORIES }) category!: string;
  @ApiProperty({ enum: STATUSES }) status!: string;
  @ApiProperty({ type: String, nullable: true, format: 'uuid' }) subjectPersonId!: string | null;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'string', nullable: true }, description: 'The R6.04 fields; in personal records name, idCardNumber, address, content and description are masked (张*, 1101**********002X)' })
  fields!: Record<string, string | null>;
  @ApiProperty({ type: 'object', additionalProperties: true, description: '{ complete, required, missing, rate }' }) completeness!: unknown;
  @ApiProperty({ type: 'integer' }) round!: number;
  @ApiProperty() submittedBy!: string;
  @ApiProperty({ format: 'date-time' }) submittedAt!: string;
  @ApiProperty({ format: 'date' }) submittedOn!: string;
  @ApiProperty({ type: 'array', items: { type: 'object', additionalProperties: true }, description: 'Each return (退回修改): round, reasons per field, by, at' }) returns!: unknown[];
  @ApiProperty({ type: 'array', items: { type: 'object', additionalProperties: true }, description: 'Each correction: round, changedFields, by, at' }) corrections!: unknown[];
  @ApiProperty({ type: 'object', nullable: true, additionalProperties: true, description: 'The approval: checklist, comment, verdict against the review due' }) review!: unknown;
  @ApiProperty({ type: 'object', nullable: true, additionalProperties: true }) rejection!: unknown;
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'The upload: idempotencyKey, platform, failedAttempts, lastError, uploadedAt, reference, verdict, uploadRound' }) upload!: unknown;
  @ApiProperty({ type: CreditDueResponse, nullable: true }) reviewDue!: CreditDueResponse | null;
  @ApiProperty({ type: CreditDueResponse, nullable: true }) uploadDue!: CreditDueResponse | null;
  @ApiProperty({ example: '4' }) revision!: string;
}

export class CreditPageResponse {
  @ApiProperty({ type: [CreditRecordResponse] }) items!: CreditRecordResponse[];
  @ApiProperty({ type: String, nullable: true }) next!: string | null;
}

export class CreditInboxResponse {
  @ApiProperty({ type: [CreditRecordResponse] }) items!: CreditRecordResponse[];
}

export class CreditUnitStatisticsResponse {
  @ApiProperty({ format: 'uuid' }) unitId!: string;
  @ApiProperty({ type: 'integer' }) submitted!: number;
  @ApiProperty({ type: 'integer', description: 'Returned for correction at least once' }) returned!: number;
  @ApiProperty({ type: 'integer', description: 'Approved (uploaded or not)' }) approved!: number;
  @ApiProperty({ type: 'integer' }) uploaded!: number;
  @ApiProperty({ type: 'integer' }) rejected!: number;
  @ApiProperty({ type: 'integer', description: 'Upload deadline elapsed before the upload (pending or uploaded late)' }) overdue!: number;
  @ApiProperty({ type: 'integer', description: 'Waiting for review past the review deadline' }) reviewOverdue!: number;
  @ApiProperty({ type: 'integer' }) completeFields!: number;
  @ApiProperty({ type: 'integer' }) requiredFields!: number;
  @ApiProperty({ description: 'complete fields / required fields' }) completenessRate!: number;
  @ApiProperty({ type: Number, nullable: true, description: 'uploaded on time / uploaded' }) onTimeRate!: number | null;
}

export class CreditStatisticsResponse {
  @ApiProperty({ example: '2026-03' }) period!: string;
  @ApiProperty({ type: [CreditUnitStatisticsResponse] }) units!: CreditUnitStatisticsResponse[];
}

export class CreditComplianceItemResponse {
  @ApiProperty({ enum: ['credit-overdue-uploads', 'credit-completeness', 'credit-on-time-uploads'] }) item!: string;
  @ApiProperty({ type: Number, nullable: true }) value!: number | null;
  @ApiProperty() target!: number;
  @ApiProperty({ description: 'value meets the target (no value: met)' }) met!: boolean;
}

export class CreditUnitComplianceResponse {
  @ApiProperty({ format: 'uuid' }) unitId!: string;
  @ApiProperty({ type: [CreditComplianceItemResponse] }) items!: CreditComplianceItemResponse[];
  @ApiProperty({ description: 'Every item is met' }) compliant!: boolean;
}

export class CreditComplianceResponse {
  @ApiProperty({ example: '2026-03' }) period!: string;
  @ApiProperty({ type: [CreditUnitComplianceResponse] }) units!: CreditUnitComplianceResponse[];
}

@ApiTags('credit')
@Controller('v1/credit')
export class CreditReadHttpController {
  constructor(
    private readonly credit: CreditQueries,
    private readonly access: AccessPolicy,
    @Inject(CREDIT_CONFIG) private readonly config: CreditConfig,
  ) {}

  @Get('records')
  @Access('credit.read', { query: 'unitId' })
  @Endpoint({ summary: 'Credit records (filter by unit, status, kind, category), newest submission first; personal fields masked; { items, next }', response: CreditPageResponse })
  async list(@CurrentActor() actor: Actor, @Query() q: CreditListQuery, @ReadAt() read: ReadSelector) {
    if (!q.unitId && !(await this.access.decide(actor, 'credit.statistics')).allowed) {
      throw new ValidationFailed([{ field: 'unitId', message: 'unitId is required: name the unit whose credit records you want (listing every unit needs credit.statistics)' }]);
    }
    return this.credit.list({ unitId: q.unitId, status: q.status, kind: q.kind, category: q.category }, { limit: q.limit ?? 50, cursor: q.cursor }, read);
  }

  @Get('records/:recordId')
  @Access('credit.read')
  @Endpoint({ summary: 'A credit record: its fields (personal ones masked), completeness, returns and corrections, review, upload and deadlines', response: CreditRecordResponse, problems: ['not-found'] })
  async detail(@Param('recordId', new UuidParamPipe()) recordId: string, @CurrentActor() actor: Actor, @ReadAt() read: ReadSelector) {
    const view = await this.credit.view(recordId, read);
    await this.access.assert(actor, 'credit.read', view.unitId);
    return view;
  }

  @Get('review-inbox')
  @Access('credit.review', { query: 'unitId' })
  @Endpoint({ summary: 'The review inbox of a unit: records waiting for review (真实、准确、完整), the soonest review due first', response: CreditInboxResponse })
  inbox(@Query() q: CreditInboxQuery, @ReadAt() read: ReadSelector) {
    return this.credit.inbox(q.unitId, read);
  }

  @Get('statistics')
  @Access('credit.statistics')
  @Endpoint({ summary: 'Per-unit credit reporting statistics of a period: submitted, returned, approved, uploaded, overdue, completeness rate, on-time rate', response: CreditStatisticsResponse })
  async statistics(@Query() q: CreditPeriodQuery, @ReadAt() read: ReadSelector) {
    return { period: q.period, units: await this.credit.statistics(q.period, q.unitId, read) };
  }

  @Get('compliance')
  @Access('compliance.read')
  @Endpoint({ summary: 'Credit reporting as compliance items per unit and period: overdue uploads (target 0), completeness (CREDIT_COMPLETENESS_TARGET), on-time uploads', response: CreditComplianceResponse })
  async compliance(@Query() q: CreditPeriodQuery, @ReadAt() read: ReadSelector) {
    const units = (await this.credit.statistics(q.period, q.unitId, read)).map((s) => {
      const items = [
        { item: 'credit-overdue-uploads', value: s.overdue, target: 0, met: s.overdue === 0 },
        { item: 'credit-completeness', value: s.completenessRate, target: this.config.completenessTarget, met: s.completenessRate >= this.config.completenessTarget },
        { item: 'credit-on-time-uploads', value: s.onTimeRate, target: 1, met: s.onTimeRate === null || s.onTimeRate >= 1 },
      ];
      return { unitId: s.unitId, items, compliant: items.every((i) => i.met) };
    });
    return { period: q.period, units };
  }
}
