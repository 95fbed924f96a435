import { Body, Controller, HttpCode, Param, Post, Res } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Length } from 'class-validator';
import type { Response } from 'express';
import type { CommandContext } from '@app/kernel';
import { Access, Actor, CurrentActor } from '@app/access';
import { CommandCtx, CommandEndpoint, IntParamPipe, IsCalendarDate, UuidParamPipe } from '@app/platform';
import type { ConfidentialityVerdict, SecrecyAuthorityOutcome } from '../../domain/draft.types';
import { DraftCommands } from '../draft-commands';
import { DraftCommandResponse, draftResponse } from '../draft-content.request';
import { REVIEW_STEP_PROBLEMS, SECRECY_ANSWER_PROBLEMS } from '../reporting-command.responses';

export class ApproveStepRequest {
  @ApiPropertyOptional({ example: '同意' }) @IsOptional() @IsString() @Length(0, 2000) comment?: string;
  @ApiPropertyOptional({ enum: ['may_publish', 'not_to_publish', 'refer_to_secrecy_authority'], description: 'The confidentiality review (保密审查) verdict' })
  @IsOptional()
  @IsIn(['may_publish', 'not_to_publish', 'refer_to_secrecy_authority'])
  verdict?: ConfidentialityVerdict;
}
export class SecrecyAuthorityAnswerRequest {
  @ApiProperty({ enum: ['may_publish', 'not_to_publish'], description: 'What the secrecy authority (机要和保密局) decided: the verdict of the referring step' })
  @IsIn(['may_publish', 'not_to_publish'])
  outcome!: SecrecyAuthorityOutcome;
  @ApiProperty({ example: '2026-03-03', description: 'The date of the authority\'s decision (YYYY-MM-DD)' }) @IsCalendarDate() answeredOn!: string;
  @ApiPropertyOptional({ example: '机保函〔2026〕3号', description: 'The authority\'s reference (文号)' }) @IsOptional() @IsString() @Length(1, 200) reference?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(0, 2000) comment?: string;
}
export class ReturnDraftRequest {
  @ApiProperty({ example: '请补充具体数据' }) @IsString() @Length(1, 2000) comments!: string;
}
export class RejectDraftRequest {
  @ApiProperty({ example: '不属于报送范围' }) @IsString() @Length(1, 2000) reason!: string;
}

/**
 * The decisions on the step that waits (初审, 保密审查, 复审, 签发 …). Step numbers count from 0 in paths, bodies,
 * responses and messages alike: `steps/0` is the first step.
 */
@ApiTags('reporting')
@Controller('v1/drafts/:draftId/steps/:stepIndex')
export class ReviewStepHttpController {
  constructor(private readonly drafts: DraftCommands) {}

  @Post('approve')
  @HttpCode(200)
  @Access('drafts.review')
  @CommandEndpoint({
    summary: 'Approve the step (with comment; the confidentiality review records a verdict); the last approval signs the draft off',
    description: 'A verdict of refer_to_secrecy_authority does not complete the step: the draft is `referred` and waits for POST …/secrecy-authority-answer.',
    response: DraftCommandResponse,
    problems: [...REVIEW_STEP_PROBLEMS, 'confidentiality-verdict-required', 'verdict-outside-confidentiality-review'],
  })
  async approve(
    @Param('draftId', new UuidParamPipe()) draftId: string,
    @Param('stepIndex', new IntParamPipe()) stepIndex: number,
    @Body() body: ApproveStepRequest,
    @CurrentActor() actor: Actor,
    @CommandCtx() context: CommandContext,
    @Res({ passthrough: true }) res: Response,
  ): Promise<DraftCommandResponse> {
    const result = await this.drafts.run(draftId, context, actor, 'drafts.review', (_, acting) => ({
      type: 'ApproveStep',
      stepIndex,
      comment: body.comment ?? null,
      verdict: body.verdict ?? null,
      actor: acting,
      now: this.drafts.now(),
    }));
    return draftResponse(draftId, result, res);
  }

  @Post('secrecy-authority-answer')
  @HttpCode(200)
  @Access('drafts.review')
  @CommandEndpoint({
    summary: 'Record the secrecy authority\'s (机要和保密局) answer on a step referred to it (R7.12); the step completes with the answer as its verdict',
    description: 'Only while the draft is `referred`; by a member holding the step\'s role over the draft\'s unit. 409 `draft-not-referred` otherwise.',
    response: DraftCommandResponse,
    problems: SECRECY_ANSWER_PROBLEMS,
  })
  async secrecyAuthorityAnswer(
    @Param('draftId', new UuidParamPipe()) draftId: string,
    @Param('stepIndex', new IntParamPipe()) stepIndex: number,
    @Body() body: SecrecyAuthorityAnswerRequest,
    @CurrentActor() actor: Actor,
    @CommandCtx() context: CommandContext,
    @Res({ passthrough: true }) res: Response,
  ): Promise<DraftCommandResponse> {
    const result = await this.drafts.run(draftId, context, actor, 'drafts.review', (_, acting) => ({
      type: 'RecordSecrecyAuthorityAnswer',
      stepIndex,
      outcome: body.outcome,
      reference: body.reference || null,
      answeredOn: body.answeredOn,
      comment: body.comment || null,
      actor: acting,
      now: this.drafts.now(),
    }));
    return draftResponse(draftId, result, res);
  }

  @Post('return')
  @HttpCode(200)
  @Access('drafts.review')
  @CommandEndpoint({ summary: '退回修改: return the draft to its authors with comments', response: DraftCommandResponse, problems: [...REVIEW_STEP_PROBLEMS, 'return-needs-comments'] })
  async return(
    @Param('draftId', new UuidParamPipe()) draftId: string,
    @Param('stepIndex', new IntParamPipe()) stepIndex: number,
    @Body() body: ReturnDraftRequest,
    @CurrentActor() actor: Actor,
    @CommandCtx() context: CommandContext,
    @Res({ passthrough: true }) res: Response,
  ): Promise<DraftCommandResponse> {
    const result = await this.drafts.run(draftId, context, actor, 'drafts.review', (_, acting) => ({
      type: 'ReturnForRevision',
      stepIndex,
      comments: body.comments,
      actor: acting,
      now: this.drafts.now(),
    }));
    return draftResponse(draftId, result, res);
  }

  @Post('reject')
  @HttpCode(200)
  @Access('drafts.review')
  @CommandEndpoint({ summary: 'Reject the draft (final)', response: DraftCommandResponse, problems: [...REVIEW_STEP_PROBLEMS, 'reject-needs-reason'] })
  async reject(
    @Param('draftId', new UuidParamPipe()) draftId: string,
    @Param('stepIndex', new IntParamPipe()) stepIndex: number,
    @Body() body: RejectDraftRequest,
    @CurrentActor() actor: Actor,
    @CommandCtx() context: CommandContext,
    @Res({ passthrough: true }) res: Response,
  ): Promise<DraftCommandResponse> {
    const result = await this.drafts.run(draftId, context, actor, 'drafts.review', (_, acting) => ({
      type: 'RejectDraft',
      stepIndex,
      reason: body.reason,
      actor: acting,
      now: this.drafts.now(),
    }));
    return draftResponse(draftId, result, res);
  }
}
