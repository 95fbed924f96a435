import { Inject, Injectable } from '@nestjs/common';
import { EVENT_STORE, EventStore, ReadLogOptions, RecordedEvent } from '@app/event-store';
import { maskPersonalFields, NotFound, PersonalDataRegistry, streamCategory, ValidationFailed } from '@app/kernel';
import { AGGREGATE_KIND_NAMES, aggregateKind } from './aggregate-kinds';
import type { AggregateHistoryResponse, AuditEventResponse, AuditLogPageResponse, AuditLogQuery, CorrelationResponse } from './history.dto';
import { decodeLogCursor, encodeLogCursor } from './log-cursor';

/** The most events GET /v1/audit/correlations/:id answers with; the rest are paged through the log. */
export const CORRELATION_LIMIT = 10_000;
const STREAM_ID = /^[A-Za-z][A-Za-z0-9_.:-]{0,299}$/;

/**
 * The audit reads of the log (issue 12): an aggregate's stream, the log filtered and paged, one request's events.
 * Everything is read from the event store (upcast, like every read), not from a projection: it is current right
 * after a command, and it shows every event with its metadata as stored.
 */
@Injectable()
export class AuditHistoryService {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly personalData: PersonalDataRegistry,
  ) {}

  /** An event as served: personal fields masked (clear values: POST /v1/personal-data/{subjectId}/reveal, recorded). */
  private readonly present = (e: RecordedEvent) => toAuditEvent({ ...e, data: maskPersonalFields(this.personalData, e.type, e.data) });

  /** An aggregate's history by kind and id; 400 naming `kind` (with the kinds) or `id`, 404 when it has no event. */
  async aggregate(kindName: string, id: string): Promise<AggregateHistoryResponse> {
    const kind = aggregateKind(kindName);
    if (!kind) throw new ValidationFailed([{ field: 'kind', message: `kind must be one of: ${AGGREGATE_KIND_NAMES.join(', ')}` }], `Unknown aggregate kind ${kindName}; the kinds are ${AGGREGATE_KIND_NAMES.join(', ')}`);
    if (!kind.id.test(id)) throw new ValidationFailed([{ field: 'id', message: `id is not a ${kindName} id (${kind.id.source})` }]);
    const streamId = kind.stream(id);
    const stored = await this.store.readStream(streamId);
    const events = kind.select ? stored.filter((e) => kind.select!(e, id)) : stored;
    if (events.length === 0) throw new NotFound(kindName, id);
    return { kind: kindName, id, streamId, revision: stored[stored.length - 1]!.revision.toString(), events: events.map(this.present) };
  }

  /** Any stream by its id (the payout ledger, org configuration, appraisals, bulletins …). */
  async stream(streamId: string): Promise<AggregateHistoryResponse> {
    if (!STREAM_ID.test(streamId)) throw new ValidationFailed([{ field: 'streamId', message: 'streamId must be a stream id: category-id (letters first; letters, digits, _ . : -)' }]);
    const events = await this.store.readStream(streamId);
    if (events.length === 0) throw new NotFound('Stream', streamId);
    return { kind: null, id: streamId, streamId, revision: events[events.length - 1]!.revision.toString(), events: events.map(this.present) };
  }

  /** One page of the filtered log; the cursor is the last item's position. */
  async log(query: AuditLogQuery): Promise<AuditLogPageResponse> {
    const limit = query.limit ?? 100;
    const fromCursor = query.cursor === undefined ? 0n : decodeLogCursor(query.cursor);
    const afterPosition = query.afterPosition === undefined ? 0n : BigInt(query.afterPosition);
    const read = await this.store.readLog({
      ...filtersOf(query),
      after: fromCursor > afterPosition ? fromCursor : afterPosition,
      ...(query.toPosition === undefined ? {} : { upTo: BigInt(query.toPosition) }),
      maxCount: limit + 1,
    });
    const items = read.events.slice(0, limit);
    const more = read.events.length > limit;
    const last = items[items.length - 1];
    return { items: items.map(this.present), next: more && last ? encodeLogCursor(last.position) : null, through: (more && last ? last.position : read.through).toString() };
  }

  /** Everything one request caused, across streams in position order, with a summary; 404 when nothing carries the id. */
  async correlation(correlationId: string): Promise<CorrelationResponse> {
    const events: RecordedEvent[] = [];
    let after = 0n;
    let truncated = false;
    for (;;) {
      const read = await this.store.readLog({ correlationId, after, maxCount: 1000 });
      events.push(...read.events);
      if (events.length > CORRELATION_LIMIT) {
        truncated = true;
        events.length = CORRELATION_LIMIT;
        break;
      }
      if (read.events.length < 1000) break;
      after = read.through;
    }
    if (events.length === 0) throw new NotFound('Correlation', correlationId);
    const distinct = (values: readonly string[]) => [...new Set(values)];
    const first = events[0]!;
    const last = events[events.length - 1]!;
    return {
      correlationId,
      summary: {
        events: events.length,
        streams: distinct(events.map((e) => e.streamId)),
        categories: distinct(events.map((e) => streamCategory(e.streamId))),
        eventTypes: distinct(events.map((e) => e.type)),
        actors: distinct(events.map((e) => e.metadata.actorId)),
        commandIds: distinct(events.map((e) => e.metadata.commandId)),
        firstPosition: first.position.toString(),
        lastPosition: last.position.toString(),
        firstRecordedAt: first.metadata.recordedAt,
        lastRecordedAt: last.metadata.recordedAt,
      },
      events: events.map(this.present),
      truncated,
    };
  }
}

function filtersOf(query: AuditLogQuery): ReadLogOptions {
  return {
    ...(query.type === undefined ? {} : { types: query.type }),
    ...(query.category === undefined ? {} : { categories: query.category }),
    ...(query.actorId === undefined ? {} : { actorId: query.actorId }),
    ...(query.correlationId === undefined ? {} : { correlationId: query.correlationId }),
    ...(query.from === undefined ? {} : { recordedFrom: query.from }),
    ...(query.to === undefined ? {} : { recordedTo: query.to }),
  };
}

/** An event as the audit API shows it: positions and revisions as decimal strings, the metadata as stored. */
export function toAuditEvent(event: RecordedEvent): AuditEventResponse {
  const m = event.metadata;
  return {
    streamId: event.streamId,
    revision: event.revision.toString(),
    position: event.position.toString(),
    type: event.type,
    schemaVersion: m.schemaVersion,
    data: event.data,
    metadata: {
      eventId: m.eventId,
      actorId: m.actorId,
      recordedAt: m.recordedAt,
      correlationId: m.correlationId,
      causationId: m.causationId,
      commandId: m.commandId,
      ...(m.requestFingerprint === undefined ? {} : { requestFingerprint: m.requestFingerprint }),
    },
  };
}
