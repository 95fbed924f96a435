import { ACCESS_MATRIX, AccessRule, Role, ROLES } from '@app/access';
import { listRoutes, Route, startTestApp, TestApp } from '@test/support';

/**
 * Walks the whole matrix: every role x every endpoint x own unit / other unit. The expectation is computed from
 * ACCESS_MATRIX (the one declarative place) and checked against what the API answers, so a guard, decorator or
 * unit source that disagrees with the matrix fails here, and so does an endpoint with no entry.
 */
describe('access matrix (HTTP)', () => {
  let t: TestApp;
  let routes: Route[];
  const units: Record<'own' | 'other', string> = { own: '', other: '' };
  const tokens = new Map<Role, string>();

  beforeAll(async () => {
    t = await startTestApp();
    routes = listRoutes(t.app);
    const admin = { Authorization: `Bearer ${t.adminToken}` };
    await t.http.post('/v1/unit-types').set(admin).send({ key: 'section', name: '科室' }).expect(201);
    units.own = (await t.http.post('/v1/units').set(admin).send({ name: '宣传科', unitType: 'section', parentId: t.rootUnitId }).expect(201)).body.unitId;
    units.other = (await t.http.post('/v1/units').set(admin).send({ name: '法制科', unitType: 'section', parentId: t.rootUnitId }).expect(201)).body.unitId;
    for (const role of ROLES) {
      const member = await t.http.post('/v1/members').set(admin).send({ name: `${role} 成员` }).expect(201);
      await t.http
        .post(`/v1/members/${member.body.memberId}/appointments`)
        .set(admin)
        .send({ role, unitId: units.own, startsOn: '2026-01-01', ...(role === 'leader_in_charge' ? { oversees: [units.own] } : {}) })
        .expect(201);
      tokens.set(role, await t.tokenFor(member.body.memberId));
    }
    await t.settle();
  }, 60_000);
  afterAll(async () => {
    await t.close();
  });

  it('every endpoint declares an access rule (or is public), and every rule is in the matrix', () => {
    const missing = routes.filter((r) => !r.public && !r.access).map((r) => `${r.method} ${r.path} (${r.controller}.${r.handler})`);
    expect(missing).toEqual([]);
    const unknown = routes.filter((r) => r.access && !(r.access.permission in ACCESS_MATRIX)).map((r) => r.access!.permission);
    expect(unknown).toEqual([]);
    expect(routes.length).toBeGreaterThan(30);
  });

  it('only /health is public', () => {
    expect(routes.filter((r) => r.public).map((r) => r.path)).toEqual(['/health', '/health/ready']);
  });

  /** Whether the matrix lets `role` (appointed at the own unit) perform `rule` on `target`. */
  function expected(rule: AccessRule, role: Role, target: 'own' | 'other', unitInRequest: boolean): boolean {
    if (rule.read && rule.everyone) return true;
    if (rule.read && role === 'auditor') return true;
    if (!rule.roles.includes(role)) return false;
    if (rule.scope === 'global' || !unitInRequest) return true;
    const institutionWide = role === 'finance' || role === 'auditor' || role === 'administrator';
    return target === 'own' || institutionWide;
  }

  function request(route: Route, target: 'own' | 'other') {
    const unitId = units[target];
    const path = route.path.replace(/:(\w+)/g, (_, name: string) => {
      if (name === 'unitId') return unitId;
      if (name === 'stepIndex') return '0';
      if (name === 'name') return 'org-tree';
      if (name === 'id') return '999999';
      if (name === 'sha256') return 'a'.repeat(64);
      return '5f0c2a4e-1111-4222-8333-944455556666';
    });
    const source = route.access?.unit;
    const query = source && 'query' in source ? `?${source.query}=${unitId}` : '';
    const body = source && 'body' in source ? { [source.body]: unitId } : {};
    const verb = route.method.toLowerCase() as 'get' | 'post' | 'put' | 'patch' | 'delete';
    return { call: (token: string) => t.http[verb](path + query).set('Authorization', `Bearer ${token}`).send(body), unitInRequest: Boolean(source) };
  }

  it('every role x every endpoint x own/other unit answers as the matrix says', async () => {
    const mismatches: string[] = [];
    for (const route of routes.filter((r) => !r.public)) {
      const rule: AccessRule = ACCESS_MATRIX[route.access!.permission];
      for (const role of ROLES) {
        for (const target of ['own', 'other'] as const) {
          const { call, unitInRequest } = request(route, target);
          const res = await call(tokens.get(role)!);
          const allowed = expected(rule, role, target, unitInRequest);
          const denied = res.status === 403;
          if (res.status === 401 || res.status >= 500 || allowed === denied) {
            mismatches.push(`${role} ${route.method} ${route.path} (${target}): expected ${allowed ? 'allowed' : '403'}, got ${res.status}`);
          } else if (denied) {
            expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
            expect(res.body.permission).toBe(route.access!.permission);
          }
        }
      }
    }
    expect(mismatches).toEqual([]);
  }, 120_000);

  it('a denial says which permission and roles were missing', async () => {
    const res = await t.http.post('/v1/members').set('Authorization', `Bearer ${tokens.get('reporter')}`).send({ name: '李四' }).expect(403);
    expect(res.body).toMatchObject({ status: 403, type: 'urn:baosong:problem:forbidden', permission: 'members.manage', requiredRoles: ['administrator'] });
  });

  it('appointments in force decide, not the token: an ended appointment no longer grants', async () => {
    const admin = { Authorization: `Bearer ${t.adminToken}` };
    const member = await t.http.post('/v1/members').set(admin).send({ name: '临时管理员' }).expect(201);
    const appointment = await t.http
      .post(`/v1/members/${member.body.memberId}/appointments`)
      .set(admin)
      .send({ role: 'administrator', unitId: units.own, startsOn: '2026-01-01' })
      .expect(201);
    const token = await t.tokenFor(member.body.memberId);
    await t.http.get('/v1/ops/projections').set('Authorization', `Bearer ${token}`).expect(200);
    await t.http.post(`/v1/members/${member.body.memberId}/appointments/${appointment.body.appointmentId}/end`).set(admin).send({ endsOn: '2026-02-01' }).expect(200);
    await t.http.get('/v1/ops/projections').set('Authorization', `Bearer ${token}`).expect(403);
  });

  it('a member who left can no longer sign in (401)', async () => {
    const admin = { Authorization: `Bearer ${t.adminToken}` };
    const member = await t.http.post('/v1/members').set(admin).send({ name: '已调离' }).expect(201);
    const token = await t.tokenFor(member.body.memberId);
    await t.http.get('/v1/units').set('Authorization', `Bearer ${token}`).expect(200);
    await t.http.post(`/v1/members/${member.body.memberId}/status`).set(admin).send({ status: 'left' }).expect(200);
    await t.http.get('/v1/units').set('Authorization', `Bearer ${token}`).expect(401);
  });
});
