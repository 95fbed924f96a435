import { Body, Controller, Get, HttpCode, Inject, Param, Post, Query } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Length, Matches, Max, Min, ValidateIf } from 'class-validator';
import { Clock, CLOCK, CommandContext, NotFound, ValidationFailed } from '@app/kernel';
import { runDecider } from '@app/event-store';
import { Access, Actor, CurrentActor } from '@app/access';
import { CommandCtx, CommandEndpoint, commandPosition, Endpoint, IsCalendarDate, IsOnOrAfter, ReadAt, ReadSelector, ValidateNestedObject } from '@app/platform';
import { PAYOUTS_STREAM, payoutsDecider } from '../domain/payouts.decider';
import { closePayoutPeriodCommand } from './close-payout-period.command';
import { LEDGER_PAGE, PAYEE_ID, PayoutsService } from './payouts.service';
import { LedgerResponse, PayoutCommandResponse, PayoutPeriodResponse, PayeeStatementResponse } from './payouts.responses';

const PERIOD = /^[A-Za-z0-9][A-Za-z0-9_-]{0,39}$/;
const PERIOD_PARAM = [{ name: 'periodId', description: 'The payout period id', schema: { type: 'string' as const, pattern: PERIOD.source } }];
const periodParam = (periodId: string): string => {
  if (!PERIOD.test(periodId)) throw new ValidationFailed([{ field: 'periodId', message: 'periodId is 1-40 letters, digits, - or _' }]);
  return periodId;
};

export class OpenPeriodRequest {
  @ApiProperty({ example: '2026-03', description: '1-40 letters, digits, - or _' }) @Matches(PERIOD, { message: 'periodId is 1-40 letters, digits, - or _' }) periodId!: string;
  @ApiProperty({ format: 'date', example: '2026-03-01', description: 'First business date (included)' }) @IsCalendarDate() from!: string;
  @ApiProperty({ format: 'date', example: '2026-03-31', description: 'Last business date (included)' }) @IsCalendarDate() @IsOnOrAfter('from') to!: string;
}

export class PayeeRequest {
  @ApiProperty({ enum: ['member', 'unit'] }) @IsIn(['member', 'unit']) kind!: 'member' | 'unit';
  @ApiProperty({ description: 'Member or unit id', pattern: '^[A-Za-z0-9_-]{1,100}$' }) @Matches(/^[A-Za-z0-9_-]{1,100}$/, { message: 'id is a member or unit id' }) id!: string;
}

export class RecordPayoutRequest {
  @ApiProperty({ example: '2026-03' }) @Matches(PERIOD, { message: 'periodId is 1-40 letters, digits, - or _' }) periodId!: string;
  @ApiProperty({ type: PayeeRequest }) @ValidateNestedObject(() => PayeeRequest) payee!: PayeeRequest;
  @ApiProperty({ type: 'integer', minimum: 1, maximum: 100_000_000_000, example: 30000, description: 'fen' }) @IsInt() @Min(1) @Max(100_000_000_000) amountFen!: number;
  @ApiProperty({ example: 'BANK-2026-04-0012', description: 'The payment\'s reference (unique: the same payout sent again records nothing)' }) @IsString() @Length(1, 100) reference!: string;
  @ApiProperty({ format: 'date', example: '2026-04-05' }) @IsCalendarDate() paidOn!: string;
}

/** Which ledger rows: a payee's, a period's (the export takes these). */
export class LedgerFilterQuery {
  @ApiPropertyOptional({ enum: ['member', 'unit'], default: 'member', description: 'The kind of payeeId (only with payeeId: payeeKind alone is 400 naming payeeId)' })
  @IsOptional()
  @IsIn(['member', 'unit'])
  payeeKind?: 'member' | 'unit';
  @ApiPropertyOptional({ description: 'Only this payee\'s rows (and balance); required when payeeKind is given', pattern: PAYEE_ID.source })
  @ValidateIf((q: LedgerFilterQuery) => q.payeeId !== undefined || q.payeeKind !== undefined)
  @Matches(PAYEE_ID, { message: ({ value }) => (value === undefined ? 'payeeId is required with payeeKind' : 'payeeId is a member or unit id') })
  payeeId?: string;
  @ApiPropertyOptional({ description: 'Only the rows of this closed period (each still with the payee\'s running balance after it)', pattern: PERIOD.source })
  @IsOptional()
  @Matches(PERIOD, { message: 'periodId is 1-40 letters, digits, - or _' })
  periodId?: string;
}

export class LedgerQuery extends LedgerFilterQuery {
  @ApiPropertyOptional({ default: LEDGER_PAGE.default, minimum: 1, maximum: LEDGER_PAGE.max, description: 'Rows per page' }) @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(LEDGER_PAGE.max) limit?: number;
  @ApiPropertyOptional({ description: 'The `next` of the previous page: the rows after its last row', maxLength: 400 })
  @IsOptional()
  @Matches(/^[A-Za-z0-9_-]{1,400}$/, { message: 'cursor is the `next` of a previous ledger page' })
  cursor?: string;
}

/** The filter of a ledger query as the service takes it. */
export const ledgerFilter = (q: LedgerFilterQuery) => ({ payee: q.payeeId ? { kind: q.payeeKind ?? 'member', id: q.payeeId } : undefined, periodId: q.periodId });

/**
 * Payout periods and the ledger (finance). A period's close records its statement as computed at the log's head
 * (PayoutPeriodClosed); later changes to it appear as adjustments in the next period's close; payouts are recorded
 * against closed statements. The commands decide on the `payouts` stream; reads come from the `payouts` read model.
 */
@ApiTags('payouts')
@Controller('v1/payouts')
export class PayoutsHttpController {
  constructor(
    private readonly commands: CommandBus,
    private readonly payouts: PayoutsService,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Post('periods')
  @HttpCode(201)
  @Access('payouts.manage')
  @CommandEndpoint({ summary: 'Open a payout period (business dates, after the last period ends)', response: PayoutCommandResponse, status: 201, problems: ['payout-period-exists', 'payout-period-overlaps'] })
  async open(@Body() body: OpenPeriodRequest, @CurrentActor() actor: Actor, @CommandCtx() context: CommandContext) {
    const result = await runDecider(this.commands, PAYOUTS_STREAM, payoutsDecider, { type: 'OpenPayoutPeriod', periodId: body.periodId, from: body.from, to: body.to, actorId: actor.memberId, now: this.clock.now().toISOString() }, context);
    return { periodId: body.periodId, position: commandPosition(result), duplicate: result.duplicate, events: result.events.map((e) => e.type) };
  }

  @Post('periods/:periodId/close')
  @HttpCode(200)
  @Access('payouts.manage')
  @CommandEndpoint({
    summary: 'Close a payout period: records its statement (per payee: lines, adjustments to earlier periods with their causes, totals, checksum) as computed at the log\'s head',
    response: PayoutCommandResponse,
    params: PERIOD_PARAM,
    problems: ['payout-period-unknown', 'payout-period-closed', 'payout-period-earlier-open', 'read-not-caught-up'],
  })
  async close(@Param('periodId', { transform: periodParam }) periodId: string, @CurrentActor() actor: Actor, @CommandCtx() context: CommandContext) {
    const result = await runDecider(this.commands, PAYOUTS_STREAM, payoutsDecider, closePayoutPeriodCommand(this.payouts, periodId, actor.memberId, this.clock.now().toISOString()), context);
    return { periodId, position: commandPosition(result), duplicate: result.duplicate, events: result.events.map((e) => e.type) };
  }

  @Post('payments')
  @HttpCode(201)
  @Access('payouts.manage')
  @CommandEndpoint({ summary: 'Record what finance paid a payee against a closed period (at most the balance; idempotent per reference)', response: PayoutCommandResponse, status: 201, problems: ['payout-period-unknown', 'payout-period-not-closed', 'payout-exceeds-balance', 'payout-reference-reused'] })
  async pay(@Body() body: RecordPayoutRequest, @CurrentActor() actor: Actor, @CommandCtx() context: CommandContext) {
    const result = await runDecider(
      this.commands,
      PAYOUTS_STREAM,
      payoutsDecider,
      { type: 'RecordPayout', periodId: body.periodId, payee: { kind: body.payee.kind, id: body.payee.id }, amountFen: body.amountFen, reference: body.reference, paidOn: body.paidOn, actorId: actor.memberId, now: this.clock.now().toISOString() },
      context,
    );
    return { periodId: body.periodId, position: commandPosition(result), duplicate: result.duplicate, events: result.events.map((e) => e.type) };
  }

  @Get('periods/:periodId')
  @Access('payouts.read')
  @Endpoint({
    summary: 'A payout period with its statement: the recorded one when closed, else what closing it now would record (preview: true)',
    description:
      'A closed statement is read from the payouts read model (X-Min-Position: the close\'s position); an open period\'s preview is computed from the payouts stream and the live entitlements. With X-Read-Build the named build alone answers: a period it does not know is 404, a period open in it is answered with status open, preview false and statement null (a preview is of the live state, not the build\'s).',
    response: PayoutPeriodResponse,
    params: PERIOD_PARAM,
    problems: ['not-found'],
  })
  async period(@Param('periodId', { transform: periodParam }) periodId: string, @ReadAt() read: ReadSelector) {
    const period = await this.payouts.period(periodId, read);
    if (!period) throw new NotFound('Payout period', periodId);
    return period;
  }

  @Get('ledger')
  @Access('payouts.read')
  @Endpoint({
    summary: 'The ledger: per payee and closed period, entitled, adjustments (with causes in the statement), paid and running balance; the periods; the balances of the page\'s payees',
    description:
      'Rows by payee (kind, id), then period; `limit` rows a page (default 1000), `next` is the `cursor` of the following page (null on the last). Read from the payouts read model: send a command\'s position as X-Min-Position to read your own write.',
    response: LedgerResponse,
  })
  ledger(@Query() q: LedgerQuery, @ReadAt() read: ReadSelector) {
    return this.payouts.ledger({ ...ledgerFilter(q), limit: q.limit, cursor: q.cursor }, read);
  }

  @Get('periods/:periodId/my-statement')
  @Access('payouts.mine')
  @Endpoint({
    summary: 'My statement for a period: my lines and adjustments under their rules (recorded when closed, a preview while open)',
    description: 'With X-Read-Build the named build alone answers: a period it does not know is 404, a period open in it is answered with status open, preview false and statement null.',
    response: PayeeStatementResponse,
    params: PERIOD_PARAM,
    problems: ['not-found'],
  })
  async mine(@Param('periodId', { transform: periodParam }) periodId: string, @CurrentActor() actor: Actor, @ReadAt() read: ReadSelector) {
    const statement = await this.payouts.payeeStatement(periodId, { kind: 'member', id: actor.memberId }, read);
    if (!statement) throw new NotFound('Payout period', periodId);
    return statement;
  }
}
