import { Controller, Get, Query } from '@nestjs/common';
import { ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Length, Max, Min } from 'class-validator';
import { Access } from '@app/access';
import { Endpoint } from '@app/platform';
import { SchedulerQueries } from '../read/scheduler.queries';
import { BusinessPeriodPageResponse, DeadlinePageResponse } from './scheduler.responses';

export class ListDeadlinesQuery {
  @ApiPropertyOptional({ enum: ['scheduled', 'cancelled', 'elapsed'] }) @IsOptional() @IsIn(['scheduled', 'cancelled', 'elapsed']) status?: 'scheduled' | 'cancelled' | 'elapsed';
  @ApiPropertyOptional({ example: 'commission-deadline' }) @IsOptional() @IsString() @Length(1, 100) kind?: string;
  @ApiPropertyOptional({ description: 'The stream that scheduled the deadline, e.g. commission-<id>' }) @IsOptional() @IsString() @Length(1, 300) subject?: string;
  @ApiPropertyOptional({ default: 50 }) @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(500) limit?: number;
  @ApiPropertyOptional({ default: 0 }) @IsOptional() @Type(() => Number) @IsInt() @Min(0) @Max(1_000_000) offset?: number;
}

export class ListBusinessPeriodsQuery {
  @ApiPropertyOptional({ enum: ['day', 'month', 'quarter', 'year'] }) @IsOptional() @IsIn(['day', 'month', 'quarter', 'year']) period?: 'day' | 'month' | 'quarter' | 'year';
  @ApiPropertyOptional({ default: 50 }) @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(500) limit?: number;
  @ApiPropertyOptional({ default: 0 }) @IsOptional() @Type(() => Number) @IsInt() @Min(0) @Max(1_000_000) offset?: number;
}

/** What the scheduler knows (its read model): the deadlines deciders registered and the period ends recorded. */
@ApiTags('ops')
@Controller('v1/ops')
export class SchedulerHttpController {
  constructor(private readonly queries: SchedulerQueries) {}

  @Get('deadlines')
  @Access('ops.read')
  @Endpoint({ summary: 'Deadlines deciders registered (DeadlineScheduled), soonest first, with their state: scheduled, cancelled or elapsed', response: DeadlinePageResponse })
  deadlines(@Query() query: ListDeadlinesQuery): Promise<DeadlinePageResponse> {
    return this.queries.deadlines(query);
  }

  @Get('business-periods')
  @Access('ops.read')
  @Endpoint({ summary: 'Business periods (day, month, quarter, year in BUSINESS_TIME_ZONE) whose end is recorded (BusinessPeriodEnded), latest first', response: BusinessPeriodPageResponse })
  businessPeriods(@Query() query: ListBusinessPeriodsQuery): Promise<BusinessPeriodPageResponse> {
    return this.queries.businessPeriods(query);
  }
}
