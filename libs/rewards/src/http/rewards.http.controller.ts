import { Controller, Get, Query } from '@nestjs/common';
import { ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsUUID, Matches, Max, Min } from 'class-validator';
import { Access, Actor, CurrentActor } from '@app/access';
import { Endpoint, IsCalendarDate, IsOnOrAfter, ReadAt, ReadSelector } from '@app/platform';
import { LeaderboardOrder, LeaderboardSubject, requestedRange, RewardsQueries } from '../read/rewards.queries';
import { EntitlementsResponse, LeaderboardResponse } from './rewards.responses';

class RangeQuery {
  @ApiPropertyOptional({ description: 'A year (2026), quarter (2026-Q1), month (2026-03) or day (2026-03-15) in business dates; or give from and to', example: '2026-03' })
  @IsOptional()
  @Matches(/^\d{4}(-Q[1-4]|-\d{2}(-\d{2})?)?$/, { message: 'period is a year (2026), quarter (2026-Q1), month (2026-03) or day (2026-03-15)' })
  period?: string;
  @ApiPropertyOptional({ format: 'date', description: 'First business date (included)' }) @IsOptional() @IsCalendarDate() from?: string;
  @ApiPropertyOptional({ format: 'date', description: 'Last business date (included)' }) @IsOptional() @IsCalendarDate() @IsOnOrAfter('from') to?: string;
}

export class LeaderboardQuery extends RangeQuery {
  @ApiPropertyOptional({ enum: ['member', 'unit'], default: 'member', description: 'People (the payee of each line) or units (every line of their items)' })
  @IsOptional()
  @IsIn(['member', 'unit'])
  subject?: LeaderboardSubject;
  @ApiPropertyOptional({ enum: ['points', 'money', 'adopted', 'adoptionRate'], default: 'points' }) @IsOptional() @IsIn(['points', 'money', 'adopted', 'adoptionRate']) by?: LeaderboardOrder;
  @ApiPropertyOptional({ default: 100, minimum: 1, maximum: 1000 }) @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(1000) limit?: number;
}

export class MyEntitlementsQuery extends RangeQuery {
  @ApiPropertyOptional({ enum: ['item', 'engagement', 'adoption', 'ranking'] }) @IsOptional() @IsIn(['item', 'engagement', 'adoption', 'ranking']) family?: string;
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID() draftId?: string;
  @ApiPropertyOptional({ default: 200, minimum: 1, maximum: 1000 }) @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(1000) limit?: number;
  @ApiPropertyOptional({ default: 0, minimum: 0, description: 'The `next` value of the previous page' }) @IsOptional() @Type(() => Number) @IsInt() @Min(0) @Max(10_000_000) offset?: number;
}

export class EntitlementsQuery extends MyEntitlementsQuery {
  @ApiPropertyOptional({ description: 'Lines paid to this member or unit' }) @IsOptional() @Matches(/^[A-Za-z0-9_-]{1,100}$/, { message: 'payeeId is a member or unit id' }) payeeId?: string;
  @ApiPropertyOptional({ format: 'uuid', description: 'Every line of the unit\'s items (the unit leaderboard\'s cell)' }) @IsOptional() @IsUUID() unitId?: string;
}

@ApiTags('rewards')
@Controller('v1/rewards')
export class RewardsHttpController {
  constructor(private readonly rewards: RewardsQueries) {}

  @Get('leaderboard')
  @Access('rewards.leaderboard')
  @Endpoint({
    summary: 'Leaderboard of people or units for a period or date range, by points, money, adoptions or adoption rate (采用率)',
    description: 'Ranks share on ties (1, 2, 2, 4). Amounts in fen. X-Read-Build reads a what-if or as-of build with the same SQL.',
    response: LeaderboardResponse,
  })
  leaderboard(@Query() q: LeaderboardQuery, @ReadAt() read: ReadSelector) {
    return this.rewards.leaderboard({ subject: q.subject ?? 'member', by: q.by ?? 'points', range: requestedRange(q), limit: q.limit ?? 100 }, read);
  }

  @Get('entitlements')
  @Access('rewards.entitlements')
  @Endpoint({
    summary: 'Explain: the entitlement lines behind a leaderboard cell or an amount, with totals, per-rule totals, and each line\'s policy version, rule clause, parameters and events',
    description: '"Why does this unit have 137 points in March?" is GET /v1/rewards/entitlements?unitId=…&period=2026-03.',
    response: EntitlementsResponse,
  })
  entitlements(@Query() q: EntitlementsQuery, @ReadAt() read: ReadSelector) {
    return this.rewards.entitlements({ payeeId: q.payeeId, unitId: q.unitId, draftId: q.draftId, family: q.family, range: requestedRange(q), limit: q.limit ?? 200, offset: q.offset ?? 0 }, read);
  }

  @Get('my-entitlements')
  @Access('rewards.mine')
  @Endpoint({ summary: 'What I earned: my entitlement lines (as payee) for a period, with totals and the rules behind them', response: EntitlementsResponse })
  mine(@CurrentActor() actor: Actor, @Query() q: MyEntitlementsQuery, @ReadAt() read: ReadSelector) {
    return this.rewards.entitlements({ payeeId: actor.memberId, draftId: q.draftId, family: q.family, range: requestedRange(q), limit: q.limit ?? 200, offset: q.offset ?? 0 }, read);
  }
}
