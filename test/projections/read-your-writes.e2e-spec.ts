import type { PoolClient } from 'pg';
import type { DemoOrganization } from '@app/organization';
import { ReadModels } from '@app/projections';
import { AuthHeaders, bearer, officeDraft, publishPolicy, seedDemo, startTestApp, TestApp } from '@test/support';

/**
 * Issue 9, item 9: a command answers the log position it appended at; a read with X-Min-Position answers only
 * once the read models it reads have applied that position (bounded: 503 read-not-caught-up with Retry-After).
 * The projections are held back by a lock on projection_builds (no checkpoint can move while it is held), so
 * without the wait the read would see the draft as it was before the command.
 */
describe('read your own writes (X-Min-Position)', () => {
  let t: TestApp;
  let demo: DemoOrganization;
  let admin: AuthHeaders;
  let reporter: AuthHeaders;

  beforeAll(async () => {
    t = await startTestApp({ env: { READ_MIN_POSITION_TIMEOUT_MS: '1500' } });
    demo = await seedDemo(t);
    admin = bearer(t.adminToken);
    reporter = bearer(await t.tokenFor(demo.byRole.reporter.memberId));
    await t.settle();
    await publishPolicy(t, admin, 'law-enforcement-bureau-001C.json');
  }, 60_000);
  afterAll(() => t.close());

  /** Runs `work` while no projection can move its checkpoint; releases the hold once `release` resolves. */
  async function withProjectionsHeld<T>(work: (release: () => Promise<void>) => Promise<T>): Promise<T> {
    const client: PoolClient = await t.pool.connect();
    let released = false;
    const release = async () => {
      if (released) return;
      released = true;
      await client.query('COMMIT');
      client.release();
    };
    await client.query('BEGIN');
    await client.query('LOCK TABLE projection_builds IN EXCLUSIVE MODE');
    try {
      return await work(release);
    } finally {
      await release();
    }
  }

  it('answers each command with the position it appended at, as a decimal string', async () => {
    const created = await t.http.post('/v1/drafts').set(reporter).send(officeDraft(demo)).expect(201);
    expect(created.body.position).toMatch(/^[1-9][0-9]*$/);
    expect(BigInt(created.body.position as string)).toBe(await t.store.headPosition());
    const submitted = await t.http.post(`/v1/drafts/${created.body.draftId}/submit`).set(reporter).expect(200);
    expect(BigInt(submitted.body.position as string)).toBeGreaterThan(BigInt(created.body.position as string));
    // a retry with the same key answers the first run's position
    const key = 'unit-retry-position-0001';
    const first = await t.http.post('/v1/units').set(admin).set('Idempotency-Key', key).send({ name: '档案科', unitType: 'section', parentId: demo.units.office }).expect(201);
    const again = await t.http.post('/v1/units').set(admin).set('Idempotency-Key', key).send({ name: '档案科', unitType: 'section', parentId: demo.units.office }).expect(201);
    expect(again.body).toMatchObject({ duplicate: true, position: first.body.position });
    await t.settle();
  });

  it('submits a draft and reads it at once: with X-Min-Position the read waits for the projection, and `late` is set', async () => {
    const created = await t.http.post('/v1/drafts').set(reporter).send(officeDraft(demo)).expect(201);
    const draftId = created.body.draftId as string;
    await t.settle();
    const readModels = t.app.get(ReadModels);
    await withProjectionsHeld(async (release) => {
      const submitted = await t.http.post(`/v1/drafts/${draftId}/submit`).set(reporter).expect(200);
      // without the header the read model is behind: the draft is still a draft, `late` not computed
      const stale = await t.http.get(`/v1/drafts/${draftId}`).set(reporter).expect(200);
      expect(stale.body).toMatchObject({ status: 'draft', late: null });
      const waiting = new Promise<void>((resolve) => {
        const off = readModels.onWaiting(() => {
          off();
          resolve();
        });
      });
      const read = t.http.get(`/v1/drafts/${draftId}`).set(reporter).set('X-Min-Position', submitted.body.position as string).then((r) => r);
      await waiting;
      await release();
      const fresh = await read;
      expect(fresh.status).toBe(200);
      expect(fresh.body).toMatchObject({ status: 'in_review', late: false });
    });
  });

  it('reads a draft right after creating it (no 404) when it names the creation\'s position', async () => {
    const readModels = t.app.get(ReadModels);
    await withProjectionsHeld(async (release) => {
      const created = await t.http.post('/v1/drafts').set(reporter).send(officeDraft(demo)).expect(201);
      await t.http.get(`/v1/drafts/${created.body.draftId}`).set(reporter).expect(404);
      const waiting = new Promise<void>((resolve) => {
        const off = readModels.onWaiting(() => {
          off();
          resolve();
        });
      });
      const read = t.http.get(`/v1/drafts/${created.body.draftId}`).set(reporter).set('X-Min-Position', created.body.position as string).then((r) => r);
      await waiting;
      await release();
      expect((await read).status).toBe(200);
    });
  });

  it('answers 503 read-not-caught-up with Retry-After when the position is not reached within the bound', async () => {
    const far = ((await t.store.headPosition()) + 1_000_000n).toString();
    const res = await t.http.get('/v1/drafts/mine').set(reporter).set('X-Min-Position', far).expect(503);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(res.headers['retry-after']).toMatch(/^[1-9][0-9]*$/);
    expect(res.body).toMatchObject({ type: 'urn:baosong:problem:read-not-caught-up', status: 503, minPosition: far });
    expect((res.body.behind as { projection: string }[]).map((b) => b.projection)).toEqual(['reporting']);
    expect(t.app.get(ReadModels).waitingReads).toBe(0);
  });

  it('answers at once for a position already applied', async () => {
    const head = (await t.store.headPosition()).toString();
    await t.settle();
    await t.http.get('/v1/units').set(reporter).set('X-Min-Position', head).expect(200);
    await t.http.get('/v1/policies').set(reporter).set('X-Min-Position', '0').expect(200);
  });

  it('refuses a malformed X-Min-Position or X-Read-Build with a 400 naming the header', async () => {
    for (const bad of ['-1', 'abc', '1.5', '99999999999999999999', '0x10']) {
      const res = await t.http.get('/v1/drafts/mine').set(reporter).set('X-Min-Position', bad).expect(400);
      expect(res.body).toMatchObject({ type: 'urn:baosong:problem:validation-failed', errors: [{ field: 'X-Min-Position' }] });
    }
    const res = await t.http.get('/v1/policies').set(admin).set('X-Read-Build', 'not a build').expect(400);
    expect(res.body).toMatchObject({ errors: [{ field: 'X-Read-Build' }] });
  });

  it('refuses a read of an unknown build (404 read-build-unknown), and a shadow read by a member without ops.read (403)', async () => {
    const unknown = await t.http.get('/v1/policies').set(admin).set('X-Read-Build', 'policies:v1:000000').expect(404);
    expect(unknown.body).toMatchObject({ type: 'urn:baosong:problem:read-build-unknown', buildId: 'policies:v1:000000' });
    const forbidden = await t.http.get('/v1/policies').set(reporter).set('X-Read-Build', 'policies:v1:000000').expect(403);
    expect(forbidden.body).toMatchObject({ type: 'urn:baosong:problem:forbidden', permission: 'ops.read' });
  });

  it('refuses a build of another projection than the operation reads (422 read-build-mismatch)', async () => {
    const live = await t.pool.query<{ build_id: string }>(`SELECT build_id FROM projection_builds WHERE projection = 'org-tree' AND state = 'live'`);
    const buildId = live.rows[0]!.build_id;
    const res = await t.http.get('/v1/policies').set(admin).set('X-Read-Build', buildId).expect(422);
    expect(res.body).toMatchObject({ type: 'urn:baosong:problem:read-build-mismatch', buildId, projection: 'org-tree', reads: ['policies'] });
    // the live build of the projection read is a build like any other
    await t.http.get('/v1/units').set(admin).set('X-Read-Build', buildId).expect(200);
  });
});
