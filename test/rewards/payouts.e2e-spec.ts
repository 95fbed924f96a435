import type { DemoOrganization } from '@app/organization';
import type { PolicyDocument } from '@app/policies';
import { loadExamplePolicy } from '@app/policies/testing';
import { AuthHeaders, publishedDemoDraft, publishPolicy, startRewardsDemoApp, TestApp } from '@test/support';

/**
 * Payout periods and the ledger through HTTP (issue 10 item 4): a February item paid 100 yuan, the period closed
 * and paid; then a retroactive version (150 yuan per WeChat item from January) is published: March's close carries
 * a +50 yuan adjustment naming the version, February's statement and payout stay as they were.
 */
describe('payouts: periods, statements, ledger (HTTP)', () => {
  let t: TestApp;
  let demo: DemoOrganization;
  const auth: Record<string, AuthHeaders> = {};
  const rewards = loadExamplePolicy('city-police-new-media-rewards.json');
  const author = () => ({ kind: 'member', id: demo.byRole.reporter.memberId });

  const finance = () => auth.finance!;
  /** Log positions just before March was opened and just before it was closed (the as-of builds of the third test). */
  const marks: { beforeMarchOpen?: string; beforeMarchClose?: string } = {};
  /** Reads the payouts read model after every command so far (X-Min-Position: the log's head). */
  const caughtUp = async () => ({ 'X-Min-Position': (await t.store.headPosition()).toString() });

  beforeAll(async () => {
    const app = await startRewardsDemoApp();
    t = app.t;
    demo = app.demo;
    Object.assign(auth, app.auth);
    await publishedDemoDraft(t, demo, auth, '2026-02-20T02:00:00.000Z');
    await t.settle();
  }, 120_000);
  afterAll(() => t.close());

  it('closes February with its statement, pays it, and a retroactive version appears as March\u2019s adjustment with its cause', async () => {
    await t.http.post('/v1/payouts/periods').set(finance()).send({ periodId: '2026-02', from: '2026-02-01', to: '2026-02-28' }).expect(201);
    const preview = await t.http.get('/v1/payouts/periods/2026-02').set(finance()).expect(200);
    expect(preview.body).toMatchObject({ status: 'open', preview: true, statement: { totals: { amountFen: 10000, payees: 1 } } });
    await t.http.post('/v1/payouts/periods/2026-02/close').set(finance()).expect(200);
    const feb = (await t.http.get('/v1/payouts/periods/2026-02').set(finance()).expect(200)).body;
    expect(feb).toMatchObject({ status: 'closed', preview: false });
    expect(feb.statement.payees).toEqual([expect.objectContaining({ payee: author(), entitledFen: 10000, adjustmentsFen: 0, totalFen: 10000 })]);
    expect(feb.statement.checksum).toMatch(/^[0-9a-f]{64}$/);
    await t.http.post('/v1/payouts/payments').set(finance()).send({ periodId: '2026-02', payee: author(), amountFen: 10000, reference: 'BANK-0001', paidOn: '2026-03-05' }).expect(201);

    const v2: PolicyDocument = { ...rewards, version: 2, effectiveFrom: '2026-01-01', rules: { ...rewards.rules, itemRewards: rewards.rules.itemRewards!.map((r) => (r.id === 'wechat-item-100-yuan' ? { ...r, amountFen: 15000 } : r)) } };
    await publishPolicy(t, auth.administrator!, v2);
    marks.beforeMarchOpen = (await t.store.headPosition()).toString();
    await t.http.post('/v1/payouts/periods').set(finance()).send({ periodId: '2026-03', from: '2026-03-01', to: '2026-03-31' }).expect(201);
    marks.beforeMarchClose = (await t.store.headPosition()).toString();
    const closed = (await t.http.post('/v1/payouts/periods/2026-03/close').set(finance()).expect(200)).body as { position: string };
    const march = (await t.http.get('/v1/payouts/periods/2026-03').set(finance()).expect(200)).body;
    // the statement's position (the log's head the close computed it at), read from the stream or the read model
    expect(march.position).toMatch(/^\d+$/);
    expect(BigInt(march.position)).toBeLessThan(BigInt(closed.position));
    expect((await t.http.get('/v1/payouts/periods/2026-03').set(finance()).set(await caughtUp()).expect(200)).body.position).toBe(march.position);
    const mine = march.statement.payees.find((p: { payee: { id: string } }) => p.payee.id === author().id);
    expect(mine).toMatchObject({ entitledFen: 0, adjustmentsFen: 5000, totalFen: 5000 });
    expect(mine.adjustments).toEqual([
      expect.objectContaining({ correctsPeriod: '2026-02', recordedFen: 10000, currentFen: 15000, deltaFen: 5000, cause: expect.objectContaining({ kind: 'changed', policyId: rewards.id, policyVersion: 2 }) }),
    ]);

    // paid history never changes: February's statement is the one recorded; the ledger shows paid and balance
    expect((await t.http.get('/v1/payouts/periods/2026-02').set(finance()).expect(200)).body.statement).toEqual(feb.statement);
    const ledger = (await t.http.get(`/v1/payouts/ledger?payeeKind=member&payeeId=${author().id}`).set(auth.auditor!).set(await caughtUp()).expect(200)).body;
    expect(ledger.rows.map((r: { periodId: string; totalFen: number; paidFen: number; balanceFen: number }) => [r.periodId, r.totalFen, r.paidFen, r.balanceFen])).toEqual([
      ['2026-02', 10000, 10000, 0],
      ['2026-03', 5000, 0, 5000],
    ]);
    expect(ledger.balances).toEqual([{ payee: author(), balanceFen: 5000 }]);
    expect(ledger.next).toBeNull();
    expect(ledger.periods.map((p: { periodId: string; status: string; closedBy: string | null }) => [p.periodId, p.status, p.closedBy !== null])).toEqual([
      ['2026-02', 'closed', true],
      ['2026-03', 'closed', true],
    ]);
    // pages of one row: the first page's next is the second page's cursor; the period filter keeps the running balance
    const first = (await t.http.get(`/v1/payouts/ledger?payeeId=${author().id}&limit=1`).set(auth.auditor!).expect(200)).body;
    expect([first.rows.map((r: { periodId: string }) => r.periodId), typeof first.next]).toEqual([['2026-02'], 'string']);
    const second = (await t.http.get(`/v1/payouts/ledger?payeeId=${author().id}&limit=1&cursor=${first.next}`).set(auth.auditor!).expect(200)).body;
    expect([second.rows.map((r: { periodId: string; balanceFen: number }) => [r.periodId, r.balanceFen]), second.next]).toEqual([[['2026-03', 5000]], null]);
    const march2 = (await t.http.get('/v1/payouts/ledger?periodId=2026-03').set(auth.auditor!).expect(200)).body;
    expect(march2.rows.filter((r: { payee: { id: string } }) => r.payee.id === author().id).map((r: { periodId: string; balanceFen: number }) => [r.periodId, r.balanceFen])).toEqual([['2026-03', 5000]]);
    expect(march2.rows.every((r: { periodId: string }) => r.periodId === '2026-03')).toBe(true);
    expect((await t.http.get('/v1/payouts/ledger?limit=0').set(auth.auditor!)).status).toBe(400);
    expect((await t.http.get('/v1/payouts/ledger?cursor=not.a.cursor').set(auth.auditor!)).status).toBe(400);
    expect((await t.http.get('/v1/payouts/ledger?cursor=bm9wZQ').set(auth.auditor!)).status).toBe(400);
    // well-formed cursors (base64url of the [kind, id, from] JSON encodeCursor writes) that PostgreSQL would refuse,
    // or that no page gives: 400 naming cursor, never 500
    const cursor = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    expect(Buffer.from(first.next as string, 'base64url').toString('utf8')).toBe(JSON.stringify(['member', author().id, '2026-02-01']));
    for (const tampered of [
      ['member', 'm', '2026-02-30'],
      ['member', 'm', '0000-01-01'],
      ['member', 'm', '2026-99-99'],
      ['member', 'm\u0000', '2026-02-01'],
      ['group', 'm', '2026-02-01'],
      ['member', 'm n', '2026-02-01'],
      ['member', '', '2026-02-01'],
    ]) {
      const res = await t.http.get(`/v1/payouts/ledger?cursor=${cursor(tampered)}`).set(auth.auditor!);
      expect([tampered, res.status, res.body.type, res.body.errors]).toEqual([tampered, 400, 'urn:baosong:problem:validation-failed', [{ field: 'cursor', message: expect.any(String) }]]);
    }
    // payeeKind names the kind of payeeId: alone it is 400 naming payeeId (the export too), not a silently ignored filter
    for (const path of ['/v1/payouts/ledger?payeeKind=unit', '/v1/payouts/ledger/export?format=csv&payeeKind=member']) {
      const res = await t.http.get(path).set(auth.auditor!);
      expect([path, res.status, res.body.errors]).toEqual([path, 400, [{ field: 'payeeId', message: 'payeeId is required with payeeKind' }]]);
    }
    // the ledger as CSV (English headers), the same numbers in yuan
    const csv = await t.http.get(`/v1/payouts/ledger/export?format=csv&lang=en&payeeKind=member&payeeId=${author().id}`).set(auth.auditor!).expect(200);
    expect(csv.headers['content-type']).toContain('text/csv');
    const [header, ...lines] = csv.text.replace(/^\uFEFF/, '').trim().split('\r\n');
    expect(header).toBe('Payee kind,Payee,Period,From,To,Entitled points,Entitled (yuan),Adjustments (yuan),Total (yuan),Paid (yuan),Balance (yuan)');
    expect(lines).toEqual([`member,${author().id},2026-02,2026-02-01,2026-02-28,0,100.00,0.00,100.00,100.00,0.00`, `member,${author().id},2026-03,2026-03-01,2026-03-31,0,0.00,50.00,50.00,0.00,50.00`]);
    expect((await t.http.get('/v1/payouts/ledger/export?format=csv').set(auth.reporter!)).status).toBe(403);
    const statement = (await t.http.get('/v1/payouts/periods/2026-03/my-statement').set(auth.reporter!).expect(200)).body;
    expect(statement).toMatchObject({ status: 'closed', preview: false, statement: { totalFen: 5000 } });
    expect(statement.statement).toEqual(mine);
  });

  it('with X-Read-Build answers from the named build alone: a period it does not know is 404, one open in it is open (no preview)', async () => {
    const admin = auth.administrator!;
    const start = async (targetPosition: string) => (await t.http.post('/v1/ops/builds').set(admin).send({ projection: 'payouts', targetPosition }).expect(201)).body as { buildId: string };
    const beforeOpen = await start(marks.beforeMarchOpen!);
    const beforeClose = await start(marks.beforeMarchClose!);
    const read = (path: string, build: { buildId: string }, at: string) => t.http.get(path).set(admin).set('X-Read-Build', build.buildId).set('X-Min-Position', at);
    // the live read (no build) has March closed
    expect((await t.http.get('/v1/payouts/periods/2026-03').set(admin).expect(200)).body).toMatchObject({ status: 'closed', buildId: null });
    // before March was opened: the build does not know it (the stream does)
    await read('/v1/payouts/periods/2026-03', beforeOpen, marks.beforeMarchOpen!).expect(404);
    await read('/v1/payouts/periods/2026-03/my-statement', beforeOpen, marks.beforeMarchOpen!).expect(404);
    expect((await read('/v1/payouts/periods/2026-02', beforeOpen, marks.beforeMarchOpen!).expect(200)).body).toMatchObject({ status: 'closed', buildId: beforeOpen.buildId });
    // before March was closed: open there, without a preview and without the statement the stream has since recorded
    expect((await read('/v1/payouts/periods/2026-03', beforeClose, marks.beforeMarchClose!).expect(200)).body).toEqual({
      periodId: '2026-03',
      from: '2026-03-01',
      to: '2026-03-31',
      status: 'open',
      preview: false,
      position: null,
      buildId: beforeClose.buildId,
      statement: null,
    });
    expect((await read('/v1/payouts/periods/2026-03/my-statement', beforeClose, marks.beforeMarchClose!).expect(200)).body).toEqual({
      periodId: '2026-03',
      status: 'open',
      preview: false,
      buildId: beforeClose.buildId,
      statement: null,
    });
    for (const b of [beforeOpen, beforeClose]) await t.http.delete(`/v1/ops/builds/${b.buildId}`).set(admin).expect(200);
  });

  it('refuses what finance must not do, naming the rule, and keeps the ledger from everyone else', async () => {
    const problem = async (req: PromiseLike<{ status: number; body: { type?: string } }>, status: number, code: string) => {
      const res = await req;
      expect({ status: res.status, type: res.body.type }).toEqual({ status, type: expect.stringContaining(code) });
    };
    await problem(t.http.post('/v1/payouts/periods/2026-02/close').set(finance()), 409, 'payout-period-closed');
    await problem(t.http.post('/v1/payouts/periods').set(finance()).send({ periodId: '2026-03b', from: '2026-03-15', to: '2026-04-15' }), 422, 'payout-period-overlaps');
    await problem(t.http.post('/v1/payouts/payments').set(finance()).send({ periodId: '2026-03', payee: author(), amountFen: 5001, reference: 'BANK-0002', paidOn: '2026-04-05' }), 422, 'payout-exceeds-balance');
    await problem(t.http.post('/v1/payouts/payments').set(finance()).send({ periodId: '2026-03', payee: author(), amountFen: 5000, reference: 'BANK-0001', paidOn: '2026-04-05' }), 409, 'payout-reference-reused');
    expect((await t.http.post('/v1/payouts/payments').set(finance()).send({ periodId: '2026-03', payee: author(), amountFen: -1, reference: 'X', paidOn: '2026-04-05' })).status).toBe(400);
    expect((await t.http.post('/v1/payouts/periods').set(finance()).send({ periodId: 'bad id!', from: '2026-05-01', to: '2026-05-31' })).status).toBe(400);
    expect((await t.http.get('/v1/payouts/periods/nope').set(finance())).status).toBe(404);
    expect((await t.http.get('/v1/payouts/ledger').set(auth.reporter!)).status).toBe(403);
    expect((await t.http.post('/v1/payouts/periods').set(auth.administrator!).send({ periodId: '2026-05', from: '2026-05-01', to: '2026-05-31' })).status).toBe(403);
  });
});
