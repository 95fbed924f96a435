import fc from 'fast-check';
import { CommandRunner } from '@app/event-store';
import { seedDemoOrganization } from '@app/organization';
import { loadExamplePolicy } from '@app/policies/testing';
import { startTestApp, TestApp } from '@test/support';
import { checkRequest, Entities, fuzzSettings, OpenApiDocument, Operation, operations, permittedTokens, requestFor } from './openapi-fuzz';

/**
 * Issue 8, C10: property-based fuzzing of every operation the OpenAPI document lists (write endpoints with their
 * bodies, path ids and headers; every GET with its query parameters). Each request must answer without a 5xx, an
 * error must be application/problem+json, and a refused request must append nothing; at the end no projection
 * has stopped. `npm test` runs a short fixed-seed pass; `npm run test:fuzz` a long one (FUZZ_RUNS per operation,
 * FUZZ_SEED). A counterexample is printed with its seed and path: add it to test/hardening/fuzz-regressions.e2e-spec.ts.
 */
const settings = fuzzSettings(6);
jest.setTimeout(Math.max(120_000, settings.numRuns * 4_000));

describe('fuzzing every documented operation (HTTP)', () => {
  let t: TestApp;
  let doc: OpenApiDocument;
  let ops: Operation[];
  let entities: Entities;

  beforeAll(async () => {
    t = await startTestApp();
    const demo = await seedDemoOrganization(t.app.get(CommandRunner), t.clock.now());
    const admin = { Authorization: `Bearer ${t.adminToken}` };
    const tokenOf = async (role: keyof typeof demo.byRole) => t.tokenFor(demo.byRole[role].memberId);
    const reporter = { Authorization: `Bearer ${await tokenOf('reporter')}` };
    const policy = loadExamplePolicy('law-enforcement-bureau-001C.json') as unknown as Record<string, unknown>;
    await t.http.post('/v1/policies').set(admin).send(policy).expect(201);
    await t.http.post('/v1/policies/law-enforcement-bureau/versions/1/publish').set(admin).expect(200);
    await t.settle(); // the submission below reads the published policy from its read model
    const office = demo.units.office!;
    const draft = (await t.http
      .post('/v1/drafts')
      .set(reporter)
      .send({ unitId: office, title: '夏季治安整治', body: '3月1日,我局开展夏季治安打击整治行动。', contentType: 'general', source: 'original', firstRelease: 'exclusive', targetPlatforms: ['wechat'], authors: [demo.byRole.reporter.memberId], importance: 'general', destination: 'external' })
      .expect(201)).body.draftId as string;
    await t.http.post(`/v1/drafts/${draft}/submit`).set(reporter).expect(200);
    const commission = (await t.http
      .post('/v1/commissions')
      .set({ Authorization: `Bearer ${await tokenOf('office_reviewer')}` })
      .send({ topic: '专题', requirements: '800字以内', purpose: '专报', deadline: '2026-03-06T10:00:00+08:00', contact: '王科长', unitIds: [office] })
      .expect(201)).body.commissionId as string;
    const attachment = (await t.http.post('/v1/attachments').set(reporter).set('Content-Type', 'application/octet-stream').send(Buffer.from('photo')).expect(201)).body.sha256 as string;
    await t.settle();
    // The members whose tokens the fuzzer sends (and their appointments) are left out of the ids: a fuzzed
    // "status: left" or an ended appointment would lock the fuzzer out and test nothing after.
    const tokenRoles = ['reporter', 'unit_head', 'office_reviewer', 'confidentiality_reviewer', 'auditor'] as const;
    const holders = new Set([t.adminId, ...tokenRoles.map((r) => demo.byRole[r].memberId)]);
    const appointments = ((await t.http.get('/v1/appointments?limit=500').set(admin).expect(200)).body as { appointmentId: string; memberId: string }[]).filter((a) => !holders.has(a.memberId));
    const members = demo.members.map((m) => m.memberId).filter((id) => !holders.has(id));
    const units = Object.values(demo.units);
    const channels = Object.values(demo.channels);
    entities = {
      byName: {
        unitId: units,
        memberId: members,
        channelId: channels,
        appointmentId: appointments.map((a) => a.appointmentId),
        draftId: [draft],
        commissionId: [commission],
        policyId: ['law-enforcement-bureau'],
        version: ['1', '2'],
        stepIndex: ['0', '1', '2'],
        sha256: [attachment],
        name: ['org-tree', 'org-directory', 'policies', 'reporting'],
        id: ['1', '2'],
        levelKey: ['city', 'province', 'unit'],
        unitType: ['section', 'brigade'],
        contentType: ['general', 'dynamic'],
        role: ['reporter', 'unit_head', 'office_reviewer'],
        platform: ['wechat', 'weibo'],
      },
      ids: [...units, ...members, ...channels, draft, commission],
      tokens: [t.adminToken, t.adminToken, t.adminToken, ...(await Promise.all(tokenRoles.map(tokenOf)))],
      documents: [policy],
    };
    doc = (await t.http.get('/docs-json').expect(200)).body as OpenApiDocument;
    // FUZZ_ONLY narrows a long run to the operations whose "METHOD /path" matches it (a regular expression).
    const only = process.env.FUZZ_ONLY ? new RegExp(process.env.FUZZ_ONLY) : undefined;
    ops = operations(doc).filter((o) => !only || only.test(`${o.method} ${o.path}`));
  }, 120_000);
  afterAll(async () => {
    await t?.close();
  });

  it('the document lists the operations (a new endpoint is fuzzed without editing this file)', () => {
    if (process.env.FUZZ_ONLY) return;
    expect(ops.length).toBeGreaterThan(50);
    expect(ops.filter((o) => o.method !== 'GET').length).toBeGreaterThan(30);
  });

  it('no write operation answers 5xx, errors are problem+json, and refused requests append nothing', async () => {
    const tally = new Map<number, number>();
    for (const op of ops.filter((o) => o.method !== 'GET')) {
      const tokens = await permittedTokens(t, op, doc, entities, settings.seed, tally);
      await fc.assert(
        fc.asyncProperty(requestFor(op, doc, entities, tokens), (r) => checkRequest(t, r, tally)),
        { ...settings, numRuns: settings.numRuns * 2, verbose: 1 },
      );
    }
    // The requests reach past authentication into validation, the handlers and the deciders.
    const count = (test: (status: number) => boolean) => [...tally].filter(([s]) => test(s)).reduce((n, [, c]) => n + c, 0);
    if (process.env.FUZZ_VERBOSE) process.stdout.write(`write statuses: ${JSON.stringify(Object.fromEntries(tally))}\n`);
    expect(count((s) => s === 400)).toBeGreaterThan(0);
    expect(count((s) => s < 300)).toBeGreaterThan(0);
    expect(count((s) => s === 404 || s === 409 || s === 422)).toBeGreaterThan(0);
    expect(count((s) => s === 401)).toBe(0);
  });

  it('no query parameter of a GET answers 5xx, and errors are problem+json', async () => {
    const tally = new Map<number, number>();
    for (const op of ops.filter((o) => o.method === 'GET' && !o.path.startsWith('/docs'))) {
      await fc.assert(fc.asyncProperty(requestFor(op, doc, entities), (r) => checkRequest(t, r, tally)), { ...settings, verbose: 1 });
    }
    if (process.env.FUZZ_VERBOSE) process.stdout.write(`read statuses: ${JSON.stringify(Object.fromEntries(tally))}\n`);
    expect(tally.get(200) ?? 0).toBeGreaterThan(0);
    expect(tally.get(400) ?? 0).toBeGreaterThan(0);
  });

  it('afterwards no projection has stopped and the service is ready', async () => {
    await t.settle();
    const admin = { Authorization: `Bearer ${t.adminToken}` };
    const projections = (await t.http.get('/v1/ops/projections').set(admin).expect(200)).body as { name: string; deadLetters: number; builds: { state: string; lastError: string | null }[] }[];
    for (const p of projections) {
      expect({ name: p.name, deadLetters: p.deadLetters, stopped: p.builds.filter((b) => b.state === 'stopped').map((b) => b.lastError) }).toEqual({ name: p.name, deadLetters: 0, stopped: [] });
    }
    await t.http.get('/health/ready').expect(200);
  });
});
