import { Controller, Get, Inject, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsUUID, Max, Min } from 'class-validator';
import { Clock, CLOCK } from '@app/kernel';
import { Access, BusinessDates, ROLES } from '@app/access';
import { GetReviewCoverageQuery, ReviewCoverageRow } from './get-review-coverage.query';
import { Endpoint, IsCalendarDate, ReadAt, ReadSelector } from '@app/platform';
import { ReviewCoverageResponse } from './review-coverage.responses';

export class ReviewCoverageRequest {
  @ApiPropertyOptional({ description: 'Only this unit' }) @IsOptional() @IsUUID() unitId?: string;
  @ApiPropertyOptional({ enum: ROLES }) @IsOptional() @IsIn(ROLES) role?: string;
  @ApiPropertyOptional({ description: 'Only what this member covers' }) @IsOptional() @IsUUID() memberId?: string;
  @ApiPropertyOptional({ description: 'Appointments in force on this date (YYYY-MM-DD, default today)' })
  @IsOptional()
  @IsCalendarDate()
  on?: string;
  @ApiPropertyOptional({ default: 1000 }) @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(10000) limit?: number;
  @ApiPropertyOptional({ default: 0 }) @IsOptional() @Type(() => Number) @IsInt() @Min(0) @Max(1_000_000) offset?: number;
}

@ApiTags('organization')
@Controller('v1/review-coverage')
export class ReviewCoverageHttpController {
  constructor(
    private readonly queries: QueryBus,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly dates: BusinessDates,
  ) {}

  @Get()
  @Access('org.read')
  @Endpoint({
    summary: 'Who reviews what: for each unit, the members whose appointment in force covers it, by role',
    description:
      "Coverage follows ROLE_COVERAGE: 'unit' (reporter, unit head) = that unit; 'subtree' (principal leader, office and confidentiality reviewers, duty officer) = the unit and its descendants; 'oversees' (leader in charge 分管领导) = the overseen units and their descendants; 'institution' (finance, auditor, administrator) = every unit.",
    response: ReviewCoverageResponse, isArray: true,
  })
  coverage(@Query() q: ReviewCoverageRequest, @ReadAt() read: ReadSelector): Promise<ReviewCoverageRow[]> {
    return this.queries.execute(
      new GetReviewCoverageQuery(q.on ?? this.dates.of(this.clock.now()), { unitId: q.unitId, role: q.role, memberId: q.memberId }, q.limit ?? 1000, q.offset ?? 0, read),
    );
  }
}
