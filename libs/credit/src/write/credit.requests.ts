import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsBoolean, IsIn, IsOptional, IsString, IsUUID, Length } from 'class-validator';
import { COMMAND_POSITION_DESCRIPTION, ValidateNestedObject, ValidateNestedObjects } from '@app/platform';
import { CREDIT_CATEGORIES, CREDIT_RECORD_KINDS, CreditFieldName, CreditFields } from '../domain/credit-fields';

function Text(max: number, description: string): PropertyDecorator {
  return (target, key) => {
    ApiPropertyOptional({ type: String, nullable: true, maxLength: max, description })(target, key);
    IsOptional()(target, key);
    IsString()(target, key);
    Length(0, max)(target, key);
  };
}

/** The R6.04 fields; which apply depends on kind and category (docs/credit.md "Fields"). */
export class CreditFieldsRequest {
  @Text(200, '名称 (organisation) or 姓名 (person); required at submission') name?: string | null;
  @Text(18, '统一社会信用代码 (public records; GB 32100, check character verified)') unifiedSocialCreditCode?: string | null;
  @Text(500, '住所 (organisation, basic_info)') domicile?: string | null;
  @Text(100, '法定代表人或者负责人 (organisation, basic_info)') legalRepresentative?: string | null;
  @Text(18, '身份证号码 (personal records; GB 11643, check character verified); personal, masked in reads') idCardNumber?: string | null;
  @Text(500, '住所 (person, basic_info); personal, masked in reads') address?: string | null;
  @Text(200, '荣誉称号或奖项 (commendation)') honourTitle?: string | null;
  @Text(20, 'national | provincial | municipal | county (commendation: 国家级、省级、市级、县级)') honourLevel?: string | null;
  @Text(2000, '违法行为 (administrative_penalty)') violation?: string | null;
  @Text(200, '处罚种类 (administrative_penalty)') penaltyType?: string | null;
  @Text(1000, '处罚依据 (administrative_penalty)') legalBasis?: string | null;
  @Text(2000, '处罚结果 (administrative_penalty)') penaltyResult?: string | null;
  @Text(40, 'major_safety_accident | major_environmental_violation | major_bad_faith (major_event)') eventType?: string | null;
  @Text(40, 'credit_record: loan | credit_card | guarantee | lease; property_status: property_registration | asset_valuation | property_transaction') activityType?: string | null;
  @Text(40, 'family_member | spouse | business_partner (social_relationship)') relation?: string | null;
  @Text(5000, 'The facts of the event, activity, property or relationship; personal in personal records') description?: string | null;
  @Text(5000, '信息内容 (summary); personal in personal records') content?: string | null;
  @Text(200, '来源文书 (document number)') sourceDocument?: string | null;
  @Text(200, '认定/作出机关') issuingAuthority?: string | null;
  @Text(10, '认定/决定日期 YYYY-MM-DD (not after today)') decisionDate?: string | null;
  @Text(10, '有效期至 YYYY-MM-DD (optional; not before decisionDate)') validUntil?: string | null;
}

const FIELD_NAMES: readonly CreditFieldName[] = [
  'name', 'unifiedSocialCreditCode', 'domicile', 'legalRepresentative', 'idCardNumber', 'address', 'honourTitle', 'honourLevel', 'violation', 'penaltyType', 'legalBasis', 'penaltyResult',
  'eventType', 'activityType', 'relation', 'description', 'content', 'sourceDocument', 'issuingAuthority', 'decisionDate', 'validUntil',
];

export function fieldsOf(body: CreditFieldsRequest): CreditFields {
  const out: CreditFields = {};
  for (const f of FIELD_NAMES) if (body[f] !== undefined) out[f] = body[f];
  return out;
}

export class SubmitCreditRecordRequest {
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID() recordId?: string;
  @ApiProperty({ format: 'uuid', description: '采集单位: the collecting unit (yours)' }) @IsUUID() unitId!: string;
  @ApiProperty({ enum: CREDIT_RECORD_KINDS, description: 'public (公共信用信息) or personal (个人信用信息), R6.03' }) @IsIn(CREDIT_RECORD_KINDS) kind!: 'public' | 'personal';
  @ApiProperty({ enum: CREDIT_CATEGORIES, description: 'R6.03: public basic_info, commendation, administrative_penalty, major_event; personal basic_info, credit_record, property_status, social_relationship' })
  @IsIn(CREDIT_CATEGORIES)
  category!: string;
  @ApiPropertyOptional({ format: 'uuid', nullable: true, description: 'The person a personal record is about (required for personal records)' }) @IsOptional() @IsUUID() subjectPersonId?: string | null;
  @ApiProperty({ type: CreditFieldsRequest }) @ValidateNestedObject(() => CreditFieldsRequest) fields!: CreditFieldsRequest;
}

export class CorrectCreditRecordRequest {
  @ApiProperty({ type: CreditFieldsRequest, description: 'Every field of the record as corrected (a field left out is cleared)' }) @ValidateNestedObject(() => CreditFieldsRequest) fields!: CreditFieldsRequest;
}

export class FieldReasonRequest {
  @ApiProperty({ example: 'penaltyResult', description: 'A field of the record, or `record` for the whole' }) @IsString() @Length(1, 40) field!: string;
  @ApiProperty({ example: '处罚金额与决定书不一致' }) @IsString() @Length(1, 1000) reason!: string;
}

export class ReturnCreditRecordRequest {
  @ApiProperty({ type: [FieldReasonRequest], minItems: 1, maxItems: 50 }) @ArrayMinSize(1) @ArrayMaxSize(50) @ValidateNestedObjects(() => FieldReasonRequest) reasons!: FieldReasonRequest[];
}

export class ReviewChecklistRequest {
  @ApiProperty({ description: '真实: the record is true (checked against its source)' }) @IsBoolean() truthful!: boolean;
  @ApiProperty({ description: '准确: the values are accurate' }) @IsBoolean() accurate!: boolean;
  @ApiProperty({ description: '完整: nothing required is missing' }) @IsBoolean() complete!: boolean;
}

export class ApproveCreditRecordRequest {
  @ApiProperty({ type: ReviewChecklistRequest, description: 'R6.06 step 2: every check must be true to approve' }) @ValidateNestedObject(() => ReviewChecklistRequest) checklist!: ReviewChecklistRequest;
  @ApiPropertyOptional({ type: String, nullable: true, maxLength: 1000 }) @IsOptional() @IsString() @Length(0, 1000) comment?: string | null;
}

export class RejectCreditRecordRequest {
  @ApiProperty({ example: '不属于上报范围' }) @IsString() @Length(1, 1000) reason!: string;
}

export class CreditCommandResponse {
  @ApiProperty({ format: 'uuid' }) recordId!: string;
  @ApiProperty({ example: '0', description: 'Stream revision after the command (also the ETag)' }) revision!: string;
  @ApiProperty({ example: '1042', description: COMMAND_POSITION_DESCRIPTION }) position!: string;
  @ApiProperty({ description: 'True when this Idempotency-Key was already processed: nothing changed' }) duplicate!: boolean;
}
