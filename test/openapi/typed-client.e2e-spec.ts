import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import createClient, { Middleware } from 'openapi-fetch';
import type { DemoOrganization } from '@app/organization';
import { loadExamplePolicy } from '@app/policies/testing';
import { bearer, demoTokens, draftContent, seedDemo, startTestApp, TestApp } from '../support';
import { ResponseConformance } from './conformance';
import type { paths } from './generated/baosong-api';

/**
 * The OpenAPI document is usable: openapi-typescript turns the live document into the types committed beside this
 * spec (regenerate with `npm run openapi:types`), openapi-fetch calls the API through them (the calls below are
 * type-checked by `npm run check`), and every answer is checked against the schema the document declares for it.
 */
const GENERATED = join(__dirname, 'generated', 'baosong-api.d.ts');

describe('a typed client generated from the OpenAPI document', () => {
  let t: TestApp;
  let document: Record<string, any>;
  let baseUrl: string;
  let demo: DemoOrganization;
  let conformance: ResponseConformance;
  const mismatches: string[] = [];
  const checked = new Set<string>();
  const tokens: Record<string, string> = {};

  /** Checks every response against the document (openapi-fetch hands over the path template). */
  const conform: Middleware = {
    async onResponse({ request, response, schemaPath }) {
      const type = response.headers.get('content-type') ?? '';
      if (!type.includes('json')) return undefined;
      const body: unknown = await response.clone().json();
      checked.add(`${request.method} ${schemaPath} ${response.status}`);
      mismatches.push(...conformance.errors(request.method, schemaPath, response.status, body));
      return undefined;
    },
  };
  const clientAs = (who: string) => {
    const client = createClient<paths>({ baseUrl, headers: bearer(tokens[who]!) });
    client.use(conform);
    return client;
  };

  beforeAll(async () => {
    t = await startTestApp();
    const server = t.app.getHttpServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    document = (await t.http.get('/docs-json').expect(200)).body;
    conformance = new ResponseConformance(document);
    demo = await seedDemo(t);
    Object.assign(tokens, await demoTokens(t, demo));
    tokens.admin = t.adminToken;
    await t.settle();
  }, 60_000);
  afterAll(async () => {
    await t.close();
  });

  it('has committed types that openapi-typescript generates from the live document', async () => {
    // openapi-typescript is an ES module that jest's CommonJS runtime cannot load: run its CLI on the live document
    const dir = mkdtempSync(join(tmpdir(), 'baosong-openapi-'));
    let generated: string;
    try {
      writeFileSync(join(dir, 'openapi.json'), JSON.stringify(document));
      execFileSync(process.execPath, [join(dirname(require.resolve('openapi-typescript/package.json')), 'bin', 'cli.js'), join(dir, 'openapi.json'), '--output', join(dir, 'api.d.ts')], { stdio: 'pipe' });
      generated = readFileSync(join(dir, 'api.d.ts'), 'utf8');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    if (process.env.UPDATE_OPENAPI_TYPES === '1') writeFileSync(GENERATED, generated);
    expect(readFileSync(GENERATED, 'utf8')).toBe(generated);
  });

  it('registers, reads and renames a unit, and gets typed problems back', async () => {
    const admin = clientAs('admin');
    const created = await admin.POST('/v1/units', {
      params: { header: { 'Idempotency-Key': 'openapi-spec-unit-1' } },
      body: { name: '督察支队', unitType: 'section', parentId: t.rootUnitId },
    });
    expect(created.response.status).toBe(201);
    const unitId = created.data!.unitId;
    expect(created.response.headers.get('location')).toBe(`/v1/units/${unitId}`);
    await t.settle();

    const read = await admin.GET('/v1/units/{unitId}', { params: { path: { unitId } } });
    expect(read.data).toMatchObject({ unitId, name: '督察支队', parentId: t.rootUnitId, dissolvedOn: null });
    const etag = read.response.headers.get('etag')!;

    const renamed = await admin.PUT('/v1/units/{unitId}/name', { params: { path: { unitId }, header: { 'If-Match': etag } }, body: { name: '督察处' } });
    expect(renamed.data).toMatchObject({ unitId, revision: '1', duplicate: false });

    // problems come back typed as the document's problem schema
    const stale = await admin.PUT('/v1/units/{unitId}/name', { params: { path: { unitId }, header: { 'If-Match': etag } }, body: { name: '又一个名字' } });
    expect(stale.response.status).toBe(412);
    expect(stale.error?.type).toBe('urn:baosong:problem:stale-revision');
    const missing = await admin.GET('/v1/units/{unitId}', { params: { path: { unitId: '7d1f2a4e-0000-4000-8000-000000000000' } } });
    expect(missing.response.status).toBe(404);
    expect(missing.error).toMatchObject({ type: 'urn:baosong:problem:not-found', status: 404, resource: 'Unit' });
    const invalid = await admin.POST('/v1/units', { body: { name: '', unitType: 'Not A Key' } });
    expect(invalid.response.status).toBe(400);
    expect(invalid.error?.errors?.map((e) => e.field)).toEqual(expect.arrayContaining(['name', 'unitType']));
    const move = await admin.POST('/v1/units/{unitId}/move', { params: { path: { unitId } }, body: { parentId: unitId } });
    expect(move.response.status).toBe(422);
    expect(move.error?.type).toBe('urn:baosong:problem:unit-move-cycle');
    expect(mismatches).toEqual([]);
  });

  it('runs the organization commands through the client, and every answer matches the document', async () => {
    const admin = clientAs('administrator');
    const office = demo.units.office!;
    const unitType = await admin.POST('/v1/unit-types', { body: { key: 'detachment', name: '支队', description: '直属支队' } });
    expect(unitType.data).toMatchObject({ key: 'detachment', duplicate: false });
    const unit = await admin.POST('/v1/units', { body: { name: '特警支队', unitType: 'detachment', parentId: t.rootUnitId } });
    const unitId = unit.data!.unitId;
    expect((await admin.POST('/v1/units/{unitId}/move', { params: { path: { unitId } }, body: { parentId: office } })).data?.events).toEqual(['UnitMoved']);
    expect((await admin.POST('/v1/units/{unitId}/move', { params: { path: { unitId } }, body: { parentId: null } })).response.status).toBe(200);

    const member = await admin.POST('/v1/members', { params: { header: { 'Idempotency-Key': 'openapi-spec-member-1' } }, body: { name: '赵六', email: 'zhaoliu@example.gov.cn' } });
    const memberId = member.data!.memberId;
    expect((await admin.PATCH('/v1/members/{memberId}', { params: { path: { memberId } }, body: { name: '赵六', phone: '13800000001' } })).response.status).toBe(200);
    const appointed = await admin.POST('/v1/members/{memberId}/appointments', { params: { path: { memberId } }, body: { role: 'reporter', unitId, startsOn: '2026-03-01' } });
    expect(appointed.response.status).toBe(201);
    const appointmentId = appointed.data!.appointmentId;
    const overlap = await admin.POST('/v1/members/{memberId}/appointments', { params: { path: { memberId } }, body: { role: 'reporter', unitId, startsOn: '2026-03-02' } });
    expect(overlap.error?.type).toBe('urn:baosong:problem:appointment-overlaps');
    const early = await admin.POST('/v1/members/{memberId}/appointments/{appointmentId}/end', { params: { path: { memberId, appointmentId } }, body: { endsOn: '2026-02-01' } });
    expect(early.error).toMatchObject({ type: 'urn:baosong:problem:appointment-ends-before-start', status: 422 });
    await admin.POST('/v1/members/{memberId}/appointments/{appointmentId}/end', { params: { path: { memberId, appointmentId } }, body: { endsOn: '2026-06-30' } });
    await admin.POST('/v1/members/{memberId}/status', { params: { path: { memberId } }, body: { status: 'suspended', reason: '借调' } });

    const channel = await admin.POST('/v1/channels', { body: { name: '特警支队微博', platform: 'weibo', handle: 'openapi-spec-weibo', ownerUnitId: unitId, levelKey: 'city' } });
    expect(channel.response.status).toBe(201);
    const channelId = channel.data!.channelId;
    await admin.POST('/v1/channels/{channelId}/follower-counts', { params: { path: { channelId } }, body: { count: 12500 } });
    await admin.POST('/v1/channels/{channelId}/retire', { params: { path: { channelId } }, body: {} });
    const retired = await admin.POST('/v1/channels/{channelId}/follower-counts', { params: { path: { channelId } }, body: { count: 1 } });
    expect(retired.response.status).toBe(409);
    expect((await admin.POST('/v1/units/{unitId}/dissolve', { params: { path: { unitId } }, body: { dissolvedOn: '2026-06-30', reason: '撤并' } })).response.status).toBe(200);

    const commission = await clientAs('office_reviewer').POST('/v1/commissions', {
      body: { topic: '专题', requirements: '要求', purpose: '目的', deadline: '2026-04-01T10:00:00+08:00', contact: '王科长', unitIds: [office] },
    });
    const cancelled = await clientAs('office_reviewer').POST('/v1/commissions/{commissionId}/cancel', { params: { path: { commissionId: commission.data!.commissionId } }, body: { reason: '取消' } });
    expect(cancelled.response.status).toBe(200);
    await t.settle();
    await admin.GET('/v1/members/{memberId}', { params: { path: { memberId } } });
    await admin.GET('/v1/channels/{channelId}', { params: { path: { channelId } } });
    await admin.GET('/v1/units/{unitId}', { params: { path: { unitId } } });
    expect(mismatches).toEqual([]);
  });

  it('walks a draft through review and outcomes, and every answer matches the document', async () => {
    const admin = clientAs('administrator');
    const reporter = clientAs('reporter');
    const office = demo.units.office!;
    const policy = await admin.POST('/v1/policies', { body: loadExamplePolicy('law-enforcement-bureau-001C.json') as never });
    expect(policy.response.status).toBe(201);
    expect((await admin.POST('/v1/policies/{policyId}/versions/{version}/publish', { params: { path: { policyId: 'law-enforcement-bureau', version: 1 } } })).response.status).toBe(200);
    await t.settle();

    const commission = await clientAs('office_reviewer').POST('/v1/commissions', {
      body: { topic: '夏季治安整治成效', requirements: '800字以内', purpose: '市局《信息专报》专题', deadline: '2026-03-06T10:00:00+08:00', contact: '办公室 王科长', unitIds: [office] },
    });
    expect(commission.response.status).toBe(201);

    const created = await reporter.POST('/v1/drafts', {
      params: { header: { 'Idempotency-Key': 'openapi-spec-draft-1' } },
      body: {
        unitId: office,
        commissionId: commission.data!.commissionId,
        ...draftContent(demo.byRole.reporter.memberId, { body: '3月1日,我局组织开展夏季治安打击整治行动,共出动警力120人次,听说效果明显。' }),
      },
    });
    expect(created.response.status).toBe(201);
    const draftId = created.data!.draftId;
    const path = { draftId };
    expect((await reporter.POST('/v1/drafts/{draftId}/submit', { params: { path, header: { 'If-Match': '"0"' } } })).data?.events).toEqual(['DraftSubmitted']);
    await clientAs('unit_head@办公室').POST('/v1/drafts/{draftId}/steps/{stepIndex}/approve', { params: { path: { draftId, stepIndex: 0 } }, body: { comment: '同意' } });
    await clientAs('confidentiality_reviewer').POST('/v1/drafts/{draftId}/steps/{stepIndex}/approve', { params: { path: { draftId, stepIndex: 1 } }, body: { verdict: 'may_publish' } });
    const signed = await clientAs('leader_in_charge@某市公安局').POST('/v1/drafts/{draftId}/steps/{stepIndex}/approve', { params: { path: { draftId, stepIndex: 2 } }, body: {} });
    expect(signed.data?.events).toEqual(['ReviewStepApproved', 'DraftSignedOff']);
    const recorder = clientAs('office_reviewer');
    const channelId = demo.channels.wechat!;
    expect((await recorder.POST('/v1/drafts/{draftId}/publications', { params: { path }, body: { channelId, url: 'https://mp.weixin.qq.com/s/a', publishedAt: '2026-03-02T03:00:00Z', exclusiveFirstRelease: true } })).response.status).toBe(201);
    expect((await recorder.POST('/v1/drafts/{draftId}/adoptions', { params: { path }, body: { publicationName: '《某市信息》', levelKey: 'city', issue: '第12期', adoptedAt: '2026-03-04T02:00:00Z' } })).response.status).toBe(201);
    const twice = await recorder.POST('/v1/drafts/{draftId}/publications', { params: { path }, body: { channelId, url: 'https://mp.weixin.qq.com/s/a', publishedAt: '2026-03-02T03:00:00Z', exclusiveFirstRelease: true } });
    expect(twice.error?.type).toBe('urn:baosong:problem:already-published-on-channel');
    await t.settle();

    // the reads, with data in them
    const detail = await reporter.GET('/v1/drafts/{draftId}', { params: { path } });
    expect(detail.data).toMatchObject({ draftId, status: 'signed_off', title: '我局开展夏季治安打击整治行动', revision: detail.response.headers.get('etag')!.replace(/"/g, '') });
    expect(detail.data!.content).toMatchObject({ eventDate: '2026-03-01', targetPlatforms: ['wechat'], attachments: [], formFields: {}, longForm: false });
    expect(detail.data!.history.map((h) => h.type)).toContain('DraftSignedOff');
    await reporter.GET('/v1/drafts/mine', { params: { query: { limit: 10 } } });
    await clientAs('unit_head@办公室').GET('/v1/review-inbox', {});
    await recorder.GET('/v1/drafts', { params: { query: { unitId: office } } });
    const register = await recorder.GET('/v1/register', { params: { query: { unitId: office } } });
    expect(register.data?.items[0]?.outcomes.map((o) => o.kind)).toEqual(['publication', 'adoption']);
    expect(register.data?.next).toBeNull();
    await recorder.GET('/v1/commissions', {});
    await recorder.GET('/v1/commissions/{commissionId}', { params: { path: { commissionId: commission.data!.commissionId }, query: {} } });

    const reader = clientAs('administrator');
    await reader.GET('/v1/units', {});
    await reader.GET('/v1/units/{unitId}/history', { params: { path: { unitId: office } } });
    await reader.GET('/v1/members', { params: { query: { unitId: office } } });
    await reader.GET('/v1/members/{memberId}', { params: { path: { memberId: demo.byRole.reporter.memberId } } });
    await reader.GET('/v1/appointments', { params: { query: { unitId: office } } });
    await reader.GET('/v1/review-coverage', { params: { query: { unitId: office } } });
    await reader.GET('/v1/unit-types', {});
    await reader.GET('/v1/publication-levels', {});
    await reader.GET('/v1/channels', {});
    await reader.GET('/v1/channels/{channelId}', { params: { path: { channelId } } });
    await reader.GET('/v1/policies', {});
    await reader.GET('/v1/policies/{policyId}/versions/{version}', { params: { path: { policyId: 'law-enforcement-bureau', version: 1 } } });
    await reader.GET('/v1/policies/schema', {});
    const dryRun = await reader.POST('/v1/policies/validate', { body: { id: 'x', version: 1, title: 'incomplete' } });
    expect(dryRun.data?.valid).toBe(false);
    await reader.GET('/v1/ops/projections', {});
    await reader.GET('/v1/ops/dead-letters', {});
    const health = createClient<paths>({ baseUrl });
    health.use(conform);
    await health.GET('/health', {});
    await health.GET('/health/ready', {});

    expect(mismatches).toEqual([]);
    expect(checked.size).toBeGreaterThanOrEqual(30);
  });

  it('refers a draft to the secrecy authority and records its answer, pages a list by cursor, and answers GET /v1/me', async () => {
    const reporter = clientAs('reporter');
    const office = demo.units.office!;
    const draft = (title: string) => ({ unitId: office, ...draftContent(demo.byRole.reporter.memberId, { title, formFields: { providingDepartment: '宣传科' } }) });
    const created = await reporter.POST('/v1/drafts', { body: draft('涉密待定的信息') });
    expect(created.response.status).toBe(201);
    const draftId = created.data!.draftId;
    expect((await reporter.POST('/v1/drafts/{draftId}/submit', { params: { path: { draftId } } })).response.status).toBe(200);
    await clientAs('unit_head@办公室').POST('/v1/drafts/{draftId}/steps/{stepIndex}/approve', { params: { path: { draftId, stepIndex: 0 } }, body: { comment: '同意' } });
    const secrecy = clientAs('confidentiality_reviewer');
    const referred = await secrecy.POST('/v1/drafts/{draftId}/steps/{stepIndex}/approve', { params: { path: { draftId, stepIndex: 1 } }, body: { verdict: 'refer_to_secrecy_authority' } });
    expect(referred.response.status).toBe(200);
    const held = await secrecy.POST('/v1/drafts/{draftId}/steps/{stepIndex}/approve', { params: { path: { draftId, stepIndex: 1 } }, body: { verdict: 'may_publish' } });
    expect(held.error?.type).toBe('urn:baosong:problem:review-held-for-secrecy-authority');
    await t.settle();
    const waiting = await reporter.GET('/v1/drafts/{draftId}', { params: { path: { draftId } } });
    expect(waiting.data).toMatchObject({ status: 'referred', currentStep: 1, referredBy: demo.byRole.confidentiality_reviewer.memberId });
    expect(waiting.data!.content.formFields).toEqual({ providingDepartment: '宣传科' });
    const answered = await secrecy.POST('/v1/drafts/{draftId}/steps/{stepIndex}/secrecy-authority-answer', {
      params: { path: { draftId, stepIndex: 1 } },
      body: { outcome: 'may_publish', answeredOn: '2026-03-03', reference: '机保函〔2026〕3号' },
    });
    expect(answered.response.status).toBe(200);
    const again = await secrecy.POST('/v1/drafts/{draftId}/steps/{stepIndex}/secrecy-authority-answer', { params: { path: { draftId, stepIndex: 1 } }, body: { outcome: 'may_publish', answeredOn: '2026-03-03' } });
    expect(again.error?.type).toBe('urn:baosong:problem:draft-not-referred');
    expect((await reporter.POST('/v1/drafts/{draftId}/submit', { params: { path: { draftId } } })).error?.type).toBe('urn:baosong:problem:draft-not-editable');

    // keyset pages: the next cursor of a one-item page leads to the following item, never the same one
    expect((await reporter.POST('/v1/drafts', { body: draft('第二条') })).response.status).toBe(201);
    await t.settle();
    const first = await reporter.GET('/v1/drafts/mine', { params: { query: { limit: 1 } } });
    expect(first.data!.items).toHaveLength(1);
    expect(first.data!.next).toEqual(expect.any(String));
    const second = await reporter.GET('/v1/drafts/mine', { params: { query: { limit: 1, cursor: first.data!.next! } } });
    expect(second.data!.items).toHaveLength(1);
    expect(second.data!.items[0]!.draftId).not.toBe(first.data!.items[0]!.draftId);
    const bad = await reporter.GET('/v1/drafts/mine', { params: { query: { cursor: 'bm90LWEtY3Vyc29y' } } });
    expect(bad.error?.errors?.[0]?.field).toBe('cursor');
    const noUnit = await reporter.GET('/v1/drafts', {});
    expect(noUnit.response.status).toBe(400);
    expect(noUnit.error?.errors?.[0]?.field).toBe('unitId');
    await clientAs('office_reviewer').GET('/v1/drafts', {});

    const me = await reporter.GET('/v1/me', {});
    expect(me.data).toMatchObject({ memberId: demo.byRole.reporter.memberId });
    await clientAs('administrator').GET('/v1/me', {});
    await clientAs('leader_in_charge@某市公安局').GET('/v1/me', {});
    expect(mismatches).toEqual([]);
  });
});
