import { spawn } from 'node:child_process';
import { join } from 'node:path';
import type { EffectDelivery } from '../projection';
import { useRuntimeHarness } from '../testing/runtime-harness';
import { waitForProjections } from '../wait-for-projections';
import { EffectDispatcher } from './effect-dispatcher';
import { installEffects } from './effect-queue';
import { listEffects, recordAttemptFailed, recordDeadLetter, retryEffect } from './effects';
import { reactorContext } from './outbox';
import { Notice, notifier, TEST_DISPATCH } from './testing/notifier.fixture';

describe('reactor effects (outbox + dispatcher)', () => {
  const h = useRuntimeHarness();
  const dispatchers: EffectDispatcher[] = [];
  afterEach(async () => {
    for (const d of dispatchers.splice(0)) await d.stop();
  });
  const dispatcher = (defs: ConstructorParameters<typeof EffectDispatcher>[1]) => {
    const d = new EffectDispatcher(h.db.pool, defs, TEST_DISPATCH);
    dispatchers.push(d);
    return d;
  };

  /** Polls (every 50 ms, up to 20 s) for a state the dispatcher reaches on its own schedule. */
  const until = async (condition: () => Promise<boolean>, what: string): Promise<void> => {
    const deadline = Date.now() + 20_000;
    while (!(await condition())) {
      if (Date.now() > deadline) throw new Error(`not reached within 20 s: ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };
  const effects = () => listEffects(h.db.pool, { reactor: 'notifier' });
  const settled = async () => (await effects()).every((e) => e.status !== 'pending');

  describe('when a later event of the batch fails', () => {
    it('the effect recorded before it is performed exactly once', async () => {
      // Before the outbox this performed ['a-1/0', 'a-1/0']: the rollback to SAVEPOINT batch removed the key and
      // the event-by-event replay performed the effect a second time.
      const sent: string[] = [];
      const reactor = notifier(async (notice) => void sent.push(notice.to));
      await dispatcher([reactor]).start();
      const r = h.runtime([reactor], { batchSize: 10 });
      await r.start();
      await h.append('a-1', ['X', 'Poison']); // one batch: X records its effect, then Poison fails the batch
      await expect(waitForProjections(h.db.pool, h.store, r)).rejects.toThrow(/notifier stopped: Poison at 2/);
      await until(settled, 'the effect delivered');
      expect(sent).toEqual(['a-1/0']);
      expect(await effects()).toEqual([expect.objectContaining({ key: expect.stringMatching(/^notify:/), status: 'performed', attempts: 1, task: 'notify', payload: { to: 'a-1/0' } })]);
    });

    it('nothing is performed while the batch runs: only after it commits', async () => {
      const seen: string[] = [];
      const reactor = notifier(async (notice) => {
        // The receiver runs after the commit: the checkpoint already covers the event that recorded it.
        const { rows } = await h.db.pool.query<{ position: string }>(`SELECT position FROM projection_builds WHERE projection = 'notifier'`);
        seen.push(`${notice.to}@${rows[0]!.position}`);
      });
      const r = h.runtime([reactor], { batchSize: 10 });
      await installEffects(h.db.pool, TEST_DISPATCH);
      await r.start();
      await h.append('a-1', ['X', 'X']);
      await waitForProjections(h.db.pool, h.store, r);
      expect(seen).toEqual([]); // no dispatcher yet: recorded, not performed
      expect((await effects()).map((e) => e.status)).toEqual(['pending', 'pending']);
      await dispatcher([reactor]).start();
      await until(settled, 'both delivered');
      expect(seen.sort()).toEqual(['a-1/0@2', 'a-1/1@2']);
    });
  });

  describe('in a rebuild and a shadow build', () => {
    it('a rebuild records and performs nothing, even for events above its high-water mark; live effects go on once each', async () => {
      const sent: string[] = [];
      const recorded: string[] = [];
      let release!: () => void;
      const gate = new Promise<void>((resolve) => (release = resolve));
      const base = notifier(async (notice) => void sent.push(notice.to));
      const reactor = {
        ...base,
        // Keys that differ per build (a reactor is free to choose them): only the mode keeps a rebuild from acting.
        async apply(...args: Parameters<typeof base.apply>) {
          const [event, ctx] = args;
          if (ctx.mode === 'rebuild') await gate;
          const done = await ctx.effect(`notify:${ctx.buildId}:${event.metadata.eventId}`, { task: 'notify', payload: { to: `${event.streamId}/${event.revision}` } });
          recorded.push(`${event.revision}:${ctx.mode}:${done}`);
        },
      };
      await dispatcher([reactor]).start();
      const r = h.runtime([reactor]);
      await r.start();
      await h.append('a-1', ['X', 'X']);
      await waitForProjections(h.db.pool, h.store, r);
      await until(async () => sent.length === 2, 'live effects');
      await r.requestRebuild('notifier'); // its high-water mark: 2
      await h.append('a-1', ['X']); // position 3: above the rebuild's mark, while the rebuild is held at its start
      await until(async () => sent.length === 3, 'the live build performs position 3');
      release();
      await waitForProjections(h.db.pool, h.store, r);
      await h.append('a-1', ['X']);
      await waitForProjections(h.db.pool, h.store, r);
      await until(async () => sent.length >= 4 && (await settled()), 'the new live effect');
      expect(recorded).toEqual(['0:live:true', '1:live:true', '2:live:true', '0:rebuild:false', '1:rebuild:false', '2:rebuild:false', '3:live:true']);
      expect(sent.sort()).toEqual(['a-1/0', 'a-1/1', 'a-1/2', 'a-1/3']);
      expect(await effects()).toHaveLength(4);
    });

    it('a new version of a reactor whose live build stopped takes over at the live mark: the events only it applies get their effects, once', async () => {
      const sent: string[] = [];
      const recorded: string[] = [];
      const v1 = notifier(async (notice) => void sent.push(notice.to));
      await dispatcher([v1]).start();
      const r1 = h.runtime([v1]);
      await r1.start();
      await h.append('a-1', ['X', 'Poison', 'X']); // v1 stops before Poison (position 2): positions 2 and 3 get no effect
      await expect(waitForProjections(h.db.pool, h.store, r1)).rejects.toThrow(/notifier stopped: Poison at 2/);
      await until(async () => sent.length === 1 && (await settled()), 'the effect of position 1');
      await r1.stop();
      // v2 digests Poison. Its rebuild replays positions 1.. without effects up to the live mark (1), switches
      // there, and applies 2 and 3 live. Before the cap it rebuilt to the head and switched: 2 and 3 were never sent.
      const v2 = {
        ...v1,
        version: 2,
        async apply(...args: Parameters<typeof v1.apply>) {
          const [event, ctx] = args;
          const done = await ctx.effect(`notify:${event.metadata.eventId}`, { task: 'notify', payload: { to: `${event.streamId}/${event.revision}` } });
          recorded.push(`${event.position}:${ctx.mode}:${done}`);
        },
      };
      const r2 = h.runtime([v2]);
      await r2.start();
      const builds = async () => (await h.db.pool.query(`SELECT version, state, position FROM projection_builds WHERE projection = 'notifier' AND state <> 'retired' ORDER BY version`)).rows;
      await until(async () => JSON.stringify(await builds()) === JSON.stringify([{ version: 2, state: 'live', position: '3' }]), 'v2 live at the head');
      await until(async () => sent.length >= 3 && (await settled()), 'the effects of positions 2 and 3');
      expect(recorded).toEqual(['1:rebuild:false', '2:live:true', '3:live:true']);
      expect(sent.sort()).toEqual(['a-1/0', 'a-1/1', 'a-1/2']);
      expect(await effects()).toHaveLength(3);
    });

    it('a shadow build (startShadowBuild) records and performs nothing, also for events appended after it started', async () => {
      const sent: string[] = [];
      const recorded: string[] = [];
      const base = notifier(async (notice) => void sent.push(notice.to));
      const reactor = {
        ...base,
        async apply(...args: Parameters<typeof base.apply>) {
          const [event, ctx] = args;
          const done = await ctx.effect(`notify:${ctx.buildId}:${event.metadata.eventId}`, { task: 'notify', payload: { to: `${event.streamId}/${event.revision}` } });
          recorded.push(`${event.revision}:${ctx.mode}:${done}`);
        },
      };
      await dispatcher([reactor]).start();
      const r = h.runtime([reactor]);
      await r.start();
      await h.append('a-1', ['X']);
      await waitForProjections(h.db.pool, h.store, r);
      const shadow = await r.startShadowBuild('notifier', { purpose: 'what if' });
      await waitForProjections(h.db.pool, h.store, r);
      await h.append('a-1', ['X']); // above every mark: only the mode keeps the shadow build from recording it
      await waitForProjections(h.db.pool, h.store, r);
      await until(async () => sent.length >= 2 && (await settled()), 'the live effects');
      expect(shadow.state).toBe('shadow');
      expect(recorded.filter((x) => x.includes(':shadow:'))).toEqual(['0:shadow:false', '1:shadow:false']);
      expect(recorded.filter((x) => x.includes(':live:'))).toEqual(['0:live:true', '1:live:true']);
      expect(sent.sort()).toEqual(['a-1/0', 'a-1/1']);
      expect((await effects()).map((e) => e.buildId)).toEqual([expect.not.stringMatching(shadow.build_id), expect.not.stringMatching(shadow.build_id)]);
    });

    it('a shadow build, and a live event at or below the high-water mark, record nothing', async () => {
      // The shadow build mode comes with the runtime helper's startShadowBuild; here the reactor context is given
      // mode 'shadow' directly, on a real transaction, as the runtime's reactor branch would.
      await installEffects(h.db.pool, TEST_DISPATCH);
      await h.append('a-1', ['X']);
      const [event] = await h.store.readAll({ after: 0n });
      const reactor = notifier(async () => undefined);
      const client = await h.db.pool.connect();
      try {
        await client.query('BEGIN');
        const base = { client, t: (table: string) => table, buildId: 'b-1', parameters: {} };
        const shadow = reactorContext(reactor, { ...base, mode: 'shadow' }, event!, 0n);
        const rebuild = reactorContext(reactor, { ...base, mode: 'rebuild' }, event!, 0n);
        const history = reactorContext(reactor, { ...base, mode: 'live' }, event!, event!.position);
        const intent = { task: 'notify', payload: { to: 'x' } } as const;
        expect([shadow.live, rebuild.live, history.live]).toEqual([false, false, false]);
        expect(await shadow.effect('k', intent)).toBe(false);
        expect(await rebuild.effect('k', intent)).toBe(false);
        expect(await history.effect('k', intent)).toBe(false);
        const live = reactorContext(reactor, { ...base, mode: 'live' }, event!, event!.position - 1n);
        expect(await live.effect('k', intent)).toBe(true);
        expect(await live.effect('k', intent)).toBe(false); // the key is already recorded
        await client.query('COMMIT');
      } finally {
        client.release();
      }
      expect((await effects()).map((e) => e.key)).toEqual(['k']);
      const jobs = await h.db.pool.query(`SELECT count(*)::int AS n FROM pgboss.job WHERE name = 'reactor-effects'`);
      expect(jobs.rows[0].n).toBe(1);
    });
  });

  describe('when the receiver fails', () => {
    it('retries with backoff, shows as failed after its attempts, and a retry delivers it again with the same key', async () => {
      const deliveries: { delivery: EffectDelivery; at: number }[] = [];
      let broken = true;
      const reactor = notifier(async (_notice: Notice, delivery) => {
        deliveries.push({ delivery, at: Date.now() });
        if (broken) throw new Error('receiver answered 503');
      });
      await dispatcher([reactor]).start();
      const r = h.runtime([reactor]);
      await r.start();
      await h.append('a-1', ['X']);
      await waitForProjections(h.db.pool, h.store, r);
      await until(async () => (await listEffects(h.db.pool, { status: 'failed' })).length === 1, 'failed after its attempts');
      const [failed] = await listEffects(h.db.pool, { status: 'failed' });
      expect(failed).toMatchObject({ status: 'failed', attempts: 3, lastError: 'receiver answered 503', performedAt: null });
      expect(deliveries.map((d) => d.delivery.attempt)).toEqual([1, 2, 3]);
      expect(new Set(deliveries.map((d) => d.delivery.key))).toEqual(new Set([failed!.key]));
      // Exponential backoff from 1 s (pg-boss: delay * 2^retry / 2, plus up to as much jitter): >= 1 s, then >= 2 s.
      expect(deliveries[1]!.at - deliveries[0]!.at).toBeGreaterThanOrEqual(1000);
      expect(deliveries[2]!.at - deliveries[1]!.at).toBeGreaterThanOrEqual(2000);

      broken = false;
      const oldJob = (await h.db.pool.query<{ job_id: string }>('SELECT job_id FROM reactor_effects WHERE id = $1', [failed!.id])).rows[0]!.job_id;
      const retried = await retryEffect(h.db.pool, failed!.id);
      expect(retried.status).toBe('pending');
      // The dead letter of the failed delivery, arriving after the retry, must not fail the retried effect.
      await recordDeadLetter(h.db.pool, { effectId: failed!.id, jobId: oldJob }, 'delivery expired on its last attempt');
      expect((await effects())[0]?.status).not.toBe('failed');
      // Nor must the failed delivery's last attempt, finishing late (a receiver that hung past the job's expiry).
      await recordAttemptFailed(h.db.pool, { effectId: failed!.id, jobId: oldJob }, 'late failure of the old delivery', true);
      expect((await effects())[0]?.status).not.toBe('failed');
      await until(async () => (await effects())[0]?.status === 'performed', 'the retried effect');
      expect(await effects()).toEqual([expect.objectContaining({ id: failed!.id, status: 'performed', attempts: 4, lastError: null })]);
      expect(deliveries.map((d) => [d.delivery.key, d.delivery.attempt])).toEqual([1, 2, 3, 4].map((n) => [failed!.key, n]));
      await expect(retryEffect(h.db.pool, failed!.id)).rejects.toMatchObject({ code: 'effect-not-failed' });
      await expect(retryEffect(h.db.pool, '999999')).rejects.toMatchObject({ code: 'not-found' });
    }, 30_000);
  });

  describe('when the dispatcher dies between the effect and its record', () => {
    it('another dispatcher delivers it again with the same key, and records it performed', async () => {
      await h.db.pool.query('CREATE TABLE effect_receipts (effect_key text NOT NULL, notice text NOT NULL, attempt int NOT NULL)');
      const receive = async (notice: Notice, { key, attempt }: EffectDelivery) => {
        await h.db.pool.query('INSERT INTO effect_receipts (effect_key, notice, attempt) VALUES ($1, $2, $3)', [key, notice.to, attempt]);
      };
      const reactor = notifier(receive);
      await installEffects(h.db.pool, TEST_DISPATCH);
      const r = h.runtime([reactor]);
      await r.start();
      await h.append('a-1', ['X']);
      await waitForProjections(h.db.pool, h.store, r);

      // A separate dispatcher process performs the effect and is SIGKILLed before it records the outcome.
      const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', '-r', 'tsconfig-paths/register', join(__dirname, 'testing', 'effect-instance.ts')], {
        env: { ...process.env, TEST_DATABASE_URL: h.db.url },
        stdio: ['ignore', 'inherit', 'inherit'],
      });
      const signal = await new Promise<NodeJS.Signals | null>((resolve) => child.once('exit', (_code, s) => resolve(s)));
      expect(signal).toBe('SIGKILL');
      const receipts = async () => (await h.db.pool.query('SELECT effect_key, notice, attempt FROM effect_receipts ORDER BY attempt')).rows;
      const [first] = await receipts();
      expect(first).toMatchObject({ notice: 'a-1/0', attempt: 1 });
      expect(await effects()).toEqual([expect.objectContaining({ status: 'pending', attempts: 1 })]);

      // The delivery expires (2 s here) and is retried by the dispatcher that is still alive.
      await dispatcher([reactor]).start();
      await until(settled, 'the redelivered effect');
      expect(await receipts()).toEqual([first, { effect_key: first.effect_key, notice: 'a-1/0', attempt: 2 }]);
      expect(await effects()).toEqual([expect.objectContaining({ key: first.effect_key, status: 'performed', attempts: 2 })]);
    }, 40_000);
  });
});
