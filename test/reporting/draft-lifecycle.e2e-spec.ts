import type { DemoOrganization } from '@app/organization';
import { AuthHeaders, demoAuth, draftContent, expectUnchanged, publishPolicy, seedDemo, startTestApp, TestApp } from '@test/support';

/**
 * A draft's whole life through HTTP, with a token for each role, under the law-enforcement bureau policy (001-C):
 * external items go unit head 初审 → 保密审查 → leader in charge, two-person check, nothing published before the
 * confidentiality verdict. Every forbidden transition is refused and changes nothing.
 */
describe('reporting workflow (HTTP)', () => {
  let t: TestApp;
  let demo: DemoOrganization;
  const auth: Record<string, AuthHeaders> = {};
  let office: string;

  // hedging words (听说): the submission comes back with a soft-rule warning
  const content = (extra: Record<string, unknown> = {}) => draftContent(demo.byRole.reporter.memberId, { body: '3月1日,我局组织开展夏季治安打击整治行动,共出动警力120人次,听说效果明显。', ...extra });

  beforeAll(async () => {
    t = await startTestApp();
    demo = await seedDemo(t);
    Object.assign(auth, await demoAuth(t, demo));
    office = demo.units.office!;
    await publishPolicy(t, auth.administrator!, 'law-enforcement-bureau-001C.json');
  }, 60_000);
  afterAll(async () => {
    await t.close();
  });

  it('walks a draft from creation to adoption, excellent rating and leader instruction', async () => {
    const reporter = auth.reporter!;
    const head = auth['unit_head@办公室']!;
    const created = await t.http.post('/v1/drafts').set(reporter).send({ unitId: office, ...content() }).expect(201);
    const draftId = created.body.draftId as string;
    expect(created.headers.etag).toBe('"0"');

    // 报送: the policy picks the chain; soft rules come back as warnings
    const submitted = await t.http.post(`/v1/drafts/${draftId}/submit`).set(reporter).set('If-Match', '"0"').expect(200);
    expect(submitted.body.events).toEqual(['DraftSubmitted']);
    await t.settle();
    const detail = await t.http.get(`/v1/drafts/${draftId}`).set(reporter).expect(200);
    expect(detail.body).toMatchObject({ status: 'in_review', currentRole: 'unit_head', formComplete: true, late: false });
    expect(detail.body.chain).toMatchObject({ policyId: 'law-enforcement-bureau', policyVersion: 1, ruleId: 'external-with-confidentiality' });
    expect((detail.body.warnings as { rule: string }[]).map((w) => w.rule)).toEqual(['hedging-words']);

    // the unit head's inbox has it; the reporter's has nothing
    const inbox = await t.http.get('/v1/review-inbox').set(head).expect(200);
    expect((inbox.body.items as { draftId: string }[]).map((d) => d.draftId)).toContain(draftId);
    expect((await t.http.get('/v1/review-inbox').set(reporter).expect(200)).body).toEqual({ items: [], next: null });

    // forbidden: the reporter reviewing, the wrong role on the step, publishing before sign-off
    await expectUnchanged(t, 403, () => t.http.post(`/v1/drafts/${draftId}/steps/0/approve`).set(reporter).send({}));
    await expectUnchanged(t, 403, () => t.http.post(`/v1/drafts/${draftId}/steps/0/approve`).set(auth.confidentiality_reviewer!).send({}));
    const channelId = demo.channels.wechat!;
    await expectUnchanged(t, 409, () =>
      t.http.post(`/v1/drafts/${draftId}/publications`).set(auth.office_reviewer!).send({ channelId, url: 'https://mp.weixin.qq.com/s/a', publishedAt: '2026-03-02T03:00:00Z', exclusiveFirstRelease: true }),
    );

    // 初审 → 保密审查 (verdict) → leader in charge 签发
    await t.http.post(`/v1/drafts/${draftId}/steps/0/approve`).set(head).send({ comment: '同意' }).expect(200);
    await expectUnchanged(t, 422, () => t.http.post(`/v1/drafts/${draftId}/steps/1/approve`).set(auth.confidentiality_reviewer!).send({}));
    await t.http.post(`/v1/drafts/${draftId}/steps/1/approve`).set(auth.confidentiality_reviewer!).send({ verdict: 'may_publish' }).expect(200);
    const leader = auth['leader_in_charge@某市公安局']!;
    const signed = await t.http.post(`/v1/drafts/${draftId}/steps/2/approve`).set(leader).send({ comment: '同意报送' }).expect(200);
    expect(signed.body.events).toEqual(['ReviewStepApproved', 'DraftSignedOff']);

    // outcomes recorded by the office
    const officeReviewer = auth.office_reviewer!;
    await t.http
      .post(`/v1/drafts/${draftId}/publications`)
      .set(officeReviewer)
      .send({ channelId, url: 'https://mp.weixin.qq.com/s/a', publishedAt: '2026-03-02T03:00:00Z', exclusiveFirstRelease: true })
      .expect(201);
    await expectUnchanged(t, 422, () => t.http.post(`/v1/drafts/${draftId}/excellent-ratings`).set(officeReviewer).send({ levelKey: 'city', ratedAt: '2026-03-05T02:00:00Z' }));
    await t.http.post(`/v1/drafts/${draftId}/adoptions`).set(officeReviewer).send({ publicationName: '《某市信息》', levelKey: 'city', issue: '第12期', adoptedAt: '2026-03-04T02:00:00Z' }).expect(201);
    await t.http.post(`/v1/drafts/${draftId}/excellent-ratings`).set(officeReviewer).send({ levelKey: 'city', ratedAt: '2026-03-05T02:00:00Z' }).expect(201);
    await t.http
      .post(`/v1/drafts/${draftId}/instructions`)
      .set(officeReviewer)
      .send({ levelKey: 'city', leader: '李市长', text: '此做法很好,请在全市推广。', instructedAt: '2026-03-06T02:00:00Z' })
      .expect(201);
    await expectUnchanged(t, 422, () => t.http.post(`/v1/drafts/${draftId}/adoptions`).set(officeReviewer).send({ publicationName: 'x', levelKey: 'galaxy', adoptedAt: '2026-03-04T02:00:00Z' }));

    await t.settle();
    const register = await t.http.get(`/v1/register?unitId=${office}`).set(officeReviewer).expect(200);
    expect(register.body.items).toEqual([
      expect.objectContaining({
        draftId,
        outcomes: [
          expect.objectContaining({ kind: 'publication', levelKey: 'city' }),
          expect.objectContaining({ kind: 'adoption', levelKey: 'city', name: '《某市信息》', issue: '第12期' }),
          expect.objectContaining({ kind: 'excellent', levelKey: 'city' }),
          expect.objectContaining({ kind: 'instruction', levelKey: 'city', name: '李市长' }),
        ],
      }),
    ]);
    const history = (await t.http.get(`/v1/drafts/${draftId}`).set(officeReviewer).expect(200)).body.history as { type: string; actorId: string }[];
    expect(history.map((h) => h.type)).toEqual([
      'DraftCreated',
      'DraftSubmitted',
      'ReviewStepApproved',
      'ReviewStepApproved',
      'ReviewStepApproved',
      'DraftSignedOff',
      'DraftPublished',
      'DraftAdopted',
      'DraftRatedExcellent',
      'LeaderInstructionRecorded',
    ]);
    expect(history[2]!.actorId).toBe(demo.members.find((m) => m.role === 'unit_head' && m.unitId === office)!.memberId);
  });

  it('two reviewers acting on the same step at once: exactly one succeeds, the other gets 409; the two-person check keeps the winner off the next step', async () => {
    // two distinct members, each unit head AND confidentiality reviewer of the office (R1.32: two people check every item)
    const admin = auth.administrator!;
    const reviewers: { memberId: string; auth: { Authorization: string } }[] = [];
    for (const name of ['并发审核甲', '并发审核乙']) {
      const memberId = (await t.http.post('/v1/members').set(admin).send({ name }).expect(201)).body.memberId as string;
      for (const role of ['unit_head', 'confidentiality_reviewer']) {
        await t.http.post(`/v1/members/${memberId}/appointments`).set(admin).send({ role, unitId: office, startsOn: '2026-01-01' }).expect(201);
      }
      reviewers.push({ memberId, auth: { Authorization: `Bearer ${await t.tokenFor(memberId)}` } });
    }
    expect(new Set(reviewers.map((r) => r.memberId)).size).toBe(2);

    const created = await t.http.post('/v1/drafts').set(auth.reporter!).send({ unitId: office, ...content({ title: '并发审核' }) }).expect(201);
    const id = created.body.draftId as string;
    await t.http.post(`/v1/drafts/${id}/submit`).set(auth.reporter!).expect(200);
    const [a, b] = await Promise.all(reviewers.map((r, i) => t.http.post(`/v1/drafts/${id}/steps/0/approve`).set(r.auth).send({ comment: `${i}` })));
    expect([a!.status, b!.status].sort()).toEqual([200, 409]);
    const [winner, loser] = a!.status === 200 ? [reviewers[0]!, reviewers[1]!] : [reviewers[1]!, reviewers[0]!];
    const events = await t.store.readStream(`draft-${id}`);
    const approvals = events.filter((e) => e.type === 'ReviewStepApproved');
    expect(approvals.map((e) => (e.data as { reviewerId: string }).reviewerId)).toEqual([winner.memberId]);

    // the winner also holds the confidentiality role, but no one approves two steps of one draft
    const refused = await expectUnchanged(t, 422, () => t.http.post(`/v1/drafts/${id}/steps/1/approve`).set(winner.auth).send({ verdict: 'may_publish' }));
    expect(refused.rule).toBe('two-person-check');
    // a stale If-Match is a 412; with the current revision the other member does the confidentiality review
    await expectUnchanged(t, 412, () => t.http.post(`/v1/drafts/${id}/steps/1/approve`).set(loser.auth).set('If-Match', '"1"').send({ verdict: 'may_publish' }));
    await t.http.post(`/v1/drafts/${id}/steps/1/approve`).set(loser.auth).set('If-Match', '"2"').send({ verdict: 'may_publish' }).expect(200);
  });

  it('a retried request with the same Idempotency-Key changes nothing', async () => {
    const body = { unitId: office, ...content({ title: '重试' }) };
    const first = await t.http.post('/v1/drafts').set(auth.reporter!).set('Idempotency-Key', 'create-draft-retry-1').send(body).expect(201);
    const head = await t.store.headPosition();
    const again = await t.http.post('/v1/drafts').set(auth.reporter!).set('Idempotency-Key', 'create-draft-retry-1').send(body).expect(201);
    expect(again.body).toMatchObject({ draftId: first.body.draftId, duplicate: true });
    expect(await t.store.headPosition()).toBe(head);
  });

  it('returned for revision: back to the authors with comments, edited, resubmitted from the first step', async () => {
    const id = (await t.http.post('/v1/drafts').set(auth.reporter!).send({ unitId: office, ...content({ title: '退回' }) }).expect(201)).body.draftId as string;
    await t.http.post(`/v1/drafts/${id}/submit`).set(auth.reporter!).expect(200);
    const head = auth['unit_head@办公室']!;
    await expectUnchanged(t, 422, () => t.http.post(`/v1/drafts/${id}/steps/0/return`).set(head).send({ comments: ' ' }).then((r) => ({ ...r, status: r.status === 400 ? 422 : r.status })));
    await t.http.post(`/v1/drafts/${id}/steps/0/return`).set(head).send({ comments: '请补充具体战果数据' }).expect(200);
    await t.http.put(`/v1/drafts/${id}`).set(auth.reporter!).send(content({ title: '退回(修改稿)', body: '3月1日,我局出动警力120人次,查处案件15起。' })).expect(200);
    await t.http.post(`/v1/drafts/${id}/submit`).set(auth.reporter!).expect(200);
    await t.settle();
    const detail = await t.http.get(`/v1/drafts/${id}`).set(auth.reporter!).expect(200);
    expect(detail.body).toMatchObject({ status: 'in_review', round: 2, currentStep: 0, title: '退回(修改稿)', warnings: [] });
    const mine = await t.http.get('/v1/drafts/mine?status=in_review').set(auth.reporter!).expect(200);
    expect((mine.body.items as { draftId: string }[]).map((d) => d.draftId)).toContain(id);
  });

  it('a "not to be published" verdict blocks publication (422), and a policy\'s hard limit refuses submission (422)', async () => {
    const id = (await t.http.post('/v1/drafts').set(auth.reporter!).send({ unitId: office, ...content({ title: '保密' }) }).expect(201)).body.draftId as string;
    await t.http.post(`/v1/drafts/${id}/submit`).set(auth.reporter!).expect(200);
    await t.http.post(`/v1/drafts/${id}/steps/0/approve`).set(auth['unit_head@办公室']!).send({}).expect(200);
    await t.http.post(`/v1/drafts/${id}/steps/1/approve`).set(auth.confidentiality_reviewer!).send({ verdict: 'not_to_publish' }).expect(200);
    await t.http.post(`/v1/drafts/${id}/steps/2/approve`).set(auth['leader_in_charge@某市公安局']!).send({}).expect(200);
    const blocked = await expectUnchanged(t, 422, () =>
      t.http.post(`/v1/drafts/${id}/publications`).set(auth.office_reviewer!).send({ channelId: demo.channels.wechat, url: 'https://x.example/a', publishedAt: '2026-03-02T03:00:00Z', exclusiveFirstRelease: false }),
    );
    expect(blocked.rule).toBe('confidentiality-blocks-publication');

    // an institution-wide Weibo limit, published as data, applies to the next submission
    const admin = auth.administrator!;
    const limits = {
      id: 'weibo-limits',
      version: 1,
      title: '微博字数限制',
      rationale: '000-A 三.1(1): Weibo items at most 140 characters unless marked long-form',
      effectiveFrom: '2026-01-01',
      scope: { unitTypes: ['*'] },
      rules: { lengthLimits: [{ id: 'weibo-140', platform: 'weibo', contentTypes: ['*'], maxChars: 140, unlessLongForm: true, severity: 'hard' }] },
    };
    await publishPolicy(t, admin, limits);
    const long = (await t.http.post('/v1/drafts').set(auth.reporter!).send({ unitId: office, ...content({ title: '长微博', targetPlatforms: ['weibo'], body: '字'.repeat(141) }) }).expect(201)).body.draftId;
    const refused = await expectUnchanged(t, 422, () => t.http.post(`/v1/drafts/${long}/submit`).set(auth.reporter!));
    expect(refused).toMatchObject({ rule: 'weibo-140', field: 'body' });
    await t.http.put(`/v1/drafts/${long}`).set(auth.reporter!).send(content({ title: '长微博', targetPlatforms: ['weibo'], body: '字'.repeat(141), longForm: true })).expect(200);
    await t.http.post(`/v1/drafts/${long}/submit`).set(auth.reporter!).expect(200);
  });

  it('commissions (约稿): issued to units, fulfilled by a draft, missed when the deadline passes', async () => {
    const officeReviewer = auth.office_reviewer!;
    const other = demo.units.legal!;
    const commission = await t.http
      .post('/v1/commissions')
      .set(officeReviewer)
      .send({ topic: '夏季治安整治成效', requirements: '800字以内', purpose: '《信息专报》专题', deadline: '2026-03-06T10:00:00Z', contact: '办公室 王科长', unitIds: [office, other] })
      .expect(201);
    const id = (await t.http.post('/v1/drafts').set(auth.reporter!).send({ unitId: office, commissionId: commission.body.commissionId, ...content({ title: '约稿回复' }) }).expect(201)).body.draftId;
    await t.http.post(`/v1/drafts/${id}/submit`).set(auth.reporter!).expect(200);
    await expectUnchanged(t, 422, () => t.http.post('/v1/drafts').set(auth.reporter!).send({ unitId: office, commissionId: '7b7b7b7b-0000-4000-8000-000000000000', ...content() }));
    await t.settle();
    const before = await t.http.get(`/v1/commissions/${commission.body.commissionId}?asOf=2026-03-05T00:00:00Z`).set(auth.reporter!).expect(200);
    expect(Object.fromEntries((before.body.units as { unitId: string; status: string }[]).map((u) => [u.unitId, u.status]))).toEqual({ [office]: 'fulfilled', [other]: 'open' });
    const after = await t.http.get(`/v1/commissions/${commission.body.commissionId}?asOf=2026-03-07T00:00:00Z`).set(auth.reporter!).expect(200);
    expect(after.body.status).toBe('missed');
  });
});
