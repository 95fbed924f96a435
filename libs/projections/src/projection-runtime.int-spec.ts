import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { Client, Pool } from 'pg';
import type { EventBatch, EventStore, RecordedEvent } from '@app/event-store';
import { ProjectionDefinition, ReactorDefinition } from './projection';
import { projectionStatus } from './projection-status';
import { listDeadLetters, retryDeadLetter } from './dead-letters';
import { waitForProjections } from './wait-for-projections';
import { EffectDispatcher } from './effects/effect-dispatcher';
import { TEST_DISPATCH } from './effects/testing/notifier.fixture';

import { counter } from './testing/stream-counts.fixture';
import { batchLog } from './testing/batch-log.fixture';
import { startTcpProxy } from './testing/tcp-proxy';
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

  const logged = async () => (await h.db.pool.query<{ position: string }>('SELECT position FROM rm.batch_log ORDER BY seq')).rows.map((r) => Number(r.position));

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

    it('a take-over waits for the batch in flight of the previous owner, then starts from its checkpoint: nothing applied twice', async () => {
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
      // B loses its lock with the batch still in flight (its lock session ends, as when its connection breaks).
      const bStopped = b.stop();
      await h.db.pool.query(
        `SELECT pg_terminate_backend(pid) FROM pg_locks
          WHERE locktype = 'advisory' AND classid = 4242 AND granted
            AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
      );
      const a = runtime([counter()], { instanceId: 'A' });
      await a.start();
      // A has the advisory lock, but taking the lease epoch waits for B's batch (it holds the lease row FOR SHARE):
      // A runs nothing meanwhile. (Before runtime v2, A started at once and was fenced off by the checkpoint.)
      await until(async () => {
        const waiting = await h.db.pool.query(
          `SELECT 1 FROM pg_stat_activity
            WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE '%INSERT INTO projection_leases%'`,
        );
        return waiting.rowCount! > 0;
      });
      expect(a.heldProjections()).toEqual([]);
      release();
      await bStopped;
      await until(async () => a.heldProjections().includes('stream-counts'));
      await waitForProjections(h.db.pool, h.store, a);
      expect(await counts()).toEqual({ 'a-1': 3 });
      const checkpoint = async () => (await h.db.pool.query('SELECT position, events_done, owner FROM projection_builds')).rows;
      expect(await checkpoint()).toEqual([{ position: '3', events_done: '3', owner: 'B' }]);
      await append('a-1', ['X']);
      await waitForProjections(h.db.pool, h.store, a);
      expect(await counts()).toEqual({ 'a-1': 4 });
      expect(await checkpoint()).toEqual([{ position: '4', events_done: '4', owner: 'A' }]);
      expect((await h.db.pool.query('SELECT epoch, owner FROM projection_leases')).rows).toEqual([{ epoch: '2', owner: 'A' }]);
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

    it('policy skip: dead-letters the event and goes on; a retry re-applies the log in a rebuild, resolved only once applied', async () => {
      await append('a-1', ['X']);
      await append('p-1', ['Poison']);
      await append('a-1', ['X']);
      const def = counter(1, { onError: 'skip' });
      const r = runtime([def]);
      await r.start();
      await waitForProjections(h.db.pool, h.store, r);
      expect(await counts()).toEqual({ 'a-1': 2 });
      const [letter] = await listDeadLetters(h.db.pool, { status: 'open' });
      expect(letter).toMatchObject({ policy: 'skip', eventType: 'Poison', attempts: 1 });
      // The code still refuses it: the rebuild fails on it again, the letter stays open with one more attempt and
      // belongs to the rebuild once that has taken over.
      const first = await retryDeadLetter(h.db.pool, r, letter!.id);
      expect(first.outcome).toBe('restarted');
      await waitForProjections(h.db.pool, h.store, r);
      expect(await listDeadLetters(h.db.pool, {})).toEqual([expect.objectContaining({ id: letter!.id, status: 'open', attempts: 2, buildId: first.buildId })]);
      expect(await counts()).toEqual({ 'a-1': 2 });
      (def as { apply: ProjectionDefinition['apply'] }).apply = async (event, ctx) =>
        counter().apply!({ ...event, type: 'X' }, ctx);
      const second = await retryDeadLetter(h.db.pool, r, letter!.id);
      expect(second).toMatchObject({ outcome: 'restarted', deadLetter: { status: 'open' } });
      await waitForProjections(h.db.pool, h.store, r);
      // every event exactly once (the counter is not idempotent): the log was applied again in order, not the one event
      expect(await counts()).toEqual({ 'a-1': 2, 'p-1': 1 });
      expect(await listDeadLetters(h.db.pool, {})).toEqual([expect.objectContaining({ id: letter!.id, status: 'resolved', resolution: 'applied', attempts: 2 })]);
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
          await ctx.effect(`notify:${event.metadata.eventId}`, { task: 'notify', payload: `${event.streamId}/${event.revision}` });
        },
        effects: {
          notify: async (payload: string) => void sent.push(payload),
        },
      };
      // Effects are performed after commit by the dispatcher (libs/projections/src/effects, ADR 0014).
      const dispatcher = new EffectDispatcher(h.db.pool, [reactor], TEST_DISPATCH);
      await dispatcher.start();
      try {
        const r = runtime([reactor]);
        await r.start();
        await append('a-1', ['X', 'X']);
        await waitForProjections(h.db.pool, h.store, r);
        // brand-new reactor with startFrom 'beginning' on an empty log: both events were live
        await until(async () => sent.length === 2);
        expect(sent.sort()).toEqual(['a-1/0', 'a-1/1']);
        await r.requestRebuild('notifier');
        await waitForProjections(h.db.pool, h.store, r);
        await append('a-1', ['X']);
        await waitForProjections(h.db.pool, h.store, r);
        await until(async () => sent.length === 3);
        expect(sent.sort()).toEqual(['a-1/0', 'a-1/1', 'a-1/2']);
      } finally {
        await dispatcher.stop();
      }
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
        effects: {},
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
        effects: {},
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

  describe('bulk apply (runtime v2)', () => {
    const position = async () => (await h.db.pool.query(`SELECT position FROM projection_builds WHERE state = 'live'`)).rows[0].position as string;

    it('hands applyBatch batches of its event types only, and moves the checkpoint past events of other types', async () => {
      await append('a-1', ['X', 'Y', 'Y', 'X', 'Y', 'Y', 'Y', 'X', 'X', 'X', 'X']);
      const def = batchLog({ eventTypes: ['X', 'Poison'] });
      const r = runtime([def]);
      await r.start();
      await waitForProjections(h.db.pool, h.store, r);
      // filtered by the store: batches of 3 X, never a Y
      expect(def.calls).toEqual([[1n, 4n, 8n], [9n, 10n, 11n]]);
      expect(await logged()).toEqual([1, 4, 8, 9, 10, 11]);
      // only events of other types: no call, but the checkpoint reaches the head
      await append('b-1', ['Y', 'Y', 'Y', 'Y', 'Y']);
      await waitForProjections(h.db.pool, h.store, r);
      expect(await position()).toBe('16');
      expect(def.calls).toHaveLength(2);
      expect((await projectionStatus(h.db.pool, h.store, r.definitions))[0]!.builds[0]).toMatchObject({ position: '16', lagEvents: 0 });
    });

    it('reads the next batch while applying this one, and applies them in position order', async () => {
      await append('a-1', Array(30).fill('X'));
      const timeline: string[] = [];
      const observed = observing(h.store, timeline);
      const def = batchLog();
      const applyBatch = def.applyBatch!;
      def.applyBatch = async (events, ctx) => {
        timeline.push('apply');
        // a slow writer: the next read has time to come back while this batch is applied
        await new Promise((resolve) => setTimeout(resolve, 30));
        await applyBatch(events, ctx);
        timeline.push('applied');
      };
      const r = runtime([def], { batchSize: 4 }, observed);
      await r.start();
      await waitForProjections(h.db.pool, h.store, r);
      expect(await logged()).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
      expect(def.calls.flat()).toEqual(Array.from({ length: 30 }, (_, i) => BigInt(i + 1)));
      // Read-ahead: the next batch came back while this one was still being applied (two batches in hand), never
      // more than one ahead of the writer (bounded memory).
      let inHand = 0;
      let most = 0;
      for (const step of timeline) {
        if (step === 'read') inHand++;
        if (step === 'applied') inHand--;
        most = Math.max(most, inHand);
      }
      expect(most).toBe(2);
    });

    it('gives a projection that declares maxBatchEvents no more events per batch, in a rebuild too', async () => {
      await append('a-1', Array(23).fill('X'));
      const def = batchLog({ maxBatchEvents: 3 });
      const r = runtime([def], { batchSize: 10, catchUpBatchSize: 10_000 });
      await r.start();
      await waitForProjections(h.db.pool, h.store, r);
      await r.requestRebuild('batch-log');
      await waitForProjections(h.db.pool, h.store, r);
      expect(await logged()).toEqual(Array.from({ length: 23 }, (_, i) => i + 1));
      const sizes = def.calls.map((c) => c.length);
      expect(Math.max(...sizes)).toBe(3);
      // live, then the rebuild: each read the whole log in batches of 3 (the last one of 2)
      expect(sizes.filter((n) => n > 0).reduce((a, b) => a + b, 0)).toBe(46);
    });

    it('retries a batch that failed with a transient error (a deadlock) with backoff: no dead letter, nothing applied twice', async () => {
      await append('a-1', ['X', 'X', 'X', 'X']);
      const def = batchLog();
      const applyBatch = def.applyBatch!;
      let failures = 0;
      def.applyBatch = async (events, ctx) => {
        await applyBatch(events, ctx); // its rows are written, then the batch fails: the rollback must undo them
        if (failures++ === 0) throw Object.assign(new Error('deadlock detected'), { code: '40P01' });
      };
      const r = runtime([def]);
      await r.start();
      await waitForProjections(h.db.pool, h.store, r);
      expect(await logged()).toEqual([1, 2, 3, 4]);
      expect(await listDeadLetters(h.db.pool, {})).toEqual([]);
      expect(def.calls).toEqual([[1n, 2n, 3n], [1n, 2n, 3n], [4n]]); // the whole batch again, never event by event
    });
  });

  describe('runner safety (runtime v2)', () => {
    const terminateLockSessions = () =>
      h.db.pool.query(
        `SELECT pg_terminate_backend(pid) FROM pg_locks
          WHERE locktype = 'advisory' AND classid = 4242 AND granted
            AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
      );

    it('an instance whose lock session went silent is fenced off by the epoch the new owner took: its batch commits nothing', async () => {
      const proxy = await startTcpProxy(h.db.url);
      const lockPool = new Pool({ connectionString: proxy.url, max: 2 });
      lockPool.on('error', () => undefined);
      try {
        // B probes its lock session only once a minute: it will not notice that the session is gone.
        const b = runtime([counter()], { instanceId: 'B', lockPool, leaseIntervalMs: 60_000, lockProbeTimeoutMs: 1000 });
        await b.start();
        expect(b.heldProjections()).toEqual(['stream-counts']);
        await append('a-1', ['X']);
        await waitForProjections(h.db.pool, h.store, b);
        proxy.freeze();
        await terminateLockSessions(); // the server released B's lock; B heard nothing
        const a = runtime([counter()], { instanceId: 'A' });
        await a.start();
        await until(async () => a.heldProjections().includes('stream-counts'));
        expect(b.heldProjections()).toEqual(['stream-counts']); // B still believes it runs the projection
        await append('a-1', ['X', 'X']);
        await waitForProjections(h.db.pool, h.store, a);
        // B's runner read the same events; its batch found epoch 2 (A's) and gave the projection up
        await until(async () => b.heldProjections().length === 0);
        expect(await counts()).toEqual({ 'a-1': 3 });
        expect((await h.db.pool.query('SELECT position, owner FROM projection_builds')).rows).toEqual([{ position: '3', owner: 'A' }]);
        await b.stop();
      } finally {
        await proxy.close();
        await lockPool.end();
      }
    }, 30_000);

    it('notices a lost lock session even when it holds every projection, and stops its runners at once', async () => {
      const proxy = await startTcpProxy(h.db.url);
      const lockPool = new Pool({ connectionString: proxy.url, max: 2 });
      lockPool.on('error', () => undefined);
      const logs: string[] = [];
      try {
        const b = runtime([counter()], { instanceId: 'B', lockPool, lockProbeTimeoutMs: 500, log: (message) => logs.push(message) });
        await b.start();
        await append('a-1', ['X']);
        await waitForProjections(h.db.pool, h.store, b);
        expect(b.heldProjections()).toEqual(['stream-counts']); // every projection there is
        proxy.freeze();
        await terminateLockSessions();
        await until(async () => b.heldProjections().length === 0);
        expect(logs).toContain('projection locks lost: runners stopped');
        // B's runner is gone: another instance takes over and B applies nothing more
        const a = runtime([counter()], { instanceId: 'A' });
        await a.start();
        await until(async () => a.heldProjections().includes('stream-counts'));
        await append('a-1', ['X']);
        await waitForProjections(h.db.pool, h.store, a);
        expect(await counts()).toEqual({ 'a-1': 2 });
        expect((await h.db.pool.query('SELECT owner FROM projection_builds')).rows).toEqual([{ owner: 'A' }]);
        await b.stop();
      } finally {
        await proxy.close();
        await lockPool.end();
      }
    }, 30_000);

    it('a dead-letter retry goes through the runner: the log is applied again in order under the lock, resolved only when applied', async () => {
      await append('a-1', ['X']);
      await append('p-1', ['Poison']);
      await append('a-1', ['X']);
      const def = batchLog({ onError: 'skip' });
      const running = runtime([def], { instanceId: 'runs' });
      await running.start();
      await waitForProjections(h.db.pool, h.store, running);
      expect(await logged()).toEqual([1, 3]);
      const [letter] = await listDeadLetters(h.db.pool, { status: 'open' });
      def.poisoned = false; // the fix is deployed
      // The retry comes through an instance that runs no projections: it applies nothing itself.
      const httpOnly = runtime([def], { instanceId: 'http-only' });
      const calls = def.calls.length;
      const outcome = await retryDeadLetter(h.db.pool, httpOnly, letter!.id);
      expect(outcome).toMatchObject({ outcome: 'restarted', deadLetter: { status: 'open' } });
      expect(def.calls.length).toBe(calls);
      await waitForProjections(h.db.pool, h.store, running);
      // the new live build applied 1, 2, 3 in order, once each; the old live build kept serving [1, 3] meanwhile
      expect(await logged()).toEqual([1, 2, 3]);
      expect((await h.db.pool.query('SELECT build_id, owner, state FROM projection_builds WHERE state = $1', ['live'])).rows).toEqual([
        { build_id: outcome.buildId, owner: 'runs', state: 'live' },
      ]);
      expect(await listDeadLetters(h.db.pool, {})).toEqual([expect.objectContaining({ id: letter!.id, status: 'resolved', resolution: 'applied' })]);
    });
  });
});

/** The test's store, with each subscription read logged ('read' when a batch comes back) in `timeline`. */
function observing(store: EventStore, timeline: string[]): EventStore {
  return {
    appendToStream: (...args) => store.appendToStream(...args),
    appendMany: (...args) => store.appendMany(...args),
    readStream: (...args) => store.readStream(...args),
    readLog: (...args) => store.readLog(...args),
    readAll: (...args) => store.readAll(...args),
    subscribeToAll: (...args) => store.subscribeToAll(...args),
    headPosition: () => store.headPosition(),
    close: () => store.close(),
    subscribe(options) {
      const inner = store.subscribe(options);
      return {
        [Symbol.asyncIterator]() {
          const it = inner[Symbol.asyncIterator]();
          return {
            async next(): Promise<IteratorResult<EventBatch>> {
              const r = await it.next();
              if (!r.done) timeline.push('read');
              return r;
            },
            return: (value?: unknown) => it.return?.(value) ?? Promise.resolve({ done: true as const, value: undefined }),
          };
        },
      };
    },
  };
}
