import { startTestApp, TestApp } from '@test/support';

type Res = { status: number; body: Record<string, unknown>; headers: Record<string, string> };

/** Members, appointments, channels and units through HTTP: ETags and If-Match, filters, history, not-found. */
describe('organization flows (HTTP)', () => {
  let t: TestApp;
  let auth: { Authorization: string };
  const as = (token: string) => ({ Authorization: `Bearer ${token}` });
  let bureau: string;
  let office: string;
  let brigade: string;

  /** Bad input: a 4xx problem+json and no new event. */
  const refused = async (status: number, send: () => Promise<Res>) => {
    const head = await t.store.headPosition();
    const res = await send();
    expect({ status: res.status, body: res.body }).toMatchObject({ status });
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(await t.store.headPosition()).toBe(head);
    return res.body;
  };
  const unit = async (name: string, unitType: string, parentId?: string): Promise<string> =>
    (await t.http.post('/v1/units').set(auth).send({ name, unitType, parentId }).expect(201)).body.unitId;
  const member = async (name: string, extra: Record<string, string> = {}): Promise<string> =>
    (await t.http.post('/v1/members').set(auth).send({ name, ...extra }).expect(201)).body.memberId;

  beforeAll(async () => {
    t = await startTestApp();
    auth = as(t.adminToken);
    for (const [key, name] of [['bureau', '局'], ['section', '科室'], ['brigade', '大队']]) {
      await t.http.post('/v1/unit-types').set(auth).send({ key, name }).expect(201);
    }
    await t.http.put('/v1/publication-levels').set(auth).send({ levels: [{ key: 'unit', name: '本单位', rank: 10 }, { key: 'city', name: '市级', rank: 30 }] }).expect(200);
    bureau = await unit('某区城市管理综合执法局', 'bureau');
    office = await unit('办公室', 'section', bureau);
    brigade = await unit('执法一大队', 'brigade', bureau);
  });
  afterAll(async () => {
    await t.close();
  });

  describe('units', () => {
    it('renames with If-Match: the ETag of the detail is the revision; a stale one is a 412 and changes nothing', async () => {
      await t.settle();
      const detail = await t.http.get(`/v1/units/${office}`).set(auth).expect(200);
      expect(detail.headers.etag).toBe('"0"');
      const renamed = await t.http.put(`/v1/units/${office}/name`).set(auth).set('If-Match', detail.headers.etag!).send({ name: '综合办公室' }).expect(200);
      expect(renamed.headers.etag).toBe('"1"');
      await refused(412, () => t.http.put(`/v1/units/${office}/name`).set(auth).set('If-Match', '"0"').send({ name: '办公室' }));
    });
    it('moves a unit to the top of the tree and back', async () => {
      await t.http.post(`/v1/units/${brigade}/move`).set(auth).send({ parentId: null }).expect(200);
      await t.settle();
      const roots = (await t.http.get('/v1/units').set(auth).expect(200)).body as { unitId: string }[];
      expect(roots.map((r) => r.unitId)).toContain(brigade);
      await t.http.post(`/v1/units/${brigade}/move`).set(auth).send({ parentId: bureau }).expect(200);
      await t.settle();
      const tree = (await t.http.get('/v1/units').set(auth).expect(200)).body as { unitId: string; children: { unitId: string }[] }[];
      expect(tree.find((r) => r.unitId === bureau)!.children.map((c) => c.unitId).sort()).toEqual([brigade, office].sort());
    });
    it('the history lists every change with who made it, old names included', async () => {
      const history = (await t.http.get(`/v1/units/${office}/history`).set(auth).expect(200)).body as { type: string; data: Record<string, unknown>; actorId: string; revision: string; recordedAt: string }[];
      expect(history.map((e) => e.type)).toEqual(['UnitRegistered', 'UnitRenamed']);
      expect(history[1]).toMatchObject({ revision: '1', actorId: t.adminId, data: { name: '综合办公室', previousName: '办公室' } });
      expect(history[1]!.recordedAt).toEqual(expect.any(String));
    });
    it('an unknown unit is a 404 for reads and commands alike', async () => {
      const nobody = '00000000-0000-4000-8000-000000000001';
      await refused(404, () => t.http.get(`/v1/units/${nobody}`).set(auth));
      await refused(404, () => t.http.get(`/v1/units/${nobody}/history`).set(auth));
      await refused(404, () => t.http.put(`/v1/units/${nobody}/name`).set(auth).send({ name: 'x' }));
      await refused(404, () => t.http.post(`/v1/units/${nobody}/move`).set(auth).send({ parentId: bureau }));
      await refused(404, () => t.http.post(`/v1/units/${nobody}/dissolve`).set(auth).send({ dissolvedOn: '2026-06-30' }));
    });
    it('a parent that does not exist is refused (422 unit-parent-unknown)', async () => {
      const body = await refused(422, () => t.http.post('/v1/units').set(auth).send({ name: '某科', unitType: 'section', parentId: '00000000-0000-4000-8000-000000000002' }));
      expect(body).toMatchObject({ rule: 'unit-parent-unknown', field: 'parentId' });
    });
    it('a malformed unit type key or dissolution date is a 400 naming the field', async () => {
      const type = await refused(400, () => t.http.post('/v1/unit-types').set(auth).send({ key: 'Big Unit', name: '大单位' }));
      expect((type.errors as { field: string }[]).map((e) => e.field)).toContain('key');
      const date = await refused(400, () => t.http.post(`/v1/units/${brigade}/dissolve`).set(auth).send({ dissolvedOn: '30/06/2026' }));
      expect((date.errors as { field: string }[]).map((e) => e.field)).toContain('dissolvedOn');
    });
  });

  describe('members', () => {
    let zhang: string;
    let li: string;
    beforeAll(async () => {
      zhang = await member('张伟', { phone: '13800000001', email: 'zhangwei@example.gov.cn' });
      li = await member('李娜');
      await member('Wang Fang');
    });

    it('updates contact details with If-Match from the detail’s ETag', async () => {
      await t.settle();
      const detail = await t.http.get(`/v1/members/${zhang}`).set(auth).expect(200);
      // personal fields come back masked (issue 12: the clear values are read through POST /v1/personal-data/{id}/reveal)
      expect(detail.body).toMatchObject({ name: '张伟', phone: '138****0001', email: 'z***@example.gov.cn', idCardNumber: null, status: 'active', appointments: [] });
      await t.http.patch(`/v1/members/${zhang}`).set(auth).set('If-Match', detail.headers.etag!).send({ name: '张伟', phone: '010-88886666' }).expect(200);
      await refused(412, () => t.http.patch(`/v1/members/${zhang}`).set(auth).set('If-Match', detail.headers.etag!).send({ name: '张伟' }));
      await t.settle();
      expect((await t.http.get(`/v1/members/${zhang}`).set(auth).expect(200)).body).toMatchObject({ phone: '010*****6666', email: null });
    });
    it('bad contact details are a 400 naming the field', async () => {
      const body = await refused(400, () => t.http.post('/v1/members').set(auth).send({ name: '', phone: 'call me', email: 'not-an-email' }));
      expect([...new Set((body.errors as { field: string }[]).map((e) => e.field))].sort()).toEqual(['email', 'name', 'phone']);
    });
    it('the directory filters by name (case-insensitive, no wildcards), status, unit and role, and pages', async () => {
      await t.http.post(`/v1/members/${li}/appointments`).set(auth).send({ role: 'reporter', unitId: office, startsOn: '2026-01-01' }).expect(201);
      await t.http.post(`/v1/members/${li}/status`).set(auth).send({ status: 'suspended', reason: '停职检查' }).expect(200);
      await t.settle();
      const names = async (query: string) => ((await t.http.get(`/v1/members?${query}`).set(auth).expect(200)).body as { name: string }[]).map((m) => m.name);
      expect(await names('q=wang')).toEqual(['Wang Fang']);
      expect(await names('q=%25')).toEqual([]);
      expect(await names('q=张')).toEqual(['张伟']);
      expect(await names('status=suspended')).toEqual(['李娜']);
      expect(await names(`unitId=${office}&role=reporter`)).toEqual(['李娜']);
      const all = await names('limit=500');
      expect(await names('limit=1&offset=1')).toEqual([all[1]]);
      const listed = (await t.http.get(`/v1/members?unitId=${office}`).set(auth).expect(200)).body as { appointments: { role: string; oversees: string[] }[] }[];
      expect(listed[0]!.appointments).toEqual([expect.objectContaining({ role: 'reporter', oversees: [] })]);
    });
    it('an unknown member is a 404; a suspended member gets no new appointment (422 member-not-active)', async () => {
      const nobody = '00000000-0000-4000-8000-000000000003';
      await refused(404, () => t.http.get(`/v1/members/${nobody}`).set(auth));
      await refused(404, () => t.http.patch(`/v1/members/${nobody}`).set(auth).send({ name: 'x' }));
      await refused(404, () => t.http.post(`/v1/members/${nobody}/appointments`).set(auth).send({ role: 'reporter', unitId: office, startsOn: '2026-01-01' }));
      const body = await refused(422, () => t.http.post(`/v1/members/${li}/appointments`).set(auth).send({ role: 'duty_officer', unitId: office, startsOn: '2026-03-01' }));
      expect(body).toMatchObject({ rule: 'member-not-active' });
    });
  });

  describe('appointments', () => {
    let wu: string;
    let headAppointment: string;
    beforeAll(async () => {
      wu = await member('吴刚');
      headAppointment = (await t.http.post(`/v1/members/${wu}/appointments`).set(auth).send({ role: 'unit_head', unitId: brigade, startsOn: '2026-01-01' }).expect(201)).body.appointmentId;
    });

    it('a leader in charge must oversee at least one unit (422 naming oversees); other roles oversee none', async () => {
      const none = await refused(422, () => t.http.post(`/v1/members/${wu}/appointments`).set(auth).send({ role: 'leader_in_charge', unitId: bureau, startsOn: '2026-01-01' }));
      expect(none).toMatchObject({ rule: 'leader-oversees-nothing', field: 'oversees' });
      const wrong = await refused(422, () =>
        t.http.post(`/v1/members/${wu}/appointments`).set(auth).send({ role: 'duty_officer', unitId: bureau, startsOn: '2026-01-01', oversees: [brigade] }),
      );
      expect(wrong).toMatchObject({ rule: 'oversees-only-for-leader-in-charge', field: 'oversees' });
      const unknown = await refused(422, () =>
        t.http
          .post(`/v1/members/${wu}/appointments`)
          .set(auth)
          .send({ role: 'leader_in_charge', unitId: bureau, startsOn: '2026-01-01', oversees: ['00000000-0000-4000-8000-000000000004'] }),
      );
      expect(unknown).toMatchObject({ rule: 'overseen-unit-unknown', field: 'oversees' });
    });
    it('the same role in the same unit over overlapping dates is a 409', async () => {
      const body = await refused(409, () => t.http.post(`/v1/members/${wu}/appointments`).set(auth).send({ role: 'unit_head', unitId: brigade, startsOn: '2026-02-01' }));
      expect(body).toMatchObject({ rule: 'appointment-overlaps' });
    });
    it('retrying an appointment with the same Idempotency-Key appoints once', async () => {
      const send = () =>
        t.http.post(`/v1/members/${wu}/appointments`).set(auth).set('Idempotency-Key', 'appoint-wu-duty-2026').send({ role: 'duty_officer', unitId: bureau, startsOn: '2026-03-01' });
      const first = await send().expect(201);
      const again = await send().expect(201);
      expect(again.body).toMatchObject({ appointmentId: first.body.appointmentId, duplicate: true });
    });
    it('ends an appointment; it is then no longer in force, but stays on record', async () => {
      await t.http.post(`/v1/members/${wu}/appointments/${headAppointment}/end`).set(auth).send({ endsOn: '2026-02-28' }).expect(200);
      await t.settle();
      const inForce = async (on: string) =>
        ((await t.http.get(`/v1/appointments?unitId=${brigade}&role=unit_head&inForceOn=${on}`).set(auth).expect(200)).body as { memberName: string }[]).map((a) => a.memberName);
      expect(await inForce('2026-02-28')).toEqual(['吴刚']);
      expect(await inForce('2026-03-01')).toEqual([]);
      const record = (await t.http.get(`/v1/appointments?memberId=${wu}`).set(auth).expect(200)).body as { role: string; endsOn: string | null; unitName: string }[];
      expect(record).toEqual(
        expect.arrayContaining([expect.objectContaining({ role: 'unit_head', endsOn: '2026-02-28', unitName: '执法一大队' }), expect.objectContaining({ role: 'duty_officer', endsOn: null })]),
      );
    });
    it('ending before the start is refused (422 appointment-ends-before-start, naming endsOn)', async () => {
      const body = await refused(422, () => t.http.post(`/v1/members/${wu}/appointments/${headAppointment}/end`).set(auth).send({ endsOn: '2025-12-31' }));
      expect(body).toMatchObject({ rule: 'appointment-ends-before-start', field: 'endsOn' });
    });
  });

  describe('channels', () => {
    let website: string;
    beforeAll(async () => {
      website = (
        await t.http.post('/v1/channels').set(auth).send({ name: '执法局门户网站', platform: 'website', handle: 'cgzf.example.gov.cn', ownerUnitId: office, levelKey: 'city' }).expect(201)
      ).body.channelId;
    });

    it('records follower counts with If-Match from the channel’s ETag', async () => {
      await t.settle();
      const detail = await t.http.get(`/v1/channels/${website}`).set(auth).expect(200);
      expect(detail.headers.etag).toBe('"0"');
      await t.http.post(`/v1/channels/${website}/follower-counts`).set(auth).set('If-Match', '"0"').send({ count: 3200, asOf: '2026-02-01T00:00:00Z' }).expect(201);
      await refused(412, () => t.http.post(`/v1/channels/${website}/follower-counts`).set(auth).set('If-Match', '"0"').send({ count: 3300 }));
      await t.settle();
      const after = await t.http.get(`/v1/channels/${website}`).set(auth).expect(200);
      expect(after.headers.etag).toBe('"1"');
      expect(after.body).toMatchObject({ revision: '1', followerHistory: [{ count: 3200 }] });
    });
    it('the same handle on another platform is another channel; lists filter by platform and owner', async () => {
      await t.http.post('/v1/channels').set(auth).send({ name: '执法局微博', platform: 'weibo', handle: 'cgzf.example.gov.cn', ownerUnitId: brigade, levelKey: 'unit' }).expect(201);
      await t.settle();
      const handles = async (query: string) => ((await t.http.get(`/v1/channels?${query}`).set(auth).expect(200)).body as { platform: string }[]).map((c) => c.platform);
      expect(await handles('platform=weibo')).toEqual(['weibo']);
      expect(await handles(`ownerUnitId=${office}`)).toEqual(['website']);
    });
    it('a dissolved owner unit is refused (422 channel-owner-dissolved); a negative count is a 400', async () => {
      const gone = await unit('临时宣传组', 'section', bureau);
      await t.http.post(`/v1/units/${gone}/dissolve`).set(auth).send({ dissolvedOn: '2026-03-01' }).expect(200);
      const body = await refused(422, () => t.http.post('/v1/channels').set(auth).send({ name: '临时号', platform: 'wechat', handle: 'gh_temp', ownerUnitId: gone, levelKey: 'unit' }));
      expect(body).toMatchObject({ rule: 'channel-owner-dissolved', field: 'ownerUnitId' });
      const count = await refused(400, () => t.http.post(`/v1/channels/${website}/follower-counts`).set(auth).send({ count: -1 }));
      expect((count.errors as { field: string }[]).map((e) => e.field)).toContain('count');
    });
    it('retires a channel: no more follower counts (409), the history stays', async () => {
      await t.http.post(`/v1/channels/${website}/retire`).set(auth).send({ reason: '网站改版合并' }).expect(200);
      const body = await refused(409, () => t.http.post(`/v1/channels/${website}/follower-counts`).set(auth).send({ count: 3400 }));
      expect(body).toMatchObject({ rule: 'channel-retired' });
      await t.settle();
      const detail = await t.http.get(`/v1/channels/${website}`).set(auth).expect(200);
      expect(detail.body).toMatchObject({ retiredAt: expect.any(String), followerHistory: [{ count: 3200 }] });
    });
    it('an unknown channel is a 404', async () => {
      await refused(404, () => t.http.get('/v1/channels/00000000-0000-4000-8000-000000000005').set(auth));
      await refused(404, () => t.http.post('/v1/channels/00000000-0000-4000-8000-000000000005/follower-counts').set(auth).send({ count: 1 }));
    });
  });

  describe('publication levels', () => {
    it('a ladder with a duplicate key is refused, naming the level (422 level-key-duplicate)', async () => {
      const body = await refused(422, () =>
        t.http.put('/v1/publication-levels').set(auth).send({ levels: [{ key: 'unit', name: '本单位', rank: 10 }, { key: 'unit', name: '市级', rank: 30 }] }),
      );
      expect(body).toMatchObject({ rule: 'level-key-duplicate', field: 'levels[1].key' });
    });
    it('replacing the ladder with the same levels appends nothing', async () => {
      const head = await t.store.headPosition();
      await t.http.put('/v1/publication-levels').set(auth).send({ levels: [{ key: 'unit', name: '本单位', rank: 10 }, { key: 'city', name: '市级', rank: 30 }] }).expect(200);
      expect(await t.store.headPosition()).toBe(head);
    });
  });
});
