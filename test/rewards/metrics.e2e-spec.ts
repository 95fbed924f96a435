import type { DemoOrganization } from '@app/organization';
import { AuthHeaders, demoAuth, expectUnchanged, publishedDemoDraft, publishPolicy, seedDemo, startTestApp, TestApp } from '@test/support';

/**
 * Engagement metrics through HTTP (issue 10 item 1): POST /v1/metrics takes a batch and answers per item; the
 * test clock stands at 2026-03-02T01:00:00Z, the WeChat item is published on 2026-02-20 at 10:00 (+08:00).
 */
describe('engagement metrics (HTTP)', () => {
  let t: TestApp;
  let demo: DemoOrganization;
  const auth: Record<string, AuthHeaders> = {};
  const publishedAt = '2026-02-20T02:00:00.000Z';

  let p: { draftId: string; publicationId: string };
  const obs = (extra: Record<string, unknown> = {}) => ({
    draftId: p.draftId,
    publicationId: p.publicationId,
    observedAt: '2026-02-23T02:00:00Z',
    source: 'wechat-mp-api',
    reads: 4500,
    reposts: 120,
    interactions: 300,
    followers: 10000,
    ...extra,
  });
  const post = (observations: unknown[], as: AuthHeaders = auth.office_reviewer!) => t.http.post('/v1/metrics').set(as).send({ observations });

  beforeAll(async () => {
    t = await startTestApp();
    demo = await seedDemo(t);
    Object.assign(auth, await demoAuth(t, demo));
    await publishPolicy(t, auth.administrator!, 'law-enforcement-bureau-001C.json');
    p = await publishedDemoDraft(t, demo, auth, publishedAt, { exclusiveFirstRelease: true });
  }, 90_000);
  afterAll(async () => {
    await t.close();
  });

  it('records an observation, answers the same again as unchanged (nothing appended), and a correction as corrected', async () => {
    const first = await post([obs()]).expect(200);
    expect(first.body).toMatchObject({ results: [{ index: 0, status: 'recorded' }], counts: { recorded: 1, corrected: 0, unchanged: 0, rejected: 0 } });
    expect(first.body.results[0].position).toMatch(/^\d+$/);
    expect(first.body.position).toBe(first.body.results[0].position);
    const events = await t.store.readStream(`metrics-${p.publicationId}`);
    expect(events.map((e) => e.data)).toEqual([
      expect.objectContaining({ publicationId: p.publicationId, draftId: p.draftId, channelId: demo.channels.wechat, platform: 'wechat', publishedAt, observedAt: '2026-02-23T02:00:00.000Z', reads: 4500, followers: 10000, replaces: null }),
    ]);

    const again = await expectUnchanged(t, 200, () => post([obs()]));
    expect(again).toMatchObject({ results: [{ index: 0, status: 'unchanged', position: first.body.position }], counts: { unchanged: 1 } });

    const corrected = await post([obs({ reads: 4620 })]).expect(200);
    expect(corrected.body.results[0]).toMatchObject({ status: 'corrected' });
    const last = (await t.store.readStream(`metrics-${p.publicationId}`)).at(-1)!;
    expect(last.data).toMatchObject({ reads: 4620, replaces: { reads: 4500, reposts: 120, interactions: 300, followers: 10000 } });
  });

  it('records a late observation (observed before the ones already recorded) without a follower count', async () => {
    const res = await post([obs({ observedAt: '2026-02-21T02:00:00Z', reads: 1200, followers: undefined })]).expect(200);
    expect(res.body.results[0]).toMatchObject({ status: 'recorded' });
    const last = (await t.store.readStream(`metrics-${p.publicationId}`)).at(-1)!;
    expect(last.data).toMatchObject({ observedAt: '2026-02-21T02:00:00.000Z', followers: null, replaces: null });
  });

  it('decides each item of a mixed batch on its own: the good ones land, each bad one says why', async () => {
    const head = await t.store.headPosition();
    const res = await post([
      obs({ observedAt: '2026-02-25T02:00:00Z', reads: 9000 }),
      obs({ observedAt: '2026-02-20T01:00:00Z' }),
      obs({ publicationId: '00000000-0000-4000-8000-000000000001' }),
      obs({ reads: -5 }),
      obs({ likes: 3 }),
      obs({ observedAt: '2026-03-02T01:10:00Z' }),
      'not an object',
      obs({ observedAt: '2026-02-26T02:00:00Z', reads: 9900, source: 'manual' }),
    ]).expect(200);
    const summary = res.body.results.map((r: { status: string; problem?: { type: string; field?: string } }) => [r.status, r.problem?.type.replace('urn:baosong:problem:', ''), r.problem?.field]);
    expect(summary).toEqual([
      ['recorded', undefined, undefined],
      ['rejected', 'metrics-before-publication', 'observedAt'],
      ['rejected', 'not-found', 'publicationId'],
      ['rejected', 'validation-failed', 'reads'],
      ['rejected', 'validation-failed', 'likes'],
      ['rejected', 'metrics-in-the-future', 'observedAt'],
      ['rejected', 'validation-failed', 'observations.6'],
      ['recorded', undefined, undefined],
    ]);
    expect(res.body.counts).toEqual({ recorded: 2, corrected: 0, unchanged: 0, rejected: 6 });
    expect(res.body.results[1].problem).toMatchObject({ status: 422, rule: 'metrics-before-publication', title: 'Unprocessable Content' });
    expect(res.body.results[2].problem).toMatchObject({ status: 404 });
    expect(await t.store.headPosition()).toBe(head + 2n);
  });

  it('rejects the observations of a retracted draft\'s publication (draft-retracted) and of an unknown draft', async () => {
    const other = await publishedDemoDraft(t, demo, auth, publishedAt, { exclusiveFirstRelease: true });
    await t.http.post(`/v1/drafts/${other.draftId}/retract`).set(auth.office_reviewer!).send({ reason: '数据有误' }).expect(200);
    const res = await post([obs(other), obs({ draftId: '00000000-0000-4000-8000-000000000002' })]).expect(200);
    expect(res.body.results.map((r: { problem: { type: string; field: string } }) => [r.problem.type, r.problem.field])).toEqual([
      ['urn:baosong:problem:draft-retracted', 'draftId'],
      ['urn:baosong:problem:not-found', 'draftId'],
    ]);
  });

  it('answers a retry with the same Idempotency-Key as its first run did', async () => {
    const send = () => t.http.post('/v1/metrics').set(auth.office_reviewer!).set('Idempotency-Key', 'metrics-batch-0001').send({ observations: [obs({ observedAt: '2026-02-27T02:00:00Z' })] });
    const first = await send().expect(200);
    expect(first.body.results[0].status).toBe('recorded');
    const retry = await expectUnchanged(t, 200, send);
    expect(retry).toEqual(first.body);
  });

  it('refuses a malformed batch as a whole: not an array, empty, 501 items (400 naming observations)', async () => {
    for (const observations of ['x', [], Array.from({ length: 501 }, () => obs())]) {
      const res = await expectUnchanged(t, 400, () => t.http.post('/v1/metrics').set(auth.office_reviewer!).send({ observations }));
      expect(res).toMatchObject({ type: 'urn:baosong:problem:validation-failed' });
      expect((res.errors as { field: string }[]).map((e) => e.field)).toContain('observations');
    }
    await expectUnchanged(t, 400, () => t.http.post('/v1/metrics').set(auth.office_reviewer!).send({ observations: [obs()], extra: 1 }));
  });

  it('takes 500 items in one request', async () => {
    const many = Array.from({ length: 500 }, (_, i) => obs({ observedAt: new Date(Date.parse('2026-02-28T00:00:00Z') + i * 60_000).toISOString(), reads: 10_000 + i }));
    const res = await post(many).expect(200);
    expect(res.body.counts).toEqual({ recorded: 500, corrected: 0, unchanged: 0, rejected: 0 });
  }, 30_000);

  it('refuses a reporter (403 naming metrics.record)', async () => {
    const res = await expectUnchanged(t, 403, () => post([obs()], auth.reporter!));
    expect(res).toMatchObject({ permission: 'metrics.record' });
  });

  it('GET shows the effective observations ordered by observedAt, each with its corrections; everyone reads', async () => {
    const res = await t.http.get(`/v1/drafts/${p.draftId}/publications/${p.publicationId}/metrics`).set(auth.reporter!).expect(200);
    expect(res.body).toMatchObject({ publicationId: p.publicationId, draftId: p.draftId, platform: 'wechat', publishedAt });
    const observations = res.body.observations as { observedAt: string; source: string; reads: number; corrections: { reads: number }[] }[];
    expect(observations.slice(0, 5).map((o) => [o.observedAt, o.source, o.reads, o.corrections.map((c) => c.reads)])).toEqual([
      ['2026-02-21T02:00:00.000Z', 'wechat-mp-api', 1200, []],
      ['2026-02-23T02:00:00.000Z', 'wechat-mp-api', 4620, [4500]],
      ['2026-02-25T02:00:00.000Z', 'wechat-mp-api', 9000, []],
      ['2026-02-26T02:00:00.000Z', 'manual', 9900, []],
      ['2026-02-27T02:00:00.000Z', 'wechat-mp-api', 4500, []],
    ]);
    await t.http.get(`/v1/drafts/${p.draftId}/publications/00000000-0000-4000-8000-000000000003/metrics`).set(auth.reporter!).expect(404);
  });
});
