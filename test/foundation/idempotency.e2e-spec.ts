import type { DemoOrganization } from '@app/organization';
import { commandIdForKey, requestFingerprint } from '@app/platform';
import { AuthHeaders, bearer, draftContent, publishPolicy, seedDemo, startTestApp, TestApp } from '@test/support';

/**
 * Idempotency-Key as in draft-ietf-httpapi-idempotency-key-header (docs/adr/0006-idempotency-keys.md): a key is
 * the sending member's, it is bound to the request it first came with (method, path, canonical body), the same
 * request again is answered as the first run's duplicate, another request with it is 422
 * `idempotency-key-reused` and appends nothing.
 */
describe('Idempotency-Key (HTTP)', () => {
  let t: TestApp;
  let demo: DemoOrganization;
  let office: string;
  const auth: Record<string, AuthHeaders> = {};
  const REUSED = 'urn:baosong:problem:idempotency-key-reused';

  const content = (extra: Record<string, unknown> = {}) => draftContent(demo.byRole.reporter.memberId, extra);
  const draft = (extra: Record<string, unknown> = {}) => ({ unitId: office, ...content(extra) });
  const events = (draftId: string) => t.store.readStream(`draft-${draftId}`);
  /** Sends, and checks that nothing was appended by it. */
  const appendsNothing = async <R extends { status: number }>(send: () => PromiseLike<R>): Promise<R> => {
    const head = await t.store.headPosition();
    const res = await send();
    expect(await t.store.headPosition()).toBe(head);
    return res;
  };
  const submitted = async (title: string): Promise<string> => {
    const id = (await t.http.post('/v1/drafts').set(auth.reporter!).send(draft({ title })).expect(201)).body.draftId as string;
    await t.http.post(`/v1/drafts/${id}/submit`).set(auth.reporter!).expect(200);
    return id;
  };

  beforeAll(async () => {
    t = await startTestApp();
    demo = await seedDemo(t);
    office = demo.units.office!;
    const as = async (memberId: string) => bearer(await t.tokenFor(memberId));
    auth.reporter = await as(demo.byRole.reporter.memberId);
    auth.head = await as(demo.members.find((m) => m.role === 'unit_head' && m.unitId === office)!.memberId);
    auth.secrecy = await as(demo.byRole.confidentiality_reviewer.memberId);
    auth.admin = await as(demo.byRole.administrator.memberId);
    // a second 信息员 of the office: the reporter of another section, appointed here too
    const second = demo.members.find((m) => m.role === 'reporter' && m.unitId !== office)!;
    await t.http.post(`/v1/members/${second.memberId}/appointments`).set(auth.admin).send({ role: 'reporter', unitId: office, startsOn: '2026-01-01' }).expect(201);
    auth.secondReporter = await as(second.memberId);
    await publishPolicy(t, auth.admin, 'law-enforcement-bureau-001C.json');
  }, 60_000);
  afterAll(async () => {
    await t.close();
  });

  describe('when two members send the same key', () => {
    it('on a create, each gets a draft of their own (command and draft ids are derived from member and key)', async () => {
      const body = draft({ title: '两名信息员同一键' });
      const a = await t.http.post('/v1/drafts').set(auth.reporter!).set('Idempotency-Key', 'shared-key-0001').send(body).expect(201);
      const b = await t.http.post('/v1/drafts').set(auth.secondReporter!).set('Idempotency-Key', 'shared-key-0001').send(body).expect(201);
      expect(a.body.duplicate).toBe(false);
      expect(b.body.duplicate).toBe(false);
      expect(b.body.draftId).not.toBe(a.body.draftId);
      const [createdA] = await events(a.body.draftId as string);
      const [createdB] = await events(b.body.draftId as string);
      expect(createdA!.metadata.actorId).toBe(demo.byRole.reporter.memberId);
      expect(createdB!.metadata.actorId).not.toBe(demo.byRole.reporter.memberId);
      expect(createdB!.metadata.commandId).not.toBe(createdA!.metadata.commandId);
    });
  });

  describe('when one member sends the same key with the same request', () => {
    it('answers what the first run did, with duplicate: true, and appends nothing', async () => {
      const body = draft({ title: '同一请求重试' });
      const first = await t.http.post('/v1/drafts').set(auth.reporter!).set('Idempotency-Key', 'retry-key-0001').send(body).expect(201);
      // the same body serialised with its keys in another order is the same request
      const reordered = Object.fromEntries(Object.entries(body).reverse());
      const again = await appendsNothing(() => t.http.post('/v1/drafts').set(auth.reporter!).set('Idempotency-Key', 'retry-key-0001').send(reordered));
      expect(again.status).toBe(201);
      expect(again.body).toEqual({ ...first.body, duplicate: true });
      expect(again.headers.location).toBe(first.headers.location);
      // the Structured Field form of the header ("key") names the same key
      const quoted = await appendsNothing(() => t.http.post('/v1/drafts').set(auth.reporter!).set('Idempotency-Key', '"retry-key-0001"').send(body));
      expect(quoted.body).toEqual({ ...first.body, duplicate: true });
      expect(await events(first.body.draftId as string)).toHaveLength(1);
    });
  });

  describe('when one member sends the same key with another request', () => {
    it('another body is 422 idempotency-key-reused problem+json, and nothing is appended', async () => {
      const first = await t.http.post('/v1/drafts').set(auth.reporter!).set('Idempotency-Key', 'reused-key-0001').send(draft({ title: '第一稿' })).expect(201);
      const other = await appendsNothing(() => t.http.post('/v1/drafts').set(auth.reporter!).set('Idempotency-Key', 'reused-key-0001').send(draft({ title: '另一稿' })));
      expect(other.status).toBe(422);
      expect(other.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(other.body).toMatchObject({ type: REUSED, status: 422, field: 'Idempotency-Key' });
      // another route and target with the key: the edit of the draft it created, the edit of another draft
      const own = await appendsNothing(() =>
        t.http.put(`/v1/drafts/${first.body.draftId}`).set(auth.reporter!).set('Idempotency-Key', 'reused-key-0001').send(content({ title: '第一稿(改)' })),
      );
      expect(own.body).toMatchObject({ status: 422, type: REUSED });
      const otherId = (await t.http.post('/v1/drafts').set(auth.reporter!).send(draft({ title: '另一个稿件' })).expect(201)).body.draftId as string;
      const elsewhere = await appendsNothing(() =>
        t.http.put(`/v1/drafts/${otherId}`).set(auth.reporter!).set('Idempotency-Key', 'reused-key-0001').send(content({ title: '另一个稿件(改)' })),
      );
      expect(elsewhere.body).toMatchObject({ status: 422, type: REUSED, key: 'reused-key-0001', firstRequest: 'POST /v1/drafts' });
      expect(await events(first.body.draftId as string)).toHaveLength(1);
      expect(await events(otherId)).toHaveLength(1);
    });

    it("the approval's key sent again with a return for revision is 422: the return is not silently dropped (issue 8 B3)", async () => {
      const id = await submitted('批准后退回');
      await t.http.post(`/v1/drafts/${id}/steps/0/approve`).set(auth.head!).set('Idempotency-Key', 'review-key-0001').send({ comment: '同意' }).expect(200);
      // 保密审查 sends it back; the reporter revises and resubmits; review starts again at step 0, the unit head's
      await t.http.post(`/v1/drafts/${id}/steps/1/return`).set(auth.secrecy!).send({ comments: '请删去涉密细节' }).expect(200);
      await t.http.put(`/v1/drafts/${id}`).set(auth.reporter!).send(content({ title: '批准后退回(修改稿)' })).expect(200);
      await t.http.post(`/v1/drafts/${id}/submit`).set(auth.reporter!).expect(200);
      await t.settle();
      expect((await t.http.get(`/v1/drafts/${id}`).set(auth.head!).expect(200)).body).toMatchObject({ status: 'in_review', round: 2, currentStep: 0 });

      const refused = await appendsNothing(() =>
        t.http.post(`/v1/drafts/${id}/steps/0/return`).set(auth.head!).set('Idempotency-Key', 'review-key-0001').send({ comments: '数据需要核实' }),
      );
      expect(refused.status).toBe(422);
      expect(refused.body).toMatchObject({ type: REUSED, field: 'Idempotency-Key' });
      const returned = await t.http.post(`/v1/drafts/${id}/steps/0/return`).set(auth.head!).set('Idempotency-Key', 'review-key-0002').send({ comments: '数据需要核实' }).expect(200);
      expect(returned.body).toMatchObject({ duplicate: false, events: ['DraftReturnedForRevision'] });
    });

    it('after the binding is gone (its retention passed), the events still carry the fingerprint: 422 on that draft', async () => {
      const id = await submitted('绑定过期');
      await t.http.post(`/v1/drafts/${id}/steps/0/approve`).set(auth.head!).set('Idempotency-Key', 'expired-key-0001').send({ comment: '同意' }).expect(200);
      await t.pool.query(`DELETE FROM idempotency_keys WHERE key = 'expired-key-0001'`);
      const refused = await appendsNothing(() =>
        t.http.post(`/v1/drafts/${id}/steps/0/return`).set(auth.head!).set('Idempotency-Key', 'expired-key-0001').send({ comments: '退回' }),
      );
      expect(refused.body).toMatchObject({ status: 422, type: REUSED });
      // and the identical request is still the first run's duplicate
      const again = await appendsNothing(() => t.http.post(`/v1/drafts/${id}/steps/0/approve`).set(auth.head!).set('Idempotency-Key', 'expired-key-0001').send({ comment: '同意' }));
      expect(again.body).toMatchObject({ duplicate: true, events: ['ReviewStepApproved'] });
    });
  });

  describe('when the first request did not run', () => {
    it('a request refused by validation binds nothing: corrected, it goes through with the same key', async () => {
      await appendsNothing(() => t.http.post('/v1/drafts').set(auth.reporter!).set('Idempotency-Key', 'invalid-key-0001').send(draft({ title: '' })).expect(400));
      const fixed = await t.http.post('/v1/drafts').set(auth.reporter!).set('Idempotency-Key', 'invalid-key-0001').send(draft({ title: '改正后' })).expect(201);
      expect(fixed.body.duplicate).toBe(false);
    });

    it('a key bound by a request that stopped before its append (a crash): the retry runs the command once', async () => {
      const body = draft({ title: '崩溃后重试' });
      const memberId = demo.byRole.reporter.memberId;
      // what the first request left behind: the binding, no events
      await t.pool.query(
        `INSERT INTO idempotency_keys (member_id, key, fingerprint, method, path, command_id) VALUES ($1, 'crash-key-0001', $2, 'POST', '/v1/drafts', $3)`,
        [memberId, requestFingerprint({ method: 'POST', path: '/v1/drafts', body }), commandIdForKey(memberId, 'crash-key-0001')],
      );
      const retry = await t.http.post('/v1/drafts').set(auth.reporter!).set('Idempotency-Key', 'crash-key-0001').send(body).expect(201);
      expect(retry.body.duplicate).toBe(false);
      const again = await t.http.post('/v1/drafts').set(auth.reporter!).set('Idempotency-Key', 'crash-key-0001').send(body).expect(201);
      expect(again.body).toEqual({ ...retry.body, duplicate: true });
      expect(await events(retry.body.draftId as string)).toHaveLength(1);
    });
  });

  describe('when requests with one key arrive at once', () => {
    it('eight identical creates: one append, seven duplicate answers of it', async () => {
      const body = draft({ title: '并发重试' });
      const answers = await Promise.all(Array.from({ length: 8 }, () => t.http.post('/v1/drafts').set(auth.reporter!).set('Idempotency-Key', 'burst-key-0001').send(body)));
      expect(answers.map((a) => a.status)).toEqual(Array(8).fill(201));
      expect(answers.filter((a) => a.body.duplicate === false)).toHaveLength(1);
      expect(new Set(answers.map((a) => a.body.draftId)).size).toBe(1);
      expect(await events(answers[0]!.body.draftId as string)).toHaveLength(1);
    });

    it('eight identical approvals with If-Match (no retry to hide a conflict): one append, seven duplicates, no 409', async () => {
      const id = await submitted('并发批准');
      const answers = await Promise.all(
        Array.from({ length: 8 }, () => t.http.post(`/v1/drafts/${id}/steps/0/approve`).set(auth.head!).set('If-Match', '"1"').set('Idempotency-Key', 'burst-key-0002').send({ comment: '同意' })),
      );
      expect(answers.map((a) => a.status)).toEqual(Array(8).fill(200));
      expect(answers.filter((a) => a.body.duplicate === false)).toHaveLength(1);
      expect((await events(id)).filter((e) => e.type === 'ReviewStepApproved')).toHaveLength(1);
    });

    it('six different creates: one wins, five are 422 idempotency-key-reused, one draft is created', async () => {
      const head = await t.store.headPosition();
      const answers = await Promise.all(
        Array.from({ length: 6 }, (_, i) => t.http.post('/v1/drafts').set(auth.reporter!).set('Idempotency-Key', 'burst-key-0003').send(draft({ title: `并发不同请求 ${i}` }))),
      );
      expect(answers.map((a) => a.status).sort()).toEqual([201, 422, 422, 422, 422, 422]);
      for (const a of answers.filter((x) => x.status === 422)) expect(a.body.type).toBe(REUSED);
      expect(await t.store.headPosition()).toBe(head + 1n);
    });
  });
});
