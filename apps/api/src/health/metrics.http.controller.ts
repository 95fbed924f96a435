import { Controller, Get, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Endpoint, Metrics } from '@app/platform';
import { Access } from '@app/access';

/**
 * Prometheus scrapes this instance here, with a bearer token of a member holding ops.read (an administrator or
 * an auditor; the scrape config's `authorization` section, a long-lived token from `npm run cli -- token`).
 */
@ApiTags('health')
@Controller('metrics')
export class MetricsHttpController {
  constructor(private readonly metrics: Metrics) {}

  @Get()
  @Access('ops.read')
  @Endpoint({
    summary: 'Prometheus metrics of this instance (text exposition format): commands, appends, projection lag, rebuilds, dead letters, effects, scheduler backlog, Node process',
    media: 'text/plain; version=0.0.4; charset=utf-8',
  })
  async scrape(@Res({ passthrough: true }) res: Response): Promise<string> {
    const body = await this.metrics.scrape();
    res.setHeader('Content-Type', this.metrics.contentType);
    res.setHeader('Cache-Control', 'no-store');
    return body;
  }
}
