import { deterministicUuid, InvalidState, newId, NotFound } from '@app/kernel';
import { PostgresEventStore } from '@app/event-store';
import { createTestDatabase, TestDatabase } from '@test/support';
import { ProjectionRuntime } from './projection-runtime';
import { projectionStatus } from './projection-status';
import { listDeadLetters, retryDeadLetter, skipDeadLetter } from './dead-letters';
import { waitForProjections } from './wait-for-projections';
import { counter } from './testing/stream-counts.fixture';

describe('dead letters: skipping a poison event', () => {
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
  const counts = async (): Promise<Record<string, number>> => {
    const rows = await db.pool.query<{ stream_id: string; n: number }>('SELECT stream_id, n FROM rm.stream_counts ORDER BY stream_id');
    return Object.fromEntries(rows.rows.map((r) => [r.stream_id, r.n]));
  };
  const runtime = (defs: ProjectionRuntime['definitions']): ProjectionRuntime => {
    const r = new ProjectionRuntime(db.pool, store, defs, { leaseIntervalMs: 100, batchSize: 3 });
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

  describe('when a build is stopped on an event its code can never apply (policy stop)', () => {
    it('a skip records who, why and when, the build resumes past the event, and a later rebuild skips it too', async () => {
      await append('a-1', ['X', 'X']);
      await append('p-1', ['Poison']);
      await append('a-1', ['X']);
      const r = runtime([counter()]);
      await r.start();
      await expect(waitForProjections(db.pool, store, r)).rejects.toThrow(/stream-counts stopped: Poison at 3/);
      // retrying cannot help: the code still refuses the event
      const [letter] = await listDeadLetters(db.pool, { status: 'open' });
      expect((await retryDeadLetter(db.pool, store, r, letter!.id)).outcome).toBe('resumed');
      await expect(waitForProjections(db.pool, store, r)).rejects.toThrow(/stopped: Poison at 3/);

      const outcome = await skipDeadLetter(db.pool, r, letter!.id, { actorId: 'admin-1', reason: 'level without a key, appended before the check' });
      expect(outcome).toMatchObject({ outcome: 'skipped', deadLetter: { id: letter!.id, status: 'resolved', resolution: 'skipped', resolvedBy: 'admin-1', reason: 'level without a key, appended before the check' } });
      expect(outcome.deadLetter.resolvedAt).not.toBeNull();
      await waitForProjections(db.pool, store, r);
      expect(await counts()).toEqual({ 'a-1': 3 });
      await append('a-1', ['X']);
      await waitForProjections(db.pool, store, r);
      expect(await counts()).toEqual({ 'a-1': 4 });

      // A rebuild replays the whole log: it leaves the skipped event out instead of stopping on it again.
      const rebuildId = await r.requestRebuild('stream-counts');
      await waitForProjections(db.pool, store, r);
      const [status] = await projectionStatus(db.pool, store, r.definitions);
      expect(status).toMatchObject({ deadLetters: 0, builds: [{ buildId: rebuildId, state: 'live', position: '5' }] });
      expect(await counts()).toEqual({ 'a-1': 4 });
      expect(await listDeadLetters(db.pool, { status: 'open' })).toEqual([]);
      const skips = await db.pool.query('SELECT projection, position, event_type, skipped_by, reason FROM projection_skipped_events');
      expect(skips.rows).toEqual([{ projection: 'stream-counts', position: '3', event_type: 'Poison', skipped_by: 'admin-1', reason: 'level without a key, appended before the check' }]);
    });

    it('only skips in that projection: another projection still applies the event', async () => {
      await append('p-1', ['Poison']);
      const poisoned = counter();
      const other = counter(1, { name: 'other-counts', tables: ['other_counts'], setup: async (c, t) => void (await c.query(`CREATE TABLE ${t('other_counts')} (stream_id text PRIMARY KEY, n int NOT NULL)`)), apply: async (e, { client, t }) => void (await client.query(`INSERT INTO ${t('other_counts')} VALUES ($1, 1) ON CONFLICT (stream_id) DO UPDATE SET n = ${t('other_counts')}.n + 1`, [e.streamId])) });
      const r = runtime([poisoned, other]);
      await r.start();
      await expect(waitForProjections(db.pool, store, r)).rejects.toThrow(/stopped/);
      const [letter] = await listDeadLetters(db.pool, { status: 'open' });
      await skipDeadLetter(db.pool, r, letter!.id, { actorId: 'admin-1', reason: 'poison' });
      await waitForProjections(db.pool, store, r);
      expect((await db.pool.query('SELECT stream_id, n FROM rm.other_counts')).rows).toEqual([{ stream_id: 'p-1', n: 1 }]);
    });
  });

  describe('when the dead letter is of a skip-policy projection', () => {
    it('resolves it as skipped; a retry afterwards is refused as resolved', async () => {
      await append('p-1', ['Poison']);
      const r = runtime([counter(1, { onError: 'skip' })]);
      await r.start();
      await waitForProjections(db.pool, store, r);
      const [letter] = await listDeadLetters(db.pool, { status: 'open' });
      const outcome = await skipDeadLetter(db.pool, r, letter!.id, { actorId: 'admin-1', reason: 'not needed' });
      expect(outcome.deadLetter).toMatchObject({ status: 'resolved', resolution: 'skipped' });
      await expect(retryDeadLetter(db.pool, store, r, letter!.id)).rejects.toBeInstanceOf(InvalidState);
    });
  });

  describe('when the dead letter does not exist or is resolved', () => {
    it('answers not found, and refuses a second skip', async () => {
      await append('p-1', ['Poison']);
      const r = runtime([counter()]);
      await r.start();
      await expect(waitForProjections(db.pool, store, r)).rejects.toThrow(/stopped/);
      await expect(skipDeadLetter(db.pool, r, '999', { actorId: 'a', reason: 'x' })).rejects.toBeInstanceOf(NotFound);
      const [letter] = await listDeadLetters(db.pool, {});
      await skipDeadLetter(db.pool, r, letter!.id, { actorId: 'a', reason: 'x' });
      await expect(skipDeadLetter(db.pool, r, letter!.id, { actorId: 'a', reason: 'x' })).rejects.toThrow(/already resolved/);
    });
  });
});
