import { Controller, Get, HttpException, Inject } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { Pool } from 'pg';
import { Endpoint, PG_POOL } from '@app/platform';
import { Public } from '@app/access';
import { LivenessResponse, ReadinessResponse } from './health.responses';

@ApiTags('health')
@Public()
@Controller('health')
export class HealthHttpController {
  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  @Get()
  @Endpoint({ summary: 'Liveness: the process answers', response: LivenessResponse, public: true })
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('ready')
  @Endpoint({ summary: 'Readiness: the database answers and no projection is stopped on a dead letter', response: ReadinessResponse, public: true, problems: ['http-503'] })
  async ready(): Promise<{ status: 'ready'; database: 'ok'; stoppedProjections: string[] }> {
    let stopped: string[];
    try {
      const result = await this.pool.query<{ projection: string }>(
        `SELECT projection FROM projection_builds WHERE stopped_at IS NOT NULL AND state NOT IN ('retired', 'shadow')`, // a stopped what-if serves no one
      );
      stopped = result.rows.map((r) => r.projection);
    } catch (error) {
      throw new HttpException({ status: 'unavailable', database: 'unreachable', message: String(error) }, 503);
    }
    if (stopped.length > 0) {
      throw new HttpException({ status: 'degraded', database: 'ok', stoppedProjections: stopped, message: `stopped projections: ${stopped.join(', ')}` }, 503);
    }
    return { status: 'ready', database: 'ok', stoppedProjections: [] };
  }
}
