import type { PoolClient } from 'pg';
import type { RecordedEvent } from '@app/event-store';
import { quoteIdent, tableNamer } from '../builds';
import type { ProjectionDefinition } from '../projection';
import type { Queryable } from './batch-writer';
import { TableSpec } from './table';
import { tableSpecMismatches } from './table-check';

/**
 * Test support for bulk projections: a hand-written log (streams with revisions, global positions), and the
 * build's tables after applying it as one batch or event by event, each into its own schema.
 */
export class EventLog {
  readonly events: RecordedEvent[] = [];
  private readonly revisions = new Map<string, bigint>();
  private n = 0;

  /** Appends an event to a stream; `at` is its recordedAt (defaults to a minute per event from 2026-03-02). */
  append(streamId: string, type: string, data: unknown, at?: string): RecordedEvent {
    const revision = this.revisions.has(streamId) ? this.revisions.get(streamId)! + 1n : 0n;
    this.revisions.set(streamId, revision);
    this.n += 1;
    const eventId = `00000000-0000-4000-9000-${String(this.n).padStart(12, '0')}`;
    const event: RecordedEvent = {
      streamId,
      revision,
      position: BigInt(this.n),
      type,
      data,
      metadata: {
        eventId,
        commandId: eventId,
        correlationId: eventId,
        causationId: eventId,
        actorId: 'actor-1',
        schemaVersion: 1,
        recordedAt: at ?? new Date(Date.UTC(2026, 2, 2, 1, this.n)).toISOString(),
      } as RecordedEvent['metadata'],
    };
    this.events.push(event);
    return event;
  }
}

/**
 * Creates the projection's tables in a fresh schema and applies the batches there, in one transaction each (a
 * projection without applyBatch, e.g. an older version kept as an oracle, gets them one by one).
 */
export async function applyInSchema(client: PoolClient, def: ProjectionDefinition, schema: string, batches: readonly (readonly RecordedEvent[])[]): Promise<void> {
  const t = tableNamer(schema);
  await client.query(`CREATE SCHEMA ${quoteIdent(schema)}`);
  await def.setup?.(client, t);
  const ctx = { client, t, mode: 'rebuild' as const, buildId: schema, parameters: {} };
  for (const batch of batches) {
    await client.query('BEGIN');
    try {
      const relevant = def.eventTypes ? batch.filter((e) => def.eventTypes!.includes(e.type)) : batch;
      if (def.applyBatch) {
        if (relevant.length > 0) await def.applyBatch(relevant, ctx);
      } else for (const event of relevant) await def.apply!(event, ctx);
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK');
      throw error;
    }
  }
}

/** Every table of the projection in that schema, rows as JSON sorted by their text (order-free comparison). */
export async function dumpSchema(client: PoolClient, def: ProjectionDefinition, schema: string): Promise<Record<string, unknown[]>> {
  const t = tableNamer(schema);
  const out: Record<string, unknown[]> = {};
  for (const table of def.tables) {
    const rows = await client.query<{ r: unknown }>(`SELECT to_jsonb(x) AS r FROM ${t(table)} x ORDER BY to_jsonb(x)::text`);
    out[table] = rows.rows.map((row) => row.r);
  }
  return out;
}

/** What differs between the specs and the tables setup() created in that schema ([] when they agree). */
export async function specMismatches(client: PoolClient, schema: string, specs: readonly TableSpec[]): Promise<string[]> {
  const problems: string[] = [];
  for (const spec of specs) problems.push(...(await tableSpecMismatches(client as unknown as Queryable, schema, spec)));
  return problems;
}
