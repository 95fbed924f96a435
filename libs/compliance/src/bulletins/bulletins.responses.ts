import { ApiProperty } from '@nestjs/swagger';
import { COMMAND_POSITION_DESCRIPTION } from '@app/platform';

export class BulletinIssuedResponse {
  @ApiProperty({ format: 'uuid' }) bulletinId!: string;
  @ApiProperty({ enum: ['month', 'quarter', 'semester', 'year'] }) period!: string;
  @ApiProperty({ example: '2026-03' }) key!: string;
  @ApiProperty({ type: 'integer', example: 1, description: 'The edition: 1 for the first issue of the period, then 2, 3 …' }) edition!: number;
  @ApiProperty({ description: 'sha256 (hex) of canonicalJson(content)' }) checksum!: string;
  @ApiProperty({ description: 'The log position the content was built at' }) builtAt!: string;
  @ApiProperty({ example: '1042', description: COMMAND_POSITION_DESCRIPTION }) position!: string;
  @ApiProperty() duplicate!: boolean;
  @ApiProperty({ type: [String], example: ['BulletinIssued'] }) events!: string[];
}

export class BulletinResponse {
  @ApiProperty({ enum: ['month', 'quarter', 'semester', 'year'] }) period!: string;
  @ApiProperty({ example: '2026-03' }) key!: string;
  @ApiProperty({ enum: ['issued', 'fresh'] }) as!: string;
  @ApiProperty({ type: 'integer', nullable: true, description: 'null for a fresh build' }) edition!: number | null;
  @ApiProperty({ type: String, nullable: true }) bulletinId!: string | null;
  @ApiProperty({ type: String, nullable: true }) issuedBy!: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'date-time' }) issuedAt!: string | null;
  @ApiProperty({ description: 'The log position the content was built at' }) position!: string;
  @ApiProperty({ description: 'sha256 (hex) of canonicalJson(content); verified for an issued edition' }) checksum!: string;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: 'institution, title, period, key, from, to, status, policy, totals, units (rank, unitId, unitName, points, submitted, adopted, adoptionRate, shortfall, consecutiveMissed, escalation, lateItems, lateIncidentReports, concealedIncidentReports, score, grade), shortfalls, lateReports, compliance',
  })
  content!: unknown;
}

class BulletinEditionDocument {
  @ApiProperty({ enum: ['month', 'quarter', 'semester', 'year'] }) period!: string;
  @ApiProperty() key!: string;
  @ApiProperty({ type: 'integer' }) edition!: number;
  @ApiProperty() bulletinId!: string;
  @ApiProperty() issuedBy!: string;
  @ApiProperty({ format: 'date-time' }) issuedAt!: string;
  @ApiProperty() position!: string;
  @ApiProperty() checksum!: string;
  @ApiProperty() title!: string;
  @ApiProperty({ type: 'integer', description: 'Units ranked' }) units!: number;
  @ApiProperty({ description: 'Where to read it as issued' }) href!: string;
}

export class BulletinListResponse {
  @ApiProperty({ type: String, nullable: true }) buildId!: string | null;
  @ApiProperty({ type: [BulletinEditionDocument] }) items!: BulletinEditionDocument[];
}
