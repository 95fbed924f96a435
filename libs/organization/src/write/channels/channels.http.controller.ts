import { Body, Controller, HttpCode, Inject, Param, Post, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsIn, IsInt, IsOptional, IsString, IsUUID, Length, Matches, Max, Min } from 'class-validator';
import type { Response } from 'express';
import { Clock, CLOCK, CommandContext, NotFound } from '@app/kernel';
import { runDecider } from '@app/event-store';
import { Access } from '@app/access';
import { CommandCtx, CommandEndpoint, IsInstant, UuidParamPipe } from '@app/platform';
import { ChannelCommand, channelDecider, channelIdFor, ChannelState, channelStream, Platform, PLATFORMS } from '../../domain/channel.decider';
import { OrgReads } from '../org-reads';
import { commandResponse } from '../command-response';
import { ChannelCommandResponse } from '../command.responses';

export class RegisterChannelRequest {
  @ApiProperty({ example: '某市公安局微信公众号' }) @IsString() @Length(1, 100) name!: string;
  @ApiProperty({ enum: PLATFORMS }) @IsIn(PLATFORMS) platform!: Platform;
  @ApiProperty({ example: 'gh_1234567890ab', description: 'The account handle; unique per platform' }) @IsString() @Length(1, 100) handle!: string;
  @ApiProperty() @IsUUID() ownerUnitId!: string;
  @ApiProperty({ example: 'city' }) @Matches(/^[a-z][a-z0-9_-]{0,49}$/) levelKey!: string;
}
export class RecordFollowerCountRequest {
  @ApiProperty({ example: 12500 }) @IsInt() @Min(0) @Max(2_000_000_000) count!: number;
  @ApiPropertyOptional({ description: 'When the count was read (default now)' }) @IsOptional() @IsInstant() asOf?: string;
}
export class RetireChannelRequest {
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, 500) reason?: string;
}

const onChannel = (channelId: string, build: () => ChannelCommand) => (state: ChannelState) => {
  if (state.status === 'none') throw new NotFound('Channel', channelId);
  return build();
};

@ApiTags('organization')
@Controller('v1/channels')
export class ChannelsHttpController {
  constructor(
    private readonly commands: CommandBus,
    private readonly reads: OrgReads,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Post()
  @HttpCode(201)
  @Access('channels.manage')
  @CommandEndpoint({ summary: 'Register a channel (website, WeChat, Weibo, Tieba, bulletin 《信息专报》, newspaper …); a handle is unique per platform (409)', response: ChannelCommandResponse, status: 201, location: '/v1/channels/{channelId}', problems: ['channel-handle-taken', 'channel-owner-unknown', 'channel-owner-dissolved', 'publication-level-unknown'] })
  async register(@Body() body: RegisterChannelRequest, @CommandCtx() context: CommandContext, @Res({ passthrough: true }) res: Response) {
    const channelId = channelIdFor(body.platform, body.handle);
    const result = await runDecider(
      this.commands,
      channelStream(channelId),
      channelDecider,
      async (): Promise<ChannelCommand> => ({
        type: 'RegisterChannel',
        name: body.name,
        platform: body.platform,
        handle: body.handle,
        ownerUnitId: body.ownerUnitId,
        owner: await this.reads.unitFacts(body.ownerUnitId),
        levelKey: body.levelKey,
        levelExists: (await this.reads.config()).levels.some((l) => l.key === body.levelKey),
        now: this.clock.now().toISOString(),
      }),
      context,
    );
    res.setHeader('Location', `/v1/channels/${channelId}`);
    return commandResponse('channelId', channelId, result, res);
  }

  @Post(':channelId/follower-counts')
  @HttpCode(201)
  @Access('channels.manage')
  @CommandEndpoint({ summary: 'Record the follower count (engagement rewards are relative to followers at publication time)', response: ChannelCommandResponse, status: 201, problems: ['not-found', 'channel-not-found', 'channel-retired'] })
  async followers(@Param('channelId', new UuidParamPipe()) channelId: string, @Body() body: RecordFollowerCountRequest, @CommandCtx() context: CommandContext, @Res({ passthrough: true }) res: Response) {
    const now = this.clock.now().toISOString();
    const result = await runDecider(
      this.commands,
      channelStream(channelId),
      channelDecider,
      onChannel(channelId, () => ({ type: 'RecordFollowerCount', count: body.count, asOf: body.asOf ? new Date(body.asOf).toISOString() : now, now })),
      context,
    );
    return commandResponse('channelId', channelId, result, res);
  }

  @Post(':channelId/retire')
  @HttpCode(200)
  @Access('channels.manage')
  @CommandEndpoint({ summary: 'Retire a channel (its history stays)', response: ChannelCommandResponse, problems: ['not-found', 'channel-not-found'] })
  async retire(@Param('channelId', new UuidParamPipe()) channelId: string, @Body() body: RetireChannelRequest, @CommandCtx() context: CommandContext, @Res({ passthrough: true }) res: Response) {
    const result = await runDecider(
      this.commands,
      channelStream(channelId),
      channelDecider,
      onChannel(channelId, () => ({ type: 'RetireChannel', reason: body.reason ?? null, now: this.clock.now().toISOString() })),
      context,
    );
    return commandResponse('channelId', channelId, result, res);
  }
}
