import { Body, Controller, HttpCode, Param, Post, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { CommandContext, entityIdFor, ProblemCode, RuleViolation } from '@app/kernel';
import type { CommandResult } from '@app/event-store';
import { Access, Actor, CurrentActor } from '@app/access';
import { CommandCtx, CommandEndpoint, commandPosition, etag, UuidParamPipe } from '@app/platform';
import type { CreditRecordStreamEvent } from '../domain/credit-record.events';
import { CreditCommands } from './credit-commands';
import {
  ApproveCreditRecordRequest,
  CorrectCreditRecordRequest,
  CreditCommandResponse,
  fieldsOf,
  RejectCreditRecordRequest,
  ReturnCreditRecordRequest,
  SubmitCreditRecordRequest,
} from './credit.requests';

const EXISTING: ProblemCode[] = ['not-found', 'credit-record-state'];
const FIELDS: ProblemCode[] = ['credit-field-invalid', 'credit-field-not-applicable', 'credit-subject-name-required'];

/**
 * 信用信息上报 (R6.01-R6.06): the collector (采集单位, a reporter of the unit) submits public or personal credit
 * records with the R6.04 fields and corrects them when returned; the reviewer (使用单位: the unit head or the
 * office) returns, approves (checklist of truth, accuracy, completeness) or rejects; the reporting unit (上报单位)
 * retries a failed upload. The upload itself is the credit-uploads reactor's (docs/credit.md).
 */
@ApiTags('credit')
@Controller('v1/credit/records')
export class CreditHttpController {
  constructor(private readonly credit: CreditCommands) {}

  private answer(recordId: string, result: CommandResult<CreditRecordStreamEvent>, res: Response) {
    res.setHeader('ETag', etag(result.revision));
    return { recordId, revision: String(result.revision ?? -1), position: commandPosition(result), duplicate: result.duplicate };
  }

  @Post()
  @HttpCode(201)
  @Access('credit.submit', { body: 'unitId' })
  @CommandEndpoint({
    summary: 'Submit a credit record (采集, R6.06 step 1): public or personal, the R6.04 fields of its category; completeness recorded, review and upload deadlines registered',
    response: CreditCommandResponse,
    status: 201,
    location: '/v1/credit/records/{recordId}',
    problems: ['credit-record-exists', 'credit-unit-unknown', 'credit-category-unknown', 'credit-subject-person-required', ...FIELDS],
  })
  async submit(@Body() body: SubmitCreditRecordRequest, @CurrentActor() actor: Actor, @CommandCtx() context: CommandContext, @Res({ passthrough: true }) res: Response) {
    const recordId = entityIdFor(body.recordId, context, 'credit-record');
    if (!(await this.credit.unitActive(body.unitId))) throw new RuleViolation('credit-unit-unknown', `Unit ${body.unitId} does not exist or is dissolved`, { field: 'unitId', unitId: body.unitId });
    const now = this.credit.now();
    const result = await this.credit.create(
      recordId,
      {
        type: 'SubmitCreditRecord',
        recordId,
        unitId: body.unitId,
        kind: body.kind,
        category: body.category,
        subjectPersonId: body.subjectPersonId ?? null,
        fields: fieldsOf(body.fields),
        today: this.credit.today(now),
        reviewDue: this.credit.reviewDue(now),
        uploadDue: this.credit.uploadDue(now),
        actorId: actor.memberId,
        now,
      },
      context,
    );
    res.setHeader('Location', `/v1/credit/records/${recordId}`);
    return this.answer(recordId, result, res);
  }

  @Post(':recordId/return')
  @HttpCode(200)
  @Access('credit.review')
  @CommandEndpoint({ summary: 'Return for correction (退回修改) with a reason per field; withdraws the review deadline', response: CreditCommandResponse, problems: [...EXISTING, 'credit-return-reasons-required', 'credit-return-field-unknown'] })
  async return(@Param('recordId', new UuidParamPipe()) id: string, @Body() body: ReturnCreditRecordRequest, @CurrentActor() actor: Actor, @CommandCtx() context: CommandContext, @Res({ passthrough: true }) res: Response) {
    const result = await this.credit.run(id, context, actor, 'credit.review', (_s, now) => ({ type: 'ReturnCreditRecord', reasons: body.reasons.map((r) => ({ field: r.field, reason: r.reason })), actorId: actor.memberId, now }));
    return this.answer(id, result, res);
  }

  @Post(':recordId/correction')
  @HttpCode(200)
  @Access('credit.submit')
  @CommandEndpoint({ summary: 'Correct a returned record and resubmit it: every field as corrected; a new review round with its own deadline', response: CreditCommandResponse, problems: [...EXISTING, ...FIELDS] })
  async correct(@Param('recordId', new UuidParamPipe()) id: string, @Body() body: CorrectCreditRecordRequest, @CurrentActor() actor: Actor, @CommandCtx() context: CommandContext, @Res({ passthrough: true }) res: Response) {
    const result = await this.credit.run(id, context, actor, 'credit.submit', (_s, now) => ({
      type: 'CorrectCreditRecord',
      fields: fieldsOf(body.fields),
      today: this.credit.today(now),
      reviewDue: this.credit.reviewDue(now),
      actorId: actor.memberId,
      now,
    }));
    return this.answer(id, result, res);
  }

  @Post(':recordId/approve')
  @HttpCode(200)
  @Access('credit.review')
  @CommandEndpoint({
    summary: 'Approve (R6.06 step 2): the checklist confirms truth, accuracy and completeness; the record must be complete; the upload to the sharing platform follows',
    response: CreditCommandResponse,
    problems: [...EXISTING, 'credit-review-checklist-incomplete', 'credit-record-incomplete', 'credit-review-own-record'],
  })
  async approve(@Param('recordId', new UuidParamPipe()) id: string, @Body() body: ApproveCreditRecordRequest, @CurrentActor() actor: Actor, @CommandCtx() context: CommandContext, @Res({ passthrough: true }) res: Response) {
    const checklist = { truthful: body.checklist.truthful, accurate: body.checklist.accurate, complete: body.checklist.complete };
    const result = await this.credit.run(id, context, actor, 'credit.review', (_s, now) => ({ type: 'ApproveCreditRecord', checklist, comment: body.comment ?? null, actorId: actor.memberId, now }));
    return this.answer(id, result, res);
  }

  @Post(':recordId/reject')
  @HttpCode(200)
  @Access('credit.review')
  @CommandEndpoint({ summary: 'Reject the record (not to be reported); withdraws its deadlines', response: CreditCommandResponse, problems: EXISTING })
  async reject(@Param('recordId', new UuidParamPipe()) id: string, @Body() body: RejectCreditRecordRequest, @CurrentActor() actor: Actor, @CommandCtx() context: CommandContext, @Res({ passthrough: true }) res: Response) {
    const result = await this.credit.run(id, context, actor, 'credit.review', (_s, now) => ({ type: 'RejectCreditRecord', reason: body.reason, actorId: actor.memberId, now }));
    return this.answer(id, result, res);
  }

  @Post(':recordId/upload-retry')
  @HttpCode(200)
  @Access('credit.upload')
  @CommandEndpoint({ summary: 'Retry a failed upload to the sharing platform by hand (上报单位): the next upload round, delivered through the outbox', response: CreditCommandResponse, problems: ['not-found', 'credit-upload-not-failed'] })
  async retry(@Param('recordId', new UuidParamPipe()) id: string, @CurrentActor() actor: Actor, @CommandCtx() context: CommandContext, @Res({ passthrough: true }) res: Response) {
    const result = await this.credit.run(id, context, actor, 'credit.upload', (_s, now) => ({ type: 'RequestCreditUpload', actorId: actor.memberId, now }));
    return this.answer(id, result, res);
  }
}
