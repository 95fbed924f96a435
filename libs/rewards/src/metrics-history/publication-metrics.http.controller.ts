import { Controller, Get, Inject, Param } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Access } from '@app/access';
import { EVENT_STORE, EventStore, RecordedEvent } from '@app/event-store';
import { Endpoint, UuidParamPipe } from '@app/platform';
import { metricsStream, observationKey } from '../domain/metrics.decider';
import type { MetricsRecorded } from '../domain/metrics.events';
import { PublicationFactsReader } from '../write/publication-facts';
import { EffectiveObservationResponse, MetricsVersionResponse, PublicationMetricsResponse } from './publication-metrics.responses';

/**
 * A publication's engagement metrics as its stream has them: the effective counts per (observedAt, source), each
 * with the counts that corrections replaced. Read from `metrics-<publicationId>` directly (one stream, no read
 * model), so it is current the moment POST /v1/metrics answers.
 */
@ApiTags('rewards')
@Controller('v1/drafts/:draftId/publications/:publicationId/metrics')
export class PublicationMetricsHttpController {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly publications: PublicationFactsReader,
  ) {}

  @Get()
  @Access('metrics.read')
  @Endpoint({ summary: 'The effective engagement observations of a publication, ordered by observedAt, each with its corrections', response: PublicationMetricsResponse, problems: ['not-found'] })
  async get(@Param('draftId', new UuidParamPipe()) draftId: string, @Param('publicationId', new UuidParamPipe()) publicationId: string): Promise<PublicationMetricsResponse> {
    const events = (await this.store.readStream(metricsStream(publicationId))) as RecordedEvent<MetricsRecorded['data']>[];
    const first = events.find((e) => e.type === 'MetricsRecorded');
    const facts = first && first.data.draftId === draftId ? first.data : await (await this.publications.forDraft(draftId))(publicationId);
    return {
      publicationId,
      draftId,
      channelId: facts.channelId,
      platform: facts.platform,
      publishedAt: facts.publishedAt,
      observations: effective(events),
      position: events.length > 0 ? events[events.length - 1]!.position.toString() : null,
    };
  }
}

function effective(events: readonly RecordedEvent<MetricsRecorded['data']>[]): EffectiveObservationResponse[] {
  const byKey = new Map<string, { latest: RecordedEvent<MetricsRecorded['data']>; earlier: MetricsVersionResponse[] }>();
  for (const e of events) {
    if (e.type !== 'MetricsRecorded') continue;
    const key = observationKey(e.data.observedAt, e.data.source);
    const known = byKey.get(key);
    byKey.set(key, { latest: e, earlier: known ? [...known.earlier, version(known.latest)] : [] });
  }
  return [...byKey.values()]
    .map(({ latest, earlier }) => ({ observedAt: latest.data.observedAt, source: latest.data.source, ...version(latest), corrections: earlier }))
    .sort((a, b) => Date.parse(a.observedAt) - Date.parse(b.observedAt) || (a.source < b.source ? -1 : a.source > b.source ? 1 : 0));
}

const version = (e: RecordedEvent<MetricsRecorded['data']>): MetricsVersionResponse => ({
  reads: e.data.reads,
  reposts: e.data.reposts,
  interactions: e.data.interactions,
  followers: e.data.followers,
  position: e.position.toString(),
  recordedBy: e.data.recordedBy,
  recordedAt: e.data.recordedAt,
});
