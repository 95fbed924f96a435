import { startTestApp, TestApp } from '@test/support';

/** E17: GET /v1/me says who the token's member is, the appointments in force today and what they may do where. */
describe('GET /v1/me (HTTP)', () => {
  let t: TestApp;
  let admin: { Authorization: string };
  const units = { a: '', b: '' };

  const member = async (name: string, appointments: Record<string, unknown>[]) => {
    const id = (await t.http.post('/v1/members').set(admin).send({ name }).expect(201)).body.memberId as string;
    for (const a of appointments) await t.http.post(`/v1/members/${id}/appointments`).set(admin).send(a).expect(201);
    return { id, auth: { Authorization: `Bearer ${await t.tokenFor(id)}` } };
  };
  const draft = (unitId: string, authorId: string) => ({
    unitId,
    title: '标题',
    body: '正文',
    contentType: 'general',
    source: 'original',
    firstRelease: 'exclusive',
    targetPlatforms: ['wechat'],
    authors: [authorId],
    importance: 'general',
    destination: 'internal',
  });

  beforeAll(async () => {
    t = await startTestApp();
    admin = { Authorization: `Bearer ${t.adminToken}` };
    await t.http.post('/v1/unit-types').set(admin).send({ key: 'section', name: '科室' }).expect(201);
    units.a = (await t.http.post('/v1/units').set(admin).send({ name: '宣传科', unitType: 'section', parentId: t.rootUnitId }).expect(201)).body.unitId;
    units.b = (await t.http.post('/v1/units').set(admin).send({ name: '法制科', unitType: 'section', parentId: t.rootUnitId }).expect(201)).body.unitId;
    await t.settle();
  }, 60_000);
  afterAll(async () => {
    await t.close();
  });

  it('without a token: 401', async () => {
    await t.http.get('/v1/me').expect(401);
  });

  it('a reporter: the member, only the appointments in force today, and reporter permissions in their unit only', async () => {
    const reporter = await member('张信息员', [
      { role: 'reporter', unitId: units.a, startsOn: '2026-01-01' },
      { role: 'reporter', unitId: units.b, startsOn: '2026-04-01' }, // not yet in force on 2026-03-02
    ]);
    const me = (await t.http.get('/v1/me').set(reporter.auth).expect(200)).body;
    expect(me).toMatchObject({ memberId: reporter.id, name: '张信息员', today: '2026-03-02', timeZone: 'Asia/Shanghai' });
    expect(me.appointments).toEqual([expect.objectContaining({ role: 'reporter', unitId: units.a, startsOn: '2026-01-01', endsOn: null })]);
    expect(me.units).toEqual([{ unitId: units.a, covers: 'unit', roles: ['reporter'], permissions: ['drafts.create', 'drafts.write', 'drafts.read', 'credit.submit', 'credit.read'] }]);
    expect(me.permissions).toEqual(expect.arrayContaining(['me.read', 'org.read', 'drafts.mine', 'attachments.upload', 'policies.read']));
    expect(me.permissions).not.toContain('members.manage');
    expect(me.permissions).not.toContain('register.read');

    // what /v1/me lists is what the guard and the handlers allow: a draft in unit A, not in unit B
    await t.http.post('/v1/drafts').set(reporter.auth).send(draft(units.a, reporter.id)).expect(201);
    const refused = await t.http.post('/v1/drafts').set(reporter.auth).send(draft(units.b, reporter.id)).expect(403);
    expect(refused.body.permission).toBe('drafts.create');
  });

  it('a leader in charge: review and read in the units overseen (and below), nothing in their own unit', async () => {
    const leader = await member('周分管', [{ role: 'leader_in_charge', unitId: units.a, startsOn: '2026-01-01', oversees: [units.b] }]);
    const me = (await t.http.get('/v1/me').set(leader.auth).expect(200)).body;
    expect(me.units).toEqual([{ unitId: units.b, covers: 'subtree', roles: ['leader_in_charge'], permissions: ['drafts.review', 'drafts.read', 'incidents.approve', 'incidents.instruct', 'incidents.read', 'credit.read'] }]);
    expect(me.permissions).toEqual(expect.arrayContaining(['register.read']));
  });

  it('an administrator and an auditor: institution-wide grants', async () => {
    const adminMe = (await t.http.get('/v1/me').set(admin).expect(200)).body;
    expect(adminMe.units).toEqual([{ unitId: null, covers: 'institution', roles: ['administrator'], permissions: ['drafts.record', 'drafts.read', 'incidents.read', 'credit.upload', 'credit.read'] }]);
    expect(adminMe.permissions).toEqual(expect.arrayContaining(['members.manage', 'policies.manage', 'ops.manage', 'commissions.manage']));
    const auditor = await member('审计', [{ role: 'auditor', unitId: units.a, startsOn: '2026-01-01' }]);
    const me = (await t.http.get('/v1/me').set(auditor.auth).expect(200)).body;
    expect(me.units).toEqual([{ unitId: null, covers: 'institution', roles: ['auditor'], permissions: ['drafts.read', 'incidents.read', 'credit.read'] }]);
    expect(me.permissions).toEqual(expect.arrayContaining(['ops.read', 'register.read', 'audit.read']));
    expect(me.permissions).not.toContain('ops.manage');
    // a reveal of personal data appends its audit event: not a read, so not an auditor's by default
    expect(me.permissions).not.toContain('personal-data.reveal');
  });

  it('a member with no appointment in force: who they are, no units, only what everyone may read', async () => {
    const nobody = await member('新成员', []);
    const me = (await t.http.get('/v1/me').set(nobody.auth).expect(200)).body;
    expect(me).toMatchObject({ memberId: nobody.id, appointments: [], units: [] });
    expect([...me.permissions].sort()).toEqual(['attachments.read', 'bulletins.read', 'commissions.read', 'drafts.mine', 'me.read', 'metrics.read', 'notifications.mine', 'org.read', 'payouts.mine', 'policies.read', 'rewards.leaderboard', 'rewards.mine']);
  });
});
