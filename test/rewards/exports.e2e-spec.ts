import { Workbook } from 'exceljs';
import type { Response } from 'supertest';
import type { DemoOrganization } from '@app/organization';
import type { PolicyDocument } from '@app/policies';
import { loadExamplePolicy } from '@app/policies/testing';
import { AuthHeaders, publishedDemoDraft, recordDemoWechatReads, startRewardsDemoApp, TestApp } from '@test/support';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/**
 * Exports (issue 10 item 8) through HTTP: the leaderboard and the statements as CSV and XLSX, Chinese or English
 * headers, the same numbers as the JSON endpoints (yuan = fen / 100). The demo institution under its new-media
 * reward policy; an item published on WeChat on 2026-02-20 and read by 45% of the channel's followers within 7
 * days: 100 yuan for the item and 200 yuan for the reading, to the first author.
 */
describe('rewards: exports (HTTP)', () => {
  let t: TestApp;
  let demo: DemoOrganization;
  const auth: Record<string, AuthHeaders> = {};
  let draftId: string;

  const get = async (path: string, as: AuthHeaders = auth.administrator!, build?: string) => {
    const req = t.http.get(path).set(as).set('X-Min-Position', (await t.store.headPosition()).toString());
    if (build) req.set('X-Read-Build', build);
    return req.buffer(true).parse((res, done) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => done(null, Buffer.concat(chunks)));
    });
  };
  const json = (res: Response) => JSON.parse((res.body as Buffer).toString('utf8'));
  /** CSV rows as arrays of fields (none of these values is quoted). */
  const csv = (res: Response) => {
    const text = (res.body as Buffer).toString('utf8');
    expect(text.charCodeAt(0)).toBe(0xfeff);
    expect(text.endsWith('\r\n')).toBe(true);
    return text.slice(1, -2).split('\r\n').map((line) => line.split(','));
  };
  const sheet = async (res: Response) => {
    const workbook = new Workbook();
    await workbook.xlsx.load(res.body as ArrayBuffer);
    expect(workbook.worksheets).toHaveLength(1);
    const ws = workbook.worksheets[0]!;
    const rows: unknown[][] = [];
    ws.eachRow((row) => rows.push((row.values as unknown[]).slice(1)));
    return { name: ws.name, rows, numFmt: (row: number, col: number) => ws.getRow(row).getCell(col).numFmt, bold: ws.getRow(1).getCell(1).font?.bold };
  };

  beforeAll(async () => {
    const app = await startRewardsDemoApp();
    t = app.t;
    demo = app.demo;
    Object.assign(auth, app.auth);
    const p = await publishedDemoDraft(t, demo, auth, '2026-02-20T02:00:00.000Z');
    draftId = p.draftId;
    await recordDemoWechatReads(t, demo, auth, p, { publishedAt: '2026-02-20T02:00:00.000Z', observedAt: '2026-02-25T02:00:00Z', share: 0.45 });
  }, 120_000);
  afterAll(() => t.close());

  describe('the leaderboard', () => {
    it('as CSV with Chinese headers: the JSON rows, money in yuan (30000 fen: 300.00)', async () => {
      const board = json(await get('/v1/rewards/leaderboard?subject=member&by=money&period=2026-02'));
      const res = await get('/v1/rewards/leaderboard/export?subject=member&by=money&period=2026-02&format=csv&lang=zh');
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
      expect(res.headers['content-disposition']).toBe(`attachment; filename="leaderboard-member-2026-02.csv"; filename*=UTF-8''${encodeURIComponent('个人积分榜-2026-02.csv')}`);
      const [header, ...rows] = csv(res);
      expect(header).toEqual(['名次', '姓名', '积分', '金额（元）', '报送', '采用', '批示', '采用率', '奖励稿件', '奖励条目', '人员编号']);
      expect(rows).toHaveLength(board.rows.length);
      const me = board.rows.find((r: { id: string }) => r.id === demo.byRole.reporter.memberId);
      expect(me.amountFen).toBe(30000);
      const line = rows.find((r) => r[10] === me.id)!;
      expect(line).toEqual([String(me.rank), me.name, String(me.points), '300.00', String(me.submitted), String(me.adopted), String(me.instructed), me.adoptionRate === null ? '' : `${(me.adoptionRate * 100).toFixed(2)}%`, String(me.items), String(me.lines), me.id]);
      rows.forEach((r, i) => expect(r[3]).toBe((board.rows[i].amountFen / 100).toFixed(2)));
    });

    it('as XLSX with English headers: one sheet, bold header, yuan as numbers formatted 0.00, the rate as 0.00%', async () => {
      const board = json(await get('/v1/rewards/leaderboard?subject=unit&by=money&period=2026-03'));
      const res = await get('/v1/rewards/leaderboard/export?subject=unit&by=money&period=2026-03&format=xlsx&lang=en');
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toBe(XLSX);
      expect(res.headers['content-disposition']).toBe(`attachment; filename="leaderboard-unit-2026-03.xlsx"; filename*=UTF-8''leaderboard-unit-2026-03.xlsx`);
      const s = await sheet(res);
      expect(s.name).toBe('Leaderboard');
      expect(s.bold).toBe(true);
      expect(s.rows[0]).toEqual(['Rank', 'Unit', 'Points', 'Amount (yuan)', 'Submitted', 'Adopted', 'Instructed', 'Adoption rate', 'Items rewarded', 'Lines', 'Unit id']);
      expect(s.rows).toHaveLength(board.rows.length + 1);
      board.rows.forEach((r: { rank: number; name: string | null; points: number; amountFen: number; submitted: number; adoptionRate: number | null; id: string }, i: number) => {
        const row = s.rows[i + 1]!;
        expect([row[0], row[1], row[2], row[3], row[4], row[7], row[10]]).toEqual([r.rank, r.name ?? undefined, r.points, r.amountFen / 100, r.submitted, r.adoptionRate ?? undefined, r.id]);
      });
      // March: the office's submission, adopted by none: 采用率 0
      const office = s.rows.find((row) => row[10] === demo.units.office)!;
      expect(office[4]).toBe(1);
      expect(office[7]).toBe(0);
      expect(s.numFmt(2, 4)).toBe('0.00');
      expect(s.numFmt(2, 8)).toBe('0.00%');
    });

    it('of a what-if build (X-Read-Build): the build\u2019s numbers, its id in the file name', async () => {
      const rewards = loadExamplePolicy('city-police-new-media-rewards.json');
      const v2: PolicyDocument = { ...rewards, version: 2, rules: { ...rewards.rules, itemRewards: rewards.rules.itemRewards!.map((r) => (r.id === 'wechat-item-100-yuan' ? { ...r, amountFen: 15000 } : r)) } };
      const build = await t.http.post('/v1/ops/builds').set(auth.administrator!).send({ projection: 'rewards', parameters: { policies: { treatAsPublished: [v2] } }, purpose: 'what-if: 150 yuan per WeChat item' }).expect(201);
      const buildId = build.body.buildId as string;
      const res = await get('/v1/rewards/leaderboard/export?by=money&period=2026-02&format=csv&lang=en', auth.administrator!, buildId);
      expect(res.status).toBe(200);
      expect(res.headers['content-disposition']).toContain(`filename="leaderboard-member-2026-02-${buildId.split(':').pop()!}.csv"`);
      const me = csv(res).find((r) => r[10] === demo.byRole.reporter.memberId)!;
      expect(me[3]).toBe('350.00');
      const live = csv(await get('/v1/rewards/leaderboard/export?by=money&period=2026-02&format=csv&lang=en')).find((r) => r[10] === demo.byRole.reporter.memberId)!;
      expect(live[3]).toBe('300.00');
    });
  });

  describe('the statements', () => {
    it('everyone\u2019s lines as XLSX with Chinese headers: each JSON line, date, payee, policy@version/rule, yuan', async () => {
      const explain = json(await get(`/v1/rewards/entitlements?draftId=${draftId}&period=2026`));
      const res = await get(`/v1/rewards/entitlements/export?draftId=${draftId}&period=2026&format=xlsx`);
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toBe(XLSX);
      expect(res.headers['content-disposition']).toBe(`attachment; filename="entitlements-2026.xlsx"; filename*=UTF-8''${encodeURIComponent('奖励明细-2026.xlsx')}`);
      const s = await sheet(res);
      expect(s.name).toBe('奖励明细');
      expect(s.rows[0]).toEqual(['日期', '稿件', '收款人', '收款人类型', '收款人编号', '类别', '政策@版本/规则', '事由', '积分', '金额（元）']);
      expect(s.rows.slice(1)).toEqual(
        explain.lines.map((l: { businessDate: string; draftId: string; payee: { id: string }; family: string; policy: { policyId: string; version: number; ruleId: string }; reason: string; points: number; amountFen: number }) => [
          new Date(`${l.businessDate}T00:00:00.000Z`),
          l.draftId,
          demo.byRole.reporter.name,
          '个人',
          l.payee.id,
          l.family,
          `${l.policy.policyId}@${l.policy.version}/${l.policy.ruleId}`,
          l.reason,
          l.points,
          l.amountFen / 100,
        ]),
      );
      expect(s.rows.slice(1).map((r) => r[9])).toEqual([200, 100]);
      expect(s.numFmt(2, 10)).toBe('0.00');
    });

    it('everyone\u2019s lines as CSV with English headers', async () => {
      const res = await get(`/v1/rewards/entitlements/export?unitId=${demo.units.office}&period=2026-02&format=csv&lang=en`);
      expect(res.status).toBe(200);
      const [header, ...rows] = csv(res);
      expect(header).toEqual(['Date', 'Item', 'Payee', 'Payee kind', 'Payee id', 'Family', 'Policy@version/rule', 'Reason', 'Points', 'Amount (yuan)']);
      expect(rows.map((r) => [r[0], r[1], r[3], r[5], r[9]])).toEqual([
        ['2026-02-20', draftId, 'member', 'engagement', '200.00'],
        ['2026-02-20', draftId, 'member', 'item', '100.00'],
      ]);
      expect(rows[0]![6]).toMatch(/^city-police-new-media-rewards@1\/wechat-reads-per-20-percent$/);
    });

    it('a reporter downloads their own statement, not everyone\u2019s (403)', async () => {
      const res = await get('/v1/rewards/my-entitlements/export?period=2026-02&format=csv', auth.reporter!);
      expect(res.status).toBe(200);
      expect(res.headers['content-disposition']).toContain('filename="statement-2026-02.csv"');
      const [, ...rows] = csv(res);
      expect(rows.map((r) => [r[4], r[9]])).toEqual([
        [demo.byRole.reporter.memberId, '200.00'],
        [demo.byRole.reporter.memberId, '100.00'],
      ]);
      const xlsx = await sheet(await get('/v1/rewards/my-entitlements/export?period=2026-02&format=xlsx&lang=en', auth.reporter!));
      expect(xlsx.name).toBe('Statement');
      expect(xlsx.rows.slice(1).map((r) => r[9])).toEqual([200, 100]);
      const refused = await get('/v1/rewards/entitlements/export?period=2026-02&format=csv', auth.reporter!);
      expect(refused.status).toBe(403);
      expect(json(refused).type).toBe('urn:baosong:problem:forbidden');
    });
  });

  it('refuses a format or language it does not write (400 naming the field), and paging parameters', async () => {
    const pdf = await get('/v1/rewards/leaderboard/export?period=2026-02&format=pdf');
    expect(pdf.status).toBe(400);
    expect(json(pdf).errors).toEqual([expect.objectContaining({ field: 'format' })]);
    const fr = await get('/v1/rewards/entitlements/export?period=2026-02&lang=fr');
    expect(fr.status).toBe(400);
    expect(json(fr).errors).toEqual([expect.objectContaining({ field: 'lang' })]);
    expect((await get('/v1/rewards/my-entitlements/export?period=2026-02&offset=200', auth.reporter!)).status).toBe(400);
    expect((await get('/v1/rewards/leaderboard/export')).status).toBe(400);
  });
});
