import { Controller, Get, Inject, Param, ParseUUIDPipe, Query, Res } from '@nestjs/common';
import { ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsISO8601, IsOptional, IsUUID, Matches, Max, Min } from 'class-validator';
import type { Response } from 'express';
import { Clock, CLOCK } from '@app/kernel';
import { Access, AccessPolicy, Actor, businessDate, CurrentActor } from '@app/access';
import { Endpoint, etag } from '@app/platform';
import { CommissionQueries } from './commissions.queries';
import { DraftQueries } from './drafts.queries';
import { CommissionResponse, DraftDetailResponse, DraftSummaryResponse, RegisterEntryResponse } from './drafts.responses';

const STATUSES = ['draft', 'in_review', 'returned', 'signed_off', 'rejected', 'retracted'];

export class PageQuery {
  @ApiPropertyOptional({ default: 50 }) @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(500) limit?: number;
  @ApiPropertyOptional({ default: 0 }) @IsOptional() @Type(() => Number) @IsInt() @Min(0) offset?: number;
}
export class MyDraftsQuery extends PageQuery {
  @ApiPropertyOptional({ enum: STATUSES }) @IsOptional() @IsIn(STATUSES) status?: string;
}
export class DraftListQuery extends MyDraftsQuery {
  @ApiPropertyOptional() @IsOptional() @IsUUID() unitId?: string;
  @ApiPropertyOptional() @IsOptional() @Matches(/^[a-z][a-z0-9_-]{0,49}$/) contentType?: string;
  @ApiPropertyOptional({ description: 'Created at or after (ISO 8601)' }) @IsOptional() @IsISO8601() from?: string;
  @ApiPropertyOptional({ description: 'Created before (ISO 8601)' }) @IsOptional() @IsISO8601() to?: string;
}
export class RegisterQuery extends PageQuery {
  @ApiPropertyOptional() @IsOptional() @IsUUID() unitId?: string;
  @ApiPropertyOptional({ description: 'Signed off at or after' }) @IsOptional() @IsISO8601() from?: string;
  @ApiPropertyOptional({ description: 'Signed off before' }) @IsOptional() @IsISO8601() to?: string;
  @ApiPropertyOptional({ description: 'Items with an outcome at this level' }) @IsOptional() @Matches(/^[a-z][a-z0-9_-]{0,49}$/) levelKey?: string;
  @ApiPropertyOptional() @IsOptional() @Matches(/^[a-z][a-z0-9_-]{0,49}$/) contentType?: string;
}
export class CommissionListQuery extends PageQuery {
  @ApiPropertyOptional() @IsOptional() @IsUUID() unitId?: string;
  @ApiPropertyOptional({ enum: ['open', 'fulfilled', 'missed', 'cancelled'] }) @IsOptional() @IsIn(['open', 'fulfilled', 'missed', 'cancelled']) status?: string;
  @ApiPropertyOptional({ description: 'Status as of this instant (default now)' }) @IsOptional() @IsISO8601() asOf?: string;
}

const page = (q: PageQuery) => ({ limit: q.limit ?? 50, offset: q.offset ?? 0 });

@ApiTags('reporting')
@Controller('v1')
export class DraftsHttpController {
  constructor(
    private readonly drafts: DraftQueries,
    private readonly commissions: CommissionQueries,
    private readonly access: AccessPolicy,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Get('drafts/mine')
  @Access('drafts.mine')
  @Endpoint({ summary: 'My drafts (created by me or with me among the authors), newest first', response: DraftSummaryResponse, isArray: true })
  mine(@CurrentActor() actor: Actor, @Query() q: MyDraftsQuery) {
    return this.drafts.mine(actor.memberId, q, page(q));
  }

  @Get('review-inbox')
  @Access('drafts.mine')
  @Endpoint({ summary: 'What waits for my review: the current step\'s role is mine over the draft\'s unit; oldest first, with due dates', response: DraftSummaryResponse, isArray: true })
  inbox(@CurrentActor() actor: Actor, @Query() q: PageQuery) {
    return this.drafts.inbox(actor, businessDate(this.clock.now()), page(q));
  }

  @Get('drafts')
  @Access('drafts.read', { query: 'unitId' })
  @Endpoint({ summary: 'Drafts of a unit (filter by status, type, period); unitId is required unless you are an auditor or office reviewer', response: DraftSummaryResponse, isArray: true })
  async list(@CurrentActor() actor: Actor, @Query() q: DraftListQuery) {
    if (!q.unitId) await this.access.assert(actor, 'register.read');
    return this.drafts.list(q, page(q));
  }

  @Get('drafts/:draftId')
  @Access('drafts.read')
  @Endpoint({ summary: 'A draft with its whole history (who did what, when, with comments) and its outcomes; ETag = revision', response: DraftDetailResponse, etag: true, problems: ['not-found'] })
  async detail(@Param('draftId', new ParseUUIDPipe()) draftId: string, @CurrentActor() actor: Actor, @Res({ passthrough: true }) res: Response) {
    await this.access.assert(actor, 'drafts.read', await this.drafts.draftUnit(draftId));
    const detail = await this.drafts.detail(draftId);
    res.setHeader('ETag', etag(BigInt(detail.revision as string)));
    return detail;
  }

  @Get('register')
  @Access('register.read')
  @Endpoint({ summary: '登记: the publication register (submitting unit, adopting publications, levels, instructions)', response: RegisterEntryResponse, isArray: true })
  register(@Query() q: RegisterQuery) {
    return this.drafts.register(q, page(q));
  }

  @Get('commissions')
  @Access('commissions.read')
  @Endpoint({ summary: 'Commissions (约稿) with each unit\'s status: fulfilled, late, missed or open', response: CommissionResponse, isArray: true })
  commissionList(@Query() q: CommissionListQuery) {
    return this.commissions.list(q, q.asOf ? new Date(q.asOf).toISOString() : this.clock.now().toISOString(), page(q));
  }

  @Get('commissions/:commissionId')
  @Access('commissions.read')
  @Endpoint({ summary: 'One commission with its units\' status', response: CommissionResponse, problems: ['not-found'] })
  commission(@Param('commissionId', new ParseUUIDPipe()) commissionId: string, @Query() q: CommissionListQuery) {
    return this.commissions.get(commissionId, q.asOf ? new Date(q.asOf).toISOString() : this.clock.now().toISOString());
  }
}
