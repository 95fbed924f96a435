import { Body, Controller, HttpCode, Inject, Param, Post, Res } from '@nestjs/common';
import { CommandBus, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsOptional, IsString, IsUUID, Length } from 'class-validator';
import type { Response } from 'express';
import { Clock, CLOCK, CommandContext, entityIdFor } from '@app/kernel';
import { CommandResult, CommandRunner } from '@app/event-store';
import { Access, Actor, CurrentActor } from '@app/access';
import { CommandCtx, CommandEndpoint, commandPosition, etag, IsInstant, UuidParamPipe } from '@app/platform';
import { CommissionCommand, commissionDecider, commissionStream } from '../../domain/commission.decider';
import { OrgLookups } from '../org-lookups';
import { CommissionCommandResponse } from '../reporting-command.responses';

export class IssueCommissionRequest {
  @ApiPropertyOptional() @IsOptional() @IsUUID() commissionId?: string;
  @ApiProperty({ example: '夏季治安整治成效', description: '受理题目' }) @IsString() @Length(1, 200) topic!: string;
  @ApiProperty({ example: '800字以内,附图片2张', description: '写法要求' }) @IsString() @Length(1, 5000) requirements!: string;
  @ApiProperty({ example: '市局《信息专报》专题', description: '报送目的' }) @IsString() @Length(1, 2000) purpose!: string;
  @ApiProperty({ example: '2026-03-06T10:00:00+08:00', description: '报送时限' }) @IsInstant() deadline!: string;
  @ApiProperty({ example: '办公室 王科长 0632-1234567', description: '联系人' }) @IsString() @Length(1, 200) contact!: string;
  @ApiProperty({ description: '受理单位' }) @IsArray() @ArrayMinSize(1) @ArrayMaxSize(500) @IsUUID('all', { each: true }) unitIds!: string[];
}
export class CancelCommissionRequest {
  @ApiProperty() @IsString() @Length(1, 2000) reason!: string;
}

export class CommissionCommandMessage {
  constructor(
    readonly commissionId: string,
    readonly build: (now: string, actorId: string) => Promise<CommissionCommand>,
    readonly context: CommandContext,
    readonly actor: Actor,
  ) {}
}

@CommandHandler(CommissionCommandMessage)
export class CommissionCommandHandler implements ICommandHandler<CommissionCommandMessage, CommandResult> {
  constructor(
    private readonly runner: CommandRunner,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}
  async execute(m: CommissionCommandMessage): Promise<CommandResult> {
    const command = await m.build(this.clock.now().toISOString(), m.actor.memberId);
    return this.runner.run(commissionStream(m.commissionId), commissionDecider, command, m.context);
  }
}

@ApiTags('reporting')
@Controller('v1/commissions')
export class IssueCommissionHttpController {
  constructor(
    private readonly commands: CommandBus,
    private readonly lookups: OrgLookups,
  ) {}

  @Post()
  @HttpCode(201)
  @Access('commissions.manage')
  @CommandEndpoint({ summary: '约稿: commission drafts from units on a topic by a deadline', response: CommissionCommandResponse, status: 201, location: '/v1/commissions/{commissionId}', problems: ['commission-exists', 'commission-unit-unknown', 'commission-deadline-past'] })
  async issue(@Body() body: IssueCommissionRequest, @CurrentActor() actor: Actor, @CommandCtx() context: CommandContext, @Res({ passthrough: true }) res: Response) {
    const commissionId = entityIdFor(body.commissionId, context, 'commission');
    const result = await this.commands.execute<CommissionCommandMessage, CommandResult>(
      new CommissionCommandMessage(
        commissionId,
        async (now, actorId) => {
          const units = await Promise.all(body.unitIds.map((id) => this.lookups.unit(id)));
          return {
            type: 'IssueCommission',
            commissionId,
            topic: body.topic,
            requirements: body.requirements,
            purpose: body.purpose,
            deadline: new Date(body.deadline).toISOString(),
            contact: body.contact,
            unitIds: body.unitIds,
            unknownUnitIds: body.unitIds.filter((_, i) => !units[i]?.active),
            actorId,
            now,
          };
        },
        context,
        actor,
      ),
    );
    res.setHeader('ETag', etag(result.revision));
    res.setHeader('Location', `/v1/commissions/${commissionId}`);
    return { commissionId, revision: String(result.revision ?? -1), position: commandPosition(result), duplicate: result.duplicate };
  }

  @Post(':commissionId/cancel')
  @HttpCode(200)
  @Access('commissions.manage')
  @CommandEndpoint({ summary: 'Cancel a commission', response: CommissionCommandResponse, problems: ['commission-not-found', 'commission-already-cancelled', 'commission-deadline-elapsed'] })
  async cancel(
    @Param('commissionId', new UuidParamPipe()) commissionId: string,
    @Body() body: CancelCommissionRequest,
    @CurrentActor() actor: Actor,
    @CommandCtx() context: CommandContext,
    @Res({ passthrough: true }) res: Response,
  ) {
    const result = await this.commands.execute<CommissionCommandMessage, CommandResult>(
      new CommissionCommandMessage(commissionId, async (now, actorId) => ({ type: 'CancelCommission', reason: body.reason, actorId, now }), context, actor),
    );
    res.setHeader('ETag', etag(result.revision));
    return { commissionId, revision: String(result.revision ?? -1), position: commandPosition(result), duplicate: result.duplicate };
  }
}
