import { Body, Controller, HttpCode, Param, Post, Res } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsBoolean, IsOptional, IsString, IsUrl, IsUUID, Length, Matches } from 'class-validator';
import type { Response } from 'express';
import { CommandContext, deterministicUuid } from '@app/kernel';
import { Access, Actor, CurrentActor } from '@app/access';
import { CommandCtx, CommandEndpoint, IsInstant, UuidParamPipe } from '@app/platform';
import { DraftCommands } from '../draft-commands';
import { DraftCommandResponse, draftResponse } from '../draft-content.request';
import { OrgLookups } from '../org-lookups';
import { OUTCOME_PROBLEMS, SIGNED_OFF_DRAFT_PROBLEMS } from '../reporting-command.responses';

const LEVEL = /^[a-z][a-z0-9_-]{0,49}$/;

export class RecordPublicationRequest {
  @ApiProperty({ description: 'A registered channel (official account, website …)' }) @IsUUID() channelId!: string;
  @ApiProperty({ example: 'https://mp.weixin.qq.com/s/abc' }) @IsUrl({ require_protocol: true }) url!: string;
  @ApiProperty({ example: '2026-03-03T02:00:00Z' }) @IsInstant() publishedAt!: string;
  @ApiProperty({ description: '独家首发: exclusive first release' }) @IsBoolean() exclusiveFirstRelease!: boolean;
}
export class RecordAdoptionRequest {
  @ApiProperty({ example: '《市委信息》' }) @IsString() @Length(1, 200) publicationName!: string;
  @ApiProperty({ example: 'city', description: 'A level of the publication ladder' }) @Matches(LEVEL) levelKey!: string;
  @ApiPropertyOptional({ example: '第12期' }) @IsOptional() @IsString() @Length(1, 50) issue?: string;
  @ApiProperty() @IsInstant() adoptedAt!: string;
}
export class RateExcellentRequest {
  @ApiProperty({ example: 'city' }) @Matches(LEVEL) levelKey!: string;
  @ApiProperty() @IsInstant() ratedAt!: string;
}
export class RecordInstructionRequest {
  @ApiProperty({ example: 'city' }) @Matches(LEVEL) levelKey!: string;
  @ApiProperty({ example: '李市长' }) @IsString() @Length(1, 100) leader!: string;
  @ApiProperty({ example: '此经验很好,请在全市推广' }) @IsString() @Length(1, 5000) text!: string;
  @ApiProperty() @IsInstant() instructedAt!: string;
}
export class RetractDraftRequest {
  @ApiProperty({ example: '数据有误' }) @IsString() @Length(1, 2000) reason!: string;
}

/**
 * What happens to a signed-off item outside: publication on a channel, adoption (采用) up the ladder, excellent
 * rating (优秀信息), leader instruction (批示), retraction. Each is an event on the draft's own stream.
 */
@ApiTags('reporting')
@Controller('v1/drafts/:draftId')
export class RecordOutcomesHttpController {
  constructor(
    private readonly drafts: DraftCommands,
    private readonly lookups: OrgLookups,
  ) {}

  @Post('publications')
  @HttpCode(201)
  @Access('drafts.record')
  @CommandEndpoint({ summary: 'Record publication on a channel (blocked unless the confidentiality review said it may be published)', response: DraftCommandResponse,
    status: 201,
    problems: [...SIGNED_OFF_DRAFT_PROBLEMS, 'confidentiality-blocks-publication', 'confidentiality-review-missing', 'channel-unknown', 'channel-retired', 'already-published-on-channel'] })
  async publish(
    @Param('draftId', new UuidParamPipe()) draftId: string,
    @Body() body: RecordPublicationRequest,
    @CurrentActor() actor: Actor,
    @CommandCtx() context: CommandContext,
    @Res({ passthrough: true }) res: Response,
  ): Promise<DraftCommandResponse> {
    const result = await this.drafts.run(draftId, context, actor, 'drafts.record', async (_, acting) => ({
      type: 'RecordPublication',
      publicationId: deterministicUuid(context.commandId, 'publication'),
      channel: await this.lookups.channel(body.channelId),
      url: body.url,
      publishedAt: new Date(body.publishedAt).toISOString(),
      exclusiveFirstRelease: body.exclusiveFirstRelease,
      actor: acting,
    }));
    return draftResponse(draftId, result, res);
  }

  @Post('adoptions')
  @HttpCode(201)
  @Access('drafts.record')
  @CommandEndpoint({ summary: '采用: record adoption by a publication at a level of the ladder', response: DraftCommandResponse, status: 201, problems: [...OUTCOME_PROBLEMS, 'confidentiality-blocks-adoption'] })
  async adopt(
    @Param('draftId', new UuidParamPipe()) draftId: string,
    @Body() body: RecordAdoptionRequest,
    @CurrentActor() actor: Actor,
    @CommandCtx() context: CommandContext,
    @Res({ passthrough: true }) res: Response,
  ): Promise<DraftCommandResponse> {
    const result = await this.drafts.run(draftId, context, actor, 'drafts.record', async (_, acting) => ({
      type: 'RecordAdoption',
      adoptionId: deterministicUuid(context.commandId, 'adoption'),
      publicationName: body.publicationName,
      levelKey: body.levelKey,
      levelExists: await this.lookups.levelExists(body.levelKey),
      issue: body.issue ?? null,
      adoptedAt: new Date(body.adoptedAt).toISOString(),
      actor: acting,
    }));
    return draftResponse(draftId, result, res);
  }

  @Post('excellent-ratings')
  @HttpCode(201)
  @Access('drafts.record')
  @CommandEndpoint({ summary: '优秀信息: rate the item excellent at a level where it was adopted', response: DraftCommandResponse, status: 201, problems: [...OUTCOME_PROBLEMS, 'excellent-requires-adoption', 'confidentiality-blocks-excellent-rating'] })
  async rate(
    @Param('draftId', new UuidParamPipe()) draftId: string,
    @Body() body: RateExcellentRequest,
    @CurrentActor() actor: Actor,
    @CommandCtx() context: CommandContext,
    @Res({ passthrough: true }) res: Response,
  ): Promise<DraftCommandResponse> {
    const result = await this.drafts.run(draftId, context, actor, 'drafts.record', async (_, acting) => ({
      type: 'RateExcellent',
      levelKey: body.levelKey,
      levelExists: await this.lookups.levelExists(body.levelKey),
      ratedAt: new Date(body.ratedAt).toISOString(),
      actor: acting,
    }));
    return draftResponse(draftId, result, res);
  }

  @Post('instructions')
  @HttpCode(201)
  @Access('drafts.record')
  @CommandEndpoint({ summary: '批示: record a leader instruction at a level where the item was adopted', response: DraftCommandResponse, status: 201, problems: [...OUTCOME_PROBLEMS, 'instruction-requires-adoption', 'confidentiality-blocks-instruction'] })
  async instruct(
    @Param('draftId', new UuidParamPipe()) draftId: string,
    @Body() body: RecordInstructionRequest,
    @CurrentActor() actor: Actor,
    @CommandCtx() context: CommandContext,
    @Res({ passthrough: true }) res: Response,
  ): Promise<DraftCommandResponse> {
    const result = await this.drafts.run(draftId, context, actor, 'drafts.record', async (_, acting) => ({
      type: 'RecordInstruction',
      instructionId: deterministicUuid(context.commandId, 'instruction'),
      levelKey: body.levelKey,
      levelExists: await this.lookups.levelExists(body.levelKey),
      leader: body.leader,
      text: body.text,
      instructedAt: new Date(body.instructedAt).toISOString(),
      actor: acting,
    }));
    return draftResponse(draftId, result, res);
  }

  @Post('retract')
  @HttpCode(200)
  @Access('drafts.record')
  @CommandEndpoint({ summary: 'Retract a signed-off item, with its reason', response: DraftCommandResponse, problems: [...SIGNED_OFF_DRAFT_PROBLEMS, 'retraction-needs-reason'] })
  async retract(
    @Param('draftId', new UuidParamPipe()) draftId: string,
    @Body() body: RetractDraftRequest,
    @CurrentActor() actor: Actor,
    @CommandCtx() context: CommandContext,
    @Res({ passthrough: true }) res: Response,
  ): Promise<DraftCommandResponse> {
    const result = await this.drafts.run(draftId, context, actor, 'drafts.record', (_, acting) => ({
      type: 'RetractDraft',
      reason: body.reason,
      actor: acting,
      now: this.drafts.now(),
    }));
    return draftResponse(draftId, result, res);
  }
}
