import { Controller, Get, HttpCode, Inject, Param, Post, Query } from '@nestjs/common';
import { ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsIn, IsInt, IsOptional, IsString, Length, Max, Min } from 'class-validator';
import { Type } from 'class-transformer';
import type { Pool } from 'pg';
import { Endpoint, IntParamPipe, PG_POOL } from '@app/platform';
import { Access } from '@app/access';
import { Effect, EffectStatus, listEffects, retryEffect } from '../effects/effects';
import { EffectResponse } from './effects.responses';

export class ListEffectsQuery {
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, 100) reactor?: string;
  @ApiPropertyOptional({ enum: ['pending', 'performed', 'failed'] }) @IsOptional() @IsIn(['pending', 'performed', 'failed']) status?: EffectStatus;
  @ApiPropertyOptional({ default: 50 }) @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(500) limit?: number;
  @ApiPropertyOptional({ default: 0 }) @IsOptional() @Type(() => Number) @IsInt() @Min(0) @Max(1_000_000) offset?: number;
}

/** Reactor effects (ADR 0014): what was recorded, what was performed, what failed after its attempts. */
@ApiTags('ops')
@Controller('v1/ops/effects')
export class EffectsHttpController {
  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  @Get()
  @Access('ops.read')
  @Endpoint({ summary: 'Reactor effects, newest first, by reactor and status (failed: their last error and attempts)', response: EffectResponse, isArray: true })
  list(@Query() query: ListEffectsQuery): Promise<Effect[]> {
    return listEffects(this.pool, query);
  }

  @Post(':id/retry')
  @Access('ops.manage')
  @HttpCode(202)
  @Endpoint({ summary: 'Deliver a failed effect again (same key, attempts counting on); the dispatcher performs it', response: EffectResponse, status: 202, problems: ['not-found', 'effect-not-failed'] })
  retry(@Param('id', new IntParamPipe({ min: 1, max: Number.MAX_SAFE_INTEGER })) id: number): Promise<Effect> {
    return retryEffect(this.pool, String(id));
  }
}
