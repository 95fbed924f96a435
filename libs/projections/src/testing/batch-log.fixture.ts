import type { RecordedEvent } from '@app/event-store';
import type { ProjectionContext, ProjectionDefinition } from '../projection';

export interface BatchLog extends ProjectionDefinition {
  /** Positions of each applyBatch call, in call order (a failed batch shows up too, then its one-event retries). */
  readonly calls: bigint[][];
  /** mode, buildId and parameters of each call. */
  readonly contexts: Array<Pick<ProjectionContext, 'mode' | 'buildId' | 'parameters'>>;
  /** While true, an event of type Poison fails. */
  poisoned: boolean;
}

/**
 * A bulk projection: one multi-row INSERT per batch into batch_log (position, stream, type, serial seq), so the
 * rows show what was applied and in which order; not idempotent (a redelivered event is a second row). It takes
 * one parameter, ignoreType: a what-if that leaves out the events of that type.
 */
export function batchLog(extra: Partial<ProjectionDefinition> = {}): BatchLog {
  const def: BatchLog = {
    name: 'batch-log',
    version: 1,
    tables: ['batch_log'],
    calls: [],
    contexts: [],
    poisoned: true,
    parameters: { ignoreType: (value) => (typeof value === 'string' && value.length > 0 ? undefined : 'an event type name') },
    async setup(client, t) {
      await client.query(`CREATE TABLE ${t('batch_log')} (seq bigserial PRIMARY KEY, position bigint NOT NULL, stream_id text NOT NULL, type text NOT NULL)`);
    },
    async applyBatch(events: readonly RecordedEvent[], ctx: ProjectionContext) {
      def.calls.push(events.map((e) => e.position));
      def.contexts.push({ mode: ctx.mode, buildId: ctx.buildId, parameters: ctx.parameters });
      if (def.poisoned && events.some((e) => e.type === 'Poison')) throw new Error('cannot digest Poison');
      const kept = events.filter((e) => e.type !== ctx.parameters['ignoreType']);
      await ctx.client.query(
        `INSERT INTO ${ctx.t('batch_log')} (position, stream_id, type) SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[])`,
        [kept.map((e) => e.position.toString()), kept.map((e) => e.streamId), kept.map((e) => e.type)],
      );
    },
    ...extra,
  };
  return def;
}
