import type { RecordedEvent } from '@app/event-store';
import type { PoolClient } from 'pg';

/**
 * A projection maps events to SQL. The runtime owns the transaction, the batch and the checkpoint; every
 * statement a projection issues must be safe to apply twice (ON CONFLICT, guards on revision).
 */
export interface ProjectionContext {
  /** The batch's transaction: the checkpoint moves in the same transaction. */
  readonly client: PoolClient;
  /** Qualified name of one of this build's tables, e.g. t('drafts') -> "p_drafts_v2_ab12cd"."drafts". */
  t(table: string): string;
  /** 'rebuild' while a build catches up beside the live one (or from scratch); 'live' once it serves. */
  readonly mode: 'live' | 'rebuild';
}

export interface ReactorContext extends ProjectionContext {
  /** True only for events no earlier build of this reactor has seen live: effects run only then. */
  readonly live: boolean;
  /**
   * Performs an effect at most once per key, and only live: in a rebuild or on redelivery it is skipped.
   * The key is recorded in the batch's transaction.
   */
  effect(key: string, perform: () => Promise<void>): Promise<boolean>;
}

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
}

export interface ProjectionDefinition extends DefinitionBase {
  readonly kind?: 'projection';
  apply(event: RecordedEvent, ctx: ProjectionContext): Promise<void>;
}

export interface ReactorDefinition extends DefinitionBase {
  readonly kind: 'reactor';
  /** Where a brand-new reactor starts: 'head' (default) ignores history, 'beginning' replays it without effects. */
  readonly startFrom?: 'head' | 'beginning';
  apply(event: RecordedEvent, ctx: ReactorContext): Promise<void>;
}

export type AnyProjection = ProjectionDefinition | ReactorDefinition;

export const PROJECTIONS = Symbol('PROJECTIONS');

export function isReactor(def: AnyProjection): def is ReactorDefinition {
  return def.kind === 'reactor';
}
