import { Controller, Get, Inject } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { Pool } from 'pg';
import { Access } from '@app/access';
import { Endpoint, PG_POOL, ReadAt, ReadSelector } from '@app/platform';
import { ReadModels } from '@app/projections';
import { PublicationLevelResponse, UnitTypeResponse } from './directory.responses';

/** Configuration as data: unit types and the publication ladder. */
@ApiTags('organization')
@Controller('v1')
export class OrgConfigReadHttpController {
  constructor(
    @Inject(PG_POOL) private readonly pool: Pool,
    private readonly readModels: ReadModels,
  ) {}

  @Get('unit-types')
  @Access('org.read')
  @Endpoint({ summary: 'Configured unit types (quotas and review chains refer to them)', response: UnitTypeResponse, isArray: true })
  async unitTypes(@ReadAt() read: ReadSelector) {
    const r = await this.readModels.scope(read, ['unit_types']);
    return (await this.pool.query(`SELECT key, name, description FROM ${r.t('unit_types')} ORDER BY key`)).rows;
  }

  @Get('publication-levels')
  @Access('org.read')
  @Endpoint({ summary: 'The publication ladder, lowest rank first', response: PublicationLevelResponse, isArray: true })
  async levels(@ReadAt() read: ReadSelector) {
    const r = await this.readModels.scope(read, ['publication_levels']);
    return (await this.pool.query(`SELECT key, name, rank FROM ${r.t('publication_levels')} ORDER BY rank`)).rows;
  }
}
