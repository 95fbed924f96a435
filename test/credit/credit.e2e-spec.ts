import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { listEffects } from '@app/projections';
import { Scheduler } from '@app/scheduler';
import { AuthHeaders, bearer, startTestApp, TestApp } from '@test/support';

const USCC = '91350100M000100Y43';
const ID = '11010519491231002X';
const PERSON = '6b1f7c1e-2f7a-4c55-9a52-3c1d5f0e9a01';

const penalty = (over: Record<string, unknown> = {}) => ({
  name: '某某建材有限公司',
  unifiedSocialCreditCode: USCC,
  violation: '未按规定进行环境影响评价',
  penaltyType: '罚款',
  legalBasis: '《中华人民共和国环境影响评价法》第三十一条',
  penaltyResult: '罚款人民币五万元',
  content: '行政处罚决定',
  sourceDocument: '某环罚〔2026〕12号',
  issuingAuthority: '某市生态环境局',
  decisionDate: '2026-02-27',
  ...over,
});

/**
 * 信用信息上报 through HTTP (R6.01-R6.06): a reporter of unit A collects (采集) a public administrative-penalty record
 * and a personal one; the unit head reviews for truth, accuracy and completeness (R6.02/R6.06: return with reasons
 * per field, the collector corrects, approval with the checklist); the approved record reaches the sharing
 * platform through the outbox: the file-export adapter fails once (its directory is a file), the outbox retries,
 * and the record is written once with its idempotency key. Personal fields come back masked; per-unit statistics
 * and compliance items count the log, including the upload deadline (10 working days, CREDIT_UPLOAD_WORKING_DAYS)
 * elapsed by the scheduler.
 */
describe('credit information reporting (HTTP)', () => {
  let t: TestApp;
  let dir: string;
  const units = { a: '', b: '' };
  const as: Record<string, AuthHeaders> = {};
  const ids = { reporterA: '', publicRecord: '', personalRecord: '' };
  const saved = process.env.CREDIT_UPLOAD_DIR;

  const until = async (condition: () => Promise<boolean>, what: string): Promise<void> => {
    const deadline = Date.now() + 40_000;
    while (!(await condition())) {
      if (Date.now() > deadline) throw new Error(`not reached within 40 s: ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  };
  const record = async (id: string, who: AuthHeaders = as.headA!) => {
    await t.settle();
    return (await t.http.get(`/v1/credit/records/${id}`).set(who).expect(200)).body;
  };

  beforeAll(async () => {
    dir = path.join(await fs.mkdtemp(path.join(os.tmpdir(), 'credit-e2e-')), 'uploads');
    // the upload directory is a file at first: the adapter's first delivery fails
    await fs.writeFile(dir, 'not a directory');
    process.env.CREDIT_UPLOAD_DIR = dir;
    t = await startTestApp();
    const admin = bearer(t.adminToken);
    const post = async (p: string, body: object) => (await t.http.post(p).set(admin).send(body).expect((r) => expect([200, 201]).toContain(r.status))).body;
    await post('/v1/unit-types', { key: 'section', name: '科室' });
    units.a = (await post('/v1/units', { name: '市场监管科', unitType: 'section', parentId: t.rootUnitId })).unitId;
    units.b = (await post('/v1/units', { name: '法制科', unitType: 'section', parentId: t.rootUnitId })).unitId;
    const appoint = async (key: string, role: string, unitId: string) => {
      const m = (await post('/v1/members', { name: `${key} 成员` })).memberId as string;
      await post(`/v1/members/${m}/appointments`, { role, unitId, startsOn: '2026-01-01' });
      as[key] = bearer(await t.tokenFor(m));
      return m;
    };
    ids.reporterA = await appoint('reporterA', 'reporter', units.a);
    await appoint('reporterB', 'reporter', units.b);
    await appoint('headA', 'unit_head', units.a);
    await appoint('office', 'office_reviewer', t.rootUnitId);
    await t.settle();
  }, 90_000);
  afterAll(async () => {
    await t.close();
    if (saved === undefined) delete process.env.CREDIT_UPLOAD_DIR;
    else process.env.CREDIT_UPLOAD_DIR = saved;
  });

  it('bad input answers problem+json naming the field', async () => {
    const base = { unitId: units.a, kind: 'public', category: 'administrative_penalty' };
    const bad = await t.http.post('/v1/credit/records').set(as.reporterA!).send({ ...base, fields: penalty({ unifiedSocialCreditCode: '91350100M000100Y44' }) }).expect(422);
    expect(bad.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(bad.body).toMatchObject({ type: 'urn:baosong:problem:credit-field-invalid', field: 'unifiedSocialCreditCode' });
    const future = await t.http.post('/v1/credit/records').set(as.reporterA!).send({ ...base, fields: penalty({ decisionDate: '2026-04-01' }) }).expect(422);
    expect(future.body).toMatchObject({ field: 'decisionDate' });
    const wrong = await t.http.post('/v1/credit/records').set(as.reporterA!).send({ ...base, fields: penalty({ idCardNumber: ID }) }).expect(422);
    expect(wrong.body).toMatchObject({ type: 'urn:baosong:problem:credit-field-not-applicable', field: 'idCardNumber' });
    const noKind = await t.http.post('/v1/credit/records').set(as.reporterA!).send({ unitId: units.a, category: 'basic_info', fields: {} }).expect(400);
    expect(JSON.stringify(noKind.body.errors)).toContain('kind');
    await t.http.post('/v1/credit/records').set(as.reporterB!).send({ ...base, fields: penalty() }).expect(403);
  });

  it('collect → return with reasons per field → correct → approve; a reporter of another unit cannot review', async () => {
    const created = await t.http.post('/v1/credit/records').set(as.reporterA!).send({ unitId: units.a, kind: 'public', category: 'administrative_penalty', fields: penalty({ penaltyResult: null }) }).expect(201);
    ids.publicRecord = created.body.recordId;
    let r = await record(ids.publicRecord);
    expect(r).toMatchObject({ status: 'submitted', completeness: { complete: 9, required: 10, missing: ['penaltyResult'], rate: 0.9 }, uploadDue: { dueAt: '2026-03-16T15:59:59.999Z', elapsed: false } });
    const inbox = await t.http.get(`/v1/credit/review-inbox?unitId=${units.a}`).set(as.headA!).expect(200);
    expect(inbox.body.items.map((x: { recordId: string }) => x.recordId)).toEqual([ids.publicRecord]);

    const approve = { checklist: { truthful: true, accurate: true, complete: true } };
    const other = await t.http.post(`/v1/credit/records/${ids.publicRecord}/approve`).set(as.reporterB!).send(approve).expect(403);
    expect(other.body).toMatchObject({ permission: 'credit.review' });
    await t.http.post(`/v1/credit/records/${ids.publicRecord}/return`).set(as.reporterA!).send({ reasons: [{ field: 'penaltyResult', reason: '缺处罚结果' }] }).expect(403);
    const incomplete = await t.http.post(`/v1/credit/records/${ids.publicRecord}/approve`).set(as.headA!).send(approve).expect(422);
    expect(incomplete.body).toMatchObject({ type: 'urn:baosong:problem:credit-record-incomplete', fields: ['penaltyResult'] });
    const unchecked = await t.http.post(`/v1/credit/records/${ids.publicRecord}/approve`).set(as.headA!).send({ checklist: { truthful: true, accurate: false, complete: true } }).expect(422);
    expect(unchecked.body).toMatchObject({ type: 'urn:baosong:problem:credit-review-checklist-incomplete', field: 'checklist.accurate' });

    await t.http.post(`/v1/credit/records/${ids.publicRecord}/return`).set(as.headA!).send({ reasons: [{ field: 'penaltyResult', reason: '缺处罚结果' }] }).expect(200);
    await t.http.post(`/v1/credit/records/${ids.publicRecord}/correction`).set(as.reporterA!).send({ fields: penalty() }).expect(200);
    r = await record(ids.publicRecord);
    expect(r).toMatchObject({ status: 'submitted', round: 2, completeness: { rate: 1 }, returns: [{ round: 1, reasons: [{ field: 'penaltyResult', reason: '缺处罚结果' }] }], corrections: [{ round: 2, changedFields: ['penaltyResult'] }] });
    await t.http.post(`/v1/credit/records/${ids.publicRecord}/approve`).set(as.headA!).send({ ...approve, comment: '核实无误' }).expect(200);
  });

  it('the upload reaches the file adapter once, after the outbox retried a failed delivery', async () => {
    await until(async () => (await record(ids.publicRecord)).upload.failedAttempts >= 1, 'the first delivery failed');
    expect((await record(ids.publicRecord)).status).toBe('upload_failed');
    await fs.rm(dir);
    await until(async () => (await record(ids.publicRecord)).status === 'uploaded', 'the retry uploaded it');
    const r = await record(ids.publicRecord);
    expect(r.upload).toMatchObject({ idempotencyKey: `credit-record:${ids.publicRecord}`, platform: 'file', verdict: 'on_time', reference: '2026-03-02.ndjson' });
    const lines = (await fs.readFile(path.join(dir, '2026-03-02.ndjson'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l));
    expect(lines).toEqual([expect.objectContaining({ idempotencyKey: `credit-record:${ids.publicRecord}`, recordId: ids.publicRecord, fields: expect.objectContaining({ penaltyResult: '罚款人民币五万元' }) })]);
    const effects = await listEffects(t.pool, { reactor: 'credit-uploads' });
    expect(effects).toEqual([expect.objectContaining({ status: 'performed', task: 'upload' })]);
    expect(effects[0]!.attempts).toBeGreaterThanOrEqual(2);
    // a manual retry is for a failed upload only
    const retry = await t.http.post(`/v1/credit/records/${ids.publicRecord}/upload-retry`).set(as.office!).expect(409);
    expect(retry.body).toMatchObject({ type: 'urn:baosong:problem:credit-upload-not-failed' });
  }, 60_000);

  it('a personal record: its personal fields come back masked and the read model holds no clear value', async () => {
    const fields = { name: '张三丰', idCardNumber: ID, address: '某市某区人民路1号', content: '个人基本信息', sourceDocument: '户籍登记', issuingAuthority: '某派出所', decisionDate: '2026-02-01' };
    const missingPerson = await t.http.post('/v1/credit/records').set(as.reporterA!).send({ unitId: units.a, kind: 'personal', category: 'basic_info', fields }).expect(422);
    expect(missingPerson.body).toMatchObject({ field: 'subjectPersonId' });
    ids.personalRecord = (await t.http.post('/v1/credit/records').set(as.reporterA!).send({ unitId: units.a, kind: 'personal', category: 'basic_info', subjectPersonId: PERSON, fields }).expect(201)).body.recordId;
    const r = await record(ids.personalRecord);
    expect(r.fields).toMatchObject({ name: '张*丰', idCardNumber: '1101**********002X', address: '某********', sourceDocument: '户籍登记' });
    const rows = await t.pool.query<{ view: unknown }>('SELECT view FROM rm.credit_records WHERE record_id = $1', [ids.personalRecord]);
    const stored = JSON.stringify(rows.rows);
    expect(stored).not.toContain('张三丰');
    expect(stored).not.toContain(ID);
    // and the log holds them sealed with the person's key (issue 12 item 5), the other fields as they are
    const logged = await t.pool.query<{ data: { subjectPersonId: string; fields: Record<string, string> } }>(`SELECT data FROM es_events WHERE event_type = 'PersonalCreditRecordSubmitted' AND data->>'subjectPersonId' = $1`, [PERSON]);
    expect(logged.rows[0]!.data.fields).toMatchObject({ name: expect.stringMatching(/^pii:v1:/), idCardNumber: expect.stringMatching(/^pii:v1:/), address: expect.stringMatching(/^pii:v1:/), sourceDocument: '户籍登记' });
    expect(JSON.stringify(logged.rows)).not.toContain('张三丰');
    // an audited reveal reads them in clear
    const revealed = await t.http.post(`/v1/personal-data/${PERSON}/reveal`).set(bearer(t.adminToken)).send({ purpose: 'check the credit record of the person' }).expect(200);
    expect(revealed.body.sources[0].fields).toMatchObject({ 'fields.name': '张三丰', 'fields.idCardNumber': ID });
    const list = await t.http.get(`/v1/credit/records?unitId=${units.a}&kind=personal`).set(as.reporterA!).expect(200);
    expect(JSON.stringify(list.body)).not.toContain(ID);
    await t.http.get(`/v1/credit/records/${ids.personalRecord}`).set(as.reporterB!).expect(403);
  });

  it('statistics and compliance items per unit, from the log: the upload deadline elapsed by the scheduler', async () => {
    // 10 working days after Monday 2026-03-02: Monday 2026-03-16, end of day in Beijing
    t.clock.set('2026-03-17T01:00:00Z');
    await t.app.get(Scheduler).tick();
    await until(async () => (await record(ids.personalRecord)).uploadDue.elapsed === true, 'the upload deadline elapsed');
    const stats = await t.http.get('/v1/credit/statistics?period=2026-03').set(as.office!).expect(200);
    expect(stats.body.units).toEqual([
      { unitId: units.a, submitted: 2, returned: 1, approved: 1, uploaded: 1, rejected: 0, overdue: 1, reviewOverdue: 1, completeFields: 17, requiredFields: 17, completenessRate: 1, onTimeRate: 1 },
    ]);
    await t.http.get('/v1/credit/statistics?period=2026-13').set(as.office!).expect(400);
    await t.http.get('/v1/credit/statistics?period=2026-03').set(as.reporterA!).expect(403);
    const compliance = await t.http.get('/v1/credit/compliance?period=2026-Q1').set(as.office!).expect(200);
    expect(compliance.body.units).toEqual([
      {
        unitId: units.a,
        compliant: false,
        items: [
          { item: 'credit-overdue-uploads', value: 1, target: 0, met: false },
          { item: 'credit-completeness', value: 1, target: 1, met: true },
          { item: 'credit-on-time-uploads', value: 1, target: 1, met: true },
        ],
      },
    ]);
  }, 60_000);
});
