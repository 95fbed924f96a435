import { assertNever, Decider, RuleViolation } from '@app/kernel';
import type { MetricsCounts, MetricsEvent, MetricsRecorded } from './metrics.events';

export const metricsStream = (publicationId: string): string => `metrics-${publicationId}`;

/** How far ahead of the command's `now` an observation may be stamped (clock skew of the platform's exporter). */
export const FUTURE_TOLERANCE_MS = 5 * 60_000;
export const SOURCE_MAX_LENGTH = 100;

/**
 * What the handler found about the publication on the draft's stream (`draft-<draftId>`): its DraftPublished, and
 * whether the draft was retracted since. The decider does not read it: it arrives in the command.
 */
export interface PublicationFacts {
  readonly publicationId: string;
  readonly draftId: string;
  readonly channelId: string;
  readonly platform: string;
  readonly publishedAt: string;
  readonly retracted: boolean;
}

export type MetricsCommand = {
  readonly type: 'RecordMetrics';
  readonly publication: PublicationFacts;
  /** ISO 8601 instant (normalised by the caller). */
  readonly observedAt: string;
  readonly source: string;
  readonly counts: MetricsCounts;
  readonly recordedBy: string;
  /** The command's time: observations later than now + 5 minutes are refused. */
  readonly now: string;
};

/** One effective observation (the latest counts for its key) and the counts that earlier events gave it. */
export interface Observation {
  readonly observedAt: string;
  readonly source: string;
  readonly counts: MetricsCounts;
}

export interface MetricsState {
  readonly publicationId: string | null;
  /** Effective counts per observation key (`observedAt|source`). */
  readonly observations: ReadonlyMap<string, Observation>;
}

export type MetricsOutcome = 'recorded' | 'corrected' | 'unchanged';

export const observationKey = (observedAt: string, source: string): string => `${observedAt}|${source}`;

export const countsOf = (d: MetricsCounts): MetricsCounts => ({ reads: d.reads, reposts: d.reposts, interactions: d.interactions, followers: d.followers });

const sameCounts = (a: MetricsCounts, b: MetricsCounts): boolean =>
  a.reads === b.reads && a.reposts === b.reposts && a.interactions === b.interactions && a.followers === b.followers;

/** What a RecordMetrics decision did: no event is "unchanged", an event with `replaces` "corrected". */
export function metricsOutcome(events: readonly MetricsEvent[]): MetricsOutcome {
  const last = events[events.length - 1];
  if (!last) return 'unchanged';
  return last.data.replaces === null ? 'recorded' : 'corrected';
}

function initialState(): MetricsState {
  return { publicationId: null, observations: new Map() };
}

function evolve(state: MetricsState, event: MetricsEvent): MetricsState {
  switch (event.type) {
    case 'MetricsRecorded': {
      const d = event.data;
      const observations = new Map(state.observations);
      observations.set(observationKey(d.observedAt, d.source), { observedAt: d.observedAt, source: d.source, counts: countsOf(d) });
      return { publicationId: d.publicationId, observations };
    }
    default:
      return state;
  }
}

const isCount = (value: unknown): value is number => typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;

function assertCounts(counts: MetricsCounts): void {
  for (const field of ['reads', 'reposts', 'interactions'] as const) {
    if (!isCount(counts[field])) throw new RuleViolation('metrics-count-invalid', `${field} must be a non-negative whole number`, { field });
  }
  if (counts.followers !== null && !isCount(counts.followers)) {
    throw new RuleViolation('metrics-count-invalid', 'followers must be a non-negative whole number or absent', { field: 'followers' });
  }
}

/**
 * Records one observation. Idempotent per (publication, observedAt, source): the same counts again decide
 * nothing; other counts for a known key are a correction naming what they replace; late observations (earlier
 * than ones already recorded) are normal. Refused: a retracted draft, counts that are not non-negative safe
 * integers, an observation before the publication or more than 5 minutes after `now`.
 */
function recordMetrics(c: MetricsCommand, state: MetricsState): MetricsEvent[] {
  const p = c.publication;
  if (state.publicationId !== null && state.publicationId !== p.publicationId) {
    throw new RuleViolation('metrics-publication-mismatch', `This stream holds the metrics of publication ${state.publicationId}`, { field: 'publicationId' });
  }
  if (p.retracted) throw new RuleViolation('draft-retracted', `Draft ${p.draftId} was retracted: its publications take no further metrics`, { field: 'draftId' });
  if (typeof c.source !== 'string' || c.source.trim() === '' || c.source.length > SOURCE_MAX_LENGTH) {
    throw new RuleViolation('metrics-source-invalid', `source names where the counts come from (1-${SOURCE_MAX_LENGTH} characters)`, { field: 'source' });
  }
  assertCounts(c.counts);
  const observed = Date.parse(c.observedAt);
  if (Number.isNaN(observed)) throw new RuleViolation('metrics-observed-at-invalid', 'observedAt is not an instant', { field: 'observedAt' });
  if (observed < Date.parse(p.publishedAt)) {
    throw new RuleViolation('metrics-before-publication', `observedAt ${c.observedAt} is before the publication (${p.publishedAt})`, { field: 'observedAt', publishedAt: p.publishedAt });
  }
  if (observed > Date.parse(c.now) + FUTURE_TOLERANCE_MS) {
    throw new RuleViolation('metrics-in-the-future', `observedAt ${c.observedAt} is more than 5 minutes after now (${c.now})`, { field: 'observedAt', now: c.now });
  }
  const earlier = state.observations.get(observationKey(c.observedAt, c.source));
  if (earlier && sameCounts(earlier.counts, c.counts)) return [];
  const event: MetricsRecorded = {
    type: 'MetricsRecorded',
    data: {
      publicationId: p.publicationId,
      draftId: p.draftId,
      channelId: p.channelId,
      platform: p.platform,
      publishedAt: p.publishedAt,
      observedAt: c.observedAt,
      source: c.source,
      ...countsOf(c.counts),
      replaces: earlier ? countsOf(earlier.counts) : null,
      recordedBy: c.recordedBy,
      recordedAt: c.now,
    },
  };
  return [event];
}

function decide(command: MetricsCommand, state: MetricsState): MetricsEvent[] {
  switch (command.type) {
    case 'RecordMetrics':
      return recordMetrics(command, state);
    default:
      return assertNever(command.type, 'metrics command');
  }
}

export const metricsDecider: Decider<MetricsCommand, MetricsState, MetricsEvent> = { initialState, evolve, decide };
