import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { ValidationFailed } from '@app/kernel';
import { Endpoint } from '@app/platform';
import { Access } from '@app/access';
import { AGGREGATE_KIND_NAMES } from './aggregate-kinds';
import { AuditHistoryService } from './audit-history.service';
import { AggregateHistoryResponse, AuditLogPageResponse, AuditLogQuery, CorrelationResponse, REQUEST_ID } from './history.dto';

/** Histories and the global log for auditors and administrators (`audit.read`), read from the event store. */
@ApiTags('audit')
@Controller('v1/audit')
export class AuditHistoryHttpController {
  constructor(private readonly history: AuditHistoryService) {}

  @Get('aggregates/:kind/:id/events')
  @Access('audit.read')
  @Endpoint({
    summary: "An aggregate's full history: every event with its metadata (actor, time, correlation, causation and command ids), oldest first",
    response: AggregateHistoryResponse,
    problems: ['not-found'],
    params: [
      { name: 'kind', enum: AGGREGATE_KIND_NAMES, description: 'The aggregate kind (an unknown kind is 400 naming `kind`, with the kinds)' },
      { name: 'id', description: 'The aggregate id (UUID; a policy or publication id; a payout period id such as 2026-11)', schema: { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9_.:-]{0,199}$' } },
    ],
  })
  aggregate(@Param('kind') kind: string, @Param('id') id: string): Promise<AggregateHistoryResponse> {
    return this.history.aggregate(kind, id);
  }

  @Get('streams/:streamId/events')
  @Access('audit.read')
  @Endpoint({
    summary: 'Any stream by its id (payouts, orgconfig-default, appraisal-…, bulletin-…, personal-data-…): every event with its metadata',
    response: AggregateHistoryResponse,
    problems: ['not-found'],
    params: [{ name: 'streamId', description: 'A stream id: category-id', schema: { type: 'string', pattern: '^[A-Za-z][A-Za-z0-9_.:-]{0,299}$' } }],
  })
  stream(@Param('streamId') streamId: string): Promise<AggregateHistoryResponse> {
    return this.history.stream(streamId);
  }

  @Get('events')
  @Access('audit.read')
  @Endpoint({ summary: 'The global log in position order, filtered (type, category, actor, correlation id, recorded time, position range), cursor-paged', response: AuditLogPageResponse })
  log(@Query() query: AuditLogQuery): Promise<AuditLogPageResponse> {
    return this.history.log(query);
  }

  @Get('correlations/:correlationId')
  @Access('audit.read')
  @Endpoint({
    summary: 'Everything one request caused (its correlation id): the events across streams in position order, with a summary',
    response: CorrelationResponse,
    problems: ['not-found'],
    params: [{ name: 'correlationId', description: 'The X-Correlation-Id of the request', schema: { type: 'string', pattern: REQUEST_ID.source } }],
  })
  correlation(@Param('correlationId') correlationId: string): Promise<CorrelationResponse> {
    if (!REQUEST_ID.test(correlationId)) throw new ValidationFailed([{ field: 'correlationId', message: 'correlationId must be 1-128 characters of A-Z a-z 0-9 _ . : -' }]);
    return this.history.correlation(correlationId);
  }
}
