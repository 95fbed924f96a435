import { randomBytes } from 'node:crypto';
import type { Pool, PoolClient } from 'pg';
import type { AnyProjection, BuildParameters } from './projection';

/** One materialisation of one projection version, in its own schema. */
export interface BuildRow {
  build_id: string;
  projection: string;
  version: number;
  kind: 'projection' | 'reactor';
  schema_name: string;
  state: BuildState;
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
  /** What a shadow build was started with ({} otherwise). */
  parameters: BuildParameters;
  purpose: string | null;
  created_by: string | null;
  expires_at: Date | null;
  last_read_at: Date | null;
  /** When a build with a target_position applied everything up to it. */
  reached_target_at: Date | null;
}

/** rebuilding: catching up to take over; live: serving rm.*; shadow: what-if/as-of, never live; retired: replaced. */
export type BuildState = 'rebuilding' | 'live' | 'retired' | 'shadow';

/** What a shadow build is started with (validated by ProjectionRuntime.startShadowBuild). */
export interface ShadowBuildSpec {
  readonly parameters: BuildParameters;
  readonly targetPosition: bigint | null;
  readonly purpose: string | null;
  readonly createdBy: string | null;
  readonly ttlSeconds: number | null;
}

const IDENT = /^[a-z][a-z0-9_]*$/;

export function quoteIdent(name: string): string {
  if (!IDENT.test(name)) throw new Error(`Unsafe SQL identifier: ${name}`);
  return `"${name}"`;
}

export function tableNamer(schema: string): (table: string) => string {
  return (table) => `${quoteIdent(schema)}.${quoteIdent(table)}`;
}

/** Non-retired builds of one projection, oldest first (live, rebuilding and shadow builds). */
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
  state: 'live' | 'rebuilding' | 'shadow',
  start: { position: bigint; effectsHighWater: bigint },
  shadow?: ShadowBuildSpec,
): Promise<BuildRow> {
  const buildId = `${def.name}:v${def.version}:${randomBytes(3).toString('hex')}`;
  const schema = `p_${def.name.replace(/-/g, '_')}_v${def.version}_${buildId.slice(-6)}`;
  await client.query(`CREATE SCHEMA ${quoteIdent(schema)}`);
  if (def.setup) await def.setup(client, tableNamer(schema));
  const result = await client.query<BuildRow>(
    `INSERT INTO projection_builds (build_id, projection, version, kind, schema_name, state, position, effects_high_water,
                                    parameters, target_position, purpose, created_by, expires_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, now() + make_interval(secs => $13)) RETURNING *`,
    [
      buildId,
      def.name,
      def.version,
      def.kind ?? 'projection',
      schema,
      state,
      start.position.toString(),
      start.effectsHighWater.toString(),
      JSON.stringify(shadow?.parameters ?? {}),
      shadow?.targetPosition?.toString() ?? null,
      shadow?.purpose ?? null,
      shadow?.createdBy ?? null,
      shadow?.ttlSeconds ?? null,
    ],
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

/**
 * Runs `work` in one transaction on a client of its own: committed when it returns, rolled back when it throws.
 * `snapshot`: a REPEATABLE READ READ ONLY transaction, so several reads see one snapshot of the read models.
 */
export async function inTransaction<T>(pool: Pool, work: (client: PoolClient) => Promise<T>, mode: 'write' | 'snapshot' = 'write'): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query(mode === 'snapshot' ? 'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY' : 'BEGIN');
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

/** Drops a build's schema and its row (dead letters go with it). The caller holds lockBuilds(projection). */
export async function deleteBuild(client: PoolClient, build: Pick<BuildRow, 'build_id' | 'schema_name'>): Promise<void> {
  await client.query('DELETE FROM projection_builds WHERE build_id = $1', [build.build_id]);
  await client.query(`DROP SCHEMA IF EXISTS ${quoteIdent(build.schema_name)} CASCADE`);
}

/**
 * Starts a non-live build over from position 0 in place (same id): its tables are recreated empty. Used when a
 * dead-lettered event of a rebuilding or shadow build is retried: the runner then applies the whole log again,
 * in order. A batch in flight holds the build row: the update waits for it, and the runner is fenced off by the
 * position it finds afterwards.
 */
export async function resetBuild(client: PoolClient, def: AnyProjection, build: BuildRow): Promise<void> {
  await client.query(
    `UPDATE projection_builds SET position = 0, events_done = 0, stopped_at = NULL, last_error = NULL, reached_target_at = NULL,
            caught_up_at = NULL, last_event_at = NULL, started_at = now(), updated_at = now() WHERE build_id = $1`,
    [build.build_id],
  );
  await client.query(`DROP SCHEMA IF EXISTS ${quoteIdent(build.schema_name)} CASCADE`);
  await client.query(`CREATE SCHEMA ${quoteIdent(build.schema_name)}`);
  if (def.setup) await def.setup(client, tableNamer(build.schema_name));
}
