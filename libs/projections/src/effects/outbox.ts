import type { PoolClient } from 'pg';
import type { RecordedEvent } from '@app/event-store';
import type { EffectIntent, ProjectionContext, ReactorContext, ReactorDefinition } from '../projection';
import { enqueueEffect } from './effect-queue';

/**
 * The reactor part of a batch's context. An effect is recorded only for a live build's event above the effects
 * high-water mark, never performed here: the intent row and its pg-boss job are written in the batch's
 * transaction, so the rollback of a failing batch takes both back and the event-by-event replay records it once.
 */
export function reactorContext(def: ReactorDefinition, base: ProjectionContext, event: RecordedEvent, highWater: bigint): ReactorContext {
  const live = base.mode === 'live' && event.position > highWater;
  return {
    ...base,
    live,
    effect: async (key: string, intent: EffectIntent) => {
      if (!live) return false;
      return recordEffect(base.client, def, { key, position: event.position, buildId: base.buildId, ...intent });
    },
  };
}

export interface EffectRecord extends EffectIntent {
  readonly key: string;
  readonly position: bigint;
  readonly buildId: string;
}

/** Inserts the intent (false when the reactor already recorded this key) and enqueues its delivery. */
export async function recordEffect(client: PoolClient, def: ReactorDefinition, record: EffectRecord): Promise<boolean> {
  if (!Object.hasOwn(def.effects, record.task)) throw new Error(`reactor ${def.name} has no effect task ${record.task}`);
  const inserted = await client.query<{ id: string }>(
    `INSERT INTO reactor_effects (reactor, effect_key, position, build_id, task, payload, status)
     VALUES ($1, $2, $3, $4, $5, $6::jsonb, 'pending') ON CONFLICT DO NOTHING RETURNING id`,
    [def.name, record.key, record.position.toString(), record.buildId, record.task, JSON.stringify(record.payload)],
  );
  const id = inserted.rows[0]?.id;
  if (id === undefined) return false;
  const jobId = await enqueueEffect(client, id);
  await client.query('UPDATE reactor_effects SET job_id = $2 WHERE id = $1', [id, jobId]);
  return true;
}
