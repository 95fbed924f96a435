import type { DemoOrganization } from '@app/organization';
import { AuthHeaders, publishedDemoDraft, publishPolicy, startRewardsDemoApp, TestApp } from '@test/support';

/**
 * The 1000-point individual appraisal through HTTP (issue 11 item 5, R4.44, regulations §8.1) under policy 003-A's
 * appraisal rule: review scores and recorded items by the office, items counted from the log, ranking, rebuild.
 */
describe('appraisals: the 1000-point individual appraisal (HTTP)', () => {
  let t: TestApp;
  let demo: DemoOrganization;
  let auth: Record<string, AuthHeaders>;
  let office: AuthHeaders;
  let reporter: string;
  let colleague: string;

  const get = async (path: string, as: AuthHeaders = office) => t.http.get(path).set(as).set('X-Min-Position', (await t.store.headPosition()).toString());
  const read = async (path: string, status = 200, as: AuthHeaders = office) => {
    const res = await get(path, as);
    expect({ status: res.status, body: res.body }).toMatchObject({ status });
    return res.body;
  };
  const item = (memberId: string, body: object) => t.http.post(`/v1/appraisals/${memberId}/2026/items`).set(office).send(body);
  const scores = (memberId: string, s: object) => t.http.post(`/v1/appraisals/${memberId}/2026/scores`).set(office).send({ scores: s });

  beforeAll(async () => {
    const app = await startRewardsDemoApp();
    t = app.t;
    demo = app.demo;
    auth = app.auth;
    office = auth.office_reviewer!;
    await publishPolicy(t, auth.administrator!, 'district-office-scoring-003A.json');
    reporter = demo.byRole.reporter.memberId;
    colleague = demo.byRole.unit_head.memberId;
  }, 120_000);
  afterAll(() => t.close());

  it('R8.12: composite 599 is 不称职 and 600 is not (reviews and daily score equal, deductions −401 then −400)', async () => {
    for (const [points, ruleItemId] of [[-200, 'r8.02-discipline'], [-151, 'r8.03-procedure-loss'], [-50, 'r8.02-absence']] as const) {
      await item(colleague, { ruleItemId, points, reason: '考核记录' }).expect(201);
    }
    await scores(colleague, { peer: 599, panel: 599, directors: 599 }).expect(200);
    const at599 = await read(`/v1/appraisals/${colleague}/2026`);
    expect(at599).toMatchObject({ period: 'year', periodKey: '2026', base: 1000, itemsTotal: -401, daily: 599, composite: 599, status: 'complete', missing: [], band: { key: 'incompetent', name: '不称职' } });
    // the −151 becomes −150 (retract, record again), the reviews 600: exactly 600 is 称职 (boundary inclusive)
    const entry = at599.items.find((i: { ruleItemId: string }) => i.ruleItemId === 'r8.03-procedure-loss').provenance.entries[0];
    await t.http.delete(`/v1/appraisals/${colleague}/2026/items/${entry.itemId}`).set(office).expect(200);
    await t.http.delete(`/v1/appraisals/${colleague}/2026/items/${entry.itemId}`).set(office).expect(409);
    await item(colleague, { ruleItemId: 'r8.03-procedure-loss', points: -150, reason: '考核记录' }).expect(201);
    await scores(colleague, { peer: 600, panel: 600, directors: 600 }).expect(200);
    expect(await read(`/v1/appraisals/${colleague}/2026`)).toMatchObject({ daily: 600, composite: 600, band: { key: 'competent', name: '称职' } });
  });

  it('R4.44: a bonus without evidence is refused (422 naming evidence); out-of-range points name points; nothing is appended', async () => {
    const head = await t.store.headPosition();
    const noEvidence = await item(reporter, { ruleItemId: 'r8.08-commendation', points: 100, reason: '区委表彰' }).expect(422);
    expect(noEvidence.body).toMatchObject({ type: 'urn:baosong:problem:appraisal-evidence-required', field: 'evidence' });
    const range = await item(reporter, { ruleItemId: 'r8.02-discipline', points: -250, reason: '违纪' }).expect(422);
    expect(range.body).toMatchObject({ type: 'urn:baosong:problem:appraisal-value-out-of-range', field: 'points', min: -200, max: -50 });
    expect((await item(reporter, { ruleItemId: 'r8.10-province-adoption', points: 50, reason: 'x', evidence: ['y'] }).expect(422)).body.type).toBe('urn:baosong:problem:appraisal-item-counted');
    expect((await scores(reporter, { peer: 1001 }).expect(422)).body).toMatchObject({ field: 'scores.peer' });
    expect(await t.store.headPosition()).toBe(head);
    await item(reporter, { ruleItemId: 'r8.08-commendation', points: 100, reason: '区委表彰', evidence: ['峄办字〔2026〕12号'] }).expect(201);
  });

  it('R8.10, R8.06: a province adoption (+50), a city leader\'s instruction (+50) and a late submission (−50) of the first author are counted from the log, with their events', async () => {
    const p = await publishedDemoDraft(t, demo, auth, '2026-02-20T02:00:00.000Z');
    await t.http.post(`/v1/drafts/${p.draftId}/adoptions`).set(office).send({ publicationName: '省委办公厅《每日要情》', levelKey: 'province', adoptedAt: '2026-03-02T00:30:00Z' }).expect(201);
    await t.http.post(`/v1/drafts/${p.draftId}/adoptions`).set(office).send({ publicationName: '《市委信息》', levelKey: 'city', adoptedAt: '2026-03-02T00:40:00Z' }).expect(201);
    await t.http.post(`/v1/drafts/${p.draftId}/instructions`).set(office).send({ levelKey: 'city', leader: '王书记', text: '请推广', instructedAt: '2026-03-02T00:50:00Z' }).expect(201);
    // an item about 20 February submitted on 2 March: late under 001-C's 2-day rule
    const late = (await t.http.post('/v1/drafts').set(auth.reporter!).send({ unitId: demo.units.office, title: '迟报的信息', body: '2月20日,我局开展治安巡查。', contentType: 'general', source: 'original', firstRelease: 'exclusive', targetPlatforms: ['wechat'], authors: [reporter], eventDate: '2026-02-20', importance: 'general', destination: 'external' }).expect(201)).body.draftId;
    const submitted = await t.http.post(`/v1/drafts/${late}/submit`).set(auth.reporter!).expect(200);
    expect((await t.store.readStream(`draft-${late}`)).find((e) => e.type === 'DraftSubmitted')!.data).toMatchObject({ timeliness: { late: true } });
    expect(submitted.status).toBe(200);
    const mine = await read(`/v1/appraisals/${reporter}/2026`);
    const byItem = Object.fromEntries(mine.items.map((i: { ruleItemId: string; occurrences: number; points: number }) => [i.ruleItemId, [i.occurrences, i.points]]));
    expect(byItem).toEqual({ 'r8.06-late-report': [1, -50], 'r8.08-commendation': [1, 100], 'r8.10-province-adoption': [1, 50], 'r8.10-city-instruction': [1, 50] });
    const adoption = mine.items.find((i: { ruleItemId: string }) => i.ruleItemId === 'r8.10-province-adoption');
    expect(adoption.provenance.events).toEqual([expect.objectContaining({ eventType: 'DraftAdopted', draftId: p.draftId, levelKey: 'province', businessDate: '2026-03-02' })]);
    // no reviews yet: 1000 + 150 daily, provisional, no band
    expect(mine).toMatchObject({ daily: 1150, status: 'provisional', missing: ['peer', 'panel', 'directors'], composite: 460, band: null });
  });

  it('ranks everyone appraised in the year by composite; a reporter may not read it, an auditor may', async () => {
    const list = await read('/v1/appraisals?period=year&key=2026');
    expect(list.policy).toEqual({ policyId: 'district-office-scoring', policyVersion: 1, ruleId: 'individual-1000' });
    expect(list.rows.map((r: { memberId: string; rank: number; composite: number }) => [r.memberId, r.rank, r.composite])).toEqual([
      [colleague, 1, 600],
      [reporter, 2, 460],
    ]);
    await get('/v1/appraisals?period=year&key=2026', auth.reporter!).then((r) => expect(r.status).toBe(403));
    await get('/v1/appraisals?period=year&key=2026', auth.auditor!).then((r) => expect(r.status).toBe(200));
    expect((await get('/v1/appraisals?period=year&key=2026-13')).status).toBe(400);
    expect((await get(`/v1/appraisals/${reporter}/2026-03`)).status).toBe(404);
  });

  it('a rebuild of the appraisals projection from the log gives the same scores', async () => {
    await t.settle();
    const before = await read('/v1/appraisals?period=year&key=2026');
    const detail = await read(`/v1/appraisals/${reporter}/2026`);
    await t.http.post('/v1/ops/projections/appraisals/rebuild').set(auth.administrator!).expect(202);
    await t.settle();
    expect(await read('/v1/appraisals?period=year&key=2026')).toEqual(before);
    expect(await read(`/v1/appraisals/${reporter}/2026`)).toEqual(detail);
  });
});
