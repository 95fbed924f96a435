import type { RecordedEvent } from '@app/event-store';
import type { PoolClient } from 'pg';

/**
 * How a build runs: 'live' serves rm.*; 'rebuild' catches up beside the live build and takes over when it reaches
 * the head; 'shadow' builds with parameters and/or up to a target position into its own schema, is read only by
 * asking for it, and never goes live.
 */
export type BuildMode = 'live' | 'rebuild' | 'shadow';

/** Parameters a build was started with (a shadow build's what-if); {} for live builds and rebuilds. */
export type BuildParameters = Readonly<Record<string, unknown>>;

/**
 * A projection maps events to SQL. The runtime owns the transaction, the batch and the checkpoint; every
 * statement a projection issues must be safe to apply twice (ON CONFLICT, guards on revision).
 */
export interface ProjectionContext {
  /** The batch's transaction: the checkpoint moves in the same transaction. */
  readonly client: PoolClient;
  /** Qualified name of one of this build's tables, e.g. t('drafts') -> "p_drafts_v2_ab12cd"."drafts". */
  t(table: string): string;
  readonly mode: BuildMode;
  /** The build being written (projection_builds.build_id). */
  readonly buildId: string;
  /** What the build was started with; a projection reads only the keys it declares in `parameters`. */
  readonly parameters: BuildParameters;
}

export interface ReactorContext extends ProjectionContext {
  /**
   * True only for this event in a live build above the effects high-water mark (the highest position an earlier
   * live build of this reactor has processed): false in a rebuild, a shadow build and for history.
   */
  readonly live: boolean;
  /**
   * Records an effect intent in the batch's transaction (the outbox, ADR 0014); the dispatcher performs
   * `effects[intent.task](intent.payload, { key, ... })` after the batch commits, with retries. Returns false
   * (recording nothing) when the event is not live or the key was already recorded by this reactor.
   */
  effect(key: string, intent: EffectIntent): Promise<boolean>;
}

/** What a reactor asks the dispatcher to do: one of its `effects` tasks, with a JSON payload. */
export interface EffectIntent {
  readonly task: string;
  readonly payload: EffectPayload;
}

export type EffectPayload = null | boolean | number | string | readonly EffectPayload[] | { readonly [key: string]: EffectPayload };

/** What the receiver of an effect gets besides the payload. */
export interface EffectDelivery {
  /**
   * The key the reactor recorded the intent under. Delivery is at least once: a crash between performing and
   * recording the outcome delivers again with the same key, so a receiver deduplicates on it.
   */
  readonly key: string;
  readonly reactor: string;
  /** 1 for the first delivery; counts on across retries (also those from POST /v1/ops/effects/:id/retry). */
  readonly attempt: number;
}

/** Performs one effect; throwing schedules a retry with backoff (failed after the last attempt). */
// Method syntax so that a handler may declare the payload type it expects (parameters are then bivariant).
export type EffectHandler = { perform(payload: unknown, delivery: EffectDelivery): Promise<void> }['perform'];

interface DefinitionBase {
  /** kebab-case, unique: also the prefix of the build's schema. */
  readonly name: string;
  /** Bump it when the tables or the mapping change: the new version rebuilds beside the old and takes over. */
  readonly version: number;
  /** Tables this projection owns; each is exposed as the view rm.<table> pointing at the live build. */
  readonly tables: readonly string[];
  /** Creates the build's tables (use t(name) for every table name). */
  setup?(client: PoolClient, t: (table: string) => string): Promise<void>;
  /** 'stop' (default): halt at a failing event until retried; 'skip': dead-letter it and go on. */
  readonly onError?: 'stop' | 'skip';
  /** Only these event types are delivered (all when omitted). */
  readonly eventTypes?: readonly string[];
  /**
   * The most events a batch of this projection holds, whatever the runtime's batch sizes: for a projection whose
   * events carry large payloads (a closed payout statement holds every line of a month), so that a rebuild, which
   * reads thousands of a sparse type at once, holds a few of them in memory at a time.
   */
  readonly maxBatchEvents?: number;
  /**
   * The build parameters this projection understands, each with a check that returns what is wrong with a value
   * (undefined when it is fine). A shadow build naming another key, or a value its check refuses, is refused.
   */
  readonly parameters?: Readonly<Record<string, (value: unknown) => string | undefined>>;
}

/**
 * A projection gets its events in batches (position order, only its eventTypes, operator-skipped events left
 * out) and writes each batch with few statements. It keeps no state between calls other than its tables: when a
 * batch fails the runtime rolls it back and applies it again event by event (applyBatch([event])) to find the
 * culprit. `apply` (one event at a time) is the older form, kept while projections move to applyBatch.
 */
export interface ProjectionDefinition extends DefinitionBase {
  readonly kind?: 'projection';
  applyBatch?(events: readonly RecordedEvent[], ctx: ProjectionContext): Promise<void>;
  apply?(event: RecordedEvent, ctx: ProjectionContext): Promise<void>;
}

export interface ReactorDefinition extends DefinitionBase {
  readonly kind: 'reactor';
  /** Where a brand-new reactor starts: 'head' (default) ignores history, 'beginning' replays it without effects. */
  readonly startFrom?: 'head' | 'beginning';
  apply(event: RecordedEvent, ctx: ReactorContext): Promise<void>;
  /** The tasks ctx.effect may name: performed by the effect dispatcher after the batch commits, never in it. */
  readonly effects: Readonly<Record<string, EffectHandler>>;
}

export type AnyProjection = ProjectionDefinition | ReactorDefinition;

export const PROJECTIONS = Symbol('PROJECTIONS');

export function isReactor(def: AnyProjection): def is ReactorDefinition {
  return def.kind === 'reactor';
}
