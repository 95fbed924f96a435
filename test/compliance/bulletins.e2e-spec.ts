import { createHash } from 'node:crypto';
import { Workbook } from 'exceljs';
import { canonicalJson } from '@app/kernel';
import type { DemoOrganization } from '@app/organization';
import { AuthHeaders, publishedDemoDraft, publishPolicy, startRewardsDemoApp, TestApp } from '@test/support';

/**
 * Bulletins (通报) through HTTP (issue 11 item 6): February 2026's bulletin of the demo institution under policy
 * 003-A (submitted 1 point; district adoption +5; city adoption +50), issued, then changed by a later event.
 */
describe('bulletins: issued vs fresh, formats (HTTP)', () => {
  let t: TestApp;
  let demo: DemoOrganization;
  let auth: Record<string, AuthHeaders>;
  let office: AuthHeaders;
  let draftId: string;

  const get = async (path: string, as: AuthHeaders = office) => t.http.get(path).set(as).set('X-Min-Position', (await t.store.headPosition()).toString());
  const json = async (path: string, as?: AuthHeaders) => {
    const res = await get(path, as);
    expect({ status: res.status, body: res.body }).toMatchObject({ status: 200 });
    return res.body;
  };
  const officeRow = (content: { units: { unitId: string }[] }) => content.units.find((u) => u.unitId === demo.units.office);

  beforeAll(async () => {
    const app = await startRewardsDemoApp();
    t = app.t;
    demo = app.demo;
    auth = app.auth;
    office = auth.office_reviewer!;
    await publishPolicy(t, auth.administrator!, 'district-office-scoring-003A.json');
    // names that must be escaped in the printable page
    await t.http.put(`/v1/units/${t.rootUnitId}/name`).set(auth.administrator!).send({ name: '某市<公安局>' }).expect(200);
    await t.http.put(`/v1/units/${demo.units.office}/name`).set(auth.administrator!).send({ name: '办公室 <script>alert("x")</script> & 综合科' }).expect(200);
    draftId = (await publishedDemoDraft(t, demo, auth, '2026-02-20T02:00:00.000Z')).draftId;
    await t.http.post(`/v1/drafts/${draftId}/adoptions`).set(office).send({ publicationName: '《区委信息》', levelKey: 'district', adoptedAt: '2026-02-25T02:00:00Z' }).expect(201);
    await t.settle();
  }, 120_000);
  afterAll(() => t.close());

  it('a bulletin for a past period regenerated after later events is unchanged when asked as issued, and shows the later state when asked afresh', async () => {
    const issue = await t.http.post('/v1/bulletins').set(office).send({ period: 'month', key: '2026-02' }).expect(201);
    expect(issue.body).toMatchObject({ period: 'month', key: '2026-02', edition: 1, events: ['BulletinIssued'] });
    const issued = await json('/v1/bulletins/month/2026-02?as=issued');
    expect(issued).toMatchObject({ as: 'issued', edition: 1, bulletinId: issue.body.bulletinId, issuedBy: demo.byRole.office_reviewer.memberId, checksum: issue.body.checksum, position: issue.body.builtAt });
    // the checksum is sha256 of the content's canonical JSON
    expect(createHash('sha256').update(canonicalJson(issued.content)).digest('hex')).toBe(issued.checksum);
    expect(issued.content).toMatchObject({ institution: '某市<公安局>', title: '信息工作通报', period: 'month', key: '2026-02', from: '2026-02-01', to: '2026-02-28' });
    const before = officeRow(issued.content)!;
    // the district adoption (+5) is in February; the submission (1 point) is dated 2 March, outside it
    expect(before).toMatchObject({ rank: 1, points: 5, adopted: 1 });

    // later: a city adoption of 27 February is recorded (+50 in February)
    await t.http.post(`/v1/drafts/${draftId}/adoptions`).set(office).send({ publicationName: '《市委信息》', levelKey: 'city', adoptedAt: '2026-02-27T02:00:00Z' }).expect(201);
    await t.settle();
    const again = await json('/v1/bulletins/month/2026-02');
    expect(again).toEqual(issued);
    const fresh = await json('/v1/bulletins/month/2026-02?as=fresh');
    expect(fresh).toMatchObject({ as: 'fresh', edition: null, bulletinId: null });
    expect(officeRow(fresh.content)).toMatchObject({ points: 55, adopted: 1 });
    expect(fresh.checksum).not.toBe(issued.checksum);

    // issuing again is the next edition; the first stays readable as issued
    const second = await t.http.post('/v1/bulletins').set(office).send({ period: 'month', key: '2026-02' }).expect(201);
    expect(second.body).toMatchObject({ edition: 2, checksum: fresh.checksum });
    expect(officeRow((await json('/v1/bulletins/month/2026-02')).content)).toMatchObject({ points: 55 });
    expect(await json('/v1/bulletins/month/2026-02?edition=1')).toEqual(issued);
    const list = await json('/v1/bulletins?period=month');
    expect(list.items.map((b: { key: string; edition: number }) => [b.key, b.edition])).toEqual([
      ['2026-02', 2],
      ['2026-02', 1],
    ]);
  });

  it('the printable page is Chinese, A4, with the institution and the period in the heading, every name escaped', async () => {
    const res = await get('/v1/bulletins/month/2026-02?format=html&edition=1');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/html; charset=utf-8/);
    const html = res.text;
    expect(html).toContain('<html lang="zh-CN">');
    expect(html).toMatch(/@page \{ size: A4;/);
    expect(html).toContain('<h1>某市&lt;公安局&gt;2026年2月信息工作通报</h1>');
    expect(html).toContain('办公室 &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; 综合科');
    expect(html).not.toContain('<script>');
    expect(html).toContain('第 1 版');
  });

  it('CSV and XLSX carry the unit table\'s columns (名次 单位 积分 报送 采用 采用率 …)', async () => {
    const csv = await get('/v1/bulletins/month/2026-02?format=csv&as=fresh');
    expect(csv.status).toBe(200);
    expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8');
    const lines = csv.text.replace(/^\uFEFF/, '').split('\r\n');
    expect(lines[0]).toBe('名次,单位,积分,报送,采用,采用率,缺报,连续缺报,处理,迟报信息,迟报事件,瞒报事件,得分,等次');
    // the compliance columns come from the compliance read model: the section is 3 short of its February quotas
    // (001-C: 2 a month for sections; 003-A: 1 a month), not a consecutive miss, no late items, no grading rule in force
    // the office (registered from the demo's first month, January) submitted nothing in January or February: 2 months missed in a row
    expect(lines[1]).toBe('1,"办公室 <script>alert(""x"")</script> & 综合科",55,0,1,0.00%,3,2,missing-report notice to the unit\'s principal leader (缺报通知单),0,0,0,,');
    const xlsx = await t.http.get('/v1/bulletins/month/2026-02?format=xlsx&lang=en').set(office).buffer(true).parse((res, done) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => done(null, Buffer.concat(chunks)));
    });
    expect(xlsx.status).toBe(200);
    expect(xlsx.headers['content-disposition']).toContain('bulletin-month-2026-02-2.xlsx');
    const book = new Workbook();
    await book.xlsx.load(xlsx.body as ArrayBuffer);
    const sheet = book.worksheets[0]!;
    expect((sheet.getRow(1).values as unknown[]).slice(1, 7)).toEqual(['Rank', 'Unit', 'Points', 'Submitted', 'Adopted', 'Adoption rate']);
    expect(sheet.getRow(2).getCell(3).value).toBe(55);
  });

  it('refusals: a period the rule does not offer, a key of another form, an unissued period, and issuing needs bulletins.issue', async () => {
    expect((await get('/v1/bulletins/month/2026-Q1')).status).toBe(400);
    expect((await get('/v1/bulletins/week/2026-02')).status).toBe(400);
    expect((await get('/v1/bulletins/month/2026-01')).status).toBe(404);
    expect((await get('/v1/bulletins/month/2026-01?as=fresh')).status).toBe(200);
    expect((await t.http.post('/v1/bulletins').set(auth.reporter!).send({ period: 'month', key: '2026-02' })).status).toBe(403);
    expect((await get('/v1/bulletins/month/2026-02', auth.reporter!)).status).toBe(200);
    // before 003-A took effect (2016) no bulletin rule is in force
    const old = await get('/v1/bulletins/month/2015-06?as=fresh');
    expect({ status: old.status, type: old.body.type }).toEqual({ status: 422, type: 'urn:baosong:problem:bulletin-period-not-offered' });
  });
});
