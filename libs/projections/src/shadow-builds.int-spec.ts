import { InvalidState, RuleViolation } from '@app/kernel';
import { projectionStatus } from './projection-status';
import { waitForProjections } from './wait-for-projections';
import { batchLog } from './testing/batch-log.fixture';
import { useRuntimeHarness } from './testing/runtime-harness';

describe('shadow builds', () => {
  const h = useRuntimeHarness();
  const { append, runtime } = h;

  const rows = async (from: string) =>
    (await h.db.pool.query<{ position: string; stream_id: string; type: string }>(`SELECT position, stream_id, type FROM ${from} ORDER BY seq`)).rows;
  const build = async (buildId: string) =>
    (await h.db.pool.query('SELECT * FROM projection_builds WHERE build_id = $1', [buildId])).rows[0] as Record<string, unknown> | undefined;

  describe('with parameters (a what-if)', () => {
    it('builds into its own schema with the parameters and mode shadow in ctx, differs where it should, and leaves live untouched', async () => {
      await append('a-1', ['X', 'Y', 'X']);
      await append('b-1', ['Y']);
      const def = batchLog({ onError: 'skip' });
      def.poisoned = false;
      const r = runtime([def], { catchUpBatchSize: 2 });
      await r.start();
      await waitForProjections(h.db.pool, h.store, r);
      const live = await rows('rm.batch_log');
      const liveView = (await h.db.pool.query(`SELECT definition FROM pg_views WHERE schemaname = 'rm' AND viewname = 'batch_log'`)).rows;

      const shadow = await r.startShadowBuild('batch-log', { parameters: { ignoreType: 'Y' }, purpose: 'what if Y did not count', createdBy: 'admin-1', ttlSeconds: 3600 });
      expect(shadow).toMatchObject({ state: 'shadow', parameters: { ignoreType: 'Y' }, purpose: 'what if Y did not count', created_by: 'admin-1', target_position: null });
      expect(shadow.expires_at).not.toBeNull();
      await waitForProjections(h.db.pool, h.store, r);

      const shadowRows = await rows(`"${shadow.schema_name}".batch_log`);
      expect(shadowRows).toEqual([
        { position: '1', stream_id: 'a-1', type: 'X' },
        { position: '3', stream_id: 'a-1', type: 'X' },
      ]);
      expect(def.contexts.filter((c) => c.buildId === shadow.build_id).map((c) => [c.mode, c.parameters])).toEqual([
        ['shadow', { ignoreType: 'Y' }],
        ['shadow', { ignoreType: 'Y' }],
      ]);
      // live: same rows, same view, still live; the shadow build never goes live
      expect(await rows('rm.batch_log')).toEqual(live);
      expect(live).toHaveLength(4);
      expect((await h.db.pool.query(`SELECT definition FROM pg_views WHERE schemaname = 'rm' AND viewname = 'batch_log'`)).rows).toEqual(liveView);
      await append('c-1', ['X']);
      await waitForProjections(h.db.pool, h.store, r);
      expect(await build(shadow.build_id)).toMatchObject({ state: 'shadow', position: '5' });
      expect(await rows('rm.batch_log')).toHaveLength(5);

      const [status] = await projectionStatus(h.db.pool, h.store, r.definitions);
      expect(status!.builds).toEqual([
        expect.objectContaining({ state: 'live' }),
        expect.objectContaining({
          buildId: shadow.build_id,
          state: 'shadow',
          position: '5',
          lagEvents: 0,
          progress: expect.objectContaining({ eventsDone: 5 }),
          shadow: expect.objectContaining({ targetPosition: null, parameters: { ignoreType: 'Y' }, purpose: 'what if Y did not count', createdBy: 'admin-1' }),
        }),
      ]);
    });

    it('refuses a parameter the projection does not declare, or a value its check refuses, naming the key', async () => {
      const r = runtime([batchLog()]);
      await r.start();
      const unknown = r.startShadowBuild('batch-log', { parameters: { ignoreType: 'Y', publishDraft: 'd-1' } });
      await expect(unknown).rejects.toBeInstanceOf(RuleViolation);
      await expect(unknown).rejects.toMatchObject({ code: 'build-parameter-unknown', details: { field: 'parameters.publishDraft', known: ['ignoreType'] } });
      await expect(r.startShadowBuild('batch-log', { parameters: { ignoreType: 42 } })).rejects.toMatchObject({
        code: 'build-parameter-invalid',
        details: { field: 'parameters.ignoreType' },
        message: 'parameters.ignoreType: an event type name',
      });
      await expect(r.startShadowBuild('batch-log', { targetPosition: -1n })).rejects.toMatchObject({ code: 'build-target-invalid' });
      expect((await h.db.pool.query(`SELECT count(*)::int AS n FROM projection_builds WHERE state = 'shadow'`)).rows).toEqual([{ n: 0 }]);
    });
  });

  describe('with a target position (as of)', () => {
    it('stops exactly at the target and equals, row for row, the live build when it had reached that position', async () => {
      await append('a-1', ['X', 'Y', 'X', 'Y']);
      await append('b-1', ['X', 'Y']);
      const def = batchLog();
      def.poisoned = false;
      const r = runtime([def]);
      await r.start();
      await waitForProjections(h.db.pool, h.store, r);
      // the live build at position 6
      expect(await build((await h.db.pool.query(`SELECT build_id FROM projection_builds`)).rows[0].build_id)).toMatchObject({ position: '6' });
      const liveAtSix = await rows('rm.batch_log');
      await r.stop();
      await append('b-1', ['X', 'X']);
      await append('c-1', ['X', 'Y']);

      // batches of 4 while catching up: the target (6) falls inside the second batch the shadow build reads
      const again = runtime([def], { catchUpBatchSize: 4 });
      await again.start();
      const asOf = await again.startShadowBuild('batch-log', { targetPosition: 6n, purpose: 'audit as of 6' });
      await waitForProjections(h.db.pool, h.store, again);
      const stopped = await build(asOf.build_id);
      expect(stopped).toMatchObject({ state: 'shadow', position: '6', target_position: '6' });
      expect(stopped!['reached_target_at']).not.toBeNull();
      // never an event beyond the target, not even one of the batch that carried it
      expect(def.calls.filter((_, i) => def.contexts[i]!.buildId === asOf.build_id).flat().every((p) => p <= 6n)).toBe(true);
      expect(await rows(`"${asOf.schema_name}".batch_log`)).toEqual(liveAtSix);
      expect(liveAtSix.map((row) => row.position)).toEqual(['1', '2', '3', '4', '5', '6']);
      expect(await rows('rm.batch_log')).toHaveLength(10);

      // more events do not move it; its runner does not restart
      await append('d-1', ['X']);
      await waitForProjections(h.db.pool, h.store, again);
      expect(await build(asOf.build_id)).toMatchObject({ position: '6' });
      const [status] = await projectionStatus(h.db.pool, h.store, again.definitions);
      expect(status!.builds.find((b) => b.buildId === asOf.build_id)).toMatchObject({
        state: 'shadow',
        lagEvents: 0,
        progress: { eventsDone: 6, estimatedSecondsLeft: 0 },
        shadow: { targetPosition: '6', purpose: 'audit as of 6' },
      });
    });
  });

  describe('dropBuild', () => {
    it('drops a shadow build, its schema and its row; refuses a live build', async () => {
      await append('a-1', ['X']);
      const def = batchLog();
      def.poisoned = false;
      const r = runtime([def]);
      await r.start();
      const shadow = await r.startShadowBuild('batch-log', {});
      await waitForProjections(h.db.pool, h.store, r);
      await r.dropBuild(shadow.build_id);
      expect(await build(shadow.build_id)).toBeUndefined();
      expect((await h.db.pool.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [shadow.schema_name])).rowCount).toBe(0);
      const live = (await h.db.pool.query(`SELECT build_id FROM projection_builds WHERE state = 'live'`)).rows[0].build_id as string;
      await expect(r.dropBuild(live)).rejects.toBeInstanceOf(InvalidState);
      await expect(r.dropBuild(live)).rejects.toMatchObject({ code: 'build-not-shadow' });
      await append('a-1', ['X']);
      await waitForProjections(h.db.pool, h.store, r);
      expect(await rows('rm.batch_log')).toHaveLength(2);
    });
  });
});
