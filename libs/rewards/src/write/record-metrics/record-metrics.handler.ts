import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { CommandContext, deterministicUuid, DomainError } from '@app/kernel';
import { EVENT_STORE, EventStore, EventToAppend, RecordedEvent, StreamAppend, UpcasterRegistry, WrongExpectedRevision } from '@app/event-store';
import { MetricsCommand, metricsDecider, metricsOutcome, MetricsOutcome, MetricsState, metricsStream, PublicationFacts } from '../../domain/metrics.decider';
import type { MetricsEvent, MetricsRecorded } from '../../domain/metrics.events';
import { PublicationFactsReader } from '../publication-facts';
import type { MetricsObservationRequest } from './record-metrics.request';

/** One item of a batch: a validated observation, or the error that rejected it before any decision. */
export type MetricsBatchItem = { readonly observation: MetricsObservationRequest } | { readonly error: DomainError };

export type MetricsItemDecision =
  | { readonly index: number; readonly status: MetricsOutcome; readonly position: bigint | undefined }
  | { readonly index: number; readonly status: 'rejected'; readonly error: DomainError };

/** Record a batch of observations (POST /v1/metrics): each item decided on its own, the accepted ones appended together. */
export class RecordMetricsCommand {
  constructor(
    readonly items: readonly MetricsBatchItem[],
    readonly recordedBy: string,
    readonly now: string,
    readonly context: CommandContext,
  ) {}
}

interface Slot {
  state: MetricsState;
  revision: bigint | undefined;
  position: bigint | undefined;
  readonly history: readonly RecordedEvent[];
}

/** Concurrent writers on the same publications: re-read and re-decide this many times. */
const RETRIES = 3;

/**
 * Each item is decided by the metrics decider on its publication's stream, in the order of the batch (two items of
 * one key: the second sees the first), with the facts of its publication read once per draft. Every accepted item
 * is one event, appended with the revision its stream had (a later item of the same stream expects the earlier
 * one), and all of them go in ONE appendMany: on PostgreSQL one transaction, so a batch lands whole or not at all
 * (a concurrent append to one of its streams re-reads and re-decides everything). An item has its own command id
 * (the request's, with the index): a retry with the same Idempotency-Key finds its events and answers what the
 * first run did.
 */
@CommandHandler(RecordMetricsCommand)
export class RecordMetricsHandler implements ICommandHandler<RecordMetricsCommand, MetricsItemDecision[]> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly publications: PublicationFactsReader,
    private readonly upcasters: UpcasterRegistry,
  ) {}

  async execute(command: RecordMetricsCommand): Promise<MetricsItemDecision[]> {
    for (let attempt = 0; ; attempt++) {
      const { decisions, appends, appendOf } = await this.decideAll(command);
      if (appends.length === 0) return decisions;
      await command.context.bindIdempotencyKey?.();
      try {
        const results = await this.store.appendMany(appends);
        return decisions.map((d) => (appendOf.has(d.index) ? { ...d, position: results[appendOf.get(d.index)!]!.position } : d));
      } catch (error) {
        if (error instanceof WrongExpectedRevision && attempt < RETRIES) continue;
        throw error;
      }
    }
  }

  private async decideAll(command: RecordMetricsCommand) {
    const { context } = command;
    const drafts = new Map<string, Promise<(publicationId: string) => PublicationFacts>>();
    const slots = new Map<string, Promise<Slot>>();
    const decisions: MetricsItemDecision[] = [];
    const appends: StreamAppend[] = [];
    const appendOf = new Map<number, number>();
    for (const [index, item] of command.items.entries()) {
      if ('error' in item) {
        decisions.push({ index, status: 'rejected', error: item.error });
        continue;
      }
      const o = item.observation;
      try {
        if (!drafts.has(o.draftId)) drafts.set(o.draftId, this.publications.forDraft(o.draftId));
        const publication = (await drafts.get(o.draftId)!)(o.publicationId);
        const stream = metricsStream(o.publicationId);
        if (!slots.has(stream)) slots.set(stream, this.slot(stream));
        const slot = await slots.get(stream)!;
        const commandId = deterministicUuid(context.commandId, 'metrics', String(index));
        const earlier = slot.history.filter((e) => e.metadata.commandId === commandId);
        if (earlier.length > 0) {
          // this request ran before (the same Idempotency-Key): what its first run decided
          decisions.push({ index, status: metricsOutcome(earlier.map((e) => ({ type: e.type, data: e.data }) as MetricsRecorded)), position: earlier[earlier.length - 1]!.position });
          continue;
        }
        const decided: MetricsCommand = {
          type: 'RecordMetrics',
          publication,
          observedAt: new Date(o.observedAt).toISOString(),
          source: o.source,
          counts: { reads: o.reads, reposts: o.reposts, interactions: o.interactions, followers: o.followers ?? null },
          recordedBy: command.recordedBy,
          now: command.now,
        };
        const events = metricsDecider.decide(decided, slot.state);
        if (events.length === 0) {
          decisions.push({ index, status: 'unchanged', position: slot.position });
          continue;
        }
        appendOf.set(index, appends.length);
        appends.push({ stream, events: events.map((e, i) => this.toAppend(e, stream, commandId, i, context)), expected: slot.revision ?? 'no_stream' });
        for (const e of events) slot.state = metricsDecider.evolve(slot.state, e);
        slot.revision = (slot.revision ?? -1n) + BigInt(events.length);
        decisions.push({ index, status: metricsOutcome(events), position: undefined });
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        decisions.push({ index, status: 'rejected', error });
      }
    }
    return { decisions, appends, appendOf };
  }

  private async slot(stream: string): Promise<Slot> {
    const history = await this.store.readStream(stream);
    const last = history[history.length - 1];
    const state = history.reduce((s, e) => metricsDecider.evolve(s, e as unknown as MetricsEvent), metricsDecider.initialState());
    return { state, revision: last?.revision, position: last?.position, history };
  }

  private toAppend(event: MetricsEvent, stream: string, commandId: string, index: number, context: CommandContext): EventToAppend {
    return {
      type: event.type,
      data: event.data,
      metadata: {
        eventId: deterministicUuid(commandId, stream, String(index)),
        commandId,
        correlationId: context.correlationId ?? context.commandId,
        causationId: context.causationId ?? context.commandId,
        actorId: context.actorId,
        schemaVersion: this.upcasters.currentVersion(event.type),
        ...(context.requestFingerprint === undefined ? {} : { requestFingerprint: context.requestFingerprint }),
      },
    };
  }
}
