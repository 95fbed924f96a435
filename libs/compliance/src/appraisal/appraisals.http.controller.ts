import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Post, Query } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsIn, IsNumber, IsOptional, IsString, Length, Matches, Max, Min } from 'class-validator';
import { Clock, CLOCK, CommandContext, newId, ValidationFailed } from '@app/kernel';
import { runDecider } from '@app/event-store';
import { Access, Actor, CurrentActor } from '@app/access';
import { CommandCtx, CommandEndpoint, commandPosition, Endpoint, IsCalendarDate, ReadAt, ReadSelector, ValidateNestedObject } from '@app/platform';
import { PolicyCatalog } from '@app/policies';
import { appraisalDecider, appraisalStream, RuleInForce } from './appraisal.decider';
import { PERIOD_KEY, periodDates, periodOfKey, REPORT_PERIODS, ReportPeriod } from './appraisal-periods';
import { appraisalRuleInForce } from './appraisal-rule';
import { AppraisalQueries } from './appraisals.queries';
import { AppraisalCommandResponse, AppraisalListResponse, PersonAppraisalResponse } from './appraisals.responses';

const MEMBER_ID = /^[A-Za-z0-9_-]{1,100}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const PARAMS = [
  { name: 'memberId', description: 'The appraised member', schema: { type: 'string' as const, pattern: MEMBER_ID.source } },
  { name: 'periodKey', description: 'The appraisal period: 2026 (year), 2026-H1, 2026-Q1 or 2026-03, as the appraisal rule\'s period says', schema: { type: 'string' as const, pattern: PERIOD_KEY.source } },
];
const ITEM_PARAM = { name: 'itemId', description: 'The recorded entry', schema: { type: 'string' as const, format: 'uuid' } };

const memberParam = (v: string) => {
  if (!MEMBER_ID.test(v)) throw new ValidationFailed([{ field: 'memberId', message: 'memberId is a member id' }]);
  return v;
};
const periodKeyParam = (v: string) => {
  if (!PERIOD_KEY.test(v)) throw new ValidationFailed([{ field: 'periodKey', message: 'periodKey is a year (2026), half year (2026-H1), quarter (2026-Q1) or month (2026-03)' }]);
  return v;
};
const itemParam = (v: string) => {
  if (!UUID.test(v)) throw new ValidationFailed([{ field: 'itemId', message: 'itemId is a uuid' }]);
  return v.toLowerCase();
};

export class AppraisalScoresDocument {
  @ApiPropertyOptional({ description: '群众评议 on the base scale', example: 850 }) @IsOptional() @IsNumber({ allowNaN: false, allowInfinity: false, maxDecimalPlaces: 2 }) @Min(-1e9) @Max(1e9) peer?: number;
  @ApiPropertyOptional({ description: '考评小组 on the base scale', example: 820 }) @IsOptional() @IsNumber({ allowNaN: false, allowInfinity: false, maxDecimalPlaces: 2 }) @Min(-1e9) @Max(1e9) panel?: number;
  @ApiPropertyOptional({ description: '主任办公会 on the base scale', example: 800 }) @IsOptional() @IsNumber({ allowNaN: false, allowInfinity: false, maxDecimalPlaces: 2 }) @Min(-1e9) @Max(1e9) directors?: number;
}

export class RecordAppraisalScoresRequest {
  @ApiProperty({ type: AppraisalScoresDocument, description: 'The reviews to record (those given replace earlier ones; 0 to the rule\'s base, else 422 naming the field)' })
  @ValidateNestedObject(() => AppraisalScoresDocument)
  scores!: AppraisalScoresDocument;
}

export class RecordAppraisalItemRequest {
  @ApiProperty({ example: 'r8.08-commendation', pattern: '^[a-z0-9][a-z0-9_.-]{0,79}$', description: 'A `recorded` item of the appraisal rule in force (a policy rule id)' })
  @IsString()
  @Matches(/^[a-z0-9][a-z0-9_.-]{0,79}$/)
  ruleItemId!: string;
  @ApiPropertyOptional({ example: 100, description: 'Within the item\'s [min, max]; omitted for an item with an occurrence schedule (R8.01)' })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false, maxDecimalPlaces: 2 })
  @Min(-1e9)
  @Max(1e9)
  points?: number;
  @ApiProperty({ example: '区委表彰信息工作先进个人', description: 'The written reason' }) @IsString() @Length(1, 2000) reason!: string;
  @ApiPropertyOptional({ type: 'array', items: { type: 'string', minLength: 1, maxLength: 300 }, maxItems: 20, example: ['峄办字〔2026〕12号'], description: 'Evidence references (attachment sha256, document numbers); required for bonuses (R4.44) and items marked evidenceRequired' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @IsString({ each: true })
  @Length(1, 300, { each: true })
  evidence?: string[];
  @ApiPropertyOptional({ format: 'date', description: 'When it happened' }) @IsOptional() @IsCalendarDate() occurredOn?: string;
}

export class RetractAppraisalItemQuery {
  @ApiPropertyOptional({ description: 'Why the entry is retracted', maxLength: 2000 }) @IsOptional() @IsString() @Length(1, 2000) reason?: string;
}

export class AppraisalListQuery {
  @ApiProperty({ enum: REPORT_PERIODS, example: 'year' }) @IsIn(REPORT_PERIODS) period!: ReportPeriod;
  @ApiProperty({ example: '2026', description: 'The period key: 2026, 2026-H1, 2026-Q1, 2026-03' }) @Matches(PERIOD_KEY, { message: 'key is a year (2026), half year (2026-H1), quarter (2026-Q1) or month (2026-03)' }) key!: string;
}

/**
 * The individual appraisal (R4.44, regulations §8.1): the office records the three reviews and the deductions and
 * bonuses it decides (with a reason, and evidence for bonuses); the items counted from the log come from the
 * `appraisals` read model. Commands decide on the `appraisal-<memberId>-<periodKey>` stream under the appraisal
 * rule in force on the period's last day.
 */
@ApiTags('appraisals')
@Controller('v1/appraisals')
export class AppraisalsHttpController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: AppraisalQueries,
    private readonly catalog: PolicyCatalog,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  private async ruleFor(periodKey: string): Promise<RuleInForce | null> {
    const period = periodOfKey(periodKey)!;
    const found = appraisalRuleInForce(await this.catalog.published(), periodDates(period, periodKey)!.to);
    if (found && found.rule.period !== period) {
      throw new ValidationFailed([{ field: 'periodKey', message: `the appraisal rule ${found.rule.id} is per ${found.rule.period}` }]);
    }
    return found;
  }

  @Post(':memberId/:periodKey/scores')
  @HttpCode(200)
  @Access('appraisals.manage')
  @CommandEndpoint({ summary: 'Record a person\'s review scores for the period: 群众评议 (peer), 考评小组 (panel), 主任办公会 (directors), on the base scale', response: AppraisalCommandResponse, params: PARAMS, problems: ['appraisal-rule-missing', 'appraisal-value-out-of-range'] })
  async scores(@Param('memberId', { transform: memberParam }) memberId: string, @Param('periodKey', { transform: periodKeyParam }) periodKey: string, @Body() body: RecordAppraisalScoresRequest, @CurrentActor() actor: Actor, @CommandCtx() context: CommandContext) {
    const rule = await this.ruleFor(periodKey);
    const scores = Object.fromEntries(Object.entries({ peer: body.scores.peer, panel: body.scores.panel, directors: body.scores.directors }).filter(([, v]) => v !== undefined)) as Record<string, number>;
    if (Object.keys(scores).length === 0) throw new ValidationFailed([{ field: 'scores', message: 'give at least one of peer, panel, directors' }]);
    const result = await runDecider(this.commands, appraisalStream(memberId, periodKey), appraisalDecider, { type: 'RecordAppraisalScores', memberId, periodKey, scores, rule, actorId: actor.memberId, now: this.clock.now().toISOString() }, context);
    return { memberId, periodKey, itemId: null, position: commandPosition(result), duplicate: result.duplicate, events: result.events.map((e) => e.type) };
  }

  @Post(':memberId/:periodKey/items')
  @HttpCode(201)
  @Access('appraisals.manage')
  @CommandEndpoint({
    summary: 'Record a deduction or bonus of a `recorded` item (within its [min, max], with a written reason; evidence for bonuses, R4.44)',
    response: AppraisalCommandResponse,
    status: 201,
    params: PARAMS,
    problems: ['appraisal-rule-missing', 'appraisal-item-unknown', 'appraisal-item-counted', 'appraisal-value-out-of-range', 'appraisal-evidence-required'],
  })
  async item(@Param('memberId', { transform: memberParam }) memberId: string, @Param('periodKey', { transform: periodKeyParam }) periodKey: string, @Body() body: RecordAppraisalItemRequest, @CurrentActor() actor: Actor, @CommandCtx() context: CommandContext) {
    const rule = await this.ruleFor(periodKey);
    const itemId = newId();
    const result = await runDecider(
      this.commands,
      appraisalStream(memberId, periodKey),
      appraisalDecider,
      { type: 'RecordAppraisalItem', memberId, periodKey, itemId, ruleItemId: body.ruleItemId, points: body.points ?? null, reason: body.reason, evidence: body.evidence ?? [], occurredOn: body.occurredOn ?? null, rule, actorId: actor.memberId, now: this.clock.now().toISOString() },
      context,
    );
    const recorded = result.events.find((e) => e.type === 'AppraisalItemRecorded') as { data: { itemId: string } } | undefined;
    return { memberId, periodKey, itemId: recorded?.data.itemId ?? itemId, position: commandPosition(result), duplicate: result.duplicate, events: result.events.map((e) => e.type) };
  }

  @Delete(':memberId/:periodKey/items/:itemId')
  @HttpCode(200)
  @Access('appraisals.manage')
  @CommandEndpoint({ summary: 'Retract a recorded entry (the event stays in the stream; the score no longer counts it)', response: AppraisalCommandResponse, params: [...PARAMS, ITEM_PARAM], problems: ['appraisal-item-retracted'] })
  async retract(
    @Param('memberId', { transform: memberParam }) memberId: string,
    @Param('periodKey', { transform: periodKeyParam }) periodKey: string,
    @Param('itemId', { transform: itemParam }) itemId: string,
    @Query() q: RetractAppraisalItemQuery,
    @CurrentActor() actor: Actor,
    @CommandCtx() context: CommandContext,
  ) {
    const result = await runDecider(this.commands, appraisalStream(memberId, periodKey), appraisalDecider, { type: 'RetractAppraisalItem', memberId, periodKey, itemId, reason: q.reason ?? '', actorId: actor.memberId, now: this.clock.now().toISOString() }, context);
    return { memberId, periodKey, itemId, position: commandPosition(result), duplicate: result.duplicate, events: result.events.map((e) => e.type) };
  }

  @Get()
  @Access('appraisals.read')
  @Endpoint({ summary: 'Everyone appraised in a period, ranked by composite score (1, 2, 2, 4), each with daily score, components, band (< 600 不称职)', response: AppraisalListResponse })
  list(@Query() q: AppraisalListQuery, @ReadAt() read: ReadSelector) {
    return this.queries.ranked(q.period, q.key, read);
  }

  @Get(':memberId/:periodKey')
  @Access('appraisals.read')
  @Endpoint({ summary: 'A person\'s appraisal for a period: every item with its provenance (recorded entries, or the log events counted), daily and composite scores, band', response: PersonAppraisalResponse, params: PARAMS })
  person(@Param('memberId', { transform: memberParam }) memberId: string, @Param('periodKey', { transform: periodKeyParam }) periodKey: string, @ReadAt() read: ReadSelector) {
    return this.queries.person(memberId, periodKey, read);
  }
}
