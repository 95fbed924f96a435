import { ROLE_COVERAGE, Role } from '@app/access';
import { startTestApp, TestApp } from '@test/support';

interface UnitNode {
  unitId: string;
  name: string;
  parentId: string | null;
  children: UnitNode[];
}
interface AppointmentRow {
  appointmentId: string;
  memberId: string;
  memberStatus: string;
  role: Role;
  unitId: string;
  oversees: string[];
}
interface CoverageRow {
  unitId: string;
  unitName: string;
  role: Role;
  memberId: string;
  memberName: string;
  appointmentId: string;
  startsOn: string;
  endsOn: string | null;
}

/**
 * "Who reviews what" (review-coverage read model) through HTTP: coverage by ROLE_COVERAGE ('unit', 'subtree',
 * 'oversees', 'institution'), dates, members who left, and unit moves. After every change the read model is held
 * against an oracle computed here from the unit tree and the appointments in force.
 */
describe('review coverage (HTTP)', () => {
  let t: TestApp;
  let auth: { Authorization: string };
  const as = (token: string) => ({ Authorization: `Bearer ${token}` });
  const u: Record<string, string> = {};
  const m: Record<string, string> = {};
  const TODAY = '2026-03-02'; // the test clock

  const unit = async (key: string, name: string, unitType: string, parent?: string) => {
    u[key] = (await t.http.post('/v1/units').set(auth).send({ name, unitType, parentId: parent ? u[parent] : undefined }).expect(201)).body.unitId;
  };
  const member = async (key: string, name: string) => {
    m[key] = (await t.http.post('/v1/members').set(auth).send({ name }).expect(201)).body.memberId;
  };
  const appoint = async (key: string, role: Role, unitKey: string, extra: { startsOn?: string; endsOn?: string; oversees?: string[] } = {}) =>
    (
      await t.http
        .post(`/v1/members/${m[key]}/appointments`)
        .set(auth)
        .send({ role, unitId: u[unitKey], startsOn: extra.startsOn ?? '2026-01-01', endsOn: extra.endsOn, oversees: extra.oversees?.map((k) => u[k]) })
        .expect(201)
    ).body.appointmentId as string;
  const coverage = async (query: string): Promise<CoverageRow[]> => (await t.http.get(`/v1/review-coverage?${query}`).set(auth).expect(200)).body;
  const holders = async (unitKey: string, role: Role, on = TODAY) =>
    (await coverage(`unitId=${u[unitKey]}&role=${role}&on=${on}`)).map((r) => r.memberName).sort();

  /** Coverage computed from the tree and the appointments, independently of the read model. */
  const oracle = async (on: string): Promise<string[]> => {
    const roots: UnitNode[] = (await t.http.get('/v1/units').set(auth).expect(200)).body;
    const children = new Map<string, string[]>();
    const all: string[] = [];
    const walk = (n: UnitNode) => {
      all.push(n.unitId);
      children.set(n.unitId, n.children.map((c) => c.unitId));
      n.children.forEach(walk);
    };
    roots.forEach(walk);
    const below = (id: string): string[] => [id, ...(children.get(id) ?? []).flatMap(below)];
    const appointments: AppointmentRow[] = (await t.http.get(`/v1/appointments?inForceOn=${on}&limit=500`).set(auth).expect(200)).body;
    const rows = new Set<string>();
    for (const a of appointments.filter((x) => x.memberStatus === 'active')) {
      const covered = {
        unit: () => [a.unitId],
        subtree: () => below(a.unitId),
        oversees: () => a.oversees.flatMap(below),
        institution: () => all,
      }[ROLE_COVERAGE[a.role]]();
      for (const unitId of covered) rows.add(`${unitId} ${a.role} ${a.memberId} ${a.appointmentId}`);
    }
    return [...rows].sort();
  };
  const expectMatchesOracle = async (on = TODAY) => {
    await t.settle();
    const served = (await coverage(`on=${on}&limit=10000`)).map((r) => `${r.unitId} ${r.role} ${r.memberId} ${r.appointmentId}`).sort();
    expect(served).toEqual(await oracle(on));
  };

  beforeAll(async () => {
    t = await startTestApp();
    auth = as(t.adminToken);
    for (const [key, name] of [['bureau', '局'], ['section', '科室'], ['brigade', '大队'], ['squad', '中队']]) {
      await t.http.post('/v1/unit-types').set(auth).send({ key, name }).expect(201);
    }
    await unit('bureau', '某市公安局', 'bureau');
    await unit('office', '办公室', 'section', 'bureau');
    await unit('criminal', '刑侦大队', 'brigade', 'bureau');
    await unit('criminal1', '刑侦一中队', 'squad', 'criminal');
    await unit('criminal2', '刑侦二中队', 'squad', 'criminal');
    await unit('traffic', '交警大队', 'brigade', 'bureau');
    await unit('traffic1', '交警一中队', 'squad', 'traffic');

    for (const [key, name] of [
      ['reporter', '李信息员'],
      ['head', '王大队长'],
      ['leader', '周副局长'],
      ['office', '孙主任'],
      ['duty', '冯值班长'],
      ['finance', '陈会计'],
      ['secrecy', '钱保密员'],
      ['principal', '郑局长'],
    ]) {
      await member(key!, name!);
    }
    await appoint('reporter', 'reporter', 'criminal1');
    await appoint('head', 'unit_head', 'criminal');
    await appoint('leader', 'leader_in_charge', 'bureau', { oversees: ['criminal'] });
    await appoint('office', 'office_reviewer', 'bureau');
    await appoint('duty', 'duty_officer', 'traffic');
    await appoint('finance', 'finance', 'office');
    await appoint('secrecy', 'confidentiality_reviewer', 'bureau');
    // the previous principal leader's term ended before today
    await appoint('principal', 'principal_leader', 'bureau', { startsOn: '2025-01-01', endsOn: '2026-02-28' });
  });
  afterAll(async () => {
    await t.close();
  });

  describe('when appointed', () => {
    it("'unit' roles cover their own unit only: a reporter (信息员) at a squad, a unit head (负责人) at a brigade", async () => {
      await t.settle();
      expect(await holders('criminal1', 'reporter')).toEqual(['李信息员']);
      expect(await holders('criminal', 'reporter')).toEqual([]);
      expect(await holders('criminal', 'unit_head')).toEqual(['王大队长']);
      expect(await holders('criminal1', 'unit_head')).toEqual([]);
    });
    it("a leader in charge (分管领导) covers the units overseen and everything below them, not the unit of the appointment", async () => {
      expect(await holders('criminal', 'leader_in_charge')).toEqual(['周副局长']);
      expect(await holders('criminal2', 'leader_in_charge')).toEqual(['周副局长']);
      expect(await holders('traffic', 'leader_in_charge')).toEqual([]);
      expect(await holders('bureau', 'leader_in_charge')).toEqual([]);
    });
    it("'subtree' roles cover the unit and its descendants: the office reviewer (办公室) at the bureau covers every squad; the duty officer only the traffic brigade", async () => {
      expect(await holders('traffic1', 'office_reviewer')).toEqual(['孙主任']);
      expect(await holders('traffic1', 'duty_officer')).toEqual(['冯值班长']);
      expect(await holders('criminal1', 'duty_officer')).toEqual([]);
    });
    it("'institution' roles cover every unit, including ones outside the appointment's subtree", async () => {
      expect(await holders('traffic1', 'finance')).toEqual(['陈会计']);
      expect(await holders('bureau', 'finance')).toEqual(['陈会计']);
    });
    it('only appointments in force on the date count (default today)', async () => {
      expect(await holders('office', 'principal_leader')).toEqual([]);
      expect(await holders('office', 'principal_leader', '2026-02-28')).toEqual(['郑局长']);
      const rows = await coverage(`unitId=${u.office}&role=principal_leader&on=2026-02-01`);
      expect(rows).toEqual([expect.objectContaining({ unitName: '办公室', memberId: m.principal, startsOn: '2025-01-01', endsOn: '2026-02-28' })]);
    });
    it('filters by member: what one member covers', async () => {
      const rows = await coverage(`memberId=${m.duty}`);
      expect(rows.map((r) => r.unitName).sort()).toEqual(['交警一中队', '交警大队']);
    });
    it('matches the coverage computed from the tree and the appointments', async () => {
      await expectMatchesOracle();
      await expectMatchesOracle('2026-02-15');
    });
  });

  describe('when the tree changes', () => {
    it('a unit registered under a covered unit is covered at once', async () => {
      await unit('criminal3', '刑侦三中队', 'squad', 'criminal');
      await t.settle();
      expect(await holders('criminal3', 'leader_in_charge')).toEqual(['周副局长']);
      expect(await holders('criminal3', 'office_reviewer')).toEqual(['孙主任']);
      expect(await holders('criminal3', 'finance')).toEqual(['陈会计']);
      await expectMatchesOracle();
    });
    it('a squad moved to another brigade changes hands: the old leader in charge loses it, the new brigade’s duty officer gains it', async () => {
      await t.http.post(`/v1/units/${u.criminal2}/move`).set(auth).send({ parentId: u.traffic }).expect(200);
      await t.settle();
      expect(await holders('criminal2', 'leader_in_charge')).toEqual([]);
      expect(await holders('criminal2', 'duty_officer')).toEqual(['冯值班长']);
      expect(await holders('criminal2', 'office_reviewer')).toEqual(['孙主任']);
      await expectMatchesOracle();
    });
    it('a whole brigade moved under another keeps its own coverage and gains the new parent’s', async () => {
      await t.http.post(`/v1/units/${u.criminal}/move`).set(auth).send({ parentId: u.traffic }).expect(200);
      await t.settle();
      expect(await holders('criminal1', 'leader_in_charge')).toEqual(['周副局长']);
      expect(await holders('criminal1', 'duty_officer')).toEqual(['冯值班长']);
      expect(await holders('criminal1', 'reporter')).toEqual(['李信息员']);
      await expectMatchesOracle();
    });
    it('moving the brigade back out of the traffic brigade takes the duty officer’s coverage away again', async () => {
      await t.http.post(`/v1/units/${u.criminal}/move`).set(auth).send({ parentId: u.bureau }).expect(200);
      await t.settle();
      expect(await holders('criminal1', 'duty_officer')).toEqual([]);
      expect(await holders('criminal2', 'duty_officer')).toEqual(['冯值班长']);
      await expectMatchesOracle();
    });
    it('a refused move (under its own descendant) changes no coverage', async () => {
      const before = await coverage('limit=10000');
      await t.http.post(`/v1/units/${u.traffic}/move`).set(auth).send({ parentId: u.criminal2 }).expect(422);
      await t.settle();
      expect(await coverage('limit=10000')).toEqual(before);
    });
    it('a dissolved unit stays covered: it still owns its items', async () => {
      await t.http.post(`/v1/units/${u.criminal3}/dissolve`).set(auth).send({ dissolvedOn: '2026-03-01' }).expect(200);
      await t.settle();
      expect(await holders('criminal3', 'office_reviewer')).toEqual(['孙主任']);
      await expectMatchesOracle();
    });
  });

  describe('when appointments or members change', () => {
    it('an appointment ended yesterday no longer covers anything today', async () => {
      const res = await t.http.get(`/v1/members/${m.head}`).set(auth).expect(200);
      const appointmentId = (res.body.appointments as { appointmentId: string }[])[0]!.appointmentId;
      await t.http.post(`/v1/members/${m.head}/appointments/${appointmentId}/end`).set(auth).send({ endsOn: '2026-03-01' }).expect(200);
      await t.settle();
      expect(await holders('criminal', 'unit_head')).toEqual([]);
      expect(await holders('criminal', 'unit_head', '2026-03-01')).toEqual(['王大队长']);
      await expectMatchesOracle();
    });
    it('a member who left covers nothing, though the appointment is still on record', async () => {
      expect(await holders('office', 'confidentiality_reviewer')).toEqual(['钱保密员']);
      await t.http.post(`/v1/members/${m.secrecy}/status`).set(auth).send({ status: 'left', reason: '调离' }).expect(200);
      await t.settle();
      expect(await holders('office', 'confidentiality_reviewer')).toEqual([]);
      await expectMatchesOracle();
    });
  });

  it('a rebuild from the log gives the same coverage', async () => {
    await t.settle();
    const before = await coverage('limit=10000');
    await t.http.post('/v1/ops/projections/review-coverage/rebuild').set(auth).expect(202);
    await t.settle();
    expect(await coverage('limit=10000')).toEqual(before);
  });

  it('bad filters are a 400 naming the field', async () => {
    const res = await t.http.get('/v1/review-coverage?role=emperor&on=tomorrow&unitId=x').set(auth).expect(400);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    expect([...new Set((res.body.errors as { field: string }[]).map((e) => e.field))].sort()).toEqual(['on', 'role', 'unitId']);
  });
});
