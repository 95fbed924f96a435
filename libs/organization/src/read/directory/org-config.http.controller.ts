import { Controller, Get, Inject } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { Pool } from 'pg';
import { Access } from '@app/access';
import { Endpoint, PG_POOL } from '@app/platform';
import { PublicationLevelResponse, UnitTypeResponse } from './directory.responses';

/** Configuration as data: unit types and the publication ladder. */
@ApiTags('organization')
@Controller('v1')
export class OrgConfigReadHttpController {
  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  @Get('unit-types')
  @Access('org.read')
  @Endpoint({ summary: 'Configured unit types (quotas and review chains refer to them)', response: UnitTypeResponse, isArray: true })
  async unitTypes() {
    return (await this.pool.query('SELECT key, name, description FROM rm.unit_types ORDER BY key')).rows;
  }

  @Get('publication-levels')
  @Access('org.read')
  @Endpoint({ summary: 'The publication ladder, lowest rank first', response: PublicationLevelResponse, isArray: true })
  async levels() {
    return (await this.pool.query('SELECT key, name, rank FROM rm.publication_levels ORDER BY rank')).rows;
  }
}
