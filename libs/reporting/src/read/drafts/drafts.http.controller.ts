import { Controller, Get, Inject, Param, Query, Res } from '@nestjs/common';
import { ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsUUID, Length, Matches, Max, Min } from 'class-validator';
import type { Response } from 'express';
import { Clock, CLOCK, ValidationFailed } from '@app/kernel';
import { Access, AccessPolicy, Actor, BusinessDates, CurrentActor } from '@app/access';
import { Endpoint, etag, IsInstant, ReadAt, ReadSelector, UuidParamPipe } from '@app/platform';
import { CommissionQueries } from './commissions.queries';
import { DraftQueries } from './drafts.queries';
import { CommissionPageResponse, CommissionResponse, DraftDetailResponse, DraftPageResponse, RegisterPageResponse } from './drafts.responses';

const STATUSES = ['draft', 'in_review', 'referred', 'returned', 'signed_off', 'rejected', 'retracted'];

/** Keyset paging (see ../cursor.ts): `limit`, and the `next` cursor of the previous page. */
export class PageQuery {
  @ApiPropertyOptional({ default: 50, minimum: 1, maximum: 500 }) @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(500) limit?: number;
  @ApiPropertyOptional({ description: 'The `next` value of the previous page (opaque); omit for the first page' })
  @IsOptional()
  @Length(1, 400)
  @Matches(/^[A-Za-z0-9_-]+$/, { message: 'cursor must be a `next` value this list returned' })
  cursor?: string;
}
export class MyDraftsQuery extends PageQuery {
  @ApiPropertyOptional({ enum: STATUSES }) @IsOptional() @IsIn(STATUSES) status?: string;
}
export class DraftListQuery extends MyDraftsQuery {
  @ApiPropertyOptional() @IsOptional() @IsUUID() unitId?: string;
  @ApiPropertyOptional() @IsOptional() @Matches(/^[a-z][a-z0-9_-]{0,49}$/) contentType?: string;
  @ApiPropertyOptional({ description: 'Created at or after (ISO 8601)' }) @IsOptional() @IsInstant() from?: string;
  @ApiPropertyOptional({ description: 'Created before (ISO 8601)' }) @IsOptional() @IsInstant() to?: string;
}
export class RegisterQuery extends PageQuery {
  @ApiPropertyOptional() @IsOptional() @IsUUID() unitId?: string;
  @ApiPropertyOptional({ description: 'Signed off at or after' }) @IsOptional() @IsInstant() from?: string;
  @ApiPropertyOptional({ description: 'Signed off before' }) @IsOptional() @IsInstant() to?: string;
  @ApiPropertyOptional({ description: 'Items with an outcome at this level' }) @IsOptional() @Matches(/^[a-z][a-z0-9_-]{0,49}$/) levelKey?: string;
  @ApiPropertyOptional() @IsOptional() @Matches(/^[a-z][a-z0-9_-]{0,49}$/) contentType?: string;
}
export class CommissionListQuery extends PageQuery {
  @ApiPropertyOptional() @IsOptional() @IsUUID() unitId?: string;
  @ApiPropertyOptional({ enum: ['open', 'fulfilled', 'missed', 'cancelled'] }) @IsOptional() @IsIn(['open', 'fulfilled', 'missed', 'cancelled']) status?: string;
  @ApiPropertyOptional({ description: 'Status as of this instant (default now)' }) @IsOptional() @IsInstant() asOf?: string;
}

const page = (q: PageQuery) => ({ limit: q.limit ?? 50, cursor: q.cursor });

@ApiTags('reporting')
@Controller('v1')
export class DraftsHttpController {
  constructor(
    private readonly drafts: DraftQueries,
    private readonly commissions: CommissionQueries,
    private readonly access: AccessPolicy,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly dates: BusinessDates,
  ) {}

  @Get('drafts/mine')
  @Access('drafts.mine')
  @Endpoint({ summary: 'My drafts (created by me or with me among the authors), newest created first; { items, next }', response: DraftPageResponse })
  mine(@CurrentActor() actor: Actor, @Query() q: MyDraftsQuery, @ReadAt() read: ReadSelector) {
    return this.drafts.mine(actor.memberId, q, page(q), read);
  }

  @Get('review-inbox')
  @Access('drafts.mine')
  @Endpoint({ summary: 'What waits for my review: the current step\'s role is mine over the draft\'s unit; longest waiting first, with due dates; { items, next }', response: DraftPageResponse })
  inbox(@CurrentActor() actor: Actor, @Query() q: PageQuery, @ReadAt() read: ReadSelector) {
    return this.drafts.inbox(actor, this.dates.of(this.clock.now()), page(q), read);
  }

  @Get('drafts')
  @Access('drafts.read', { query: 'unitId' })
  @Endpoint({
    summary: 'Drafts of a unit (filter by status, type, period), newest created first; { items, next }',
    description: 'unitId is required (400 naming it) unless you may read the register (register.read: office reviewer, leaders, finance, administrator, auditor), who may list every unit.',
    response: DraftPageResponse,
  })
  async list(@CurrentActor() actor: Actor, @Query() q: DraftListQuery, @ReadAt() read: ReadSelector) {
    if (!q.unitId && !(await this.access.decide(actor, 'register.read')).allowed) {
      throw new ValidationFailed([{ field: 'unitId', message: 'unitId is required: name the unit whose drafts you want (listing every unit needs register.read)' }]);
    }
    return this.drafts.list(q, page(q), read);
  }

  @Get('drafts/:draftId')
  @Access('drafts.read')
  @Endpoint({ summary: 'A draft: its current content (what to edit after 退回修改), revision (ETag, for If-Match), chain, checks, outcomes and whole history', response: DraftDetailResponse, etag: true, problems: ['not-found'] })
  async detail(@Param('draftId', new UuidParamPipe()) draftId: string, @CurrentActor() actor: Actor, @ReadAt() read: ReadSelector, @Res({ passthrough: true }) res: Response) {
    await this.access.assert(actor, 'drafts.read', await this.drafts.draftUnit(draftId, read));
    const detail = await this.drafts.detail(draftId, read);
    res.setHeader('ETag', etag(BigInt(detail.revision as string)));
    return detail;
  }

  @Get('register')
  @Access('register.read')
  @Endpoint({ summary: '登记: the publication register (submitting unit, adopting publications, levels, instructions)', response: RegisterPageResponse })
  register(@Query() q: RegisterQuery, @ReadAt() read: ReadSelector) {
    return this.drafts.register(q, page(q), read);
  }

  @Get('commissions')
  @Access('commissions.read')
  @Endpoint({ summary: 'Commissions (约稿) with each unit\'s status: fulfilled, late, missed or open', response: CommissionPageResponse })
  commissionList(@Query() q: CommissionListQuery, @ReadAt() read: ReadSelector) {
    return this.commissions.list(q, q.asOf ? new Date(q.asOf).toISOString() : this.clock.now().toISOString(), page(q), read);
  }

  @Get('commissions/:commissionId')
  @Access('commissions.read')
  @Endpoint({ summary: 'One commission with its units\' status', response: CommissionResponse, problems: ['not-found'] })
  commission(@Param('commissionId', new UuidParamPipe()) commissionId: string, @Query() q: CommissionListQuery, @ReadAt() read: ReadSelector) {
    return this.commissions.get(commissionId, q.asOf ? new Date(q.asOf).toISOString() : this.clock.now().toISOString(), read);
  }
}
