import { ApiProperty } from '@nestjs/swagger';
import { COMMAND_POSITION_DESCRIPTION } from '@app/platform';

export class PayoutCommandResponse {
  @ApiProperty({ example: '2026-03' }) periodId!: string;
  @ApiProperty({ example: '1042', description: COMMAND_POSITION_DESCRIPTION }) position!: string;
  @ApiProperty({ description: 'True when this Idempotency-Key was already processed: nothing changed' }) duplicate!: boolean;
  @ApiProperty({ type: [String], example: ['PayoutPeriodClosed'], description: 'Types of the events recorded (empty when nothing changed)' }) events!: string[];
}

class PayeeDocument {
  @ApiProperty({ enum: ['member', 'unit'] }) kind!: string;
  @ApiProperty() id!: string;
}

class StatementLineDocument {
  @ApiProperty({ format: 'uuid' }) draftId!: string;
  @ApiProperty() lineKey!: string;
  @ApiProperty({ type: PayeeDocument }) payee!: PayeeDocument;
  @ApiProperty({ format: 'date' }) businessDate!: string;
  @ApiProperty({ type: 'integer' }) points!: number;
  @ApiProperty({ type: 'integer' }) amountFen!: number;
  @ApiProperty() policyId!: string;
  @ApiProperty({ type: 'integer' }) policyVersion!: number;
  @ApiProperty() ruleId!: string;
  @ApiProperty({ type: [String] }) eventIds!: string[];
}

class CauseDocument {
  @ApiProperty({ enum: ['added', 'changed', 'removed'] }) kind!: string;
  @ApiProperty() policyId!: string;
  @ApiProperty({ type: 'integer' }) policyVersion!: number;
  @ApiProperty() ruleId!: string;
  @ApiProperty({ type: [String] }) eventIds!: string[];
}

class AdjustmentDocument {
  @ApiProperty({ description: 'The closed period whose amount changed' }) correctsPeriod!: string;
  @ApiProperty({ format: 'uuid' }) draftId!: string;
  @ApiProperty() lineKey!: string;
  @ApiProperty({ type: PayeeDocument }) payee!: PayeeDocument;
  @ApiProperty({ format: 'date', description: 'The business date of the line, within correctsPeriod' }) businessDate!: string;
  @ApiProperty({ type: 'integer' }) recordedPoints!: number;
  @ApiProperty({ type: 'integer' }) recordedFen!: number;
  @ApiProperty({ type: 'integer' }) currentPoints!: number;
  @ApiProperty({ type: 'integer' }) currentFen!: number;
  @ApiProperty({ type: 'integer' }) deltaPoints!: number;
  @ApiProperty({ type: 'integer' }) deltaFen!: number;
  @ApiProperty({ type: CauseDocument }) cause!: CauseDocument;
}

export class PayeeStatementDocument {
  @ApiProperty({ type: PayeeDocument }) payee!: PayeeDocument;
  @ApiProperty({ type: 'integer' }) entitledPoints!: number;
  @ApiProperty({ type: 'integer' }) entitledFen!: number;
  @ApiProperty({ type: 'integer' }) adjustmentsPoints!: number;
  @ApiProperty({ type: 'integer' }) adjustmentsFen!: number;
  @ApiProperty({ type: 'integer' }) totalPoints!: number;
  @ApiProperty({ type: 'integer' }) totalFen!: number;
  @ApiProperty({ type: [StatementLineDocument] }) lines!: StatementLineDocument[];
  @ApiProperty({ type: [AdjustmentDocument] }) adjustments!: AdjustmentDocument[];
}

class StatementTotalsDocument {
  @ApiProperty({ type: 'integer' }) points!: number;
  @ApiProperty({ type: 'integer' }) amountFen!: number;
  @ApiProperty({ type: 'integer' }) payees!: number;
  @ApiProperty({ type: 'integer' }) lines!: number;
  @ApiProperty({ type: 'integer' }) adjustments!: number;
}

class StatementDocument {
  @ApiProperty({ type: [PayeeStatementDocument] }) payees!: PayeeStatementDocument[];
  @ApiProperty({ type: StatementTotalsDocument }) totals!: StatementTotalsDocument;
  @ApiProperty({ example: '9f2c…', description: 'sha256 of the canonical JSON of payees and totals' }) checksum!: string;
}

export class PayoutPeriodResponse {
  @ApiProperty() periodId!: string;
  @ApiProperty({ format: 'date' }) from!: string;
  @ApiProperty({ format: 'date' }) to!: string;
  @ApiProperty({ enum: ['open', 'closed'] }) status!: string;
  @ApiProperty({ description: 'True for an open period read live: what closing it now would record (false when closed, and for a period open in the build named by X-Read-Build)' }) preview!: boolean;
  @ApiProperty({ type: String, nullable: true, example: '1042', description: 'The log position the statement was computed at (closed: the close\'s; a preview: now; null for a period open in the build read)' }) position!: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'The build read (X-Read-Build), null for the live read model or the stream' }) buildId!: string | null;
  @ApiProperty({ type: StatementDocument, nullable: true, description: 'The recorded statement (closed), the preview (open, live); null for a period open in the build named by X-Read-Build: a build has no preview' })
  statement!: StatementDocument | null;
}

export class PayeeStatementResponse {
  @ApiProperty() periodId!: string;
  @ApiProperty({ enum: ['open', 'closed'] }) status!: string;
  @ApiProperty({ description: 'True for an open period read live (a preview); false when closed, and for a period open in the build read' }) preview!: boolean;
  @ApiProperty({ type: String, nullable: true, description: 'The build read (X-Read-Build), null for the live read model or the stream' }) buildId!: string | null;
  @ApiProperty({ type: PayeeStatementDocument, nullable: true, description: 'My statement; null for a period open in the build named by X-Read-Build (a build has no preview)' })
  statement!: PayeeStatementDocument | null;
}

class LedgerRowDocument {
  @ApiProperty({ type: PayeeDocument }) payee!: PayeeDocument;
  @ApiProperty() periodId!: string;
  @ApiProperty({ format: 'date' }) from!: string;
  @ApiProperty({ format: 'date' }) to!: string;
  @ApiProperty({ type: 'integer' }) entitledPoints!: number;
  @ApiProperty({ type: 'integer' }) entitledFen!: number;
  @ApiProperty({ type: 'integer' }) adjustmentsPoints!: number;
  @ApiProperty({ type: 'integer' }) adjustmentsFen!: number;
  @ApiProperty({ type: 'integer' }) totalPoints!: number;
  @ApiProperty({ type: 'integer' }) totalFen!: number;
  @ApiProperty({ type: 'integer' }) paidFen!: number;
  @ApiProperty({ type: 'integer', description: 'Running balance of the payee after this period' }) balanceFen!: number;
}

class LedgerPeriodDocument {
  @ApiProperty() periodId!: string;
  @ApiProperty({ format: 'date' }) from!: string;
  @ApiProperty({ format: 'date' }) to!: string;
  @ApiProperty({ enum: ['open', 'closed'] }) status!: string;
  @ApiProperty({ type: StatementTotalsDocument, nullable: true }) totals!: StatementTotalsDocument | null;
  @ApiProperty({ type: String, nullable: true }) checksum!: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'Who closed it (null while open)' }) closedBy!: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'date-time', description: 'When it was closed (null while open)' }) closedAt!: string | null;
}

class BalanceDocument {
  @ApiProperty({ type: PayeeDocument }) payee!: PayeeDocument;
  @ApiProperty({ type: 'integer' }) balanceFen!: number;
}

export class LedgerResponse {
  @ApiProperty({ type: String, nullable: true, description: 'Position of the ledger\'s last event in the build read' }) position!: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'The build read (X-Read-Build), null for the live read model' }) buildId!: string | null;
  @ApiProperty({ type: [LedgerPeriodDocument], description: 'Every period, open or closed' }) periods!: LedgerPeriodDocument[];
  @ApiProperty({ type: [LedgerRowDocument], description: 'This page\'s rows: by payee (kind, id), then period' }) rows!: LedgerRowDocument[];
  @ApiProperty({ type: [BalanceDocument], description: 'The balance (closed totals less payouts) of each payee with a row on this page; with payeeId, that payee\'s even without a row' }) balances!: BalanceDocument[];
  @ApiProperty({ type: String, nullable: true, description: 'The cursor of the next page (null on the last page)' }) next!: string | null;
}
