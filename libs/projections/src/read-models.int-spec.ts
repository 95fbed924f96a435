import type { AccessPolicy } from '@app/access';
import { ReadModels } from './read-models';
import { ShadowBuilds } from './shadow-builds';
import { waitForProjections } from './wait-for-projections';
import { batchLog } from './testing/batch-log.fixture';
import { counter } from './testing/stream-counts.fixture';
import { useRuntimeHarness } from './testing/runtime-harness';

describe('ReadModels.scopeOfBuild (a build the caller names itself)', () => {
  const h = useRuntimeHarness();

  async function setup() {
    await h.append('a-1', ['X', 'Y']);
    const def = batchLog();
    def.poisoned = false;
    const r = h.runtime([def, counter()]);
    await r.start();
    // scopeOfBuild checks no reader: the access policy is never asked
    const access = { assert: () => Promise.reject(new Error('not asked')) } as unknown as AccessPolicy;
    const readModels = new ReadModels(h.db.pool, r, access, { minPositionTimeoutMs: 1000 });
    const builds = new ShadowBuilds(h.db.pool, h.store, r, { run: true, defaultTtlSeconds: 3600, sweepIntervalMs: 60_000 });
    const shadow = await builds.start({ projection: 'batch-log', ttlSeconds: 60 });
    await waitForProjections(h.db.pool, h.store, r);
    return { r, readModels, builds, shadow };
  }
  const row = async (buildId: string) =>
    (await h.db.pool.query<{ expires_at: Date; last_read_at: Date | null; schema_name: string }>(`SELECT expires_at, last_read_at, schema_name FROM projection_builds WHERE build_id = $1`, [buildId])).rows[0]!;
  /** As if the build had been started (and last read) two minutes earlier. */
  const age = (buildId: string) =>
    h.db.pool.query(
      `UPDATE projection_builds SET started_at = started_at - interval '2 minutes', expires_at = expires_at - interval '2 minutes',
              last_read_at = last_read_at - interval '2 minutes' WHERE build_id = $1`,
      [buildId],
    );

  it('reads the build\'s own tables (live for the others) and slides its expiry by its ttl: the sweeper keeps it, and drops it once unread', async () => {
    const { readModels, builds, shadow } = await setup();
    await age(shadow.buildId);
    expect((await row(shadow.buildId)).expires_at.getTime()).toBeLessThan(Date.now());

    const scope = await readModels.scopeOfBuild(shadow.buildId, ['batch_log', 'stream_counts']);
    const { schema_name, expires_at, last_read_at } = await row(shadow.buildId);
    expect(scope.buildId).toBe(shadow.buildId);
    expect(scope.t('batch_log')).toBe(`"${schema_name}"."batch_log"`);
    expect(scope.t('stream_counts')).toBe('rm.stream_counts');
    expect((await h.db.pool.query(`SELECT count(*)::int AS n FROM ${scope.t('batch_log')}`)).rows).toEqual([{ n: 2 }]);
    // expires one ttl (60 s) after this read
    expect(last_read_at).not.toBeNull();
    expect(expires_at.getTime() - last_read_at!.getTime()).toBe(60_000);
    expect(expires_at.getTime()).toBeGreaterThan(Date.now() + 50_000);
    expect(await builds.sweep()).toEqual([]);

    // unread for longer than its ttl: swept
    await age(shadow.buildId);
    expect(await builds.sweep()).toEqual([shadow.buildId]);
    await expect(readModels.scopeOfBuild(shadow.buildId, ['batch_log'])).rejects.toMatchObject({ code: 'read-build-unknown' });
  });

  it('refuses a build of another projection than the tables read (read-build-mismatch) and a build that is not there', async () => {
    const { readModels, shadow } = await setup();
    await expect(readModels.scopeOfBuild(shadow.buildId, ['stream_counts'])).rejects.toMatchObject({ code: 'read-build-mismatch' });
    await expect(readModels.scopeOfBuild('batch-log:v1:000000', ['batch_log'])).rejects.toMatchObject({ code: 'read-build-unknown' });
  });
});
