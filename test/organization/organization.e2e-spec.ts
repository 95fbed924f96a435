import { startTestApp, TestApp } from '@test/support';

describe('organization (HTTP)', () => {
  let t: TestApp;
  let admin: { Authorization: string };
  let bureau: string;
  let office: string;
  let brigade: string;
  let squad: string;

  const unit = async (name: string, unitType: string, parentId?: string): Promise<string> =>
    (await t.http.post('/v1/units').set(admin).send({ name, unitType, parentId }).expect(201)).body.unitId;
  /** Bad input: a 4xx problem+json and no new event. */
  const refused = async (status: number, send: () => Promise<{ status: number; body: Record<string, unknown>; headers: Record<string, string> }>) => {
    const head = await t.store.headPosition();
    const res = await send();
    expect(res.status).toBe(status);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(await t.store.headPosition()).toBe(head);
    return res.body;
  };

  beforeAll(async () => {
    t = await startTestApp();
    admin = { Authorization: `Bearer ${t.adminToken}` };
    for (const [key, name] of [['bureau', '局'], ['section', '科室'], ['brigade', '大队'], ['squad', '中队']]) {
      await t.http.post('/v1/unit-types').set(admin).send({ key, name }).expect(201);
    }
    await t.http
      .put('/v1/publication-levels')
      .set(admin)
      .send({ levels: [{ key: 'unit', name: '本单位', rank: 10 }, { key: 'city', name: '市级', rank: 30 }, { key: 'province', name: '省级', rank: 40 }] })
      .expect(200);
    bureau = await unit('某市公安局', 'bureau');
    office = await unit('办公室', 'section', bureau);
    brigade = await unit('刑侦大队', 'brigade', bureau);
    squad = await unit('一中队', 'squad', brigade);
  });
  afterAll(async () => {
    await t.close();
  });

  describe('units', () => {
    it('moving a unit under its own descendant is refused (422 unit-move-cycle), nothing changes', async () => {
      const body = await refused(422, () => t.http.post(`/v1/units/${brigade}/move`).set(admin).send({ parentId: squad }));
      expect(body).toMatchObject({ rule: 'unit-move-cycle', field: 'parentId' });
      const itself = await refused(422, () => t.http.post(`/v1/units/${brigade}/move`).set(admin).send({ parentId: brigade }));
      expect(itself).toMatchObject({ rule: 'unit-move-cycle', field: 'parentId' });
      await t.settle();
      expect((await t.http.get(`/v1/units/${brigade}`).set(admin).expect(200)).body).toMatchObject({ parentId: bureau });
    });
    it('a unit of an undefined type is refused (422 unit-type-undefined)', async () => {
      const body = await refused(422, () => t.http.post('/v1/units').set(admin).send({ name: '某所', unitType: 'station', parentId: bureau }));
      expect(body).toMatchObject({ rule: 'unit-type-undefined', field: 'unitType' });
    });
    it('moves, dissolves, and keeps the history of a unit', async () => {
      const temp = await unit('临时专班', 'section', bureau);
      await t.http.post(`/v1/units/${temp}/move`).set(admin).send({ parentId: brigade }).expect(200);
      await t.http.post(`/v1/units/${temp}/dissolve`).set(admin).send({ dissolvedOn: '2026-06-30', reason: '专项结束' }).expect(200);
      const underDissolved = await refused(422, () => t.http.post('/v1/units').set(admin).send({ name: '专班一组', unitType: 'section', parentId: temp }));
      expect(underDissolved).toMatchObject({ rule: 'unit-parent-dissolved', field: 'parentId' });
      expect(await refused(409, () => t.http.put(`/v1/units/${temp}/name`).set(admin).send({ name: '改名' }))).toMatchObject({ rule: 'unit-dissolved' });
      expect(await refused(409, () => t.http.post(`/v1/units/${temp}/move`).set(admin).send({ parentId: bureau }))).toMatchObject({ rule: 'unit-dissolved' });
      expect(await refused(422, () => t.http.post(`/v1/units/${office}/move`).set(admin).send({ parentId: temp }))).toMatchObject({ rule: 'unit-parent-dissolved' });
      await t.settle();
      const detail = await t.http.get(`/v1/units/${temp}`).set(admin).expect(200);
      expect(detail.body).toMatchObject({ parentId: brigade, dissolvedOn: '2026-06-30' });
      const history = await t.http.get(`/v1/units/${temp}/history`).set(admin).expect(200);
      expect((history.body as { type: string }[]).map((e) => e.type)).toEqual(['UnitRegistered', 'UnitMoved', 'UnitDissolved']);
    });
  });

  describe('members and appointments', () => {
    let member: string;
    beforeAll(async () => {
      member = (await t.http.post('/v1/members').set(admin).send({ name: '王芳', phone: '13800000001', email: 'wangfang@example.gov.cn' }).expect(201)).body.memberId;
    });

    it('appoints a member to several roles in several units; the directory shows them', async () => {
      await t.http.post(`/v1/members/${member}/appointments`).set(admin).send({ role: 'reporter', unitId: office, startsOn: '2026-01-01' }).expect(201);
      await t.http
        .post(`/v1/members/${member}/appointments`)
        .set(admin)
        .send({ role: 'leader_in_charge', unitId: bureau, startsOn: '2026-01-01', oversees: [brigade] })
        .expect(201);
      await t.settle();
      const detail = await t.http.get(`/v1/members/${member}`).set(admin).expect(200);
      expect((detail.body.appointments as { role: string }[]).map((a) => a.role).sort()).toEqual(['leader_in_charge', 'reporter']);
      const directory = await t.http.get(`/v1/members?role=reporter&unitId=${office}`).set(admin).expect(200);
      expect((directory.body as { name: string }[]).map((m) => m.name)).toContain('王芳');
      const coverage = await t.http.get(`/v1/review-coverage?unitId=${squad}&role=leader_in_charge`).set(admin).expect(200);
      expect(coverage.body).toEqual([expect.objectContaining({ unitId: squad, role: 'leader_in_charge', memberId: member, memberName: '王芳' })]);
    });
    it('appointing to a dissolved unit is refused (422 appointment-unit-dissolved)', async () => {
      const gone = await unit('撤销科', 'section', bureau);
      await t.http.post(`/v1/units/${gone}/dissolve`).set(admin).send({ dissolvedOn: '2026-02-01' }).expect(200);
      const body = await refused(422, () => t.http.post(`/v1/members/${member}/appointments`).set(admin).send({ role: 'reporter', unitId: gone, startsOn: '2026-03-01' }));
      expect(body).toMatchObject({ rule: 'appointment-unit-dissolved', field: 'unitId' });
    });
    it('an appointment ending before it starts is refused (422)', async () => {
      const body = await refused(422, () =>
        t.http.post(`/v1/members/${member}/appointments`).set(admin).send({ role: 'duty_officer', unitId: office, startsOn: '2026-05-01', endsOn: '2026-04-30' }),
      );
      expect(body).toMatchObject({ rule: 'appointment-ends-before-start', field: 'endsOn' });
    });
    it('malformed input is a 400 naming the field', async () => {
      const body = await refused(400, () => t.http.post(`/v1/members/${member}/appointments`).set(admin).send({ role: 'emperor', unitId: 'x', startsOn: 'tomorrow' }));
      expect([...new Set((body.errors as { field: string }[]).map((e) => e.field))].sort()).toEqual(['role', 'startsOn', 'unitId']);
    });
    it('a token for a member who no longer exists is a 401', async () => {
      await refused(401, () => t.http.get('/v1/units').set('Authorization', `Bearer ${'x'.repeat(10)}`));
      const ghost = await t.tokenFor('9d9d9d9d-0000-4000-8000-000000000000');
      await refused(401, () => t.http.get('/v1/units').set('Authorization', `Bearer ${ghost}`));
    });
  });

  describe('channels', () => {
    it('registers a channel with follower counts over time', async () => {
      const channel = await t.http
        .post('/v1/channels')
        .set(admin)
        .send({ name: '某市公安微信', platform: 'wechat', handle: 'gh_police', ownerUnitId: office, levelKey: 'city' })
        .expect(201);
      await t.http.post(`/v1/channels/${channel.body.channelId}/follower-counts`).set(admin).send({ count: 10000, asOf: '2026-01-01T00:00:00Z' }).expect(201);
      await t.http.post(`/v1/channels/${channel.body.channelId}/follower-counts`).set(admin).send({ count: 12500, asOf: '2026-03-01T00:00:00Z' }).expect(201);
      await t.settle();
      const detail = await t.http.get(`/v1/channels/${channel.body.channelId}`).set(admin).expect(200);
      expect((detail.body.followerHistory as { count: number }[]).map((f) => f.count)).toEqual([10000, 12500]);
      const list = await t.http.get('/v1/channels').set(admin).expect(200);
      expect(list.body).toEqual([expect.objectContaining({ handle: 'gh_police', followers: 12500, levelKey: 'city' })]);
    });
    it('a duplicate handle on the same platform is a 409, whatever its case', async () => {
      const body = await refused(409, () =>
        t.http.post('/v1/channels').set(admin).send({ name: '重复', platform: 'wechat', handle: 'GH_POLICE', ownerUnitId: office, levelKey: 'city' }),
      );
      expect(body).toMatchObject({ rule: 'channel-handle-taken' });
    });
    it('an unknown publication level is refused (422)', async () => {
      const body = await refused(422, () =>
        t.http.post('/v1/channels').set(admin).send({ name: '微博', platform: 'weibo', handle: 'police_weibo', ownerUnitId: office, levelKey: 'galaxy' }),
      );
      expect(body).toMatchObject({ rule: 'publication-level-unknown', field: 'levelKey' });
    });
  });

  describe('configuration', () => {
    it('serves unit types and the ladder, lowest first; a ladder whose ranks do not increase is refused', async () => {
      await t.settle();
      const levels = await t.http.get('/v1/publication-levels').set(admin).expect(200);
      expect((levels.body as { key: string }[]).map((l) => l.key)).toEqual(['unit', 'city', 'province']);
      const types = await t.http.get('/v1/unit-types').set(admin).expect(200);
      expect((types.body as { key: string }[]).map((u) => u.key)).toEqual(expect.arrayContaining(['bureau', 'brigade', 'squad', 'section']));
      await refused(422, () => t.http.put('/v1/publication-levels').set(admin).send({ levels: [{ key: 'city', name: '市', rank: 30 }, { key: 'unit', name: '本单位', rank: 10 }] }));
    });
  });
});
