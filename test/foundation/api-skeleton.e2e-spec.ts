import { startTestApp, TestApp } from '@test/support';

describe('API skeleton (HTTP)', () => {
  let t: TestApp;
  let admin: { Authorization: string };
  beforeAll(async () => {
    t = await startTestApp();
    admin = { Authorization: `Bearer ${t.adminToken}` };
    await t.http.post('/v1/unit-types').set(admin).send({ key: 'bureau', name: '局' }).expect(201);
    await t.http.post('/v1/unit-types').set(admin).send({ key: 'section', name: '科室' }).expect(201);
  });
  afterAll(async () => {
    await t.close();
  });

  describe('health', () => {
    it('GET /health answers ok', async () => {
      await t.http.get('/health').expect(200, { status: 'ok' });
    });
    it('GET /health/ready checks the database and projections', async () => {
      const res = await t.http.get('/health/ready').expect(200);
      expect(res.body).toEqual({ status: 'ready', database: 'ok', stoppedProjections: [] });
    });
  });

  describe('docs', () => {
    it('serves the OpenAPI document with the versioned routes', async () => {
      const res = await t.http.get('/docs-json').expect(200);
      expect(res.body.openapi).toMatch(/^3\./);
      expect(Object.keys(res.body.paths)).toEqual(expect.arrayContaining(['/v1/units', '/v1/ops/projections', '/health']));
    });
    it('serves the interactive docs at /docs', async () => {
      const res = await t.http.get('/docs').redirects(1).expect(200);
      expect(res.text).toContain('swagger');
    });
  });

  describe('validation and errors', () => {
    it('answers 400 problem+json naming each bad field, and writes nothing', async () => {
      const before = await t.store.headPosition();
      const res = await t.http.post('/v1/units').set(admin).send({ name: '', unitType: 'Not A Key', extra: 1 }).expect(400);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(res.body).toMatchObject({ status: 400, type: 'urn:baosong:problem:validation-failed' });
      const fields = (res.body.errors as { field: string }[]).map((e) => e.field).sort();
      expect(fields).toEqual(['extra', 'name', 'unitType']);
      expect(await t.store.headPosition()).toBe(before);
    });
    it('answers 400 for malformed JSON', async () => {
      const res = await t.http.post('/v1/units').set(admin).set('Content-Type', 'application/json').send('{"name":').expect(400);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
      // a type from the problem catalogue that the operation's documented 400 lists
      const documented = (await t.http.get('/docs-json').expect(200)).body.paths['/v1/units'].post.responses['400'].content['application/problem+json'].schema.allOf[1].properties.type.enum;
      expect(documented).toContain(res.body.type);
    });
    it('answers 404 problem+json for an unknown unit', async () => {
      const res = await t.http.get('/v1/units/7d1f2a4e-0000-4000-8000-000000000000').set(admin).expect(404);
      expect(res.body).toMatchObject({ status: 404, type: 'urn:baosong:problem:not-found' });
    });
    it('answers 404 problem+json for an unknown route', async () => {
      const res = await t.http.get('/v1/nowhere').set(admin).expect(404);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    });
    it('answers 401 problem+json without a token, or with a bad one', async () => {
      const none = await t.http.get('/v1/units').expect(401);
      expect(none.headers['content-type']).toMatch(/application\/problem\+json/);
      await t.http.get('/v1/units').set('Authorization', 'Bearer not.a.jwt').expect(401);
      await t.http.get('/v1/units').set('Authorization', `Bearer ${await t.tokenFor('00000000-0000-4000-8000-000000000000')}`).expect(401);
    });
    it('echoes the correlation id', async () => {
      const res = await t.http.get('/health').set('X-Correlation-Id', 'req-42').expect(200);
      expect(res.headers['x-correlation-id']).toBe('req-42');
    });
  });

  describe('a command and a query through the whole path', () => {
    it('registers a unit, projects it, and serves it with its revision as ETag', async () => {
      const root = await t.http.post('/v1/units').set(admin).send({ name: '市公安局', unitType: 'bureau' }).expect(201);
      expect(root.headers.etag).toBe('"0"');
      const child = await t.http.post('/v1/units').set(admin).send({ name: '指挥中心', unitType: 'section', parentId: root.body.unitId }).expect(201);
      await t.settle();
      const unit = await t.http.get(`/v1/units/${child.body.unitId}`).set(admin).expect(200);
      expect(unit.body).toMatchObject({ name: '指挥中心', unitType: 'section', parentId: root.body.unitId, revision: '0' });
      expect(unit.headers.etag).toBe('"0"');
      const tree = await t.http.get('/v1/units').set(admin).expect(200);
      const mine = (tree.body as { unitId: string; children: { name: string }[] }[]).find((u) => u.unitId === root.body.unitId);
      expect(mine!.children.map((c) => c.name)).toEqual(['指挥中心']);
    });

    it('If-Match: a stale revision is a 412 and changes nothing; the right one succeeds', async () => {
      const created = await t.http.post('/v1/units').set(admin).send({ name: '办公室', unitType: 'section' }).expect(201);
      const id = created.body.unitId as string;
      await t.http.put(`/v1/units/${id}/name`).set(admin).set('If-Match', '"0"').send({ name: '综合办公室' }).expect(200);
      const stale = await t.http.put(`/v1/units/${id}/name`).set(admin).set('If-Match', '"0"').send({ name: '党政办公室' }).expect(412);
      expect(stale.body).toMatchObject({ status: 412, type: 'urn:baosong:problem:stale-revision', actual: '1' });
      await t.settle();
      const unit = await t.http.get(`/v1/units/${id}`).set(admin).expect(200);
      expect(unit.body.name).toBe('综合办公室');
      expect(unit.headers.etag).toBe('"1"');
    });

    it('a retried request with the same Idempotency-Key appends nothing and says so', async () => {
      const key = 'register-unit-0001';
      const first = await t.http.post('/v1/units').set(admin).set('Idempotency-Key', key).send({ unitId: '11111111-2222-4333-8444-555555555555', name: '宣传科', unitType: 'section' }).expect(201);
      const head = await t.store.headPosition();
      const again = await t.http.post('/v1/units').set(admin).set('Idempotency-Key', key).send({ unitId: '11111111-2222-4333-8444-555555555555', name: '宣传科', unitType: 'section' }).expect(201);
      expect(first.body.duplicate).toBe(false);
      expect(again.body).toEqual({ ...first.body, duplicate: true });
      expect(await t.store.headPosition()).toBe(head);
    });

    it('a rule violation is a 422 naming the rule', async () => {
      const res = await t.http.post('/v1/units').set(admin).send({ name: '某科', unitType: 'section', parentId: '99999999-2222-4333-8444-555555555555' }).expect(422);
      expect(res.body).toMatchObject({ status: 422, rule: 'unit-parent-unknown', field: 'parentId' });
    });

    it('registering the same unit id twice is a 409', async () => {
      const body = { unitId: '21111111-2222-4333-8444-555555555555', name: '法制科', unitType: 'section' };
      await t.http.post('/v1/units').set(admin).send(body).expect(201);
      const res = await t.http.post('/v1/units').set(admin).send(body).expect(409);
      expect(res.body.rule).toBe('unit-already-registered');
    });
  });

  describe('ops', () => {
    it('GET /v1/ops/projections lists each projection with its state and lag', async () => {
      await t.settle();
      const res = await t.http.get('/v1/ops/projections').set(admin).expect(200);
      const orgTree = (res.body as { name: string }[]).find((p) => p.name === 'org-tree');
      expect(orgTree).toMatchObject({ codeVersion: 2, deadLetters: 0, builds: [{ state: "live", version: 2, lagEvents: 0 }] });
    });
    it('GET /v1/ops/dead-letters lists none', async () => {
      await t.http.get('/v1/ops/dead-letters?status=open').set(admin).expect(200, []);
    });
    it('POST /v1/ops/projections/:name/rebuild rebuilds and switches', async () => {
      const res = await t.http.post('/v1/ops/projections/org-tree/rebuild').set(admin).expect(202);
      await t.settle();
      const status = await t.http.get('/v1/ops/projections').set(admin).expect(200);
      const orgTree = (status.body as { name: string; builds: { buildId: string }[] }[]).find((p) => p.name === 'org-tree');
      expect(orgTree!.builds.map((b) => b.buildId)).toEqual([res.body.buildId]);
      const tree = await t.http.get('/v1/units').set(admin).expect(200);
      expect((tree.body as unknown[]).length).toBeGreaterThan(0);
    });
  });
});
