import { InvalidState, NotFound } from '@app/kernel';
import { projectionStatus } from './projection-status';
import { listDeadLetters, retryDeadLetter, skipDeadLetter } from './dead-letters';
import { waitForProjections } from './wait-for-projections';
import { counter } from './testing/stream-counts.fixture';
import { useRuntimeHarness } from './testing/runtime-harness';

describe('dead letters: skipping a poison event', () => {
  const h = useRuntimeHarness();
  const { append, counts, runtime } = h;

  describe('when a build is stopped on an event its code can never apply (policy stop)', () => {
    it('a skip records who, why and when, the build resumes past the event, and a later rebuild skips it too', async () => {
      await append('a-1', ['X', 'X']);
      await append('p-1', ['Poison']);
      await append('a-1', ['X']);
      const r = runtime([counter()]);
      await r.start();
      await expect(waitForProjections(h.db.pool, h.store, r)).rejects.toThrow(/stream-counts stopped: Poison at 3/);
      // retrying cannot help: the code still refuses the event
      const [letter] = await listDeadLetters(h.db.pool, { status: 'open' });
      expect((await retryDeadLetter(h.db.pool, r, letter!.id)).outcome).toBe('resumed');
      await expect(waitForProjections(h.db.pool, h.store, r)).rejects.toThrow(/stopped: Poison at 3/);

      const outcome = await skipDeadLetter(h.db.pool, r, letter!.id, { actorId: 'admin-1', reason: 'level without a key, appended before the check' });
      expect(outcome).toMatchObject({ outcome: 'skipped', deadLetter: { id: letter!.id, status: 'resolved', resolution: 'skipped', resolvedBy: 'admin-1', reason: 'level without a key, appended before the check' } });
      expect(outcome.deadLetter.resolvedAt).not.toBeNull();
      await waitForProjections(h.db.pool, h.store, r);
      expect(await counts()).toEqual({ 'a-1': 3 });
      await append('a-1', ['X']);
      await waitForProjections(h.db.pool, h.store, r);
      expect(await counts()).toEqual({ 'a-1': 4 });

      // A rebuild replays the whole log: it leaves the skipped event out instead of stopping on it again.
      const rebuildId = await r.requestRebuild('stream-counts');
      await waitForProjections(h.db.pool, h.store, r);
      const [status] = await projectionStatus(h.db.pool, h.store, r.definitions);
      expect(status).toMatchObject({ deadLetters: 0, builds: [{ buildId: rebuildId, state: 'live', position: '5' }] });
      expect(await counts()).toEqual({ 'a-1': 4 });
      expect(await listDeadLetters(h.db.pool, { status: 'open' })).toEqual([]);
      const skips = await h.db.pool.query('SELECT projection, position, event_type, skipped_by, reason FROM projection_skipped_events');
      expect(skips.rows).toEqual([{ projection: 'stream-counts', position: '3', event_type: 'Poison', skipped_by: 'admin-1', reason: 'level without a key, appended before the check' }]);
    });

    it('only skips in that projection: another projection still applies the event', async () => {
      await append('p-1', ['Poison']);
      const poisoned = counter();
      const other = counter(1, { name: 'other-counts', tables: ['other_counts'], setup: async (c, t) => void (await c.query(`CREATE TABLE ${t('other_counts')} (stream_id text PRIMARY KEY, n int NOT NULL)`)), apply: async (e, { client, t }) => void (await client.query(`INSERT INTO ${t('other_counts')} VALUES ($1, 1) ON CONFLICT (stream_id) DO UPDATE SET n = ${t('other_counts')}.n + 1`, [e.streamId])) });
      const r = runtime([poisoned, other]);
      await r.start();
      await expect(waitForProjections(h.db.pool, h.store, r)).rejects.toThrow(/stopped/);
      const [letter] = await listDeadLetters(h.db.pool, { status: 'open' });
      await skipDeadLetter(h.db.pool, r, letter!.id, { actorId: 'admin-1', reason: 'poison' });
      await waitForProjections(h.db.pool, h.store, r);
      expect((await h.db.pool.query('SELECT stream_id, n FROM rm.other_counts')).rows).toEqual([{ stream_id: 'p-1', n: 1 }]);
    });
  });

  describe('when the dead letter is of a skip-policy projection', () => {
    it('resolves it as skipped; a retry afterwards is refused as resolved', async () => {
      await append('p-1', ['Poison']);
      const r = runtime([counter(1, { onError: 'skip' })]);
      await r.start();
      await waitForProjections(h.db.pool, h.store, r);
      const [letter] = await listDeadLetters(h.db.pool, { status: 'open' });
      const outcome = await skipDeadLetter(h.db.pool, r, letter!.id, { actorId: 'admin-1', reason: 'not needed' });
      expect(outcome.deadLetter).toMatchObject({ status: 'resolved', resolution: 'skipped' });
      await expect(retryDeadLetter(h.db.pool, r, letter!.id)).rejects.toBeInstanceOf(InvalidState);
    });
  });

  describe('when the dead letter does not exist or is resolved', () => {
    it('answers not found, and refuses a second skip', async () => {
      await append('p-1', ['Poison']);
      const r = runtime([counter()]);
      await r.start();
      await expect(waitForProjections(h.db.pool, h.store, r)).rejects.toThrow(/stopped/);
      await expect(skipDeadLetter(h.db.pool, r, '999', { actorId: 'a', reason: 'x' })).rejects.toBeInstanceOf(NotFound);
      const [letter] = await listDeadLetters(h.db.pool, {});
      await skipDeadLetter(h.db.pool, r, letter!.id, { actorId: 'a', reason: 'x' });
      await expect(skipDeadLetter(h.db.pool, r, letter!.id, { actorId: 'a', reason: 'x' })).rejects.toThrow(/already resolved/);
    });
  });
});
