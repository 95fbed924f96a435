import { ApiProperty } from '@nestjs/swagger';
import { COMMAND_POSITION_DESCRIPTION } from '@app/platform';

export class AppraisalCommandResponse {
  @ApiProperty({ example: 'm-1001' }) memberId!: string;
  @ApiProperty({ example: '2026' }) periodKey!: string;
  @ApiProperty({ type: String, nullable: true, format: 'uuid', description: 'The recorded or retracted entry (null for scores)' }) itemId!: string | null;
  @ApiProperty({ example: '1042', description: COMMAND_POSITION_DESCRIPTION }) position!: string;
  @ApiProperty({ description: 'True when this Idempotency-Key was already processed: nothing changed' }) duplicate!: boolean;
  @ApiProperty({ type: [String], example: ['AppraisalItemRecorded'] }) events!: string[];
}

class AppraisalPolicyDocument {
  @ApiProperty({ example: 'district-office-scoring' }) policyId!: string;
  @ApiProperty({ type: 'integer', example: 1 }) policyVersion!: number;
  @ApiProperty({ example: 'individual-1000' }) ruleId!: string;
}

class AppraisalComponentDocument {
  @ApiProperty({ example: 'peer' }) key!: string;
  @ApiProperty({ example: '群众评议' }) name!: string;
  @ApiProperty({ example: 20 }) weight!: number;
  @ApiProperty({ type: Number, nullable: true, description: 'On the base scale; null when not recorded yet' }) score!: number | null;
}

class AppraisalBandDocument {
  @ApiProperty({ example: 'competent' }) key!: string;
  @ApiProperty({ example: '称职' }) name!: string;
}

class AppraisalItemLineDocument {
  @ApiProperty({ example: 'r8.10-province-adoption' }) ruleItemId!: string;
  @ApiProperty({ enum: ['public', 'business', 'bonus'] }) part!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ enum: ['recorded', 'per_adoption', 'per_instruction', 'per_late_report'] }) kind!: string;
  @ApiProperty({ type: 'integer' }) occurrences!: number;
  @ApiProperty({ example: 50 }) points!: number;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: 'entries: the recorded entries (itemId, points, reason, evidence, recordedBy, recordedAt, eventId); events: the log events counted (eventId, eventType, draftId or incidentId, businessDate, levelKey)',
  })
  provenance!: unknown;
}

export class PersonAppraisalResponse {
  @ApiProperty({ type: 'integer', required: false, description: 'In the ranked list: competition ranking by composite (1, 2, 2, 4)' }) rank?: number;
  @ApiProperty() memberId!: string;
  @ApiProperty({ type: String, nullable: true }) name!: string | null;
  @ApiProperty({ enum: ['month', 'quarter', 'semester', 'year'] }) period!: string;
  @ApiProperty({ example: '2026' }) periodKey!: string;
  @ApiProperty({ format: 'date' }) from!: string;
  @ApiProperty({ format: 'date' }) to!: string;
  @ApiProperty({ type: AppraisalPolicyDocument }) policy!: AppraisalPolicyDocument;
  @ApiProperty({ example: 1000 }) base!: number;
  @ApiProperty({ type: [AppraisalItemLineDocument] }) items!: AppraisalItemLineDocument[];
  @ApiProperty({ example: -150 }) itemsTotal!: number;
  @ApiProperty({ example: 850, description: '日常考核: base + items' }) daily!: number;
  @ApiProperty({ type: [AppraisalComponentDocument] }) components!: AppraisalComponentDocument[];
  @ApiProperty({ type: [String], description: 'Reviews not recorded yet' }) missing!: string[];
  @ApiProperty({ enum: ['complete', 'provisional'] }) status!: string;
  @ApiProperty({ example: 860, description: 'sum(weight x component) / 100 over the recorded components, 2 decimals' }) composite!: number;
  @ApiProperty({ type: AppraisalBandDocument, nullable: true, description: 'null while provisional' }) band!: AppraisalBandDocument | null;
  @ApiProperty({ type: String, nullable: true, required: false }) buildId?: string | null;
}

export class AppraisalListResponse {
  @ApiProperty({ enum: ['month', 'quarter', 'semester', 'year'] }) period!: string;
  @ApiProperty({ example: '2026' }) key!: string;
  @ApiProperty({ format: 'date' }) from!: string;
  @ApiProperty({ format: 'date' }) to!: string;
  @ApiProperty({ type: AppraisalPolicyDocument, nullable: true, description: 'The appraisal rule in force on the period\'s last day (null: none, and no rows)' }) policy!: AppraisalPolicyDocument | null;
  @ApiProperty({ type: String, nullable: true }) buildId!: string | null;
  @ApiProperty({ type: [PersonAppraisalResponse] }) rows!: PersonAppraisalResponse[];
}
