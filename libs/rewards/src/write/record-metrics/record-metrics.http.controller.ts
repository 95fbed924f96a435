import { Body, Controller, HttpCode, Inject, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiTags } from '@nestjs/swagger';
import { Clock, CLOCK, CommandContext, ValidationFailed } from '@app/kernel';
import { Access, Actor, CurrentActor } from '@app/access';
import { CommandCtx, CommandEndpoint, domainProblem } from '@app/platform';
import { MetricsItemDecision, RecordMetricsCommand } from './record-metrics.handler';
import { MetricsItemProblem, MetricsItemResult, RecordMetricsRequest, RecordMetricsResponse } from './record-metrics.request';
import { validateObservation } from './observation-validation';

/**
 * Bulk ingestion of engagement metrics (issue 10 item 1): hundreds of observations a request, each validated and
 * decided on its own, answered 200 with one result per item. Only a malformed batch (not an array, 0 or over 500
 * items) is refused as a whole.
 */
@ApiTags('rewards')
@Controller('v1/metrics')
export class RecordMetricsHttpController {
  constructor(
    private readonly bus: CommandBus,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Post()
  @HttpCode(200)
  @Access('metrics.record')
  @CommandEndpoint({
    summary: 'Record engagement metrics of channel publications, 1-500 observations, each reported on its own (recorded, corrected, unchanged, rejected)',
    description:
      'Idempotent per (publication, observedAt, source): the same counts again are `unchanged`, other counts `corrected` (the event names what it replaces). ' +
      'A rejected item carries the problem its request alone would answer (validation-failed, not-found, draft-retracted, metrics-before-publication, metrics-in-the-future …); the other items go on. ' +
      'If-Match does not apply to a batch across streams (400).',
    response: RecordMetricsResponse,
  })
  async record(@Body() body: RecordMetricsRequest, @CurrentActor() actor: Actor, @CommandCtx() context: CommandContext): Promise<RecordMetricsResponse> {
    if (context.expectedRevision !== undefined) {
      throw new ValidationFailed([{ field: 'If-Match', message: 'a batch spans many streams: send no If-Match' }], 'If-Match does not apply to POST /v1/metrics');
    }
    const items = body.observations.map((raw, index) => {
      const checked = validateObservation(raw, index);
      return checked instanceof ValidationFailed ? { error: checked } : { observation: checked };
    });
    const decisions: MetricsItemDecision[] = await this.bus.execute(new RecordMetricsCommand(items, actor.memberId, this.clock.now().toISOString(), context));
    return respond(decisions);
  }
}

function respond(decisions: readonly MetricsItemDecision[]): RecordMetricsResponse {
  const counts = { recorded: 0, corrected: 0, unchanged: 0, rejected: 0 };
  let top: bigint | undefined;
  const results = decisions.map((d): MetricsItemResult => {
    counts[d.status]++;
    if (d.status === 'rejected') return { index: d.index, status: d.status, problem: itemProblem(d.error) };
    if (d.position !== undefined && (top === undefined || d.position > top)) top = d.position;
    return { index: d.index, status: d.status, ...(d.position === undefined ? {} : { position: d.position.toString() }) };
  });
  return { results, counts, ...(top === undefined ? {} : { position: top.toString() }) };
}

function itemProblem(error: Parameters<typeof domainProblem>[0]): MetricsItemProblem {
  const p = domainProblem(error);
  const errors = (p.errors as { field: string; message: string }[] | undefined) ?? undefined;
  return {
    type: p.type,
    title: p.title,
    status: p.status,
    detail: p.detail,
    ...(typeof p.field === 'string' ? { field: p.field } : errors?.[0] ? { field: errors[0].field } : {}),
    ...(typeof p.rule === 'string' ? { rule: p.rule } : {}),
    ...(errors ? { errors } : {}),
  };
}
