import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { Client } from 'pg';
import type { RecordedEvent } from '@app/event-store';
import { ProjectionDefinition, ReactorDefinition } from './projection';
import { projectionStatus } from './projection-status';
import { listDeadLetters, retryDeadLetter } from './dead-letters';
import { waitForProjections } from './wait-for-projections';

import { counter } from './testing/stream-counts.fixture';
import { useRuntimeHarness } from './testing/runtime-harness';

describe('ProjectionRuntime', () => {
  const h = useRuntimeHarness();
  const { append, counts, runtime } = h;

  /** Polls a condition (every 10 ms, up to 10 s): for states another connection or instance reaches. */
  const until = async (condition: () => Promise<boolean>): Promise<void> => {
    const deadline = Date.now() + 10_000;
    while (!(await condition())) {
      if (Date.now() > deadline) throw new Error('condition not reached within 10 s');
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  };

  describe('when events arrive', () => {
    it('applies every event exactly once, in batches, and moves the checkpoint with them', async () => {
      await append('a-1', ['X', 'X', 'X', 'X']);
      const r = runtime([counter()]);
      await r.start();
      await append('b-1', ['X', 'X']);
      await waitForProjections(h.db.pool, h.store, r);
      expect(await counts()).toEqual({ 'a-1': 4, 'b-1': 2 });
      const [status] = await projectionStatus(h.db.pool, h.store, r.definitions);
      expect(status!.builds[0]).toMatchObject({ state: 'live', position: '6', lagEvents: 0 });
    });

    it('resumes after a crash between batches without applying anything twice', async () => {
      await append('a-1', Array(10).fill('X'));
      const first = runtime([counter()], { batchSize: 2 });
      await first.start();
      await waitForProjections(h.db.pool, h.store, first);
      await first.stop(); // the process goes away between batches
      await append('a-1', Array(5).fill('X'));
      const second = runtime([counter()], { batchSize: 2 });
      await second.start();
      await waitForProjections(h.db.pool, h.store, second);
      expect(await counts()).toEqual({ 'a-1': 15 });
    });

    it('a batch another instance already applied is fenced off by the checkpoint: rows and checkpoint unchanged', async () => {
      // Instance B's handler holds its first batch in flight (its transaction open) until we let it go.
      let entered!: () => void;
      const inFlight = new Promise<void>((resolve) => (entered = resolve));
      let release!: () => void;
      const gate = new Promise<void>((resolve) => (release = resolve));
      const held = counter();
      const apply = held.apply!;
      held.apply = async (event, ctx) => {
        entered();
        await gate;
        return apply(event, ctx);
      };
      const b = runtime([held], { instanceId: 'B' });
      await b.start();
      await append('a-1', ['X', 'X', 'X']); // one batch (batchSize 3)
      await inFlight;
      // B stops leasing and loses its lock with the batch still in flight (its lock session ends, as when its
      // connection breaks); A takes over and starts from the checkpoint it reads, 0: it will redeliver 1..3.
      const bStopped = b.stop();
      await h.db.pool.query(
        `SELECT pg_terminate_backend(pid) FROM pg_locks
          WHERE locktype = 'advisory' AND classid = 4242 AND granted
            AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
      );
      const a = runtime([counter()], { instanceId: 'A' });
      await a.start();
      await until(async () => a.heldProjections().includes('stream-counts'));
      // A's batch waits for the build row that B's open transaction holds.
      await until(async () => {
        const waiting = await h.db.pool.query(
          `SELECT 1 FROM pg_stat_activity
            WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE '%FROM projection_builds WHERE build_id = $1 FOR UPDATE'`,
        );
        return waiting.rowCount! > 0;
      });
      // A reports progress when its attempt ends: fenced (its runner stops and restarts from the checkpoint) or applied.
      const aAttempted = new Promise<void>((resolve) => {
        const off = a.onProgress(() => {
          off();
          resolve();
        });
      });
      release();
      await bStopped;
      await aAttempted;
      await waitForProjections(h.db.pool, h.store, a);
      expect(await counts()).toEqual({ 'a-1': 3 });
      const checkpoint = async () => (await h.db.pool.query('SELECT position, events_done, owner FROM projection_builds')).rows;
      // A's redelivered batch wrote nothing: not the rows, not the checkpoint (still B's), not the counters.
      expect(await checkpoint()).toEqual([{ position: '3', events_done: '3', owner: 'B' }]);
      await append('a-1', ['X']);
      await waitForProjections(h.db.pool, h.store, a);
      expect(await counts()).toEqual({ 'a-1': 4 });
      expect(await checkpoint()).toEqual([{ position: '4', events_done: '4', owner: 'A' }]);
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
      await expect(waitForProjections(h.db.pool, h.store, r)).rejects.toThrow(/stream-counts stopped: Poison at 3/);
      expect(await counts()).toEqual({ 'a-1': 2 });
      const [status] = await projectionStatus(h.db.pool, h.store, r.definitions);
      expect(status).toMatchObject({ deadLetters: 1, builds: [{ state: 'stopped', position: '2' }] });
      const [letter] = await listDeadLetters(h.db.pool, { projection: 'stream-counts' });
      expect(letter).toMatchObject({ position: '3', eventType: 'Poison', policy: 'stop', status: 'open', error: 'cannot digest p-1' });

      // The bug is fixed (the handler learns to digest Poison) and the dead letter is retried.
      (def as { apply: ProjectionDefinition['apply'] }).apply = counter(1, { name: 'stream-counts' }).apply!.bind(null);
      const fixed = async (event: RecordedEvent, ctx: Parameters<NonNullable<ProjectionDefinition['apply']>>[1]) =>
        counter().apply!({ ...event, type: event.type === 'Poison' ? 'X' : event.type }, ctx);
      (def as { apply: ProjectionDefinition['apply'] }).apply = fixed;
      const outcome = await retryDeadLetter(h.db.pool, r, letter!.id);
      expect(outcome.outcome).toBe('resumed');
      await waitForProjections(h.db.pool, h.store, r);
      expect(await counts()).toEqual({ 'a-1': 3, 'p-1': 1 });
      expect((await listDeadLetters(h.db.pool, {}))[0]!.status).toBe('resolved');
    });

    it('policy skip: dead-letters the event and goes on; a retry applies it once fixed', async () => {
      await append('a-1', ['X']);
      await append('p-1', ['Poison']);
      await append('a-1', ['X']);
      const def = counter(1, { onError: 'skip' });
      const r = runtime([def]);
      await r.start();
      await waitForProjections(h.db.pool, h.store, r);
      expect(await counts()).toEqual({ 'a-1': 2 });
      const [letter] = await listDeadLetters(h.db.pool, { status: 'open' });
      expect(letter).toMatchObject({ policy: 'skip', eventType: 'Poison' });
      expect((await retryDeadLetter(h.db.pool, r, letter!.id)).outcome).toBe('failed');
      (def as { apply: ProjectionDefinition['apply'] }).apply = async (event, ctx) =>
        counter().apply!({ ...event, type: 'X' }, ctx);
      const outcome = await retryDeadLetter(h.db.pool, r, letter!.id);
      expect(outcome).toMatchObject({ outcome: 'resolved', deadLetter: { status: 'resolved', attempts: 3 } });
      expect(await counts()).toEqual({ 'a-1': 2, 'p-1': 1 });
    });
  });

  describe('when a new version is deployed', () => {
    it('rebuilds into new tables while the old version serves, then switches atomically under a reader', async () => {
      await append('a-1', ['X', 'Y']);
      const v1 = runtime([counter(1)]);
      await v1.start();
      await waitForProjections(h.db.pool, h.store, v1);
      await v1.stop();
      for (let i = 0; i < 20; i++) await append(`s-${i}`, ['X']);
      const oldResult = JSON.stringify([{ stream_id: 'a-1', n: 2 }]);
      const newResult = JSON.stringify([
        { stream_id: 'a-1', n: 2, last_type: 'Y' },
        ...Array.from({ length: 20 }, (_, i) => ({ stream_id: `s-${i}`, n: 1, last_type: 'X' })).sort((x, y) => (x.stream_id < y.stream_id ? -1 : 1)),
      ]);

      // A reader on its own connection queries the view without pause for the whole rebuild and switch.
      const reader = new Client({ connectionString: h.db.url });
      await reader.connect();
      const seen: string[] = [];
      let reading = true;
      let reads = 0;
      const readUntil = Date.now() + 20_000;
      const readLoop = (async () => {
        while (reading && Date.now() < readUntil) {
          const result = await reader.query('SELECT * FROM rm.stream_counts ORDER BY stream_id COLLATE "C"').then(
            (r) => JSON.stringify(r.rows),
            (error: unknown) => `error: ${String(error)}`,
          );
          reads++;
          if (seen[seen.length - 1] !== result) seen.push(result);
        }
      })();
      try {
        await until(async () => seen.length > 0);
        // v2 rebuilds slowly enough (batches of 5, 2 ms an event) for the reader to see every in-between state.
        const v2def = counter(2);
        const apply = v2def.apply!;
        v2def.apply = async (event, ctx) => {
          await new Promise((resolve) => setTimeout(resolve, 2));
          return apply(event, ctx);
        };
        const v2 = runtime([v2def], { batchSize: 5 });
        await v2.start();
        await waitForProjections(h.db.pool, h.store, v2);
        const readsSoFar = reads;
        await until(async () => reads > readsSoFar + 1); // the reader has seen the state after the switch
      } finally {
        reading = false;
        await readLoop;
        await reader.end();
      }
      // Only the old complete result, then the new complete one: never an empty, partial or missing view.
      expect(seen).toEqual([oldResult, newResult]);

      const builds = await h.db.pool.query('SELECT version, state FROM projection_builds ORDER BY started_at');
      expect(builds.rows).toEqual([
        { version: 1, state: 'retired' },
        { version: 2, state: 'live' },
      ]);
      const schemas = await h.db.pool.query(`SELECT nspname FROM pg_namespace WHERE nspname LIKE 'p_stream_counts_v1%'`);
      expect(schemas.rowCount).toBe(0);
    }, 30_000);

    it('a requested rebuild of the same version reports progress and takes over when caught up', async () => {
      for (let i = 0; i < 30; i++) await append(`s-${i % 3}`, ['X']);
      const r = runtime([counter()]);
      await r.start();
      await waitForProjections(h.db.pool, h.store, r);
      const buildId = await r.requestRebuild('stream-counts');
      await waitForProjections(h.db.pool, h.store, r);
      const [status] = await projectionStatus(h.db.pool, h.store, r.definitions);
      expect(status!.builds).toEqual([expect.objectContaining({ buildId, state: 'live', position: '30' })]);
      expect(await counts()).toEqual({ 's-0': 10, 's-1': 10, 's-2': 10 });
    });
  });

  describe('on an instance that does not run projections (RUN_PROJECTIONS=false)', () => {
    it('a rebuild request is recorded there, nothing runs there, and the instance running projections builds it', async () => {
      await append('a-1', ['X']);
      const running = runtime([counter()], { instanceId: 'runs' });
      await running.start();
      await waitForProjections(h.db.pool, h.store, running);
      const [live] = (await h.db.pool.query('SELECT build_id FROM projection_builds')).rows;
      // The HTTP-only instance is never started (RUN_PROJECTIONS=false): it only answers the ops endpoint.
      const httpOnly = runtime([counter()], { instanceId: 'http-only' });
      const buildId = await httpOnly.requestRebuild('stream-counts');
      const builds = await h.db.pool.query('SELECT build_id, state, position FROM projection_builds WHERE build_id = $1', [buildId]);
      expect(builds.rows).toEqual([{ build_id: buildId, state: 'rebuilding', position: '0' }]);
      // The holder of the lock picks the recorded build up at its next lease, rebuilds it and switches to it.
      await waitForProjections(h.db.pool, h.store, running);
      const after = await h.db.pool.query('SELECT build_id, state, owner FROM projection_builds ORDER BY started_at');
      expect(after.rows).toEqual([
        { build_id: live.build_id, state: 'retired', owner: 'runs' },
        { build_id: buildId, state: 'live', owner: 'runs' },
      ]);
      expect(await counts()).toEqual({ 'a-1': 1 });
      expect(httpOnly.heldProjections()).toEqual([]);
      expect(running.heldProjections()).toEqual(['stream-counts']);
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
      await waitForProjections(h.db.pool, h.store, r);
      // brand-new reactor with startFrom 'beginning' on an empty log: both events were live
      expect(sent).toEqual(['a-1/0', 'a-1/1']);
      await r.requestRebuild('notifier');
      await waitForProjections(h.db.pool, h.store, r);
      await append('a-1', ['X']);
      await waitForProjections(h.db.pool, h.store, r);
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
      await waitForProjections(h.db.pool, h.store, r);
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
      await waitForProjections(h.db.pool, h.store, r);
      expect(modes).toEqual(['2:true']);
    });
  });

  describe('with two instances', () => {
    it('exactly one runs a projection; when it dies the other takes over within seconds', async () => {
      // Instance A is a separate process; B runs here.
      const a = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', '-r', 'tsconfig-paths/register', join(__dirname, 'testing', 'runtime-instance.ts')], {
        env: { ...process.env, TEST_DATABASE_URL: h.db.url, INSTANCE_ID: 'A' },
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
      await waitForProjections(h.db.pool, h.store, b);
      expect(b.heldProjections()).toEqual([]);
      expect((await h.db.pool.query('SELECT owner FROM projection_builds')).rows[0].owner).toBe('A');

      const exited = new Promise((resolve) => a.once('exit', resolve));
      a.kill('SIGKILL');
      await exited;
      const killedAt = Date.now();
      await append('a-1', ['X']);
      await waitForProjections(h.db.pool, h.store, b, 10_000);
      expect(Date.now() - killedAt).toBeLessThan(5000);
      expect(b.heldProjections()).toEqual(['stream-counts']);
      expect(await counts()).toEqual({ 'a-1': 3 });
      expect((await h.db.pool.query('SELECT owner FROM projection_builds')).rows[0].owner).toBe('B');
    }, 30_000);
  });
});
