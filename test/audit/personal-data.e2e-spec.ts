import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ChainService, writeAuditBundle } from '@app/audit';
import { PostgresEventStore } from '@app/event-store';
import { ProjectionRuntime } from '@app/projections';
import { bearer, startTestApp, TestApp } from '@test/support';

/**
 * Personal data (issue 12 item 5) through HTTP: members' phone, e-mail and ID-card number are sealed in the log with
 * the member's own key, served masked, read in clear only by an audited reveal, and erased by deleting the key:
 * every API, the rebuilt read model, the audit history and the audit bundle then show nothing of them, while the
 * stored events and the hash chain stay exactly as they were.
 */
describe('personal data: sealed, masked, revealed on record, erased (HTTP)', () => {
  let t: TestApp;
  let admin: { Authorization: string };
  let memberId: string;
  const PHONE = '13912345678';
  const EMAIL = 'li.na@example.gov.cn';
  const ID_CARD = '11010519491231002X';

  beforeAll(async () => {
    t = await startTestApp();
    admin = bearer(t.adminToken);
    const res = await t.http.post('/v1/members').set(admin).send({ name: '李娜', phone: PHONE, email: EMAIL, idCardNumber: ID_CARD }).expect(201);
    memberId = res.body.memberId ?? res.body.id;
    await t.settle();
  });
  afterAll(async () => t?.close());

  /** Every stored event's text (what es_events holds, what the hash chain covers). */
  const storedText = async (): Promise<string> =>
    (await t.pool.query<{ text: string }>(`SELECT string_agg(data::text || metadata::text, E'\\n' ORDER BY global_position) AS text FROM es_events`)).rows[0]!.text;

  it('the log holds the fields sealed, never in clear', async () => {
    const text = await storedText();
    for (const clear of [PHONE, EMAIL, ID_CARD]) expect(text).not.toContain(clear);
    const { rows } = await t.pool.query<{ data: Record<string, string> }>(`SELECT data FROM es_events WHERE event_type = 'MemberRegistered' AND data->>'memberId' = $1`, [memberId]);
    expect(rows[0]!.data.phone).toMatch(/^pii:v1:/);
    expect(rows[0]!.data.name).toBe('李娜');
  });

  it('the member directory and the audit history serve them masked', async () => {
    const detail = await t.http.get(`/v1/members/${memberId}`).set(admin).expect(200);
    expect(detail.body).toMatchObject({ phone: '139****5678', email: 'l***@example.gov.cn', idCardNumber: '1101**********002X' });
    const list = await t.http.get('/v1/members?q=李娜').set(admin).expect(200);
    expect(list.body[0]).toMatchObject({ phone: '139****5678' });
    const history = await t.http.get(`/v1/audit/aggregates/member/${memberId}/events`).set(admin).expect(200);
    expect(history.body.events[0].data).toMatchObject({ phone: '139****5678', email: 'l***@example.gov.cn', idCardNumber: '1101**********002X' });
    expect(JSON.stringify(history.body)).not.toContain(PHONE);
  });

  it('a reveal answers the clear values and is itself recorded (who, which fields, why); only administrators may', async () => {
    const res = await t.http.post(`/v1/personal-data/${memberId}/reveal`).set(admin).send({ purpose: 'verify the payee before the 2026-03 payout' }).expect(200);
    expect(res.body).toMatchObject({ subjectId: memberId, erased: false });
    expect(res.body.sources[0].fields).toEqual({ phone: PHONE, email: EMAIL, idCardNumber: ID_CARD });
    const trail = await t.http.get(`/v1/audit/streams/personal-data-${memberId}/events`).set(admin).expect(200);
    expect(trail.body.events).toEqual([
      expect.objectContaining({ type: 'PersonalDataRevealed', data: expect.objectContaining({ subjectId: memberId, fields: ['email', 'idCardNumber', 'phone'], purpose: 'verify the payee before the 2026-03 payout' }), metadata: expect.objectContaining({ actorId: t.adminId }) }),
    ]);
    await t.http.post(`/v1/personal-data/${memberId}/reveal`).set(admin).send({}).expect(400);
    await t.http.post(`/v1/personal-data/00000000-0000-4000-8000-0000000000ff/reveal`).set(admin).send({ purpose: 'nobody here at all' }).expect(404);
  });

  it('a wrong ID-card number is refused naming the field', async () => {
    const res = await t.http.post('/v1/members').set(admin).send({ name: '王五', idCardNumber: '110105194912310021' }).expect(422);
    expect(res.body).toMatchObject({ type: 'urn:baosong:problem:id-card-number-invalid', field: 'idCardNumber' });
  });

  it('an update that leaves the ID card out keeps it; a masked value read back is refused, not stored', async () => {
    await t.http.patch(`/v1/members/${memberId}`).set(admin).send({ name: '李娜', phone: PHONE, email: EMAIL }).expect(200);
    await t.settle();
    expect((await t.http.get(`/v1/members/${memberId}`).set(admin).expect(200)).body).toMatchObject({ idCardNumber: '1101**********002X' });
    const masked = await t.http.patch(`/v1/members/${memberId}`).set(admin).send({ name: '李娜', phone: PHONE, email: 'l***@example.gov.cn' }).expect(400);
    expect(masked.body.errors).toEqual([expect.objectContaining({ field: 'email' })]);
  });

  it('erasure: recorded, the key deleted; every API, the rebuilt directory, the history and the bundle show [erased]; the chain still verifies', async () => {
    const before = await storedText();
    const res = await t.http.post(`/v1/personal-data/${memberId}/erase`).set(admin).send({ reason: 'left the institution and asked for deletion', reference: 'REQ-2026-0042' }).expect(200);
    expect(res.body).toMatchObject({ subjectId: memberId, keyDeleted: true, alreadyErased: false });
    const again = await t.http.post(`/v1/personal-data/${memberId}/erase`).set(admin).send({ reason: 'left the institution and asked for deletion' }).expect(200);
    expect(again.body).toMatchObject({ keyDeleted: false, alreadyErased: true });
    await t.settle();

    // the stored events did not change (only the erasure event was added), and the chain verifies
    expect((await storedText()).startsWith(before)).toBe(true);
    const chain = t.app.get(ChainService);
    expect(await chain.verify()).toMatchObject({ ok: true });

    // the APIs
    const detail = await t.http.get(`/v1/members/${memberId}`).set(admin).expect(200);
    expect(detail.body).toMatchObject({ name: '李娜', phone: '[erased]', email: '[erased]', idCardNumber: '[erased]' });
    const revealed = await t.http.post(`/v1/personal-data/${memberId}/reveal`).set(admin).send({ purpose: 'check the erasure took effect' }).expect(200);
    expect(revealed.body).toMatchObject({ erased: true });
    expect(revealed.body.sources[0].fields).toEqual({ phone: '[erased]', email: '[erased]', idCardNumber: '[erased]' });
    const history = await t.http.get(`/v1/audit/aggregates/member/${memberId}/events`).set(admin).expect(200);
    expect(history.body.events[0].data).toMatchObject({ phone: '[erased]', email: '[erased]', idCardNumber: '[erased]' });
    const trail = await t.http.get(`/v1/audit/streams/personal-data-${memberId}/events`).set(admin).expect(200);
    expect(trail.body.events.map((e: { type: string }) => e.type)).toEqual(['PersonalDataRevealed', 'PersonalDataErased', 'PersonalDataRevealed']);

    // the directory rebuilt from the log alone
    const runtime = t.app.get(ProjectionRuntime);
    await runtime.requestRebuild('org-directory');
    for (let i = 0; i < 200; i++) {
      const { rows } = await t.pool.query<{ n: string }>(`SELECT count(*) AS n FROM projection_builds WHERE projection = 'org-directory' AND state = 'rebuilding'`);
      if (rows[0]!.n === '0') break;
      await new Promise((r) => setTimeout(r, 100));
    }
    await t.settle();
    const rebuilt = await t.http.get(`/v1/members/${memberId}`).set(admin).expect(200);
    expect(rebuilt.body).toMatchObject({ phone: '[erased]', email: '[erased]', idCardNumber: '[erased]' });

    // new personal data of the erased person is refused; other changes still work
    const refused = await t.http.patch(`/v1/members/${memberId}`).set(admin).send({ name: '李娜', phone: PHONE }).expect(422);
    expect(refused.body).toMatchObject({ type: 'urn:baosong:problem:person-erased', subjectId: memberId });

    // the audit bundle: its events are the stored ones (sealed), nothing opens them, and it verifies offline
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pii-bundle-'));
    try {
      const file = path.join(dir, 'b.tar.gz');
      const summary = await writeAuditBundle(t.pool, chain, { after: 0n, createdBy: 'spec', createdAt: '2026-03-02T01:00:00.000Z' }, fs.createWriteStream(file));
      execFileSync('tar', ['xzf', file, '-C', dir]);
      const events = fs.readFileSync(path.join(dir, summary.name, 'events.ndjson'), 'utf8');
      for (const clear of [PHONE, EMAIL, ID_CARD]) expect(events).not.toContain(clear);
      expect(events).toContain('pii:v1:');
      expect(execFileSync('bash', ['verify.sh'], { cwd: path.join(dir, summary.name), encoding: 'utf8' })).toMatch(/^OK: /);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }

    // a store without the key (what anyone holding only the log or a bundle has) cannot open them either
    const raw = new PostgresEventStore(t.pool);
    const stored = (await raw.readAll({ types: ['MemberRegistered'] })).find((e) => (e.data as { memberId: string }).memberId === memberId)!;
    expect((stored.data as { phone: string }).phone).toMatch(/^pii:v1:/);
    await raw.close();
  });

  it('only administrators reveal or erase', async () => {
    const other = await t.http.post('/v1/members').set(admin).send({ name: '赵六', phone: '13700000000' }).expect(201);
    const auditor = other.body.memberId ?? other.body.id;
    await t.http.post(`/v1/members/${auditor}/appointments`).set(admin).send({ role: 'auditor', unitId: t.rootUnitId, startsOn: '2026-01-01' }).expect(201);
    await t.settle();
    const as = bearer(await t.tokenFor(auditor));
    await t.http.post(`/v1/personal-data/${auditor}/reveal`).set(as).send({ purpose: 'my own, as an auditor' }).expect(403);
    await t.http.post(`/v1/personal-data/${auditor}/erase`).set(as).send({ reason: 'not allowed to do this' }).expect(403);
    await t.http.get(`/v1/audit/aggregates/member/${auditor}/events`).set(as).expect(200);
  });
});
