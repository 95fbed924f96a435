import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsBoolean, IsIn, IsInt, IsOptional, IsString, IsUUID, Length, Max, Min } from 'class-validator';
import { COMMAND_POSITION_DESCRIPTION, IsInstant, ValidateNestedObject } from '@app/platform';

export class CasualtiesRequest {
  @ApiProperty({ minimum: 0, description: '死亡人数' }) @Type(() => Number) @IsInt() @Min(0) @Max(100000) deaths!: number;
  @ApiProperty({ minimum: 0, description: '受伤人数' }) @Type(() => Number) @IsInt() @Min(0) @Max(100000) injured!: number;
  @ApiProperty({ minimum: 0, description: 'The longest stay in hospital of the injured, in days (R5.01: 在医院治疗一天以上)' }) @Type(() => Number) @IsInt() @Min(0) @Max(10000) hospitalisedDays!: number;
}

export class ContactRequest {
  @ApiProperty({ example: '冯值班长' }) @IsString() @Length(1, 100) name!: string;
  @ApiProperty({ example: '0632-1234567' }) @IsString() @Length(1, 50) phone!: string;
}

const text = (max: number) => [IsOptional(), IsString(), Length(0, max)];
function OptionalText(max: number, description: string): PropertyDecorator {
  return (target, key) => {
    ApiPropertyOptional({ type: String, nullable: true, description })(target, key);
    for (const d of text(max)) d(target, key);
  };
}

export class ReportIncidentRequest {
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID() incidentId?: string;
  @ApiProperty({ format: 'uuid', description: '报送单位: the reporting unit (yours)' }) @IsUUID() unitId!: string;
  @ApiProperty({ example: '人民路两车相撞致一人受伤' }) @IsString() @Length(1, 200) title!: string;
  @ApiProperty({ example: 'casualty', description: 'A category key of the incident tree of the policy in force' }) @IsString() @Length(1, 100) categoryKey!: string;
  @ApiProperty({ example: '2026-03-02T09:00:00+08:00', description: '发生时间' }) @IsInstant() occurredAt!: string;
  @ApiPropertyOptional({ description: '发现时间 (default occurredAt)' }) @IsOptional() @IsInstant() discoveredAt?: string;
  @ApiPropertyOptional({ description: 'When the first report was made (the phone call); default now' }) @IsOptional() @IsInstant() reportedAt?: string;
  @ApiProperty({ enum: ['phone', 'written', 'in_person'] }) @IsIn(['phone', 'written', 'in_person']) channel!: 'phone' | 'written' | 'in_person';
  @OptionalText(500, '地点') place?: string | null;
  @ApiPropertyOptional({ type: 'array', items: { type: 'string', minLength: 1, maxLength: 200 }, maxItems: 100, description: '涉及单位' }) @IsOptional() @IsArray() @ArrayMaxSize(100) @IsString({ each: true }) @Length(1, 200, { each: true }) unitsInvolved?: string[];
  @ApiPropertyOptional({ type: 'array', items: { type: 'string', minLength: 1, maxLength: 200 }, maxItems: 200, description: '涉及人员' }) @IsOptional() @IsArray() @ArrayMaxSize(200) @IsString({ each: true }) @Length(1, 200, { each: true }) peopleInvolved?: string[];
  @OptionalText(10000, '简要经过') course?: string | null;
  @ApiPropertyOptional({ type: CasualtiesRequest, nullable: true, description: '伤亡情况' }) @IsOptional() @ValidateNestedObject(() => CasualtiesRequest) casualties?: CasualtiesRequest | null;
  @ApiPropertyOptional({ type: 'integer', nullable: true, minimum: 0, description: '初步估计直接经济损失 (yuan)' }) @IsOptional() @Type(() => Number) @IsInt() @Min(0) @Max(1e12) directLossYuan?: number | null;
  @OptionalText(5000, '初步原因') cause?: string | null;
  @OptionalText(5000, '已采取措施') measures?: string | null;
  @OptionalText(100, '签发人') signer?: string | null;
  @ApiPropertyOptional({ type: ContactRequest, nullable: true, description: '联系人及电话' }) @IsOptional() @ValidateNestedObject(() => ContactRequest) contact?: ContactRequest | null;
}

export class WrittenReportRequest {
  @ApiProperty() @IsString() @Length(0, 10000) course!: string;
  @ApiPropertyOptional({ type: CasualtiesRequest, nullable: true }) @IsOptional() @ValidateNestedObject(() => CasualtiesRequest) casualties?: CasualtiesRequest | null;
  @ApiPropertyOptional({ type: 'integer', nullable: true, minimum: 0 }) @IsOptional() @Type(() => Number) @IsInt() @Min(0) @Max(1e12) directLossYuan?: number | null;
  @ApiProperty() @IsString() @Length(0, 5000) cause!: string;
  @ApiProperty() @IsString() @Length(0, 5000) measures!: string;
  @ApiProperty() @IsString() @Length(0, 100) signer!: string;
}

export class FollowUpRequest {
  @ApiProperty({ description: '事态进展' }) @IsString() @Length(1, 10000) progress!: string;
  @ApiProperty({ description: '处置措施' }) @IsString() @Length(1, 10000) measures!: string;
  @OptionalText(10000, '起因后果') causeAndConsequences?: string | null;
  @OptionalText(10000, '吸取教训') lessons?: string | null;
  @ApiPropertyOptional({ type: CasualtiesRequest, nullable: true }) @IsOptional() @ValidateNestedObject(() => CasualtiesRequest) casualties?: CasualtiesRequest | null;
  @ApiPropertyOptional({ type: 'integer', nullable: true, minimum: 0 }) @IsOptional() @Type(() => Number) @IsInt() @Min(0) @Max(1e12) directLossYuan?: number | null;
}

export class ExternalApprovalRequest {
  @ApiProperty({ description: '统一口径: the one wording of the external report (R5.27)' }) @IsString() @Length(0, 10000) wording!: string;
}

export class EscalationRequest {
  @ApiPropertyOptional({ type: String, nullable: true, format: 'uuid', description: 'A unit above the current level; omit (or null) for a report that leaves the institution, naming its recipient' })
  @IsOptional()
  @IsUUID()
  toUnitId?: string | null;
  @OptionalText(200, 'The outside body an external report goes to (e.g. 县委办公室信息调研室)') recipient?: string | null;
  @ApiPropertyOptional({ default: false, description: 'An emergency: levels may be skipped where the policy allows it (R5.32)' }) @IsOptional() @IsBoolean() emergency?: boolean;
  @OptionalText(2000, 'Why') reason?: string | null;
}

export class InstructionRequest {
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID() instructionId?: string;
  @ApiProperty({ description: '批示' }) @IsString() @Length(1, 5000) text!: string;
}

export class InstructionFollowUpRequest {
  @ApiProperty({ description: '落实情况' }) @IsString() @Length(1, 10000) response!: string;
}

export class CaseRequest {
  @ApiProperty({ example: '纪立〔2026〕3号' }) @IsString() @Length(1, 100) caseNumber!: string;
  @ApiPropertyOptional({ description: '立案时间 (default now); the case report is due from it' }) @IsOptional() @IsInstant() filedAt?: string;
}

export class CaseReportRequest {
  @ApiProperty() @IsString() @Length(1, 10000) summary!: string;
}

export class FinalReportRequest {
  @ApiProperty() @IsString() @Length(1, 20000) summary!: string;
  @ApiProperty() @IsString() @Length(1, 10000) cause!: string;
  @ApiProperty() @IsString() @Length(1, 10000) consequences!: string;
  @ApiProperty() @IsString() @Length(1, 10000) lessons!: string;
  @ApiPropertyOptional({ type: CasualtiesRequest, nullable: true }) @IsOptional() @ValidateNestedObject(() => CasualtiesRequest) casualties?: CasualtiesRequest | null;
  @ApiPropertyOptional({ type: 'integer', nullable: true, minimum: 0 }) @IsOptional() @Type(() => Number) @IsInt() @Min(0) @Max(1e12) directLossYuan?: number | null;
}

export class CloseRequest {
  @OptionalText(2000, 'Why') reason?: string | null;
}

export class IncidentCommandResponse {
  @ApiProperty({ format: 'uuid' }) incidentId!: string;
  @ApiProperty({ example: '0', description: 'Stream revision after the command (also the ETag)' }) revision!: string;
  @ApiProperty({ example: '1042', description: COMMAND_POSITION_DESCRIPTION }) position!: string;
  @ApiProperty({ description: 'True when this Idempotency-Key was already processed: nothing changed' }) duplicate!: boolean;
  @ApiPropertyOptional({ type: String, nullable: true, format: 'uuid', description: 'The instruction given (POST …/instructions)' }) instructionId?: string | null;
}
