import { ShadowBuilds } from '@app/projections';
import { loadExamplePolicy } from '@app/policies/testing';
import { AuthHeaders, bearer, publishPolicy, startTestApp, TestApp } from '@test/support';

/**
 * Issue 9, item 3: a shadow build of the policies projection with the `policies` what-if parameter, read through
 * the ordinary GET endpoints with X-Read-Build. It differs from the live build exactly where the parameter says
 * (the document treated as published is published and supersedes the version it overlaps; the ignored version is
 * a draft and what it superseded stays published), leaves the live build untouched, is dropped on request, and
 * expires when nobody reads it.
 */
describe('shadow builds (HTTP)', () => {
  let t: TestApp;
  let admin: AuthHeaders;
  const bureau = loadExamplePolicy('law-enforcement-bureau-001C.json');
  // a draft of the bureau's next version: the what-if
  const bureauV2 = { ...bureau, version: 2, title: `${bureau.title} (2026 修订征求意见稿)`, effectiveFrom: '2026-01-01' };
  const county = loadExamplePolicy('county-government-002B.json');
  const countyV2 = { ...county, version: 2, effectiveFrom: '2026-01-01' };
  let beforeCountyV2: string;

  type Version = { policyId: string; version: number; status: string; supersededBy: number | null; publishedAt: string | null; title: string };
  const byKey = (rows: Version[]) => Object.fromEntries(rows.map((r) => [`${r.policyId}@${r.version}`, r]));

  beforeAll(async () => {
    t = await startTestApp();
    admin = bearer(t.adminToken);
    await publishPolicy(t, admin, 'law-enforcement-bureau-001C.json');
    await publishPolicy(t, admin, 'county-government-002B.json');
    beforeCountyV2 = (await t.store.headPosition()).toString();
    // county v2 supersedes county v1 in the log
    await publishPolicy(t, admin, countyV2);
    await t.http.post('/v1/policies').set(admin).send(bureauV2).expect(201);
    await t.settle();
  }, 60_000);
  afterAll(() => t.close());

  async function start(body: object) {
    const res = await t.http.post('/v1/ops/builds').set(admin).send(body);
    expect(res.status).toBe(201);
    return res.body as { buildId: string; state: string; expiresAt: string | null; progress: { position: string; targetPosition: string | null; reachedTarget: boolean } };
  }

  /** The policies as a build has them once it has applied everything appended so far. */
  async function policiesOf(buildId?: string): Promise<Version[]> {
    const head = (await t.store.headPosition()).toString();
    const req = t.http.get('/v1/policies').set(admin).set('X-Min-Position', head);
    if (buildId) req.set('X-Read-Build', buildId);
    return (await req.expect(200)).body as Version[];
  }

  it('differs from the live build exactly where the what-if says, through the same GET endpoints, and leaves live untouched', async () => {
    const liveBefore = await policiesOf();
    const build = await start({
      projection: 'policies',
      parameters: { policies: { treatAsPublished: [bureauV2], ignoreVersions: [{ policyId: county.id, version: 2 }] } },
      purpose: 'what-if: the 2026 revision of the bureau policy, without county v2',
    });
    expect(build).toMatchObject({ state: 'shadow', progress: { targetPosition: null } });

    const shadow = byKey(await policiesOf(build.buildId));
    const live = byKey(await policiesOf());
    expect(Object.keys(shadow).sort()).toEqual(Object.keys(live).sort());
    // live: bureau v1 published, v2 a draft; county v2 published, v1 superseded by it
    expect(live[`${bureau.id}@1`]).toMatchObject({ status: 'published', supersededBy: null });
    expect(live[`${bureau.id}@2`]).toMatchObject({ status: 'draft' });
    expect(live[`${county.id}@1`]).toMatchObject({ status: 'superseded', supersededBy: 2 });
    expect(live[`${county.id}@2`]).toMatchObject({ status: 'published' });
    // shadow: the draft treated as published supersedes v1; county v2 never published, so v1 is still in force
    expect(shadow[`${bureau.id}@2`]).toMatchObject({ status: 'published', title: bureauV2.title, publishedAt: null });
    expect(shadow[`${bureau.id}@1`]).toMatchObject({ status: 'superseded', supersededBy: 2 });
    expect(shadow[`${county.id}@2`]).toMatchObject({ status: 'draft', publishedAt: null });
    expect(shadow[`${county.id}@1`]).toMatchObject({ status: 'published', supersededBy: null });
    // and nowhere else
    const fields = (v: Version) => ({ ...v, status: undefined, supersededBy: undefined, publishedAt: undefined, retroactive: undefined });
    for (const key of Object.keys(live)) expect(fields(shadow[key]!)).toEqual(fields(live[key]!));

    // one version, through its own endpoint
    const one = await t.http.get(`/v1/policies/${bureau.id}/versions/2`).set(admin).set('X-Read-Build', build.buildId).expect(200);
    expect(one.body).toMatchObject({ status: 'published', document: { title: bureauV2.title } });
    // the live build is as it was
    expect(await policiesOf()).toEqual(liveBefore);
    await t.http.delete(`/v1/ops/builds/${build.buildId}`).set(admin).expect(200);
  });

  it('lists, shows and drops a shadow build; a dropped build is 404 read-build-unknown', async () => {
    const build = await start({ projection: 'policies', parameters: { policies: { ignoreVersions: [{ policyId: bureau.id, version: 1 }] } }, purpose: 'drop me' });
    const listed = await t.http.get('/v1/ops/builds').set(admin).expect(200);
    expect((listed.body as { buildId: string; purpose: string }[]).map((b) => [b.buildId, b.purpose])).toEqual([[build.buildId, 'drop me']]);
    await policiesOf(build.buildId);
    const shown = await t.http.get(`/v1/ops/builds/${build.buildId}`).set(admin).expect(200);
    expect(BigInt(shown.body.progress.position as string)).toBeGreaterThanOrEqual(BigInt(beforeCountyV2));
    const schema = (await t.pool.query<{ schema_name: string }>('SELECT schema_name FROM projection_builds WHERE build_id = $1', [build.buildId])).rows[0]!.schema_name;

    const dropped = await t.http.delete(`/v1/ops/builds/${build.buildId}`).set(admin).expect(200);
    expect(dropped.body).toMatchObject({ buildId: build.buildId });
    await t.http.get(`/v1/ops/builds/${build.buildId}`).set(admin).expect(404);
    const read = await t.http.get('/v1/policies').set(admin).set('X-Read-Build', build.buildId).expect(404);
    expect(read.body).toMatchObject({ type: 'urn:baosong:problem:read-build-unknown', buildId: build.buildId });
    expect((await t.pool.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [schema])).rowCount).toBe(0);
    expect((await t.http.get('/v1/ops/builds').set(admin).expect(200)).body).toEqual([]);
  });

  it('stops an as-of build at its target position: county v2 not yet published there', async () => {
    const build = await start({ projection: 'policies', targetPosition: beforeCountyV2 });
    const shadow = byKey(
      (await t.http.get('/v1/policies').set(admin).set('X-Read-Build', build.buildId).set('X-Min-Position', beforeCountyV2).expect(200)).body as Version[],
    );
    expect(shadow[`${county.id}@1`]).toMatchObject({ status: 'published' });
    expect(shadow[`${county.id}@2`]).toBeUndefined();
    const shown = await t.http.get(`/v1/ops/builds/${build.buildId}`).set(admin).expect(200);
    expect(shown.body.progress).toMatchObject({ position: beforeCountyV2, targetPosition: beforeCountyV2, reachedTarget: true });
    // A position past its target: refused at once (it would never get there), not a wait ending in 503.
    const past = (BigInt(beforeCountyV2) + 1n).toString();
    const refused = await t.http.get('/v1/policies').set(admin).set('X-Read-Build', build.buildId).set('X-Min-Position', past).expect(422);
    expect(refused.body).toMatchObject({ type: 'urn:baosong:problem:read-build-below-min-position', targetPosition: beforeCountyV2, minPosition: past });
    await t.http.delete(`/v1/ops/builds/${build.buildId}`).set(admin).expect(200);
  });

  it('refuses parameters the projection does not declare, or that its check refuses (422 build-parameter-unknown / build-parameter-invalid naming them)', async () => {
    const unknown = await t.http.post('/v1/ops/builds').set(admin).send({ projection: 'policies', parameters: { pointsScale: 2 } }).expect(422);
    expect(unknown.body).toMatchObject({ type: 'urn:baosong:problem:build-parameter-unknown', field: 'parameters.pointsScale' });
    const invalid = await t.http
      .post('/v1/ops/builds')
      .set(admin)
      .send({ projection: 'policies', parameters: { policies: { treatAsPublished: [{ ...bureauV2, effectiveFrom: 'soon' }] } } })
      .expect(422);
    expect(invalid.body).toMatchObject({ type: 'urn:baosong:problem:build-parameter-invalid', field: 'parameters.policies' });
    expect(invalid.body.detail).toMatch(/treatAsPublished\.0/);
    await t.http.post('/v1/ops/builds').set(admin).send({ projection: 'no-such-projection' }).expect(404);
    const live = (await t.pool.query<{ build_id: string }>(`SELECT build_id FROM projection_builds WHERE projection = 'policies' AND state = 'live'`)).rows[0]!.build_id;
    const refused = await t.http.delete(`/v1/ops/builds/${live}`).set(admin).expect(409);
    expect(refused.body).toMatchObject({ type: 'urn:baosong:problem:build-not-shadow' });
    expect((await t.http.get('/v1/ops/builds').set(admin).expect(200)).body).toEqual([]);
  });

  it('drops a shadow build nobody read for its ttl; a read keeps it', async () => {
    const sweeper = t.app.get(ShadowBuilds);
    const build = await start({ projection: 'policies', ttlSeconds: 60 });
    expect(Date.parse(build.expiresAt!)).toBeGreaterThan(Date.now());
    // as if it had been started two minutes ago and never read
    const age = async () =>
      t.pool.query(
        `UPDATE projection_builds SET started_at = started_at - interval '2 minutes', expires_at = expires_at - interval '2 minutes',
                last_read_at = last_read_at - interval '2 minutes' WHERE build_id = $1`,
        [build.buildId],
      );
    await age();
    // a read now moves its expiry by its ttl from now: the sweep keeps it
    await t.http.get('/v1/policies').set(admin).set('X-Read-Build', build.buildId).expect(200);
    expect(await sweeper.sweep()).toEqual([]);
    await age();
    expect(await sweeper.sweep()).toEqual([build.buildId]);
    await t.http.get('/v1/policies').set(admin).set('X-Read-Build', build.buildId).expect(404);
  });
});
