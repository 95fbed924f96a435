import type { DemoOrganization } from '@app/organization';
import { AuthHeaders, bearer, draftContent, publishPolicy, seedDemo, startTestApp, TestApp } from '@test/support';

/**
 * D13 / docs/adr/0010: which review chain governs a draft is policy data (most specific scope, then priority),
 * never the order of policy ids; a policy that would leave two chains tied is refused at publication.
 * The ids sort the "wrong" way on purpose: under the old rule (first id wins) every expectation here fails.
 */
describe('policy precedence (HTTP)', () => {
  let t: TestApp;
  let demo: DemoOrganization;
  let admin: AuthHeaders;
  let reporter: AuthHeaders;

  const policy = (id: string, role: string, extra: Record<string, unknown> = {}) => ({
    id,
    version: 1,
    title: id,
    rationale: 'precedence e2e',
    effectiveFrom: '2026-01-01',
    scope: { unitTypes: ['*'] },
    rules: {
      reviewChains: [
        {
          id: `${id}-chain`,
          when: {},
          steps: [{ key: 'review', name: '审核', role, signature: 'signature' }],
          rules: { twoPersonCheck: false, authorMayNotReview: true, confidentialityBeforePublication: false, onReturn: 'restart' },
        },
      ],
    },
    ...extra,
  });
  const publish = (doc: ReturnType<typeof policy>) => publishPolicy(t, admin, doc);
  const chainOfNewDraft = async (unitId: string) => {
    const draft = { unitId, ...draftContent(demo.byRole.reporter.memberId) };
    const id = (await t.http.post('/v1/drafts').set(reporter).send(draft).expect(201)).body.draftId as string;
    await t.http.post(`/v1/drafts/${id}/submit`).set(reporter).expect(200);
    await t.settle();
    return (await t.http.get(`/v1/drafts/${id}`).set(reporter).expect(200)).body.chain as { policyId: string; ruleId: string };
  };

  beforeAll(async () => {
    t = await startTestApp();
    demo = await seedDemo(t);
    admin = bearer(await t.tokenFor(demo.byRole.administrator.memberId));
    reporter = bearer(await t.tokenFor(demo.byRole.reporter.memberId));
    await t.settle();
  }, 60_000);
  afterAll(async () => {
    await t.close();
  });

  it('publishing a policy whose chain ties with a published one is 422 policy-chain-tie naming the other policy and version; nothing is appended', async () => {
    expect((await publish(policy('aaa-bureau', 'office_reviewer'))).status).toBe(200);
    await t.http.post('/v1/policies').set(admin).send(policy('zzz-bureau', 'principal_leader')).expect(201);
    const head = await t.store.headPosition();
    const res = await t.http.post('/v1/policies/zzz-bureau/versions/1/publish').set(admin).expect(422);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(res.body).toMatchObject({
      type: 'urn:baosong:problem:policy-chain-tie',
      conflictsWith: { policyId: 'aaa-bureau', version: 1, ruleId: 'aaa-bureau-chain' },
      detail: expect.stringContaining('policy aaa-bureau version 1'),
    });
    expect(await t.store.headPosition()).toBe(head);
  });

  it('a declared priority breaks the tie: the redrafted version publishes, and its chain governs whatever the ids', async () => {
    await t.http.post('/v1/policies').set(admin).send(policy('zzz-bureau', 'principal_leader', { priority: 1 })).expect(201);
    await t.http.post('/v1/policies/zzz-bureau/versions/1/publish').set(admin).expect(200);
    await t.settle();
    expect(await chainOfNewDraft(demo.units.office!)).toMatchObject({ policyId: 'zzz-bureau', ruleId: 'zzz-bureau-chain' });
  });

  it('a policy scoped to the unit type governs its units over both institution-wide ones, even with a lower priority', async () => {
    expect((await publish(policy('zzz-sections', 'unit_head', { scope: { unitTypes: ['section'] } }))).status).toBe(200);
    expect(await chainOfNewDraft(demo.units.office!)).toMatchObject({ policyId: 'zzz-sections', ruleId: 'zzz-sections-chain' });
  });
});
