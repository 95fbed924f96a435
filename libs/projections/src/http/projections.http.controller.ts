import { Body, Controller, Get, HttpCode, Inject, Param, Post, Query } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsIn, IsInt, IsOptional, IsString, Length, Max, Min } from 'class-validator';
import { Type } from 'class-transformer';
import type { Pool } from 'pg';
import { NotFound } from '@app/kernel';
import { EVENT_STORE, EventStore } from '@app/event-store';
import { Endpoint, IntParamPipe, PG_POOL } from '@app/platform';
import { Access, Actor, CurrentActor } from '@app/access';
import { ProjectionRuntime } from '../projection-runtime';
import { projectionStatus, ProjectionStatus } from '../projection-status';
import { DeadLetter, listDeadLetters, retryDeadLetter, RetryOutcome, skipDeadLetter, SkipOutcome } from '../dead-letters';
import { DeadLetterResponse, ProjectionStatusResponse, RetryOutcomeResponse, SkipOutcomeResponse } from './projections.responses';

export class ListDeadLettersQuery {
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, 100) projection?: string;
  @ApiPropertyOptional({ enum: ['open', 'resolved'] }) @IsOptional() @IsIn(['open', 'resolved']) status?: 'open' | 'resolved';
  @ApiPropertyOptional({ default: 50 }) @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(500) limit?: number;
  @ApiPropertyOptional({ default: 0 }) @IsOptional() @Type(() => Number) @IsInt() @Min(0) @Max(1_000_000) offset?: number;
}

export class SkipDeadLetterRequest {
  @ApiProperty({ example: 'Event appended before the level-key check existed; the ladder was redefined since', description: 'Why the read model may lack this event (recorded with who and when)' })
  @IsString()
  @Length(1, 500)
  reason!: string;
}

export class RebuildStarted {
  @ApiProperty() projection!: string;
  @ApiProperty() buildId!: string;
}

@ApiTags('ops')
@Controller('v1/ops')
export class ProjectionsHttpController {
  constructor(
    private readonly runtime: ProjectionRuntime,
    @Inject(PG_POOL) private readonly pool: Pool,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}

  @Get('projections')
  @Access('ops.read')
  @Endpoint({ summary: 'Each projection: version, position, lag (events, seconds), state, rebuild progress, dead letters', response: ProjectionStatusResponse, isArray: true })
  status(): Promise<ProjectionStatus[]> {
    return projectionStatus(this.pool, this.store, this.runtime.definitions);
  }

  @Post('projections/:name/rebuild')
  @Access('ops.manage')
  @HttpCode(202)
  @Endpoint({ summary: 'Rebuild a projection from position 0 beside the live build; it takes over when caught up', response: RebuildStarted, status: 202, problems: ['not-found'] })
  async rebuild(@Param('name') name: string): Promise<RebuildStarted> {
    if (!this.runtime.definition(name)) throw new NotFound('Projection', name);
    return { projection: name, buildId: await this.runtime.requestRebuild(name) };
  }

  @Get('dead-letters')
  @Access('ops.read')
  @Endpoint({ summary: 'Events a projection failed to apply, with the error', response: DeadLetterResponse, isArray: true })
  deadLetters(@Query() query: ListDeadLettersQuery): Promise<DeadLetter[]> {
    return listDeadLetters(this.pool, query);
  }

  @Post('dead-letters/:id/retry')
  @Access('ops.manage')
  @Endpoint({ summary: 'Retry a dead letter through the runner: resume the build stopped on it, or restart a build that went past it (in order); resolved when the runner applies it', response: RetryOutcomeResponse, status: 201, problems: ['not-found', 'dead-letter-resolved', 'dead-letter-build-retired'] })
  retry(@Param('id', new IntParamPipe({ min: 1, max: Number.MAX_SAFE_INTEGER })) id: number): Promise<RetryOutcome> {
    return retryDeadLetter(this.pool, this.runtime, String(id));
  }

  @Post('dead-letters/:id/skip')
  @Access('ops.manage')
  @Endpoint({ summary: 'Skip a poison event for good (with a reason): the projection resumes past it, and rebuilds skip it too', response: SkipOutcomeResponse, status: 201, problems: ['not-found', 'dead-letter-resolved'] })
  skip(@Param('id', new IntParamPipe({ min: 1, max: Number.MAX_SAFE_INTEGER })) id: number, @Body() body: SkipDeadLetterRequest, @CurrentActor() actor: Actor): Promise<SkipOutcome> {
    return skipDeadLetter(this.pool, this.runtime, String(id), { actorId: actor.memberId, reason: body.reason });
  }
}
