import { Controller, Get, Param, Query, Res, StreamableFile } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, IsUUID, Matches, Max, Min } from 'class-validator';
import type { Response } from 'express';
import { ValidationFailed } from '@app/kernel';
import { Endpoint, IsInstant, POSITION_PATTERN } from '@app/platform';
import { Access, Actor, CurrentActor } from '@app/access';
import { AS_OF_REPORTS, AsOfParameters, AsOfReport, AsOfReports } from './as-of-reports';

const DATE = /^\d{4}-\d{2}-\d{2}$/;

export class AsOfQuery {
  @ApiPropertyOptional({ example: '5000', description: 'The log position the report is computed at (default: the settled head)' })
  @IsOptional()
  @Matches(POSITION_PATTERN, { message: 'position must be a log position (decimal string)' })
  position?: string;

  @ApiPropertyOptional({ example: '2026-03-01T00:00:00+08:00', description: 'Instead of position: the last position recorded at or before this instant' })
  @IsOptional()
  @IsInstant()
  @Matches(/(Z|[+-]\d{2}:?\d{2})$/, { message: 'at must name its offset (Z or +08:00)' })
  at?: string;

  @ApiPropertyOptional({ enum: ['member', 'unit'], description: 'leaderboard' }) @IsOptional() @IsIn(['member', 'unit']) subject?: 'member' | 'unit';
  @ApiPropertyOptional({ enum: ['points', 'money', 'adopted', 'adoptionRate'], description: 'leaderboard' }) @IsOptional() @IsIn(['points', 'money', 'adopted', 'adoptionRate']) by?: AsOfParameters['by'];
  @ApiPropertyOptional({ format: 'date', description: 'leaderboard: first business date' }) @IsOptional() @Matches(DATE, { message: 'from must be a date YYYY-MM-DD' }) from?: string;
  @ApiPropertyOptional({ format: 'date', description: 'leaderboard: last business date' }) @IsOptional() @Matches(DATE, { message: 'to must be a date YYYY-MM-DD' }) to?: string;
  @ApiPropertyOptional({ default: 100, minimum: 1, maximum: 1000, description: 'leaderboard' }) @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(1000) limit?: number;
  @ApiPropertyOptional({ enum: ['month', 'quarter', 'year'], description: 'compliance, bulletin' }) @IsOptional() @IsIn(['month', 'quarter', 'year']) period?: string;
  @ApiPropertyOptional({ example: '2026-02', description: 'compliance, bulletin: the period key' }) @IsOptional() @Matches(/^\d{4}(-(0[1-9]|1[0-2])|-Q[1-4])?$/, { message: 'key must be a year, quarter (2026-Q1) or month (2026-02)' }) key?: string;
  @ApiPropertyOptional({ format: 'uuid', description: 'compliance: one unit' }) @IsOptional() @IsUUID() unitId?: string;
  @ApiPropertyOptional({ example: '2026-02', description: 'payout-ledger: one period' }) @IsOptional() @IsString() @Matches(/^[A-Za-z0-9_-]{1,64}$/, { message: 'periodId is a payout period id' }) periodId?: string;
  @ApiPropertyOptional({ enum: ['member', 'unit'], description: 'payout-ledger' }) @IsOptional() @IsIn(['member', 'unit']) payeeKind?: 'member' | 'unit';
  @ApiPropertyOptional({ description: 'payout-ledger: one payee' }) @IsOptional() @Matches(/^[A-Za-z0-9_-]{1,100}$/, { message: 'payeeId is a member or unit id' }) payeeId?: string;
}

export class AsOfRangeResponse {
  @ApiProperty({ example: '0' }) after!: string;
  @ApiProperty({ example: '5000' }) upTo!: string;
}

export class AsOfResponse {
  @ApiProperty({ enum: AS_OF_REPORTS }) report!: string;
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'The report parameters as asked' }) parameters!: Record<string, unknown>;
  @ApiProperty({ type: AsOfRangeResponse, description: 'The log range the result was computed from' }) positionRange!: AsOfRangeResponse;
  @ApiProperty({ description: 'sha256 (hex) of the canonical JSON of result' }) checksum!: string;
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'The report, as the live endpoint answers it at that position (without build ids)' }) result!: Record<string, unknown>;
}

/** As-of reports over HTTP (docs/audit.md, "As-of reports"). */
@ApiTags('audit')
@Controller('v1/audit/as-of')
export class AsOfHttpController {
  constructor(private readonly reports: AsOfReports) {}

  @Get(':report')
  @Access('audit.read')
  @Endpoint({
    summary: 'A report as it stood at a past position or instant (leaderboard, payout-ledger, compliance, bulletin), computed from shadow builds stopped there; canonical JSON with a checksum',
    description:
      'The body is canonical JSON (keys sorted, no spaces): the same question gives byte-identical answers. X-As-Of-Builds names the builds read. The first request for a position starts the builds; when they take longer than 20 s it answers 503 as-of-building with Retry-After, and asking again reuses them.',
    response: AsOfResponse,
    params: [{ name: 'report', enum: [...AS_OF_REPORTS], description: 'The report' }],
    problems: ['as-of-beyond-head', 'as-of-parameter-missing', 'as-of-build-failed', 'as-of-building', 'bulletin-period-not-offered'],
    headers: { 'X-As-Of-Builds': { description: 'The shadow builds read, `projection=buildId` comma-separated' } },
  })
  async report(@Param('report') report: string, @Query() q: AsOfQuery, @CurrentActor() actor: Actor, @Res({ passthrough: true }) res: Response): Promise<StreamableFile> {
    if (!(AS_OF_REPORTS as readonly string[]).includes(report)) throw new ValidationFailed([{ field: 'report', message: `report must be one of ${AS_OF_REPORTS.join(', ')}` }]);
    if (q.position !== undefined && q.at !== undefined) throw new ValidationFailed([{ field: 'at', message: 'give position or at, not both' }]);
    const { position, at, ...parameters } = q;
    const answer = await this.reports.report({
      report: report as AsOfReport,
      position: position !== undefined ? BigInt(position) : undefined,
      at,
      parameters,
      reader: actor,
      createdBy: actor.memberId,
    });
    res.setHeader('Content-Type', 'application/json; charset=utf-8');
    res.setHeader('X-As-Of-Builds', answer.builds.map((b) => `${b.projection}=${b.buildId}`).join(','));
    const bytes = Buffer.from(answer.canonical, 'utf8');
    return new StreamableFile(bytes, { length: bytes.length });
  }
}
