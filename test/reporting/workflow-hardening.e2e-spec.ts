import { CommandBus } from '@nestjs/cqrs';
import { RunDeciderCommand } from '@app/event-store';
import type { DemoOrganization } from '@app/organization';
import type { PolicyDocument } from '@app/policies';
import { loadExamplePolicy } from '@app/policies/testing';
import { AuthHeaders, demoAuth, draftContent, expectUnchanged, publishPolicy, seedDemo, startTestApp, TestApp } from '@test/support';

/**
 * Issue 8, the reporting workflow through HTTP: a referral to the secrecy authority holds the review (D11), the
 * inbox follows where the decider resumed review (D12), lists page by cursor with filters before the limit (D15),
 * a draft's detail carries its current content and revision (E18), and the drafts list says what is missing (E20).
 * Under the law-enforcement bureau policy (001-C): external items go 初审 (step 0) → 保密审查 (step 1) → leader in
 * charge (step 2); internal items 初审 → 保密审查, resuming at the returning step after 退回修改.
 */
describe('reporting workflow hardening (HTTP)', () => {
  let t: TestApp;
  let demo: DemoOrganization;
  let office: string;
  const auth: Record<string, AuthHeaders> = {};
  let bureauPolicy: PolicyDocument;

  const content = (extra: Record<string, unknown> = {}) => draftContent(demo.byRole.reporter.memberId, extra);
  const newDraft = async (extra: Record<string, unknown> = {}) => {
    const id = (await t.http.post('/v1/drafts').set(auth.reporter!).send({ unitId: office, ...content(extra) }).expect(201)).body.draftId as string;
    await t.http.post(`/v1/drafts/${id}/submit`).set(auth.reporter!).expect(200);
    return id;
  };

  beforeAll(async () => {
    t = await startTestApp();
    demo = await seedDemo(t);
    Object.assign(auth, await demoAuth(t, demo));
    office = demo.units.office!;
    bureauPolicy = loadExamplePolicy('law-enforcement-bureau-001C.json');
    await publishPolicy(t, auth.administrator!, bureauPolicy);
    // What "not to be published" blocks is policy data: 《某市日报》 is public; excellent ratings are blocked too.
    await publishPolicy(t, auth.administrator!, {
      id: 'secrecy-release',
      version: 1,
      title: '不予公开信息的发布限制',
      rationale: 'R7.10 涉密信息不公开: adoption by a public publication is a public release',
      effectiveFrom: '2020-01-01',
      scope: { unitTypes: ['*'] },
      rules: { confidentialityRelease: { id: 'not-to-publish', publicPublications: ['某市日报'], notToPublishAlsoBlocks: ['excellent'] } },
    });
  }, 90_000);
  afterAll(async () => {
    await t.close();
  });

  describe('D11: a referral to the secrecy authority (R7.12) holds the review until its answer is recorded', () => {
    it('"not to be published": the chain waits, then goes on; no channel publication, no adoption by a public publication, no rating', async () => {
      const head = auth['unit_head@办公室']!;
      const secrecy = auth.confidentiality_reviewer!;
      const leader = auth['leader_in_charge@某市公安局']!;
      const recorder = auth.office_reviewer!;
      const id = await newDraft({ title: '难以确定是否涉密' });
      const bus = t.app.get(CommandBus);
      const execute = jest.spyOn(bus, 'execute');
      let commandsSent = 0;
      const command = <T>(send: () => T): T => {
        commandsSent += 1;
        return send();
      };
      await command(() => t.http.post(`/v1/drafts/${id}/steps/0/approve`).set(head).send({ comment: '同意' }).expect(200));
      const referral = await command(() => t.http.post(`/v1/drafts/${id}/steps/1/approve`).set(secrecy).send({ verdict: 'refer_to_secrecy_authority', comment: '报市机要和保密局确定' }).expect(200));
      expect(referral.body.events).toEqual(['DraftReferredToSecrecyAuthority']);

      // held: neither the referred step nor the next one decides, nothing is published or adopted
      const held = await expectUnchanged(t, 409, () => command(() => t.http.post(`/v1/drafts/${id}/steps/2/approve`).set(leader).send({})));
      expect(held.rule).toBe('review-held-for-secrecy-authority');
      expect((await expectUnchanged(t, 409, () => command(() => t.http.post(`/v1/drafts/${id}/steps/1/approve`).set(secrecy).send({ verdict: 'may_publish' })))).rule).toBe('review-held-for-secrecy-authority');
      const adoption = { publicationName: '《信息专报》', levelKey: 'city', adoptedAt: '2026-03-04T02:00:00Z' };
      expect((await expectUnchanged(t, 409, () => command(() => t.http.post(`/v1/drafts/${id}/adoptions`).set(recorder).send(adoption)))).rule).toBe('draft-not-signed-off');
      await t.settle();
      const detail = (await t.http.get(`/v1/drafts/${id}`).set(secrecy).expect(200)).body;
      expect(detail).toMatchObject({ status: 'referred', currentStep: 1, currentRole: 'confidentiality_reviewer' });
      // the step's role holders see it in their inbox: they record the answer
      const inbox = (await t.http.get('/v1/review-inbox').set(secrecy).expect(200)).body.items as { draftId: string; status: string }[];
      expect(inbox.find((d) => d.draftId === id)).toMatchObject({ status: 'referred' });

      // the answer: only on the referred step, then the chain goes on
      await expectUnchanged(t, 409, () =>
        command(() => t.http.post(`/v1/drafts/${id}/steps/2/secrecy-authority-answer`).set(secrecy).send({ outcome: 'not_to_publish', answeredOn: '2026-03-02' })),
      );
      const answer = await command(() =>
        t.http.post(`/v1/drafts/${id}/steps/1/secrecy-authority-answer`).set(secrecy).send({ outcome: 'not_to_publish', answeredOn: '2026-03-02', reference: '机保函〔2026〕3号' }).expect(200),
      );
      expect(answer.body.events).toEqual(['SecrecyAuthorityAnswerRecorded']);
      expect((await expectUnchanged(t, 409, () => command(() => t.http.post(`/v1/drafts/${id}/steps/1/secrecy-authority-answer`).set(secrecy).send({ outcome: 'may_publish', answeredOn: '2026-03-02' })))).rule).toBe(
        'draft-not-referred',
      );
      const signed = await command(() => t.http.post(`/v1/drafts/${id}/steps/2/approve`).set(leader).send({ comment: '同意' }).expect(200));
      expect(signed.body.events).toEqual(['ReviewStepApproved', 'DraftSignedOff']);

      // not to be published: no channel, no public publication, and (this policy says) no excellent rating
      const publication = { channelId: demo.channels.wechat, url: 'https://mp.weixin.qq.com/s/x', publishedAt: '2026-03-03T02:00:00Z', exclusiveFirstRelease: true };
      expect((await expectUnchanged(t, 422, () => command(() => t.http.post(`/v1/drafts/${id}/publications`).set(recorder).send(publication)))).rule).toBe('confidentiality-blocks-publication');
      const publicAdoption = await expectUnchanged(t, 422, () => command(() => t.http.post(`/v1/drafts/${id}/adoptions`).set(recorder).send({ ...adoption, publicationName: '《某市日报》' })));
      expect(publicAdoption).toMatchObject({ rule: 'confidentiality-blocks-adoption', field: 'publicationName' });
      await command(() => t.http.post(`/v1/drafts/${id}/adoptions`).set(recorder).send(adoption).expect(201));
      const rating = await expectUnchanged(t, 422, () => command(() => t.http.post(`/v1/drafts/${id}/excellent-ratings`).set(recorder).send({ levelKey: 'city', ratedAt: '2026-03-05T02:00:00Z' })));
      expect(rating).toMatchObject({ rule: 'confidentiality-blocks-excellent-rating', policies: ['secrecy-release:1:not-to-publish'] });

      // F22: every one of these commands went through the CommandBus, and the events say what decisions used
      const draftMessages = execute.mock.calls.map(([m]) => m).filter((m): m is RunDeciderCommand => m instanceof RunDeciderCommand && m.stream === `draft-${id}`);
      expect(draftMessages).toHaveLength(commandsSent);
      execute.mockRestore();
      const events = await t.store.readStream(`draft-${id}`);
      const submitted = events.find((e) => e.type === 'DraftSubmitted')!.data as { policiesInForce: unknown[]; release: { sources: unknown[] } };
      expect(submitted.policiesInForce).toEqual(
        expect.arrayContaining([
          { policyId: 'law-enforcement-bureau', policyVersion: 1 },
          { policyId: 'secrecy-release', policyVersion: 1 },
        ]),
      );
      expect(submitted.release.sources).toEqual([{ policyId: 'secrecy-release', policyVersion: 1, ruleId: 'not-to-publish' }]);
      const approval = events.find((e) => e.type === 'ReviewStepApproved')!.data as { coverage: { roles: string[]; unitLineage: string[] } };
      expect(approval.coverage).toEqual({ roles: expect.arrayContaining(['unit_head']), unitLineage: [office, demo.units.bureau] });
    });

    it('"may be published": after the answer the draft signs off and is published', async () => {
      const id = await newDraft({ title: '请示保密局后可以公开' });
      await t.http.post(`/v1/drafts/${id}/steps/0/approve`).set(auth['unit_head@办公室']!).send({}).expect(200);
      await t.http.post(`/v1/drafts/${id}/steps/1/approve`).set(auth.confidentiality_reviewer!).send({ verdict: 'refer_to_secrecy_authority' }).expect(200);
      await t.http.post(`/v1/drafts/${id}/steps/1/secrecy-authority-answer`).set(auth.confidentiality_reviewer!).send({ outcome: 'may_publish', answeredOn: '2026-03-02' }).expect(200);
      await t.http.post(`/v1/drafts/${id}/steps/2/approve`).set(auth['leader_in_charge@某市公安局']!).send({}).expect(200);
      await t.http
        .post(`/v1/drafts/${id}/publications`)
        .set(auth.office_reviewer!)
        .send({ channelId: demo.channels.wechat, url: 'https://mp.weixin.qq.com/s/y', publishedAt: '2026-03-03T02:00:00Z', exclusiveFirstRelease: true })
        .expect(201);
    });
  });

  describe('D14: step numbers count from 0 in paths, responses and messages', () => {
    it('steps/2 while step 1 waits: 409 naming step 2 and step 1, and currentStep 1', async () => {
      const id = await newDraft({ title: '步骤编号' });
      await t.http.post(`/v1/drafts/${id}/steps/0/approve`).set(auth['unit_head@办公室']!).send({}).expect(200);
      const moved = await expectUnchanged(t, 409, () => t.http.post(`/v1/drafts/${id}/steps/2/approve`).set(auth['leader_in_charge@某市公安局']!).send({}));
      expect(moved).toMatchObject({ rule: 'review-step-moved', stepIndex: 2, currentStep: 1, detail: 'Step 2 is not the step waiting for a decision (step 1 is; steps count from 0)' });
      await t.settle();
      expect((await t.http.get(`/v1/drafts/${id}`).set(auth.reporter!).expect(200)).body.currentStep).toBe(1);
    });
  });

  describe('E18: a draft\'s detail carries its current content and revision', () => {
    it('after creation and after an edit: body, platforms, event date, attachments and form fields, with the revision as ETag', async () => {
      const attachment = { name: '现场照片.jpg', mediaType: 'image/jpeg', size: 1024, sha256: 'a'.repeat(64) };
      const first = content({ title: '内容', targetPlatforms: ['wechat', 'weibo'], attachments: [attachment], formFields: { providingDepartment: '宣传科' } });
      const id = (await t.http.post('/v1/drafts').set(auth.reporter!).send({ unitId: office, ...first }).expect(201)).body.draftId as string;
      await t.settle();
      const created = await t.http.get(`/v1/drafts/${id}`).set(auth.reporter!).expect(200);
      expect(created.headers.etag).toBe('"0"');
      expect(created.body).toMatchObject({ revision: '0' });
      expect(created.body.content).toEqual({
        title: '内容',
        body: first.body,
        contentType: 'general',
        source: 'original',
        originalOutlet: null,
        firstRelease: 'exclusive',
        targetPlatforms: ['wechat', 'weibo'],
        authors: [demo.byRole.reporter.memberId],
        recommenderId: null,
        eventDate: '2026-03-01',
        importance: 'general',
        destination: 'external',
        longForm: false,
        attachments: [{ ...attachment, storageKey: attachment.sha256 }],
        formFields: { providingDepartment: '宣传科' },
      });

      const edited = content({ title: '内容(修改稿)', body: '修改后的正文。', eventDate: '2026-02-28', targetPlatforms: ['website'], formFields: {} });
      await t.http.put(`/v1/drafts/${id}`).set(auth.reporter!).set('If-Match', created.headers.etag!).send(edited).expect(200);
      await t.settle();
      const after = await t.http.get(`/v1/drafts/${id}`).set(auth.reporter!).expect(200);
      expect(after.headers.etag).toBe('"1"');
      expect(after.body.content).toMatchObject({ title: '内容(修改稿)', body: '修改后的正文。', eventDate: '2026-02-28', targetPlatforms: ['website'], attachments: [], formFields: {} });
      // the ETag is what If-Match wants
      await t.http.post(`/v1/drafts/${id}/submit`).set(auth.reporter!).set('If-Match', after.headers.etag!).expect(200);
    });
  });

  describe('D15: lists page by cursor over a stable order, filters before the limit', () => {
    it('commissions filtered by status: full pages while more match, no repeats, then next: null', async () => {
      const officeReviewer = auth.office_reviewer!;
      const issue = async (topic: string, at: string) => {
        t.clock.set(new Date(at));
        return (
          await t.http
            .post('/v1/commissions')
            .set(officeReviewer)
            .send({ topic, requirements: '800字以内', purpose: '专题', deadline: '2026-06-30T10:00:00Z', contact: '办公室', unitIds: [demo.units.legal] })
            .expect(201)
        ).body.commissionId as string;
      };
      const open1 = await issue('甲', '2026-03-02T01:00:00Z');
      const open2 = await issue('乙', '2026-03-02T02:00:00Z');
      const cancelled = [await issue('丙', '2026-03-02T03:00:00Z'), await issue('丁', '2026-03-02T04:00:00Z')];
      t.clock.set(new Date('2026-03-02T05:00:00Z'));
      for (const c of cancelled) await t.http.post(`/v1/commissions/${c}/cancel`).set(officeReviewer).send({ reason: '专题取消' }).expect(200);
      await t.settle();

      const url = `/v1/commissions?unitId=${demo.units.legal}&status=open&asOf=2026-03-03T00:00:00Z&limit=1`;
      const first = (await t.http.get(url).set(auth.reporter!).expect(200)).body;
      expect(first.items.map((c: { commissionId: string }) => c.commissionId)).toEqual([open2]);
      expect(first.next).toEqual(expect.any(String));
      const second = (await t.http.get(`${url}&cursor=${first.next}`).set(auth.reporter!).expect(200)).body;
      expect(second.items.map((c: { commissionId: string }) => c.commissionId)).toEqual([open1]);
      expect(second.next).toBeNull();
      const cancelledOnly = (await t.http.get(`/v1/commissions?unitId=${demo.units.legal}&status=cancelled&limit=5`).set(auth.reporter!).expect(200)).body;
      expect(cancelledOnly).toEqual({ items: [expect.objectContaining({ commissionId: cancelled[1], status: 'cancelled' }), expect.objectContaining({ commissionId: cancelled[0] })], next: null });
    });

    it('my drafts, the drafts list and the register walk every row once, page by page', async () => {
      const walk = async (path: string, as: AuthHeaders) => {
        const seen: string[] = [];
        let cursor: string | null = null;
        for (let pages = 0; pages < 50; pages++) {
          const res = await t.http.get(`${path}${path.includes('?') ? '&' : '?'}limit=2${cursor ? `&cursor=${cursor}` : ''}`).set(as).expect(200);
          const items = res.body.items as { draftId: string }[];
          expect(items.length).toBeLessThanOrEqual(2);
          if (res.body.next) expect(items).toHaveLength(2);
          seen.push(...items.map((i) => i.draftId));
          cursor = res.body.next as string | null;
          if (!cursor) break;
        }
        return seen;
      };
      await t.settle();
      const everyDraft = (await t.pool.query<{ draft_id: string }>(`SELECT draft_id FROM rm.drafts WHERE unit_id = $1 ORDER BY created_at DESC, draft_id DESC`, [office])).rows.map((r) => r.draft_id);
      expect(everyDraft.length).toBeGreaterThanOrEqual(4);
      expect(await walk(`/v1/drafts?unitId=${office}`, auth.office_reviewer!)).toEqual(everyDraft);
      expect(await walk('/v1/drafts/mine', auth.reporter!)).toEqual(everyDraft);
      const signedOff = (await t.pool.query<{ draft_id: string }>(`SELECT draft_id FROM rm.register_entries ORDER BY signed_off_at DESC, draft_id DESC`)).rows.map((r) => r.draft_id);
      expect(signedOff.length).toBeGreaterThan(1);
      expect(await walk('/v1/register', auth.office_reviewer!)).toEqual(signedOff);
    });

    it('the review inbox pages oldest waiting first', async () => {
      const ids = [await newDraft({ title: '待审1' }), await newDraft({ title: '待审2' }), await newDraft({ title: '待审3' })];
      await t.settle();
      const head = auth['unit_head@办公室']!;
      const all = (await t.http.get('/v1/review-inbox?limit=500').set(head).expect(200)).body.items.map((d: { draftId: string }) => d.draftId) as string[];
      expect(all).toEqual(expect.arrayContaining(ids));
      const first = (await t.http.get('/v1/review-inbox?limit=2').set(head).expect(200)).body;
      const rest = (await t.http.get(`/v1/review-inbox?limit=500&cursor=${first.next}`).set(head).expect(200)).body;
      expect([...first.items, ...rest.items].map((d: { draftId: string }) => d.draftId)).toEqual(all);
    });

    it('a cursor the list did not give is a 400 naming cursor; offset is no longer a parameter', async () => {
      for (const cursor of ['not-a-cursor', Buffer.from('["2026-02-30T00:00:00.000000Z","x"]').toString('base64url')]) {
        const res = await t.http.get(`/v1/drafts/mine?cursor=${cursor}`).set(auth.reporter!).expect(400);
        expect(res.body.errors).toEqual([expect.objectContaining({ field: 'cursor' })]);
      }
      await t.http.get('/v1/commissions?offset=10').set(auth.reporter!).expect(400);
    });
  });

  describe('E20: the drafts list says what the client must send', () => {
    it('without unitId, a reporter gets 400 naming unitId; a register reader lists every unit', async () => {
      const res = await t.http.get('/v1/drafts').set(auth.reporter!).expect(400);
      expect(res.body).toMatchObject({ type: 'urn:baosong:problem:validation-failed', errors: [expect.objectContaining({ field: 'unitId' })] });
      await t.http.get('/v1/drafts').set(auth.office_reviewer!).expect(200);
      await t.http.get(`/v1/drafts?unitId=${office}`).set(auth.reporter!).expect(200);
    });
  });

  describe('D12: after a return whose resubmission changes the chain, the inbox follows where the decider resumed', () => {
    it('the new chain\'s first step waits; the reviewer of the old step does not see the draft', async () => {
      const id = await newDraft({ title: '退回后链变化', destination: 'internal' });
      const secrecy = auth.confidentiality_reviewer!;
      await t.http.post(`/v1/drafts/${id}/steps/0/approve`).set(auth['unit_head@办公室']!).send({}).expect(200);
      await t.http.post(`/v1/drafts/${id}/steps/1/return`).set(secrecy).send({ comments: '删去具体警力部署' }).expect(200);

      // a new version of the policy changes the internal chain (still resuming at the returning step when unchanged)
      const rules = bureauPolicy.rules;
      const internal = rules.reviewChains!.find((c) => c.id === 'internal-by-unit-head')!;
      await publishPolicy(t, auth.administrator!, {
        ...bureauPolicy,
        version: 2,
        rules: {
          ...rules,
          reviewChains: rules.reviewChains!.map((c) =>
            c.id === internal.id ? { ...c, steps: [{ key: 'office', name: '办公室审核', role: 'office_reviewer' as const, signature: 'signature' as const }, internal.steps[1]!] } : c,
          ),
        },
      });
      await t.http.put(`/v1/drafts/${id}`).set(auth.reporter!).send(content({ title: '退回后链变化(修改稿)', destination: 'internal' })).expect(200);
      const resubmitted = await t.http.post(`/v1/drafts/${id}/submit`).set(auth.reporter!).expect(200);
      expect(resubmitted.body.events).toEqual(['DraftSubmitted']);
      const submitted = (await t.store.readStream(`draft-${id}`)).filter((e) => e.type === 'DraftSubmitted').at(-1)!.data as { resumeAt: unknown; chain: { policyVersion: number } };
      expect(submitted).toMatchObject({ resumeAt: { stepIndex: 0, approvals: [] }, chain: { policyVersion: 2 } });
      await t.settle();

      const inboxOf = async (a: AuthHeaders) => ((await t.http.get('/v1/review-inbox?limit=500').set(a).expect(200)).body.items as { draftId: string }[]).map((d) => d.draftId);
      expect(await inboxOf(secrecy)).not.toContain(id);
      expect(await inboxOf(auth.office_reviewer!)).toContain(id);
      expect((await t.http.get(`/v1/drafts/${id}`).set(auth.reporter!).expect(200)).body).toMatchObject({ currentStep: 0, currentRole: 'office_reviewer' });
      await expectUnchanged(t, 409, () => t.http.post(`/v1/drafts/${id}/steps/1/approve`).set(secrecy).send({ verdict: 'may_publish' }));
      await t.http.post(`/v1/drafts/${id}/steps/0/approve`).set(auth.office_reviewer!).send({}).expect(200);
    });

    it('events stored before resumeAt fold and project as they always did (returning_step, same chain: the returning step waits)', async () => {
      const id = '0d12a11e-0000-4000-8000-000000000001';
      const head = demo.members.find((m) => m.role === 'unit_head' && m.unitId === office)!.memberId;
      const at = '2026-03-02T01:00:00.000Z';
      const chain = {
        policyId: 'law-enforcement-bureau',
        policyVersion: 1,
        ruleId: 'internal-by-unit-head',
        steps: [
          { key: 'initial', name: '负责人审核', role: 'unit_head', signature: 'signature', confidentiality: false },
          { key: 'secrecy', name: '保密审查', role: 'confidentiality_reviewer', signature: 'none', confidentiality: true },
        ],
        rules: { twoPersonCheck: true, authorMayNotReview: true, confidentialityBeforePublication: true, onReturn: 'returning_step' },
      };
      const draftContent = { ...content({ title: '旧事件', destination: 'internal' }), originalOutlet: null, recommenderId: null, longForm: false, attachments: [], formFields: {} };
      const submittedV1 = (round: number) => ({
        type: 'DraftSubmitted',
        data: {
          draftId: id,
          unitId: office,
          round,
          submittedBy: demo.byRole.reporter.memberId,
          submittedAt: at,
          chain,
          check: { formComplete: true, missingFields: [], warnings: [] },
          timeliness: { policyId: '', policyVersion: 0, ruleId: '', deadline: null, lateByMinutes: 0, late: false, unit: 'none' },
          commissionId: null,
        },
      });
      const legacy = [
        { type: 'DraftCreated', data: { draftId: id, unitId: office, createdBy: demo.byRole.reporter.memberId, content: draftContent, commissionId: null, createdAt: at } },
        submittedV1(1),
        { type: 'ReviewStepApproved', data: { draftId: id, round: 1, stepIndex: 0, stepKey: 'initial', role: 'unit_head', reviewerId: head, comment: null, signature: null, verdict: null, approvedAt: at } },
        { type: 'DraftReturnedForRevision', data: { draftId: id, round: 1, stepIndex: 1, stepKey: 'secrecy', reviewerId: demo.byRole.confidentiality_reviewer.memberId, comments: '修改', returnedAt: at } },
        submittedV1(2),
      ];
      await t.store.appendToStream(
        `draft-${id}`,
        legacy.map((e, i) => ({ ...e, metadata: { eventId: `0d12a11e-0000-4000-8000-00000000010${i}`, commandId: `legacy-${i}`, correlationId: 'legacy', causationId: 'legacy', actorId: 'legacy', schemaVersion: 1 } })),
        'no_stream',
      );
      await t.settle();
      expect((await t.http.get(`/v1/drafts/${id}`).set(auth.reporter!).expect(200)).body).toMatchObject({ status: 'in_review', round: 2, currentStep: 1, currentRole: 'confidentiality_reviewer' });
      // the decider folds the same: the confidentiality review is the step that waits
      await t.http.post(`/v1/drafts/${id}/steps/1/approve`).set(auth.confidentiality_reviewer!).send({ verdict: 'may_publish' }).expect(200);
    });
  });
});
