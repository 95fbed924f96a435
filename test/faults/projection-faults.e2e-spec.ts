import { ChildProcess, spawn } from 'node:child_process';
import { Pool } from 'pg';
import { PostgresEventStore } from '@app/event-store';
import { ProjectionRuntime } from '@app/projections';
import { createTestDatabase } from '@test/support';
import { CONTEXT_PROJECTIONS } from '../../apps/api/src/contexts';
import { buildInProcess, cloneDatabase, Database, differences, dropDatabase, pendingBuilds, readModels, resetReadSide, seededRandom, waitUntil } from './fault-support';
import { compileWorker } from './compile-worker';
import { generateChunks } from '@app/generator';
import { appendAll, asAppends, handMadeHistory, HistoryAppend } from './hand-made-history';

/**
 * The projection process is SIGKILLed at random points (seeded: FAULT_SEED) while it runs every projection the
 * API registers: during live catch-up (first builds, live from position 0) and during a rebuild (blue/green,
 * beside the live build), while the rest of the history is being appended. After each run of kills it is started
 * again and left to finish; then every table of every projection must equal, row for row, a clean build of the
 * same log (a copy of the database with its read side removed). FAULT_RUNS is the number of kills (npm test: 3;
 * npm run test:faults: 20).
 */
const KILLS = Number(process.env.FAULT_RUNS ?? 3);
const SEED = Number(process.env.FAULT_SEED ?? 20261202);
const DEFS = CONTEXT_PROJECTIONS;
const RUN_TIMEOUT_MS = Number(process.env.FAULT_RUN_TIMEOUT_MS ?? 240_000);
/** The share of the history already in the log when a run starts; the rest is appended while it runs. */
const PREFIX = 0.6;
/** 'hand-made' (npm test: a few hundred events through the API) or 'generated' (the generator's small history, about 20k). */
const HISTORY = process.env.FAULT_HISTORY ?? 'hand-made';

async function history(): Promise<HistoryAppend[]> {
  if (HISTORY === 'hand-made') return asAppends(await handMadeHistory(Number(process.env.FAULT_DRAFTS ?? 6)));
  if (HISTORY !== 'generated') throw new Error(`FAULT_HISTORY must be hand-made or generated, not ${HISTORY}`);
  const appends: HistoryAppend[] = [];
  for await (const chunk of generateChunks({ size: 'small', seed: `faults-${SEED}` })) appends.push(...chunk);
  return appends;
}

type Scenario = 'catch-up' | 'rebuild';

describe(`the projection process SIGKILLed at random points (${KILLS} kills, seed ${SEED}, ${HISTORY} history)`, () => {
  let pristine: Database; // the history's prefix, no read side
  let built: Database; // the same, every projection built and live
  let tail: HistoryAppend[];
  const children = new Set<ChildProcess>();
  const random = seededRandom(SEED);

  let workerArgs: string[];

  beforeAll(async () => {
    workerArgs = compileWorker();
    const appends = await history();
    const cut = Math.floor(appends.length * PREFIX);
    tail = appends.slice(cut);
    const db = await createTestDatabase({ poolSize: 4 });
    const store = new PostgresEventStore(db.pool);
    await appendAll(store, appends.slice(0, cut));
    await store.close();
    await db.pool.end();
    pristine = { name: new URL(db.url).pathname.slice(1), url: db.url };
    built = await cloneDatabase(pristine.name);
    await buildInProcess(built.url, DEFS, RUN_TIMEOUT_MS);
  }, RUN_TIMEOUT_MS);

  afterAll(async () => {
    for (const child of children) child.kill('SIGKILL');
    if (built) await dropDatabase(built);
    if (pristine) await dropDatabase(pristine);
  });

  function startWorker(url: string): ChildProcess {
    const child = spawn(process.execPath, workerArgs, {
      env: { ...process.env, FAULT_DATABASE_URL: url, FAULT_BATCH_SIZE: process.env.FAULT_BATCH_SIZE ?? '20' },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    children.add(child);
    child.once('exit', () => children.delete(child));
    return child;
  }

  async function kill(child: ChildProcess): Promise<void> {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  }

  /**
   * One run: `kills` SIGKILLs at seeded points of the work (a share of positions × projections), a part of the
   * tail appended before each, then a last start left to finish. Returns the read models' differences from a
   * clean build of the same log (none when the runtime is right) and where it was killed.
   */
  async function faultRun(scenario: Scenario, kills: number): Promise<{ killedAt: string[]; differences: object }> {
    const db = await cloneDatabase(scenario === 'rebuild' ? built.name : pristine.name);
    const pool = new Pool({ connectionString: db.url, max: 4 });
    pool.on('error', () => undefined);
    const store = new PostgresEventStore(pool);
    const killedAt: string[] = [];
    const chunks = Array.from({ length: kills + 1 }, (_, i) => tail.slice(Math.floor((i * tail.length) / (kills + 1)), Math.floor(((i + 1) * tail.length) / (kills + 1))));
    let models: Record<string, string[]>;
    let reference: Database | undefined;
    try {
      let before: string[] = [];
      if (scenario === 'rebuild') {
        before = (await pool.query<{ build_id: string }>(`SELECT build_id FROM projection_builds WHERE state = 'live'`)).rows.map((r) => r.build_id);
        // requests only: a runtime that was never started runs nothing, the worker picks the builds up
        const requester = new ProjectionRuntime(pool, store, DEFS);
        for (const def of DEFS) await requester.requestRebuild(def.name);
      }
      // progress = sum of the positions of the builds this run creates
      const progress = async () =>
        BigInt(
          (
            await pool.query<{ total: string | null }>(
              `SELECT sum(position)::text AS total FROM projection_builds WHERE projection = ANY($1) AND NOT (build_id = ANY($2))`,
              [DEFS.map((d) => d.name), before],
            )
          ).rows[0]?.total ?? '0',
        );
      const points = Array.from({ length: kills }, () => 0.02 + random() * 0.96).sort((a, b) => a - b);
      for (const [k, point] of points.entries()) {
        const child = startWorker(db.url);
        const exited = new Promise<never>((_, reject) => child.once('exit', (code, signal) => reject(new Error(`worker exited early (${code ?? signal})`))));
        exited.catch(() => undefined);
        const appending = appendAll(store, chunks[k]!); // events arrive while it works
        const total = (await store.headPosition()) * BigInt(DEFS.length);
        const threshold = BigInt(Math.floor(Number(total) * point));
        await Promise.race([waitUntil(async () => (await progress()) >= threshold, RUN_TIMEOUT_MS, async () => `progress ${await progress()} < ${threshold}`), exited]);
        // land somewhere inside the batches that follow, not just after a commit
        await new Promise((resolve) => setTimeout(resolve, Math.floor(random() * 40)));
        await kill(child);
        killedAt.push(`${scenario}: killed at ${await progress()} of ${total}`);
        await appending;
      }
      const child = startWorker(db.url);
      await appendAll(store, chunks[kills]!);
      const head = await store.headPosition();
      await waitUntil(async () => (await pendingBuilds(pool, DEFS, head)).length === 0, RUN_TIMEOUT_MS, async () => (await pendingBuilds(pool, DEFS, head)).join(', '), 50);
      await kill(child);
      const live = (await pool.query<{ build_id: string }>(`SELECT build_id FROM projection_builds WHERE state = 'live'`)).rows.map((r) => r.build_id);
      expect(live).toHaveLength(DEFS.length);
      for (const id of live) expect(before).not.toContain(id); // a rebuild run ends on the new builds
      models = await readModels(pool, DEFS);
    } finally {
      await store.close();
      await pool.end();
    }
    try {
      // the clean build: the same log in a database of its own, nothing built yet
      reference = await cloneDatabase(db.name);
      await resetReadSide(reference.url);
      await buildInProcess(reference.url, DEFS, RUN_TIMEOUT_MS);
      const refPool = new Pool({ connectionString: reference.url, max: 2 });
      const present = new Set(
        (await refPool.query<{ event_type: string }>('SELECT DISTINCT event_type FROM es_events')).rows.map((r) => r.event_type),
      );
      const expected = await readModels(refPool, DEFS).finally(() => refPool.end());
      // Not a vacuous comparison: every projection that the history gives events to has rows (a reactor that keeps
      // no table of its own, such as credit-uploads, has only its effects, which this comparison does not cover).
      const fed = DEFS.filter((def) => def.tables.length > 0 && (!def.eventTypes || def.eventTypes.some((type) => present.has(type))));
      expect(fed.length).toBeGreaterThan(3);
      for (const def of fed) expect([def.name, def.tables.some((table) => (expected[`${def.name}/${table}`] ?? []).length > 0)]).toEqual([def.name, true]);
      return { killedAt, differences: differences(models, expected) };
    } finally {
      if (reference) await dropDatabase(reference);
      await dropDatabase(db);
    }
  }

  /** Runs of 1-3 kills until `kills` are spent; each must end equal to its clean build. */
  async function scenario(name: Scenario, kills: number): Promise<void> {
    const log: string[] = [];
    for (let left = kills; left > 0; ) {
      const k = Math.min(left, 1 + Math.floor(random() * 3));
      const run = await faultRun(name, k);
      expect(run).toEqual({ killedAt: run.killedAt, differences: {} });
      log.push(...run.killedAt);
      left -= k;
    }
    expect(log).toHaveLength(kills);
  }

  it(`killed during live catch-up ${Math.ceil(KILLS / 2)} times: every read model equals a clean build`, async () => {
    await scenario('catch-up', Math.ceil(KILLS / 2));
  }, RUN_TIMEOUT_MS * KILLS);

  it(`killed during a rebuild ${Math.floor(KILLS / 2)} times: every read model equals a clean build`, async () => {
    await scenario('rebuild', Math.floor(KILLS / 2));
  }, RUN_TIMEOUT_MS * KILLS);
});
