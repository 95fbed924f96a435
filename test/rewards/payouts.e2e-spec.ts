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
    await t.http.post('/v1/payouts/periods').set(finance()).send({ periodId: '2026-03', from: '2026-03-01', to: '2026-03-31' }).expect(201);
    await t.http.post('/v1/payouts/periods/2026-03/close').set(finance()).expect(200);
    const march = (await t.http.get('/v1/payouts/periods/2026-03').set(finance()).expect(200)).body;
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
