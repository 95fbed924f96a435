import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';
import { Access } from '@app/access';
import { Endpoint, ReadAt, ReadSelector, UuidParamPipe } from '@app/platform';
import type { CompliancePeriod } from '../read/compliance-report';
import { COMPLIANCE_PERIODS, ComplianceQueries } from '../read/compliance.queries';
import { ComplianceListResponse, UnitComplianceResponse } from './compliance.responses';

export class ComplianceUnitQuery {
  @ApiProperty({ enum: COMPLIANCE_PERIODS, description: 'month, quarter, semester (half year) or year, in the business time zone' })
  @IsIn(COMPLIANCE_PERIODS as CompliancePeriod[])
  period!: CompliancePeriod;
  @ApiProperty({ description: 'The period: 2026-11 (month), 2026-Q4 (quarter), 2026-H2 (semester), 2026 (year)', example: '2026-11' })
  @IsString()
  @MaxLength(10)
  key!: string;
}

export class ComplianceQuery extends ComplianceUnitQuery {
  @ApiPropertyOptional({ format: 'uuid', description: 'Only this unit' }) @IsOptional() @IsUUID() unitId?: string;
}

@ApiTags('compliance')
@Controller('v1/compliance')
export class ComplianceHttpController {
  constructor(private readonly compliance: ComplianceQueries) {}

  @Get()
  @Access('compliance.read')
  @Endpoint({
    summary: 'Compliance of every unit for a period (quotas, shortfall, escalation, timeliness, incident lateness, commission misses, penalties, score and grade), ranked by score',
    description: 'status is provisional until the period\'s BusinessPeriodEnded has been read, then final. X-Read-Build reads a what-if or as-of build.',
    response: ComplianceListResponse,
  })
  async list(@Query() q: ComplianceQuery, @ReadAt() read: ReadSelector) {
    const r = await this.compliance.report(q.period, q.key, q.unitId, read);
    return { period: q.period, key: q.key, buildId: r.buildId, rows: r.rows };
  }

  @Get('units/:unitId')
  @Access('compliance.read')
  @Endpoint({ summary: 'One unit\'s compliance for a period', params: [{ name: 'unitId', description: 'The unit', schema: { type: 'string', format: 'uuid' } }], response: UnitComplianceResponse, problems: ['not-found'] })
  async unit(@Param('unitId', new UuidParamPipe()) unitId: string, @Query() q: ComplianceUnitQuery, @ReadAt() read: ReadSelector) {
    const r = await this.compliance.report(q.period, q.key, unitId, read);
    return r.rows[0];
  }
}
