import { Controller, Get, Inject, Param, Query, Res } from '@nestjs/common';
import { ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsIn, IsOptional, IsUUID } from 'class-validator';
import type { Response } from 'express';
import type { Pool } from 'pg';
import { NotFound } from '@app/kernel';
import { Access } from '@app/access';
import { Endpoint, etag, PG_POOL, ReadAt, ReadSelector, UuidParamPipe } from '@app/platform';
import { ReadModels } from '@app/projections';
import { PLATFORMS } from '../../domain/channel.decider';
import { page, PageRequest } from './page';
import { ChannelDetailResponse, ChannelListItemResponse } from './directory.responses';

export class ChannelsRequest extends PageRequest {
  @ApiPropertyOptional({ enum: PLATFORMS }) @IsOptional() @IsIn(PLATFORMS) platform?: string;
  @ApiPropertyOptional() @IsOptional() @IsUUID() ownerUnitId?: string;
}

const CHANNEL = `c.channel_id AS "channelId", c.name, c.platform, c.handle, c.owner_unit_id AS "ownerUnitId", c.level_key AS "levelKey",
  c.registered_at AS "registeredAt", c.retired_at AS "retiredAt", c.revision::text AS revision`;

/** Channels (official accounts and outlets) with their follower counts over time. */
@ApiTags('organization')
@Controller('v1/channels')
export class ChannelDirectoryHttpController {
  constructor(
    @Inject(PG_POOL) private readonly pool: Pool,
    private readonly readModels: ReadModels,
  ) {}

  @Get()
  @Access('org.read')
  @Endpoint({ summary: 'Channels with their latest follower count', response: ChannelListItemResponse, isArray: true })
  async channels(@Query() q: ChannelsRequest, @ReadAt() read: ReadSelector) {
    const r = await this.readModels.scope(read, ['channels', 'channel_follower_counts']);
    const rows = await this.pool.query(
      `SELECT ${CHANNEL},
              (SELECT f.count FROM ${r.t('channel_follower_counts')} f WHERE f.channel_id = c.channel_id ORDER BY f.as_of DESC, f.revision DESC LIMIT 1) AS followers
         FROM ${r.t('channels')} c
        WHERE ($1::text IS NULL OR c.platform = $1) AND ($2::uuid IS NULL OR c.owner_unit_id = $2)
        ORDER BY c.name, c.channel_id LIMIT $3 OFFSET $4`,
      [q.platform ?? null, q.ownerUnitId ?? null, ...page(q)],
    );
    return rows.rows;
  }

  @Get(':channelId')
  @Access('org.read')
  @Endpoint({ summary: 'A channel with its follower history (engagement rewards use the count at publication time)', response: ChannelDetailResponse, etag: true, problems: ['not-found'] })
  async channel(@Param('channelId', new UuidParamPipe()) channelId: string, @ReadAt() read: ReadSelector, @Res({ passthrough: true }) res: Response) {
    const r = await this.readModels.scope(read, ['channels', 'channel_follower_counts']);
    const row = await this.pool.query<{ revision: string }>(`SELECT ${CHANNEL} FROM ${r.t('channels')} c WHERE c.channel_id = $1`, [channelId]);
    if (!row.rows[0]) throw new NotFound('Channel', channelId);
    const history = await this.pool.query(
      `SELECT count, as_of AS "asOf" FROM ${r.t('channel_follower_counts')} WHERE channel_id = $1 ORDER BY as_of, revision`,
      [channelId],
    );
    res.setHeader('ETag', etag(BigInt(row.rows[0].revision)));
    return { ...row.rows[0], followerHistory: history.rows };
  }
}
