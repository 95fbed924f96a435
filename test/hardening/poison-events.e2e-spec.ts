import { deterministicUuid, newId } from '@app/kernel';
import type { DemoOrganization } from '@app/organization';
import { AuthHeaders, officeDraft, startDemoApp, TestApp } from '@test/support';
import { ResponseConformance } from '../openapi/conformance';
import { expectRefused } from './refused';

/**
 * Issue 8, C6: `PUT /v1/publication-levels {"levels":[[]]}` passed validation and appended a level without a key,
 * which stopped org-directory for good. Every element of an array of objects is now validated as that object, and
 * an operator can always get a projection past a poison event through the API: skip it, with who and why recorded;
 * a later rebuild skips it too.
 */
describe('poison events (HTTP)', () => {
  let t: TestApp;
  let demo: DemoOrganization;
  let admin: AuthHeaders;
  let reporter: AuthHeaders;

  const draft = (extra: Record<string, unknown> = {}) => officeDraft(demo, extra);
  const orgDirectory = async () => {
    const all = (await t.http.get('/v1/ops/projections').set(admin).expect(200)).body as { name: string; deadLetters: number; builds: { buildId: string; state: string }[] }[];
    return all.find((p) => p.name === 'org-directory')!;
  };
  const until = async (check: () => Promise<boolean>) => {
    for (let i = 0; i < 200 && !(await check()); i++) await new Promise((resolve) => setTimeout(resolve, 25));
    expect(await check()).toBe(true);
  };

  beforeAll(async () => {
    ({ t, demo, admin, reporter } = await startDemoApp());
  }, 60_000);
  afterAll(async () => {
    await t.close();
  });

  describe('when an array of objects holds something else', () => {
    it.each([
      ['[[]]', [[]]],
      ['[[{"key":"city","name":"市","rank":1}]]', [[{ key: 'city', name: '市', rank: 1 }]]],
      ['["city"]', ['city']],
      ['[null]', [null]],
      ['[1]', [1]],
    ])('PUT /v1/publication-levels {"levels":%s} is a 400 naming levels.0', async (_label, levels) => {
      await expectRefused(t, 400, () => t.http.put('/v1/publication-levels').set(admin).send({ levels }), 'levels.0');
    });
    it('a draft with attachments [[]] is a 400 naming attachments.0 (it was stored as [{}])', async () => {
      await expectRefused(t, 400, () => t.http.post('/v1/drafts').set(reporter).send(draft({ attachments: [[]] })), 'attachments.0');
      await expectRefused(t, 400, () => t.http.post('/v1/drafts').set(reporter).send(draft({ attachments: ['a.jpg'] })), 'attachments.0');
    });
  });

  describe('when the log already holds a poison event', () => {
    it('the operator skips it through the API (who and why recorded), the projection goes on, and a rebuild skips it too', async () => {
      // A PublicationLevelsDefined written before the checks existed: a level without a key.
      const commandId = newId();
      await t.store.appendToStream('orgconfig-default', [
        {
          type: 'PublicationLevelsDefined',
          data: { levels: [[]], definedAt: '2026-03-02T01:00:00.000Z' },
          metadata: { eventId: deterministicUuid(commandId, '0'), commandId, correlationId: commandId, causationId: commandId, actorId: 'legacy', schemaVersion: 1 },
        },
      ]);
      await until(async () => (await orgDirectory()).builds[0]!.state === 'stopped');
      await t.http.get('/health/ready').expect(503);
      // every answer of the operations endpoints is what the OpenAPI document declares (closed schemas)
      const conformance = new ResponseConformance((await t.http.get('/docs-json').expect(200)).body);
      const answers: string[] = [];
      const listed = await t.http.get('/v1/ops/dead-letters?status=open&projection=org-directory').set(admin).expect(200);
      answers.push(...conformance.errors('GET', '/v1/ops/dead-letters', 200, listed.body));
      const [letter] = listed.body as { id: string; error: string }[];
      expect(letter!.error).toMatch(/null value in column "key"/);

      // Retrying cannot help: the event itself is bad.
      const retried = await t.http.post(`/v1/ops/dead-letters/${letter!.id}/retry`).set(admin).expect(201);
      answers.push(...conformance.errors('POST', '/v1/ops/dead-letters/{id}/retry', 201, retried.body));
      expect(retried.body.outcome).toBe('resumed');
      await until(async () => (await orgDirectory()).builds[0]!.state === 'stopped');

      // Skipping needs a reason and the permission retry needs.
      await expectRefused(t, 400, () => t.http.post(`/v1/ops/dead-letters/${letter!.id}/skip`).set(admin).send({}), 'reason');
      await expectRefused(t, 400, () => t.http.post(`/v1/ops/dead-letters/${letter!.id}/skip`).set(admin).send({ reason: '   ' }), 'reason');
      await expectRefused(t, 403, () => t.http.post(`/v1/ops/dead-letters/${letter!.id}/skip`).set(reporter).send({ reason: 'x' }));
      const skipped = await t.http
        .post(`/v1/ops/dead-letters/${letter!.id}/skip`)
        .set(admin)
        .send({ reason: 'A level without a key, appended before levels were validated; the ladder is redefined below' })
        .expect(201);
      answers.push(...conformance.errors('POST', '/v1/ops/dead-letters/{id}/skip', 201, skipped.body));
      expect(skipped.body).toMatchObject({
        outcome: 'skipped',
        deadLetter: { id: letter!.id, status: 'resolved', resolution: 'skipped', resolvedBy: t.adminId, reason: expect.stringMatching(/^A level without a key/), resolvedAt: expect.any(String) },
      });
      await t.settle();
      await t.http.get('/health/ready').expect(200);
      await t.http.put('/v1/publication-levels').set(admin).send({ levels: [{ key: 'city', name: '市', rank: 30 }] }).expect(200);
      await t.settle();
      expect((await t.http.get('/v1/publication-levels').set(admin).expect(200)).body).toEqual([expect.objectContaining({ key: 'city', name: '市', rank: 30 })]);
      const again = await expectRefused(t, 409, () => t.http.post(`/v1/ops/dead-letters/${letter!.id}/skip`).set(admin).send({ reason: 'again' }));
      answers.push(...conformance.errors('POST', '/v1/ops/dead-letters/{id}/skip', 409, again));
      answers.push(...conformance.errors('GET', '/v1/ops/dead-letters', 200, (await t.http.get('/v1/ops/dead-letters?status=resolved').set(admin).expect(200)).body));
      expect(answers).toEqual([]);

      // A rebuild replays the whole log and leaves the skipped event out instead of stopping on it again.
      const rebuild = await t.http.post('/v1/ops/projections/org-directory/rebuild').set(admin).expect(202);
      await until(async () => {
        const p = await orgDirectory();
        return p.builds.length === 1 && p.builds[0]!.buildId === rebuild.body.buildId && p.builds[0]!.state === 'live';
      });
      await t.settle();
      expect(await orgDirectory()).toMatchObject({ deadLetters: 0 });
      expect((await t.http.get('/v1/ops/dead-letters?status=open').set(admin).expect(200)).body).toEqual([]);
      expect((await t.http.get('/v1/publication-levels').set(admin).expect(200)).body).toEqual([expect.objectContaining({ key: 'city' })]);
      await t.http.get('/health/ready').expect(200);
    });
  });
});
