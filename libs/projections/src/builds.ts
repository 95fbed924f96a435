import { randomBytes } from 'node:crypto';
import type { Pool, PoolClient } from 'pg';
import type { AnyProjection } from './projection';

/** One materialisation of one projection version, in its own schema. */
export interface BuildRow {
  build_id: string;
  projection: string;
  version: number;
  kind: 'projection' | 'reactor';
  schema_name: string;
  state: 'rebuilding' | 'live' | 'retired';
  stopped_at: Date | null;
  owner: string | null;
  position: string;
  effects_high_water: string;
  events_done: string;
  target_position: string | null;
  started_at: Date;
  updated_at: Date;
  caught_up_at: Date | null;
  last_event_at: Date | null;
  last_error: string | null;
}

const IDENT = /^[a-z][a-z0-9_]*$/;

export function quoteIdent(name: string): string {
  if (!IDENT.test(name)) throw new Error(`Unsafe SQL identifier: ${name}`);
  return `"${name}"`;
}

export function tableNamer(schema: string): (table: string) => string {
  return (table) => `${quoteIdent(schema)}.${quoteIdent(table)}`;
}

export async function loadBuilds(client: Pick<PoolClient, 'query'>, projection: string): Promise<BuildRow[]> {
  const result = await client.query<BuildRow>(
    `SELECT * FROM projection_builds WHERE projection = $1 AND state <> 'retired' ORDER BY started_at`,
    [projection],
  );
  return result.rows;
}

/**
 * Creates a build: its schema and tables (the definition's setup), and its row. A first build of a projection
 * goes live at once (views point at it while it catches up); later ones rebuild beside the live build.
 */
export async function createBuild(
  client: PoolClient,
  def: AnyProjection,
  state: 'live' | 'rebuilding',
  start: { position: bigint; effectsHighWater: bigint },
): Promise<BuildRow> {
  const buildId = `${def.name}:v${def.version}:${randomBytes(3).toString('hex')}`;
  const schema = `p_${def.name.replace(/-/g, '_')}_v${def.version}_${buildId.slice(-6)}`;
  await client.query(`CREATE SCHEMA ${quoteIdent(schema)}`);
  if (def.setup) await def.setup(client, tableNamer(schema));
  const result = await client.query<BuildRow>(
    `INSERT INTO projection_builds (build_id, projection, version, kind, schema_name, state, position, effects_high_water)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING *`,
    [buildId, def.name, def.version, def.kind ?? 'projection', schema, state, start.position.toString(), start.effectsHighWater.toString()],
  );
  if (state === 'live') await pointViews(client, def, schema);
  return result.rows[0]!;
}

/** rm.<table> views follow the live build: switching builds is one transaction. */
export async function pointViews(client: PoolClient, def: AnyProjection, schema: string): Promise<void> {
  for (const table of def.tables) {
    await client.query(`DROP VIEW IF EXISTS rm.${quoteIdent(table)}`);
    await client.query(`CREATE VIEW rm.${quoteIdent(table)} AS SELECT * FROM ${quoteIdent(schema)}.${quoteIdent(table)}`);
  }
}

/** Serialises build bookkeeping of one projection across instances (creation, switch, rebuild requests). */
export async function lockBuilds(client: PoolClient, projection: string): Promise<void> {
  await client.query(`SELECT pg_advisory_xact_lock(4243, hashtext($1))`, [projection]);
}

/** Runs `work` in one transaction on a client of its own: committed when it returns, rolled back when it throws. */
export async function inTransaction<T>(pool: Pool, work: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}
