import type { Pool } from 'pg';
import type { RecordedEvent } from '@app/event-store';
import { PostgresEventStore } from '@app/event-store';
import { diffSnapshots, generateHistory, GenerationSummary, snapshotTables, TableSnapshot } from '@app/generator';
import { isReactor, ProjectionDefinition, ProjectionRuntime, waitForProjections } from '@app/projections';
import { createTestDatabase, TestDatabase } from '@test/support';
import { CONTEXT_PROJECTIONS } from './contexts';

/**
 * Rule 2 of the runtime (deterministic rules): a read model's rows depend on the log alone. Every projection the
 * API registers runs live while the small generated history is appended chunk by chunk (so its batches end
 * wherever the appends happened to be), then is rebuilt from 0 in batches of another size; the two builds must be
 * equal row for row, with no dead letter and no stopped build.
 */

/** A projection that writes one row per batch it was given: its rows depend on batch boundaries (the control). */
const batchBoundaries: ProjectionDefinition = {
  name: 'batch-boundaries-control',
  version: 1,
  tables: ['batch_boundaries_control'],
  async setup(client, t) {
    await client.query(`CREATE TABLE ${t('batch_boundaries_control')} (first_position bigint PRIMARY KEY, events integer NOT NULL)`);
  },
  async applyBatch(events: readonly RecordedEvent[], ctx) {
    await ctx.client.query(`INSERT INTO ${ctx.t('batch_boundaries_control')} VALUES ($1, $2) ON CONFLICT DO NOTHING`, [String(events[0]!.position), events.length]);
  },
};

const projections = CONTEXT_PROJECTIONS.filter((d) => !isReactor(d));

async function liveSchemas(pool: Pool): Promise<Map<string, string>> {
  const rows = await pool.query<{ projection: string; schema_name: string }>(`SELECT projection, schema_name FROM projection_builds WHERE state = 'live'`);
  return new Map(rows.rows.map((r) => [r.projection, r.schema_name]));
}

async function snapshot(pool: Pool, defs: readonly { name: string; tables: readonly string[] }[]): Promise<Map<string, TableSnapshot[]>> {
  const schemas = await liveSchemas(pool);
  const out = new Map<string, TableSnapshot[]>();
  for (const def of defs) out.set(def.name, await snapshotTables(pool, schemas.get(def.name)!, def.tables));
  return out;
}

describe('every registered projection over the small generated history', () => {
  let db: TestDatabase;
  let store: PostgresEventStore;
  let summary: GenerationSummary | undefined;
  let live: Map<string, TableSnapshot[]>;
  let rebuilt: Map<string, TableSnapshot[]>;
  let problems: { deadLetters: unknown[]; stopped: unknown[] };
  const runtimes: ProjectionRuntime[] = [];

  beforeAll(async () => {
    db = await createTestDatabase();
    store = new PostgresEventStore(db.pool, { pollIntervalMs: 50 });
    const defs = [...projections, batchBoundaries];
    const first = new ProjectionRuntime(db.pool, store, defs, { leaseIntervalMs: 100 });
    runtimes.push(first);
    await first.start();
    // live: the projections follow the appends as they come, chunk after chunk (through the batch path when the store has it)
    summary = await generateHistory({ size: 'small', seed: 'rebuild-equals-live', chunkEvents: 700, store });
    await waitForProjections(db.pool, store, first, 540_000);
    live = await snapshot(db.pool, defs);
    await first.stop();

    // rebuilt from 0 by a fresh runtime, in batches of another size
    const second = new ProjectionRuntime(db.pool, store, defs, { leaseIntervalMs: 100, batchSize: 173 });
    runtimes.push(second);
    await second.start();
    for (const def of defs) await second.requestRebuild(def.name);
    await waitForProjections(db.pool, store, second, 540_000);
    rebuilt = await snapshot(db.pool, defs);
    problems = {
      deadLetters: (await db.pool.query('SELECT projection, position, event_type, error FROM projection_dead_letters')).rows,
      stopped: (await db.pool.query('SELECT build_id, last_error FROM projection_builds WHERE stopped_at IS NOT NULL')).rows,
    };
  }, 1_500_000);

  afterAll(async () => {
    for (const r of runtimes) await r.stop();
    await store?.close();
    await db?.drop();
  });

  it('is a history the system accepts: no command refused, about 20,000 events', () => {
    expect(summary!.refused).toEqual([]);
    expect(summary!.events).toBeGreaterThan(15_000);
  });

  it('leaves no dead letter and no stopped build, live or rebuilt', () => {
    expect(problems).toEqual({ deadLetters: [], stopped: [] });
  });

  it.each(projections.map((d) => [d.name]))('%s: the rebuild equals the live build row for row', (name) => {
    const diff = diffSnapshots(live.get(name)!, rebuilt.get(name)!);
    expect(diff.join('\n')).toBe('');
    // not vacuous: the history reached this read model
    expect(live.get(name)!.some((t) => t.rows.length > 0)).toBe(true);
  });

  it('rewards: the history reaches its entitlement lines, of every family', () => {
    const table = (name: string) => live.get('rewards')!.find((t) => t.table === name)!.rows.map((r) => JSON.parse(r) as Record<string, unknown>);
    const families = new Set(table('entitlements').map((r) => r.family));
    expect([...families].sort()).toEqual(['adoption', 'engagement', 'item', 'ranking']);
  });

  it('tells builds apart when rows depend on batch boundaries (the comparison can fail)', () => {
    expect(diffSnapshots(live.get(batchBoundaries.name)!, rebuilt.get(batchBoundaries.name)!)).not.toEqual([]);
  });
});
