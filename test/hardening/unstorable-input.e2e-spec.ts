import type { DemoOrganization } from '@app/organization';
import { AuthHeaders, officeDraft, startDemoApp, TestApp } from '@test/support';
import { expectRefused } from './refused';

/**
 * Issue 8, C7 and C8: text PostgreSQL cannot store (U+0000, a lone surrogate), input nested thousands of levels
 * deep, out-of-range integers, impossible dates and whitespace-only text are refused at the edge with a 400
 * problem+json naming the field or parameter, and nothing is appended.
 */
describe('input the store cannot hold (HTTP)', () => {
  let t: TestApp;
  let demo: DemoOrganization;
  let admin: AuthHeaders;
  let reporter: AuthHeaders;

  const draft = (extra: Record<string, unknown> = {}) => officeDraft(demo, extra);

  beforeAll(async () => {
    ({ t, demo, admin, reporter } = await startDemoApp());
  }, 60_000);
  afterAll(async () => {
    await t.close();
  });

  describe.each([
    ['U+0000', 'before\u0000after'],
    ['a lone high surrogate', 'before\uD800after'],
    ['a lone low surrogate', 'before\uDC00after'],
  ])('when a string field holds %s', (_what, bad) => {
    it('refuses a draft whose title, body or form field holds it, naming the field', async () => {
      await expectRefused(t, 400, () => t.http.post('/v1/drafts').set(reporter).send(draft({ title: bad })), 'title');
      await expectRefused(t, 400, () => t.http.post('/v1/drafts').set(reporter).send(draft({ body: bad })), 'body');
      await expectRefused(t, 400, () => t.http.post('/v1/drafts').set(reporter).send(draft({ formFields: { providingDepartment: bad } })), 'formFields.providingDepartment');
      await expectRefused(t, 400, () => t.http.post('/v1/drafts').set(reporter).send(draft({ formFields: { [bad]: '宣传科' } })), `formFields.${bad}`);
    });
    it('refuses a unit name or unit type, a member name or email, a channel handle that holds it', async () => {
      await expectRefused(t, 400, () => t.http.post('/v1/units').set(admin).send({ name: bad, unitType: 'section', parentId: t.rootUnitId }), 'name');
      await expectRefused(t, 400, () => t.http.post('/v1/units').set(admin).send({ name: '指挥中心', unitType: bad, parentId: t.rootUnitId }), 'unitType');
      await expectRefused(t, 400, () => t.http.post('/v1/unit-types').set(admin).send({ key: 'brigade', name: bad }), 'name');
      await expectRefused(t, 400, () => t.http.post('/v1/members').set(admin).send({ name: bad }), 'name');
      await expectRefused(t, 400, () => t.http.post('/v1/members').set(admin).send({ name: '张伟', email: `a${bad}@example.gov.cn` }), 'email');
      await expectRefused(
        t,
        400,
        () => t.http.post('/v1/channels').set(admin).send({ name: '公众号', platform: 'wechat', handle: bad, ownerUnitId: demo.units.office, levelKey: 'city' }),
        'handle',
      );
      await expectRefused(t, 400, () => t.http.put('/v1/publication-levels').set(admin).send({ levels: [{ key: 'city', name: bad, rank: 1 }] }), 'levels.0.name');
    });
  });

  it('refuses JSON nested 3,500 levels deep with a 400, not a stack overflow', async () => {
    const deep = `{"title":${'['.repeat(3500)}${']'.repeat(3500)}}`;
    const body = await expectRefused(t, 400, () => t.http.post('/v1/drafts').set(reporter).set('Content-Type', 'application/json').send(deep));
    expect((body.errors as { message: string }[])[0]!.message).toMatch(/nests deeper than 32 levels/);
    await expectRefused(t, 400, () => t.http.post('/v1/policies/validate').set(admin).set('Content-Type', 'application/json').send(`{"a":${'{"a":'.repeat(3500)}1${'}'.repeat(3500)}}`));
  });

  describe('when a YAML policy document holds what JSON may not', () => {
    it('refuses U+0000 decoded from a YAML escape, naming the path', async () => {
      const yaml = 'id: x\ntitle: "a\\0b"\n';
      await expectRefused(t, 400, () => t.http.post('/v1/policies').set(admin).set('Content-Type', 'application/yaml').send(yaml), 'title');
    });
    it('refuses aliases that multiply into more values than any body may hold', async () => {
      const lines = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
      for (const [name, prev] of [['b', 'a'], ['c', 'b'], ['d', 'c'], ['e', 'd']]) lines.push(`${name}: &${name} [${Array(10).fill(`*${prev}`).join(', ')}]`);
      lines.push(`f: [${Array(10).fill('*e').join(', ')}]`);
      const body = await expectRefused(t, 400, () => t.http.post('/v1/policies/validate').set(admin).set('Content-Type', 'application/yaml').send(lines.join('\n')));
      expect(JSON.stringify(body.errors)).toMatch(/more than 250000 values/);
    });
  });

  describe('when a query or path parameter is out of range, impossible or unstorable', () => {
    it.each([
      ['/v1/members?offset=99999999999999999999', 'offset'],
      ['/v1/ops/dead-letters?offset=99999999999999999999', 'offset'],
      ['/v1/drafts?from=2026-02-30', 'from'],
      ['/v1/register?to=2026-02-30T10:00:00Z', 'to'],
      ['/v1/commissions?asOf=0000-01-01', 'asOf'],
      ['/v1/appointments?inForceOn=2026-02-29', 'inForceOn'],
      ['/v1/members?q=%00', 'q'],
      ['/v1/ops/dead-letters?projection=%00', 'projection'],
      ['/v1/policies/%00/versions/1', 'policyId'],
      ['/v1/policies/law-enforcement-bureau/versions/99999999999999999999', 'version'],
      ['/v1/policies/law-enforcement-bureau/diff?from=1&to=99999999999999999999', 'to'],
      ['/v1/units/not-a-uuid', 'unitId'],
      ['/v1/policies/law-enforcement-bureau/versions/0x1', 'version'],
      ['/v1/policies/law-enforcement-bureau/versions/1e0', 'version'],
      ['/v1/drafts/%00', 'draftId'],
    ])('GET %s is a 400 naming %s', async (url, field) => {
      await expectRefused(t, 400, () => t.http.get(url).set(admin), field);
    });
    it('POST /v1/ops/dead-letters/99999999999999999999/retry is a 400 naming id', async () => {
      await expectRefused(t, 400, () => t.http.post('/v1/ops/dead-letters/99999999999999999999/retry').set(admin), 'id');
      await expectRefused(t, 400, () => t.http.post('/v1/ops/dead-letters/99999999999999999999/skip').set(admin).send({ reason: 'x' }), 'id');
      await expectRefused(t, 400, () => t.http.post('/v1/policies/law-enforcement-bureau/versions/99999999999999999999/publish').set(admin), 'version');
    });
  });

  describe('when a text is only whitespace (C8)', () => {
    it('a required text that is empty after trimming is refused, naming the field', async () => {
      await expectRefused(t, 400, () => t.http.post('/v1/drafts').set(reporter).send(draft({ title: '   ' })), 'title');
      await expectRefused(t, 400, () => t.http.post('/v1/drafts').set(reporter).send(draft({ body: ' \n\t\u3000 ' })), 'body');
      await expectRefused(t, 400, () => t.http.post('/v1/units').set(admin).send({ name: '   ', unitType: 'section', parentId: t.rootUnitId }), 'name');
      await expectRefused(t, 400, () => t.http.post('/v1/members').set(admin).send({ name: '\t' }), 'name');
      await expectRefused(t, 400, () => t.http.put('/v1/publication-levels').set(admin).send({ levels: [{ key: 'city', name: '  ', rank: 1 }] }), 'levels.0.name');
    });
    it('stores text trimmed', async () => {
      const res = await t.http.post('/v1/units').set(admin).send({ name: '  指挥中心  ', unitType: ' section ', parentId: t.rootUnitId }).expect(201);
      await t.settle();
      const unit = await t.http.get(`/v1/units/${res.body.unitId as string}`).set(admin).expect(200);
      expect(unit.body).toMatchObject({ name: '指挥中心', unitType: 'section' });
    });
  });
});
