import { Controller, Get, Inject } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Pool } from 'pg';
import { Access } from '@app/access';
import { PG_POOL } from '@app/platform';

/** Configuration as data: unit types and the publication ladder. */
@ApiTags('organization')
@Controller('v1')
export class OrgConfigReadHttpController {
  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  @Get('unit-types')
  @Access('org.read')
  @ApiOperation({ summary: 'Configured unit types (quotas and review chains refer to them)' })
  async unitTypes() {
    return (await this.pool.query('SELECT key, name, description FROM rm.unit_types ORDER BY key')).rows;
  }

  @Get('publication-levels')
  @Access('org.read')
  @ApiOperation({ summary: 'The publication ladder, lowest rank first' })
  async levels() {
    return (await this.pool.query('SELECT key, name, rank FROM rm.publication_levels ORDER BY rank')).rows;
  }
}
