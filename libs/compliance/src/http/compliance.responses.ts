import { ApiProperty } from '@nestjs/swagger';

class ComplianceQuotaResponse {
  @ApiProperty() quotaId!: string;
  @ApiProperty() policyId!: string;
  @ApiProperty({ type: 'integer' }) policyVersion!: number;
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'outcome (submitted, adopted, published) and contentTypes (null: all)' }) counts!: Record<string, unknown>;
  @ApiProperty({ type: 'integer' }) required!: number;
  @ApiProperty({ type: 'integer' }) delivered!: number;
  @ApiProperty({ type: 'integer' }) shortfall!: number;
  @ApiProperty() met!: boolean;
}

class CompliancePenaltyResponse {
  @ApiProperty() ruleId!: string;
  @ApiProperty() policyId!: string;
  @ApiProperty({ type: 'number' }) points!: number;
  @ApiProperty() reason!: string;
}

export class UnitComplianceResponse {
  @ApiProperty({ format: 'uuid' }) unitId!: string;
  @ApiProperty() unitName!: string;
  @ApiProperty() unitType!: string;
  @ApiProperty({ enum: ['month', 'quarter', 'semester', 'year'] }) period!: string;
  @ApiProperty({ example: '2026-11' }) periodKey!: string;
  @ApiProperty({ format: 'date-time', description: 'First instant (inclusive), UTC' }) startsAt!: string;
  @ApiProperty({ format: 'date-time', description: 'End (exclusive), UTC' }) endsAt!: string;
  @ApiProperty({ enum: ['provisional', 'final'], description: 'final once a BusinessPeriodEnded at or after the period\'s end has been read' }) status!: string;
  @ApiProperty({ type: String, nullable: true, example: '1234', description: 'Log position of the BusinessPeriodEnded that made the period final: later facts are not counted in it; null while provisional' }) finalAtPosition!: string | null;
  @ApiProperty({ type: 'integer', description: 'Facts counted here as adjustments: dated in an earlier period that was already final when they were recorded' }) carriedIn!: number;
  @ApiProperty({ type: 'integer' }) submitted!: number;
  @ApiProperty({ type: 'integer', description: 'Items adopted in the period (first adoption dated in it), whenever submitted' }) adopted!: number;
  @ApiProperty({ type: 'number', example: 0.25 }) adoptionRate!: number;
  @ApiProperty({ type: [ComplianceQuotaResponse] }) quotas!: ComplianceQuotaResponse[];
  @ApiProperty({ type: 'integer' }) shortfall!: number;
  @ApiProperty({ type: 'integer', description: 'Periods of this kind missed in a row up to this one' }) consecutiveMissed!: number;
  @ApiProperty({ type: 'object', nullable: true, additionalProperties: true, description: 'R4.37: ruleId, consecutive, action' }) escalation!: Record<string, unknown> | null;
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'items, onTime, late, lateItems (draftId, title, ruleId, dueAt, submittedAt, lateByMinutes)' }) timeliness!: Record<string, unknown>;
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'steps, onTime, late, concealed, missed, outcomes' }) incidents!: Record<string, unknown>;
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'commissioned, answeredOnTime, answeredLate, missed' }) commissions!: Record<string, unknown>;
  @ApiProperty({ type: [CompliancePenaltyResponse] }) penalties!: CompliancePenaltyResponse[];
  @ApiProperty({ type: 'number', nullable: true, example: 86.5 }) score!: number | null;
  @ApiProperty({ type: 'number', nullable: true, example: 100 }) scale!: number | null;
  @ApiProperty({ type: 'object', nullable: true, additionalProperties: true, description: 'key and name of the band reached' }) grade!: Record<string, unknown> | null;
  @ApiProperty({ type: 'array', items: { type: 'object', additionalProperties: true } }) policies!: Record<string, unknown>[];
}

export class ComplianceListResponse {
  @ApiProperty({ enum: ['month', 'quarter', 'semester', 'year'] }) period!: string;
  @ApiProperty({ example: '2026-11' }) key!: string;
  @ApiProperty({ type: String, nullable: true, description: 'The build read (X-Read-Build), null for the live read model' }) buildId!: string | null;
  @ApiProperty({ type: [UnitComplianceResponse] }) rows!: UnitComplianceResponse[];
}
