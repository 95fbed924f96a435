import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { Pool } from 'pg';
import { deterministicUuid, newId } from '@app/kernel';
import { PostgresEventStore, RecordedEvent } from '@app/event-store';
import { createTestDatabase, TestDatabase } from '@test/support';
import { ProjectionDefinition, ReactorDefinition } from './projection';
import { ProjectionRuntime } from './projection-runtime';
import { projectionStatus } from './projection-status';
import { listDeadLetters, retryDeadLetter } from './dead-letters';
import { waitForProjections } from './wait-for-projections';

import { counter } from './testing/stream-counts.fixture';

describe('ProjectionRuntime', () => {
  let db: TestDatabase;
  let store: PostgresEventStore;
  const runtimes: ProjectionRuntime[] = [];

  const append = async (stream: string, types: string[]): Promise<void> => {
    const commandId = newId();
    await store.appendToStream(
      stream,
      types.map((type, i) => ({ type, data: { i }, metadata: { eventId: deterministicUuid(commandId, String(i)), commandId, correlationId: commandId, causationId: commandId, actorId: 'test', schemaVersion: 1 } })),
    );
  };
  const counts = async (pool: Pool = db.pool): Promise<Record<string, number>> => {
    const rows = await pool.query<{ stream_id: string; n: number }>('SELECT stream_id, n FROM rm.stream_counts ORDER BY stream_id');
    return Object.fromEntries(rows.rows.map((r) => [r.stream_id, r.n]));
  };
  const runtime = (defs: ProjectionRuntime['definitions'], options = {}): ProjectionRuntime => {
    const r = new ProjectionRuntime(db.pool, store, defs, { leaseIntervalMs: 100, batchSize: 3, ...options });
    runtimes.push(r);
    return r;
  };

  beforeEach(async () => {
    db = await createTestDatabase();
    store = new PostgresEventStore(db.pool, { pollIntervalMs: 50 });
  });
  afterEach(async () => {
    for (const r of runtimes.splice(0)) await r.stop();
    await store.close();
    await db.drop();
  });

  describe('when events arrive', () => {
    it('applies every event exactly once, in batches, and moves the checkpoint with them', async () => {
      await append('a-1', ['X', 'X', 'X', 'X']);
      const r = runtime([counter()]);
      await r.start();
      await append('b-1', ['X', 'X']);
      await waitForProjections(db.pool, store, r);
      expect(await counts()).toEqual({ 'a-1': 4, 'b-1': 2 });
      const [status] = await projectionStatus(db.pool, store, r.definitions);
      expect(status!.builds[0]).toMatchObject({ state: 'live', position: '6', lagEvents: 0 });
    });

    it('resumes after a crash between batches without applying anything twice', async () => {
      await append('a-1', Array(10).fill('X'));
      const first = runtime([counter()], { batchSize: 2 });
      await first.start();
      await waitForProjections(db.pool, store, first);
      await first.stop(); // the process goes away between batches
      await append('a-1', Array(5).fill('X'));
      const second = runtime([counter()], { batchSize: 2 });
      await second.start();
      await waitForProjections(db.pool, store, second);
      expect(await counts()).toEqual({ 'a-1': 15 });
    });

    it('a redelivered batch is fenced off by the checkpoint (no double count)', async () => {
      await append('a-1', ['X', 'X']);
      const r = runtime([counter()]);
      await r.start();
      await waitForProjections(db.pool, store, r);
      // A second runtime whose lock acquisition we bypass cannot commit a batch from a stale position either:
      const rows = await db.pool.query<{ position: string }>('SELECT position FROM projection_builds');
      expect(rows.rows[0]!.position).toBe('2');
      await append('a-1', ['X']);
      await waitForProjections(db.pool, store, r);
      expect(await counts()).toEqual({ 'a-1': 3 });
    });
  });

  describe('when a handler fails', () => {
    it('policy stop: commits the events before it, dead-letters it, stops, and resumes on retry', async () => {
      await append('a-1', ['X', 'X']);
      await append('p-1', ['Poison']);
      await append('a-1', ['X']);
      const def = counter();
      const r = runtime([def]);
      await r.start();
      await expect(waitForProjections(db.pool, store, r)).rejects.toThrow(/stream-counts stopped: Poison at 3/);
      expect(await counts()).toEqual({ 'a-1': 2 });
      const [status] = await projectionStatus(db.pool, store, r.definitions);
      expect(status).toMatchObject({ deadLetters: 1, builds: [{ state: 'stopped', position: '2' }] });
      const [letter] = await listDeadLetters(db.pool, { projection: 'stream-counts' });
      expect(letter).toMatchObject({ position: '3', eventType: 'Poison', policy: 'stop', status: 'open', error: 'cannot digest p-1' });

      // The bug is fixed (the handler learns to digest Poison) and the dead letter is retried.
      (def as { apply: ProjectionDefinition['apply'] }).apply = counter(1, { name: 'stream-counts' }).apply.bind(null);
      const fixed = async (event: RecordedEvent, ctx: Parameters<ProjectionDefinition['apply']>[1]) =>
        counter().apply({ ...event, type: event.type === 'Poison' ? 'X' : event.type }, ctx);
      (def as { apply: ProjectionDefinition['apply'] }).apply = fixed;
      const outcome = await retryDeadLetter(db.pool, store, r, letter!.id);
      expect(outcome.outcome).toBe('resumed');
      await waitForProjections(db.pool, store, r);
      expect(await counts()).toEqual({ 'a-1': 3, 'p-1': 1 });
      expect((await listDeadLetters(db.pool, {}))[0]!.status).toBe('resolved');
    });

    it('policy skip: dead-letters the event and goes on; a retry applies it once fixed', async () => {
      await append('a-1', ['X']);
      await append('p-1', ['Poison']);
      await append('a-1', ['X']);
      const def = counter(1, { onError: 'skip' });
      const r = runtime([def]);
      await r.start();
      await waitForProjections(db.pool, store, r);
      expect(await counts()).toEqual({ 'a-1': 2 });
      const [letter] = await listDeadLetters(db.pool, { status: 'open' });
      expect(letter).toMatchObject({ policy: 'skip', eventType: 'Poison' });
      expect((await retryDeadLetter(db.pool, store, r, letter!.id)).outcome).toBe('failed');
      (def as { apply: ProjectionDefinition['apply'] }).apply = async (event, ctx) =>
        counter().apply({ ...event, type: 'X' }, ctx);
      const outcome = await retryDeadLetter(db.pool, store, r, letter!.id);
      expect(outcome).toMatchObject({ outcome: 'resolved', deadLetter: { status: 'resolved', attempts: 3 } });
      expect(await counts()).toEqual({ 'a-1': 2, 'p-1': 1 });
    });
  });

  describe('when a new version is deployed', () => {
    it('rebuilds into new tables while the old version serves, then switches atomically', async () => {
      await append('a-1', ['X', 'Y']);
      const v1 = runtime([counter(1)]);
      await v1.start();
      await waitForProjections(db.pool, store, v1);
      await v1.stop();
      for (let i = 0; i < 20; i++) await append(`s-${i}`, ['X']);

      const v2 = runtime([counter(2)], { batchSize: 5 });
      // Before v2 catches up, queries are still served by v1's tables (no last_type column yet).
      const before = await db.pool.query('SELECT * FROM rm.stream_counts');
      expect(before.fields.map((f) => f.name)).toEqual(['stream_id', 'n']);
      await v2.start();
      await waitForProjections(db.pool, store, v2);
      const after = await db.pool.query(`SELECT * FROM rm.stream_counts WHERE stream_id = 'a-1'`);
      expect(after.rows).toEqual([{ stream_id: 'a-1', n: 2, last_type: 'Y' }]);
      expect(Object.keys(await counts())).toHaveLength(21);
      const builds = await db.pool.query('SELECT version, state FROM projection_builds ORDER BY started_at');
      expect(builds.rows).toEqual([
        { version: 1, state: 'retired' },
        { version: 2, state: 'live' },
      ]);
      const schemas = await db.pool.query(`SELECT nspname FROM pg_namespace WHERE nspname LIKE 'p_stream_counts_v1%'`);
      expect(schemas.rowCount).toBe(0);
    });

    it('a requested rebuild of the same version reports progress and takes over when caught up', async () => {
      for (let i = 0; i < 30; i++) await append(`s-${i % 3}`, ['X']);
      const r = runtime([counter()]);
      await r.start();
      await waitForProjections(db.pool, store, r);
      const buildId = await r.requestRebuild('stream-counts');
      await waitForProjections(db.pool, store, r);
      const [status] = await projectionStatus(db.pool, store, r.definitions);
      expect(status!.builds).toEqual([expect.objectContaining({ buildId, state: 'live', position: '30' })]);
      expect(await counts()).toEqual({ 's-0': 10, 's-1': 10, 's-2': 10 });
    });
  });

  describe('on an instance that does not run projections (RUN_PROJECTIONS=false)', () => {
    it('a rebuild request creates the build but nothing runs here', async () => {
      await append('a-1', ['X']);
      const running = runtime([counter()]);
      await running.start();
      await waitForProjections(db.pool, store, running);
      await running.stop();
      const httpOnly = runtime([counter()]);
      const buildId = await httpOnly.requestRebuild('stream-counts');
      const builds = await db.pool.query('SELECT build_id, state, position FROM projection_builds WHERE build_id = $1', [buildId]);
      expect(builds.rows).toEqual([{ build_id: buildId, state: 'rebuilding', position: '0' }]);
      expect(httpOnly.heldProjections()).toEqual([]);
    });
  });

  describe('reactors', () => {
    it('perform effects live exactly once and never again in a rebuild', async () => {
      const sent: string[] = [];
      const reactor: ReactorDefinition = {
        kind: 'reactor',
        name: 'notifier',
        version: 1,
        tables: [],
        startFrom: 'beginning',
        async apply(event, ctx) {
          await ctx.effect(`notify:${event.metadata.eventId}`, async () => {
            sent.push(`${event.streamId}/${event.revision}`);
          });
        },
      };
      const r = runtime([reactor]);
      await r.start();
      await append('a-1', ['X', 'X']);
      await waitForProjections(db.pool, store, r);
      // brand-new reactor with startFrom 'beginning' on an empty log: both events were live
      expect(sent).toEqual(['a-1/0', 'a-1/1']);
      await r.requestRebuild('notifier');
      await waitForProjections(db.pool, store, r);
      await append('a-1', ['X']);
      await waitForProjections(db.pool, store, r);
      expect(sent).toEqual(['a-1/0', 'a-1/1', 'a-1/2']);
    });

    it('a new reactor from the beginning replays history without effects, then performs effects live', async () => {
      await append('a-1', ['X', 'X']);
      const modes: string[] = [];
      const reactor: ReactorDefinition = {
        kind: 'reactor',
        name: 'replaying-notifier',
        version: 1,
        tables: [],
        startFrom: 'beginning',
        async apply(event, ctx) {
          modes.push(`${event.revision}:${ctx.live}`);
        },
      };
      const r = runtime([reactor]);
      await r.start();
      await append('a-1', ['X']);
      await waitForProjections(db.pool, store, r);
      expect(modes).toEqual(['0:false', '1:false', '2:true']);
    });

    it('a new reactor starts at the head by default: history is not re-notified', async () => {
      await append('a-1', ['X', 'X']);
      const modes: string[] = [];
      const reactor: ReactorDefinition = {
        kind: 'reactor',
        name: 'late-notifier',
        version: 1,
        tables: [],
        async apply(event, ctx) {
          modes.push(`${event.revision}:${ctx.live}`);
        },
      };
      const r = runtime([reactor]);
      await r.start();
      await append('a-1', ['X']);
      await waitForProjections(db.pool, store, r);
      expect(modes).toEqual(['2:true']);
    });
  });

  describe('with two instances', () => {
    it('exactly one runs a projection; when it dies the other takes over within seconds', async () => {
      // Instance A is a separate process; B runs here.
      const a = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', '-r', 'tsconfig-paths/register', join(__dirname, 'testing', 'runtime-instance.ts')], {
        env: { ...process.env, TEST_DATABASE_URL: db.url, INSTANCE_ID: 'A' },
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      const aReady = new Promise<void>((resolve, reject) => {
        a.stdout!.on('data', (chunk: Buffer) => chunk.toString().includes('holding stream-counts') && resolve());
        a.once('exit', (code) => reject(new Error(`instance A exited early (${code})`)));
      });
      await aReady;
      const b = runtime([counter()], { instanceId: 'B', leaseIntervalMs: 200 });
      await b.start();
      await append('a-1', ['X', 'X']);
      await waitForProjections(db.pool, store, b);
      expect(b.heldProjections()).toEqual([]);
      expect((await db.pool.query('SELECT owner FROM projection_builds')).rows[0].owner).toBe('A');

      const exited = new Promise((resolve) => a.once('exit', resolve));
      a.kill('SIGKILL');
      await exited;
      const killedAt = Date.now();
      await append('a-1', ['X']);
      await waitForProjections(db.pool, store, b, 10_000);
      expect(Date.now() - killedAt).toBeLessThan(5000);
      expect(b.heldProjections()).toEqual(['stream-counts']);
      expect(await counts()).toEqual({ 'a-1': 3 });
      expect((await db.pool.query('SELECT owner FROM projection_builds')).rows[0].owner).toBe('B');
    }, 30_000);
  });
});
