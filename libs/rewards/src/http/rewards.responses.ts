import { ApiProperty } from '@nestjs/swagger';

export class LeaderboardRowResponse {
  @ApiProperty({ type: 'integer', example: 1, description: 'Competition ranking: equal values share a rank (1, 2, 2, 4)' }) rank!: number;
  @ApiProperty({ description: 'Member id (subject member) or unit id (subject unit)' }) id!: string;
  @ApiProperty({ type: String, nullable: true, example: '宣传科' }) name!: string | null;
  @ApiProperty({ type: 'integer', example: 137 }) points!: number;
  @ApiProperty({ type: 'integer', example: 32000, description: 'Money in fen (1 yuan = 100 fen)' }) amountFen!: number;
  @ApiProperty({ type: 'integer', description: 'Entitlement lines in the range' }) lines!: number;
  @ApiProperty({ type: 'integer', description: 'Items with at least one line in the range (ranking prizes are not items)' }) items!: number;
  @ApiProperty({ type: 'integer', description: 'Items submitted in the range (a member: as first author)' }) submitted!: number;
  @ApiProperty({ type: 'integer', description: 'Items with an adoption in the range' }) adopted!: number;
  @ApiProperty({ type: 'integer', description: 'Items with a leader\'s instruction (批示) in the range' }) instructed!: number;
  @ApiProperty({ type: 'number', nullable: true, example: 0.25, description: '采用率: adopted / submitted, null when nothing was submitted' }) adoptionRate!: number | null;
}

export class LeaderboardResponse {
  @ApiProperty({ enum: ['member', 'unit'] }) subject!: string;
  @ApiProperty({ enum: ['points', 'money', 'adopted', 'adoptionRate'] }) by!: string;
  @ApiProperty({ format: 'date', example: '2026-03-01' }) from!: string;
  @ApiProperty({ format: 'date', example: '2026-03-31' }) to!: string;
  @ApiProperty({ type: String, nullable: true, description: 'The build read (X-Read-Build), null for the live read model' }) buildId!: string | null;
  @ApiProperty({ type: [LeaderboardRowResponse] }) rows!: LeaderboardRowResponse[];
}

class PayeeDocument {
  @ApiProperty({ enum: ['member', 'unit'] }) kind!: string;
  @ApiProperty() id!: string;
}

class LinePolicyDocument {
  @ApiProperty({ example: 'city-police-new-media-rewards' }) policyId!: string;
  @ApiProperty({ type: 'integer', example: 1 }) version!: number;
  @ApiProperty({ example: 'wechat-item-100-yuan' }) ruleId!: string;
  @ApiProperty({ type: 'object', additionalProperties: true, nullable: true, description: 'The rule clause with its parameters, as the policy version states it' }) parameters!: unknown;
}

export class EntitlementLineResponse {
  @ApiProperty({ format: 'uuid' }) draftId!: string;
  @ApiProperty({ example: 'item:city-police-new-media-rewards:wechat-item-100-yuan:5b0c…', description: 'Unique within the item: family, policy, rule, the fact' }) key!: string;
  @ApiProperty({ enum: ['item', 'engagement', 'adoption', 'ranking'] }) family!: string;
  @ApiProperty({ type: PayeeDocument }) payee!: PayeeDocument;
  @ApiProperty({ format: 'uuid', description: 'The item\'s unit' }) unitId!: string;
  @ApiProperty({ format: 'date', description: 'Business date of the fact the line is for (publication, adoption, rating, instruction, submission)' }) businessDate!: string;
  @ApiProperty({ type: 'integer' }) points!: number;
  @ApiProperty({ type: 'integer', description: 'fen' }) amountFen!: number;
  @ApiProperty({ example: 'wechat news' }) reason!: string;
  @ApiProperty({ type: LinePolicyDocument }) policy!: LinePolicyDocument;
  @ApiProperty({ type: [String], description: 'The events the line was computed from' }) eventIds!: string[];
  @ApiProperty({ type: String, nullable: true, example: '/v1/drafts/5b0c…', description: 'The item\'s history; null for a ranking prize (no item: its parameters say which period and rank)' }) history!: string | null;
}

class TotalsDocument {
  @ApiProperty({ type: 'integer' }) points!: number;
  @ApiProperty({ type: 'integer' }) amountFen!: number;
  @ApiProperty({ type: 'integer' }) lines!: number;
  @ApiProperty({ type: 'integer' }) items!: number;
}

class RuleTotalDocument {
  @ApiProperty() policyId!: string;
  @ApiProperty({ type: 'integer' }) policyVersion!: number;
  @ApiProperty() ruleId!: string;
  @ApiProperty({ enum: ['item', 'engagement', 'adoption', 'ranking'] }) family!: string;
  @ApiProperty({ type: 'integer' }) points!: number;
  @ApiProperty({ type: 'integer' }) amountFen!: number;
  @ApiProperty({ type: 'integer' }) lines!: number;
}

export class EntitlementsResponse {
  @ApiProperty({ format: 'date' }) from!: string;
  @ApiProperty({ format: 'date' }) to!: string;
  @ApiProperty({ type: String, nullable: true, description: 'The build read (X-Read-Build), null for the live read model' }) buildId!: string | null;
  @ApiProperty({ type: TotalsDocument, description: 'Over every matching line (not only this page)' }) totals!: TotalsDocument;
  @ApiProperty({ type: [RuleTotalDocument], description: 'The totals per policy version and rule' }) byRule!: RuleTotalDocument[];
  @ApiProperty({ type: [EntitlementLineResponse] }) lines!: EntitlementLineResponse[];
  @ApiProperty({ type: 'integer', nullable: true, description: 'The offset of the next page, null on the last' }) next!: number | null;
}
