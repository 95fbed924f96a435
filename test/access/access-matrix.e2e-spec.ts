import { ACCESS_MATRIX, Role, ROLES } from '@app/access';
import { bearer, draftContent, listRoutes, Route, startTestApp, TestApp } from '@test/support';

/**
 * Who may do what, written out by hand from the access description (README "Identity and access", docs/api.md
 * "Roles" and "Permissions"), NOT computed from ACCESS_MATRIX: change a role's grant in the matrix and this spec
 * fails. One column per role, in this order:
 *
 *   reporter  unit_head  leader_in_charge  principal_leader  office_reviewer  confidentiality_reviewer
 *   duty_officer  finance  auditor  administrator
 *
 * Y: allowed whatever the target unit; U: allowed only for a target unit the appointment covers (every role is
 * appointed at unit A; a leader in charge oversees A), 403 for the sibling unit B; -: 403.
 */
const EXPECTED: Record<string, string> = {
  //                        rep head lic pl  off conf duty fin aud adm
  'me.read':               'Y   Y   Y   Y   Y   Y   Y   Y   Y   Y',
  'org.read':              'Y   Y   Y   Y   Y   Y   Y   Y   Y   Y',
  'org.manage':            '-   -   -   -   -   -   -   -   -   Y',
  'members.manage':        '-   -   -   -   -   -   -   -   -   Y',
  'appointments.manage':   '-   -   -   -   -   -   -   -   -   Y',
  'channels.manage':       '-   -   -   -   -   -   -   -   -   Y',
  'drafts.create':         'U   -   -   -   -   -   -   -   -   -',
  'drafts.write':          'U   -   -   -   -   -   -   -   -   -',
  'drafts.review':         '-   U   U   U   U   U   -   -   -   -',
  'drafts.record':         '-   -   -   -   U   -   -   -   -   Y',
  'drafts.read':           'U   U   U   U   U   U   -   -   Y   Y',
  'drafts.mine':           'Y   Y   Y   Y   Y   Y   Y   Y   Y   Y',
  'register.read':         '-   -   Y   Y   Y   -   -   Y   Y   Y',
  'commissions.manage':    '-   -   -   -   Y   -   -   -   -   Y',
  'commissions.read':      'Y   Y   Y   Y   Y   Y   Y   Y   Y   Y',
  'attachments.upload':    'Y   -   -   -   -   -   -   -   -   -',
  'attachments.read':      'Y   Y   Y   Y   Y   Y   Y   Y   Y   Y',
  'policies.read':         'Y   Y   Y   Y   Y   Y   Y   Y   Y   Y',
  'policies.manage':       '-   -   -   -   -   -   -   -   -   Y',
  'metrics.record':        '-   -   -   -   Y   -   -   -   -   Y',
  'metrics.read':          'Y   Y   Y   Y   Y   Y   Y   Y   Y   Y',
  'rewards.leaderboard':   'Y   Y   Y   Y   Y   Y   Y   Y   Y   Y',
  'rewards.entitlements':  '-   -   -   -   Y   -   -   Y   Y   Y',
  'rewards.mine':          'Y   Y   Y   Y   Y   Y   Y   Y   Y   Y',
  'rewards.whatif':        '-   -   -   -   -   -   -   -   -   Y',
  'rewards.whatif.read':   '-   -   -   -   -   -   -   Y   Y   Y',
  'payouts.manage':        '-   -   -   -   -   -   -   Y   -   -',
  'payouts.read':          '-   -   -   -   -   -   -   Y   Y   Y',
  'payouts.mine':          'Y   Y   Y   Y   Y   Y   Y   Y   Y   Y',
  'incidents.report':      '-   U   -   -   -   -   U   -   -   -',
  'incidents.approve':     '-   -   U   U   -   -   -   -   -   -',
  'incidents.instruct':    '-   -   U   U   -   -   -   -   -   -',
  'incidents.read':        '-   U   U   U   U   -   U   -   Y   Y',
  'notifications.mine':    'Y   Y   Y   Y   Y   Y   Y   Y   Y   Y',
  'notifications.acknowledge':'Y Y   Y   Y   Y   Y   Y   Y   Y   Y',
  'notifications.webhooks':'-   -   -   -   -   -   -   -   -   Y',
  'compliance.read':       '-   Y   Y   Y   Y   -   -   -   Y   Y',
  'appraisals.manage':     '-   -   -   Y   Y   -   -   -   -   -',
  'appraisals.read':       '-   -   -   Y   Y   -   -   -   Y   Y',
  'bulletins.issue':       '-   -   -   -   Y   -   -   -   -   -',
  'bulletins.read':        'Y   Y   Y   Y   Y   Y   Y   Y   Y   Y',
  'credit.submit':         'U   -   -   -   -   -   -   -   -   -',
  'credit.review':         '-   U   -   -   U   -   -   -   -   -',
  'credit.upload':         '-   -   -   -   U   -   -   -   -   Y',
  'credit.read':           'U   U   U   U   U   -   -   -   Y   Y',
  'credit.statistics':     '-   -   Y   Y   Y   -   -   -   Y   Y',
  'ops.read':              '-   -   -   -   -   -   -   -   Y   Y',
  'ops.manage':            '-   -   -   -   -   -   -   -   -   Y',
  'audit.read':            '-   -   -   -   -   -   -   -   Y   Y',
  'personal-data.reveal':  '-   -   -   -   -   -   -   -   -   Y',
  'personal-data.erase':   '-   -   -   -   -   -   -   -   -   Y',
};
const COLUMNS: readonly Role[] = ['reporter', 'unit_head', 'leader_in_charge', 'principal_leader', 'office_reviewer', 'confidentiality_reviewer', 'duty_officer', 'finance', 'auditor', 'administrator'];

function expectation(permission: string, role: Role, target: 'own' | 'other'): 'allowed' | 'denied' {
  const cell = EXPECTED[permission]!.trim().split(/\s+/)[COLUMNS.indexOf(role)];
  if (cell === 'Y') return 'allowed';
  if (cell === 'U') return target === 'own' ? 'allowed' : 'denied';
  return 'denied';
}

/**
 * Every role x every endpoint x own unit (A) / other unit (B), against real entities: a real draft in A and one in
 * B (submitted under a real policy), so the unit check inside the draft handlers runs for the other unit; a real
 * channel, member, appointment, commission, policy and attachment for the other parameters.
 */
describe('access matrix (HTTP)', () => {
  let t: TestApp;
  let routes: Route[];
  const units = { own: '', other: '', scratch: '' };
  const members = new Map<Role, string>();
  const tokens = new Map<Role, string>();
  const drafts = { own: '', other: '' };
  // incidents (issue 11, helper A): a real incident in each unit, and an instruction on the own unit's
  const incidents = { own: '', other: '', instruction: '' };
  // credit records (issue 12 item 6): a real record in each unit, submitted by its reporter
  const credits = { own: '', other: '' };
  const ids = { member: '', appointment: '', channel: '', publicationChannel: '', commission: '', sha256: '', build: '' };

  const content = (authorId: string) => draftContent(authorId, { destination: 'internal' });

  beforeAll(async () => {
    t = await startTestApp();
    routes = listRoutes(t.app);
    const admin = bearer(t.adminToken);
    const post = async (path: string, body: object, as: Record<string, string> = admin) => (await t.http.post(path).set(as).send(body).expect((r) => expect([200, 201]).toContain(r.status))).body;
    await post('/v1/unit-types', { key: 'section', name: '科室' });
    await t.http.put('/v1/publication-levels').set(admin).send({ levels: [{ key: 'city', name: '市级', rank: 30 }] }).expect(200);
    units.own = (await post('/v1/units', { name: '宣传科', unitType: 'section', parentId: t.rootUnitId })).unitId;
    units.other = (await post('/v1/units', { name: '法制科', unitType: 'section', parentId: t.rootUnitId })).unitId;
    units.scratch = (await post('/v1/units', { name: '临时科', unitType: 'section', parentId: t.rootUnitId })).unitId;
    for (const role of ROLES) {
      const member = await post('/v1/members', { name: `${role} 成员` });
      await post(`/v1/members/${member.memberId}/appointments`, { role, unitId: units.own, startsOn: '2026-01-01', ...(role === 'leader_in_charge' ? { oversees: [units.own] } : {}) });
      members.set(role, member.memberId);
      tokens.set(role, await t.tokenFor(member.memberId));
    }
    const otherReporter = (await post('/v1/members', { name: '法制科信息员' })).memberId;
    await post(`/v1/members/${otherReporter}/appointments`, { role: 'reporter', unitId: units.other, startsOn: '2026-01-01' });
    ids.member = (await post('/v1/members', { name: '临时成员' })).memberId;
    ids.appointment = (await post(`/v1/members/${ids.member}/appointments`, { role: 'duty_officer', unitId: units.scratch, startsOn: '2026-01-01' })).appointmentId;
    ids.channel = (await post('/v1/channels', { name: '临时号', platform: 'wechat', handle: 'gh_scratch', ownerUnitId: units.scratch, levelKey: 'city' })).channelId;
    ids.publicationChannel = (await post('/v1/channels', { name: '宣传科公众号', platform: 'wechat', handle: 'gh_own', ownerUnitId: units.own, levelKey: 'city' })).channelId;
    // a two-step chain, so drafts are in review: 初审 by the unit head, 签发 by the principal leader
    const policy = {
      id: 'matrix-chain',
      version: 1,
      title: '审核链',
      rationale: 'access matrix spec',
      effectiveFrom: '2026-01-01',
      scope: { unitTypes: ['*'] },
      rules: {
        reviewChains: [
          {
            id: 'two-steps',
            when: {},
            steps: [
              { key: 'head', name: '初审', role: 'unit_head', signature: 'signature' },
              { key: 'sign-off', name: '签发', role: 'principal_leader', signature: 'signature' },
            ],
            rules: { twoPersonCheck: false, authorMayNotReview: true, confidentialityBeforePublication: false, onReturn: 'restart' },
          },
        ],
      },
    };
    await post('/v1/policies', policy);
    await post('/v1/policies/matrix-chain/versions/1/publish', {});
    await post('/v1/policies', { ...policy, id: 'matrix-scratch', rules: {} });
    ids.commission = (await post('/v1/commissions', { topic: '专题', requirements: '800字以内', purpose: '信息专报', deadline: '2026-03-06T10:00:00+08:00', contact: '办公室', unitIds: [units.own] })).commissionId;
    await t.settle();
    const ownReporter = bearer(tokens.get('reporter')!);
    ids.sha256 = (await t.http.post('/v1/attachments').set(ownReporter).set('Content-Type', 'application/octet-stream').send(Buffer.from('现场照片')).expect(201)).body.sha256;
    drafts.own = (await post('/v1/drafts', { unitId: units.own, ...content(members.get('reporter')!) }, ownReporter)).draftId;
    const otherAuth = bearer(await t.tokenFor(otherReporter));
    drafts.other = (await post('/v1/drafts', { unitId: units.other, ...content(otherReporter) }, otherAuth)).draftId;
    await post(`/v1/drafts/${drafts.own}/submit`, {}, ownReporter);
    await post(`/v1/drafts/${drafts.other}/submit`, {}, otherAuth);
    await t.settle();
    // ---- incidents (issue 11, helper A): a policy with incident rules, an incident reported in each unit by its
    // duty officer, and an instruction on the own unit's (the routes' unit check runs inside the handlers)
    await post('/v1/policies', {
      id: 'matrix-incidents',
      version: 1,
      title: '突发事件报送',
      rationale: 'access matrix spec',
      effectiveFrom: '2026-01-01',
      scope: { unitTypes: ['*'] },
      rules: {
        incidentRules: {
          id: 'incidents',
          categories: [{ key: 'casualty', name: '人员伤亡', thresholds: [{ metric: 'injured', min: 1, boundary: 'inclusive' }] }],
          firstReport: { unit: 'minutes', amount: 20 },
          writtenReport: { unit: 'hours', amount: 2 },
          lateAfter: { unit: 'minutes', amount: 20 },
          concealedAfter: { unit: 'hours', amount: 2 },
          escalation: 'level_by_level',
        },
      },
    });
    await post('/v1/policies/matrix-incidents/versions/1/publish', {});
    const otherDuty = (await post('/v1/members', { name: '法制科值班员' })).memberId;
    await post(`/v1/members/${otherDuty}/appointments`, { role: 'duty_officer', unitId: units.other, startsOn: '2026-01-01' });
    const incidentBody = (unitId: string) => ({ unitId, title: '交通事故', categoryKey: 'casualty', occurredAt: '2026-03-02T00:50:00Z', channel: 'phone' });
    incidents.own = (await post('/v1/incidents', incidentBody(units.own), bearer(tokens.get('duty_officer')!))).incidentId;
    incidents.other = (await post('/v1/incidents', incidentBody(units.other), bearer(await t.tokenFor(otherDuty)))).incidentId;
    incidents.instruction = (await post(`/v1/incidents/${incidents.own}/instructions`, { text: '妥善处置' }, bearer(tokens.get('principal_leader')!))).instructionId;
    await t.settle();
    // ---- credit records (issue 12 item 6): one in each unit by its reporter (the routes' unit check runs inside the handlers)
    const creditBody = (unitId: string) => ({ unitId, kind: 'public', category: 'basic_info', fields: { name: '某某有限公司' } });
    credits.own = (await post('/v1/credit/records', creditBody(units.own), ownReporter)).recordId;
    credits.other = (await post('/v1/credit/records', creditBody(units.other), otherAuth)).recordId;
    await t.settle();
    // a live build: GET /v1/ops/builds/:buildId reads it, DELETE refuses it (409 build-not-shadow) after authorization
    ids.build = (await t.pool.query<{ build_id: string }>(`SELECT build_id FROM projection_builds WHERE projection = 'org-tree' AND state = 'live'`)).rows[0]!.build_id;
  }, 90_000);
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

  it('the written-out expectations name exactly the permissions of the matrix, one column per role', () => {
    expect(Object.keys(EXPECTED).sort()).toEqual(Object.keys(ACCESS_MATRIX).sort());
    expect([...COLUMNS].sort()).toEqual([...ROLES].sort());
    for (const row of Object.values(EXPECTED)) expect(row.trim().split(/\s+/)).toHaveLength(COLUMNS.length);
  });

  it('only /health is public', () => {
    expect(routes.filter((r) => r.public).map((r) => r.path)).toEqual(['/health', '/health/ready']);
  });

  /** Parameters without a real entity behind them (a dead letter): 404 there still means authorization passed. */
  const NO_ENTITY = new Set(['id', 'publicationId', 'periodId', 'runId']);
  // appraisals and bulletins (issue 11, helper D): no appraisal rule, no entry, no issued bulletin in this history:
  // their 404 comes after authorization (global routes)
  for (const name of ['periodKey', 'itemId', 'key']) NO_ENTITY.add(name);
  // notifications (issue 11, helper B): the inbox is the caller's own and webhooks are global, so a 404 for an id
  // that is no notification of the caller's (or no registered webhook) comes after authorization
  for (const name of ['notificationId', 'webhookId']) NO_ENTITY.add(name);
  // audit (issue 12): the log is global; an aggregate, stream or correlation id with no events is a 404 after authorization
  for (const name of ['streamId', 'correlationId', 'subjectId']) NO_ENTITY.add(name);

  function request(route: Route, target: 'own' | 'other', role: Role) {
    const unitId = units[target];
    const draftId = drafts[target];
    const path = route.path.replace(/:(\w+)/g, (_, name: string) => {
      const values: Record<string, string> = {
        draftId,
        incidentId: incidents[target],
        recordId: credits[target],
        instructionId: incidents.instruction,
        unitId: units.scratch,
        memberId: ids.member,
        appointmentId: ids.appointment,
        channelId: ids.channel,
        commissionId: ids.commission,
        policyId: 'matrix-scratch',
        version: '1',
        stepIndex: '0',
        sha256: ids.sha256,
        name: 'org-tree',
        id: '999999',
        buildId: ids.build,
        // no publication (the drafts are in review): the metrics read is global, so its 404 comes after authorization
        publicationId: '00000000-0000-4000-8000-00000000000a',
        // no payout period: the payout routes are global, so their 404/422 comes after authorization
        periodId: 'matrix-period',
        runId: '00000000-0000-4000-8000-00000000000b',
        // appraisals and bulletins (issue 11, helper D)
        periodKey: '2026',
        itemId: '00000000-0000-4000-8000-00000000000c',
        period: 'month',
        key: '2026-02',
        // notifications (issue 11, helper B)
        notificationId: '00000000-0000-4000-8000-00000000000d',
        webhookId: '00000000-0000-4000-8000-00000000000e',
        // audit (issue 12)
        kind: 'unit',
        streamId: 'payouts',
        correlationId: 'matrix-request',
        subjectId: '00000000-0000-4000-8000-00000000000f',
        report: 'compliance',
      };
      if (!(name in values)) throw new Error(`No value for :${name} in ${route.method} ${route.path}: add a real entity for it`);
      return values[name]!;
    });
    const source = route.access?.unit;
    const query = source && 'query' in source ? `?${source.query}=${unitId}` : '';
    const body = bodyFor(route, role, unitId);
    const verb = route.method.toLowerCase() as 'get' | 'post' | 'put' | 'patch' | 'delete';
    return (token: string) => t.http[verb](path + query).set('Authorization', `Bearer ${token}`).send(body);
  }

  /** Valid bodies where the unit check runs inside the handler (after validation), so it is really reached. */
  function bodyFor(route: Route, role: Role, unitId: string): object {
    const at = '2026-03-02T03:00:00Z';
    const bodies: Record<string, object> = {
      'POST /v1/drafts': { unitId, ...draftContent(members.get(role)!) },
      'PUT /v1/drafts/:draftId': draftContent(members.get(role)!),
      'POST /v1/drafts/:draftId/publications': { channelId: ids.publicationChannel, url: 'https://mp.weixin.qq.com/s/a', publishedAt: at, exclusiveFirstRelease: false },
      'POST /v1/drafts/:draftId/adoptions': { publicationName: '《市委信息》', levelKey: 'city', adoptedAt: at },
      'POST /v1/drafts/:draftId/excellent-ratings': { levelKey: 'city', ratedAt: at },
      'POST /v1/drafts/:draftId/instructions': { levelKey: 'city', leader: '李市长', text: '请推广', instructedAt: at },
      'POST /v1/drafts/:draftId/retract': { reason: '数据有误' },
      'POST /v1/drafts/:draftId/steps/:stepIndex/approve': { comment: '同意' },
      'POST /v1/drafts/:draftId/steps/:stepIndex/return': { comments: '请补充数据' },
      'POST /v1/drafts/:draftId/steps/:stepIndex/reject': { reason: '不属于报送范围' },
      'POST /v1/drafts/:draftId/steps/:stepIndex/secrecy-authority-answer': { outcome: 'may_publish', answeredOn: '2026-03-02' },
      // incidents (issue 11, helper A): valid bodies, so the unit check inside the handlers is reached
      'POST /v1/incidents': { unitId, title: '交通事故', categoryKey: 'casualty', occurredAt: '2026-03-02T00:50:00Z', channel: 'phone' },
      'POST /v1/incidents/:incidentId/written-report': { course: '经过', cause: '原因', measures: '措施', signer: '签发人' },
      'POST /v1/incidents/:incidentId/follow-ups': { progress: '进展', measures: '措施' },
      'POST /v1/incidents/:incidentId/external-approval': { wording: '统一口径' },
      'POST /v1/incidents/:incidentId/escalations': { toUnitId: t.rootUnitId },
      'POST /v1/incidents/:incidentId/instructions': { text: '批示' },
      'POST /v1/incidents/:incidentId/instructions/:instructionId/follow-up': { response: '已落实' },
      'POST /v1/incidents/:incidentId/case': { caseNumber: '纪立1号' },
      'POST /v1/incidents/:incidentId/case-report': { summary: '案件情况' },
      'POST /v1/incidents/:incidentId/final-report': { summary: '终报', cause: '原因', consequences: '后果', lessons: '教训' },
      'POST /v1/incidents/:incidentId/close': {},
      // credit records (issue 12 item 6): valid bodies, so the unit check inside the handlers is reached
      'POST /v1/credit/records': { unitId, kind: 'public', category: 'basic_info', fields: { name: '某某有限公司' } },
      'POST /v1/credit/records/:recordId/return': { reasons: [{ field: 'domicile', reason: '缺住所' }] },
      'POST /v1/credit/records/:recordId/correction': { fields: { name: '某某有限公司' } },
      'POST /v1/credit/records/:recordId/approve': { checklist: { truthful: true, accurate: true, complete: true } },
      'POST /v1/credit/records/:recordId/reject': { reason: '不属于上报范围' },
      // an as-of build of the unit tree at position 1: small, and it never goes live
      'POST /v1/ops/builds': { projection: 'org-tree', targetPosition: '1', purpose: 'access matrix', ttlSeconds: 600 },
    };
    return bodies[`${route.method} ${route.path}`] ?? {};
  }

  it('every role x every endpoint x own/other unit answers as written out above', async () => {
    const mismatches: string[] = [];
    for (const route of routes.filter((r) => !r.public)) {
      const permission = route.access!.permission;
      // the unit of these routes is the draft's: the handler checks it, after validation and loading the draft
      const handlerChecksUnit = route.path.includes(':draftId') && ACCESS_MATRIX[permission].scope === 'unit';
      for (const role of ROLES) {
        for (const target of ['own', 'other'] as const) {
          const res = await request(route, target, role)(tokens.get(role)!);
          const expected = expectation(permission, role, target);
          const label = `${role} ${route.method} ${route.path} (${target})`;
          // denied by authorization: a 403 problem naming this route's permission (guard, or the handler's unit check)
          const deniedByAccess = res.status === 403 && res.body.permission === permission;
          if (expected === 'denied') {
            if (!deniedByAccess) mismatches.push(`${label}: expected 403 naming ${permission}, got ${res.status} ${res.body.type ?? ''}`);
            else expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
            continue;
          }
          // allowed: 2xx, or a domain answer given after authorization passed (409 state, 422 rule, a domain 403
          // such as "not the step's role" that names no permission); never 401, 5xx or an access denial
          const ok = res.status >= 200 && res.status < 300;
          const domain4xx = res.status >= 400 && res.status < 500 && res.status !== 401 && !deniedByAccess && /application\/problem\+json/.test(String(res.headers['content-type']));
          const notReached = (handlerChecksUnit && (res.status === 400 || res.status === 404)) || (res.status === 404 && !route.path.split('/').some((p) => NO_ENTITY.has(p.slice(1))));
          if (!(ok || domain4xx) || notReached) mismatches.push(`${label}: expected allowed, got ${res.status} ${res.body.type ?? ''} ${res.body.detail ?? ''}`);
        }
      }
    }
    expect(mismatches).toEqual([]);
  }, 180_000);

  it('the unit check inside the draft handlers refuses the other unit\'s real draft, naming its unit', async () => {
    const res = await t.http.get(`/v1/drafts/${drafts.other}`).set('Authorization', `Bearer ${tokens.get('unit_head')}`).expect(403);
    expect(res.body).toMatchObject({ permission: 'drafts.read', unitId: units.other });
    const edit = await t.http.put(`/v1/drafts/${drafts.other}`).set('Authorization', `Bearer ${tokens.get('reporter')}`).send(content(members.get('reporter')!)).expect(403);
    expect(edit.body).toMatchObject({ permission: 'drafts.write', unitId: units.other });
  });

  it('a denial says which permission and roles were missing', async () => {
    const res = await t.http.post('/v1/members').set('Authorization', `Bearer ${tokens.get('reporter')}`).send({ name: '李四' }).expect(403);
    expect(res.body).toMatchObject({ status: 403, type: 'urn:baosong:problem:forbidden', permission: 'members.manage', requiredRoles: ['administrator'] });
  });

  it('appointments in force decide, not the token: an ended appointment no longer grants', async () => {
    const admin = bearer(t.adminToken);
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
    const admin = bearer(t.adminToken);
    const member = await t.http.post('/v1/members').set(admin).send({ name: '已调离' }).expect(201);
    const token = await t.tokenFor(member.body.memberId);
    await t.http.get('/v1/units').set('Authorization', `Bearer ${token}`).expect(200);
    await t.http.post(`/v1/members/${member.body.memberId}/status`).set(admin).send({ status: 'left' }).expect(200);
    await t.http.get('/v1/units').set('Authorization', `Bearer ${token}`).expect(401);
  });
});
