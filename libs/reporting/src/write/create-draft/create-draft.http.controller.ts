import { Body, Controller, HttpCode, Post, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsOptional, IsUUID } from 'class-validator';
import type { Response } from 'express';
import { CommandContext, entityIdFor } from '@app/kernel';
import type { CommandResult } from '@app/event-store';
import { Access, Actor, CurrentActor } from '@app/access';
import { CommandCtx, CommandEndpoint } from '@app/platform';
import { DraftCommandResponse, DraftContentRequest, draftResponse, toContent } from '../draft-content.request';
import { CreateDraftCommand } from './create-draft.handler';

export class CreateDraftRequest extends DraftContentRequest {
  @ApiPropertyOptional({ description: 'Client-chosen id (UUID); generated when omitted' }) @IsOptional() @IsUUID() draftId?: string;
  @ApiProperty({ description: 'The unit the draft is written for (the reporter must be its 信息员)' }) @IsUUID() unitId!: string;
  @ApiPropertyOptional({ description: 'The commission (约稿) this draft answers' }) @IsOptional() @IsUUID() commissionId?: string;
}

@ApiTags('reporting')
@Controller('v1/drafts')
export class CreateDraftHttpController {
  constructor(private readonly commands: CommandBus) {}

  @Post()
  @HttpCode(201)
  @Access('drafts.create', { body: 'unitId' })
  @CommandEndpoint({ summary: 'Create a draft (信息稿件) for a unit', response: DraftCommandResponse, status: 201, location: '/v1/drafts/{draftId}',
    problems: ['draft-exists', 'draft-unit-unknown', 'draft-unit-dissolved', 'draft-content-invalid', 'commission-unknown', 'commission-not-for-unit', 'commission-cancelled'] })
  async create(
    @Body() body: CreateDraftRequest,
    @CurrentActor() actor: Actor,
    @CommandCtx() context: CommandContext,
    @Res({ passthrough: true }) res: Response,
  ): Promise<DraftCommandResponse> {
    const draftId = entityIdFor(body.draftId, context, 'draft');
    const result = await this.commands.execute<CreateDraftCommand, CommandResult>(
      new CreateDraftCommand(draftId, body.unitId, toContent(body), body.commissionId ?? null, actor, context),
    );
    res.setHeader('Location', `/v1/drafts/${draftId}`);
    return draftResponse(draftId, result, res);
  }
}
