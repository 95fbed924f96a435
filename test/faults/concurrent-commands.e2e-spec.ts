import type { DemoOrganization } from '@app/organization';
import { AuthHeaders, bearer, draftContent, publishPolicy, seedDemo, startTestApp, TestApp } from '@test/support';

/**
 * Concurrency at the scale issue 13 names, through HTTP (the short version runs in `npm test`, the same counts):
 * 100 conflicting commands on one draft at once, and one command id sent 50 times at once. Exactly the allowed
 * commands take effect, every other answer is a 409 or 412 problem (never a 500), and the stream stays valid.
 */
describe('concurrent commands on one draft (HTTP)', () => {
  let t: TestApp;
  let demo: DemoOrganization;
  let reporter: AuthHeaders;
  let office: string;
  const events = async (draftId: string) => (await t.store.readStream(`draft-${draftId}`)).map((e) => e.type);
  const create = async (title: string) =>
    (await t.http.post('/v1/drafts').set(reporter).send({ unitId: office, ...draftContent(demo.byRole.reporter.memberId, { title }) }).expect(201)).body.draftId as string;

  beforeAll(async () => {
    t = await startTestApp();
    demo = await seedDemo(t);
    office = demo.units.office!;
    reporter = bearer(await t.tokenFor(demo.byRole.reporter.memberId));
    await publishPolicy(t, bearer(await t.tokenFor(demo.byRole.administrator.memberId)), 'law-enforcement-bureau-001C.json');
  }, 60_000);
  afterAll(() => t.close());

  it('100 edits at once with the same If-Match: exactly one applies, the 99 others are 412 stale-revision (read after the winner) or 409 wrong-expected-revision (lost the append), the stream holds one edit', async () => {
    const id = await create('并发编辑');
    const answers = await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        t.http.put(`/v1/drafts/${id}`).set(reporter).set('If-Match', '"0"').send(draftContent(demo.byRole.reporter.memberId, { title: `并发编辑 ${i}` })),
      ),
    );
    const statuses = answers.map((a) => a.status).sort();
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    const refused = answers.filter((a) => a.status !== 200);
    expect(refused.filter((a) => !((a.status === 412 && a.body.type === 'urn:baosong:problem:stale-revision') || (a.status === 409 && a.body.type === 'urn:baosong:problem:wrong-expected-revision'))).map((a) => [a.status, a.body.type])).toEqual([]);
    expect(refused).toHaveLength(99);
    const stream = await events(id);
    expect(stream).toHaveLength(2);
    const winner = answers.find((a) => a.status === 200)!;
    expect(winner.headers.etag).toBe('"1"');
  });

  it('100 submits at once without If-Match: one submits, the other 99 are 409 (already submitted, or lost the append after its retries), never a 500', async () => {
    const id = await create('并发报送');
    const answers = await Promise.all(Array.from({ length: 100 }, () => t.http.post(`/v1/drafts/${id}/submit`).set(reporter)));
    const statuses = answers.map((a) => a.status);
    expect(answers.filter((a) => a.status !== 200 && a.status !== 409).map((a) => [a.status, a.body.type, a.body.detail]).slice(0, 3)).toEqual([]);
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(99);
    expect(statuses.filter((s) => s >= 500)).toEqual([]);
    expect((await events(id)).filter((type) => type === 'DraftSubmitted')).toHaveLength(1);
  });

  it('one command id 50 times at once: one set of events, 50 answers naming the same draft', async () => {
    const head = await t.store.headPosition();
    const body = { unitId: office, ...draftContent(demo.byRole.reporter.memberId, { title: '同一命令五十次' }) };
    const answers = await Promise.all(Array.from({ length: 50 }, () => t.http.post('/v1/drafts').set(reporter).set('Idempotency-Key', 'fifty-times-0001').send(body)));
    expect(answers.map((a) => a.status)).toEqual(Array(50).fill(201));
    expect(answers.filter((a) => a.body.duplicate === false)).toHaveLength(1);
    expect(new Set(answers.map((a) => a.body.draftId)).size).toBe(1);
    expect(await t.store.headPosition()).toBe(head + 1n);
    expect(await events(answers[0]!.body.draftId as string)).toEqual(['DraftCreated']);
  });
});
