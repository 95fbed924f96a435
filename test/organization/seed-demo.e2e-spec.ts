import { CommandRunner } from '@app/event-store';
import { seedDemoOrganization } from '@app/organization';
import { startTestApp, TestApp } from '@test/support';

describe('seed demo', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it('creates an institution a new user can explore, once: seeding again appends nothing', async () => {
    const runner = t.app.get(CommandRunner);
    const demo = await seedDemoOrganization(runner, t.clock.now());
    const head = await t.store.headPosition();
    await seedDemoOrganization(runner, t.clock.now());
    expect(await t.store.headPosition()).toBe(head);
    await t.settle();

    const admin = { Authorization: `Bearer ${await t.tokenFor(demo.byRole.administrator.memberId)}` };
    const tree = await t.http.get('/v1/units').set(admin).expect(200);
    const bureau = (tree.body as { name: string; children: { name: string; unitType: string }[] }[]).find((u) => u.name === '某市公安局')!;
    expect(bureau.children.filter((c) => c.unitType === 'section')).toHaveLength(8);
    expect(bureau.children.filter((c) => c.unitType === 'brigade')).toHaveLength(3);
    const channels = await t.http.get('/v1/channels').set(admin).expect(200);
    expect((channels.body as { platform: string }[]).map((c) => c.platform).sort()).toEqual(['bulletin', 'tieba', 'website', 'wechat', 'weibo']);
    expect(Object.keys(demo.byRole).sort()).toEqual(
      ['administrator', 'auditor', 'confidentiality_reviewer', 'duty_officer', 'finance', 'leader_in_charge', 'office_reviewer', 'principal_leader', 'reporter', 'unit_head'].sort(),
    );
    // who reviews what for a squad: its own reporter and head, the leader in charge overseeing its brigade, the
    // bureau-wide reviewers and leaders, and the institution-wide roles (with the bootstrapped 系统管理员); not the
    // duty officer of 指挥中心
    const squad = demo.units['criminal-1']!;
    const coverage = await t.http.get(`/v1/review-coverage?unitId=${squad}`).set(admin).expect(200);
    const byRole = new Map<string, string[]>();
    for (const row of coverage.body as { role: string; memberName: string }[]) byRole.set(row.role, [...(byRole.get(row.role) ?? []), row.memberName]);
    expect(Object.fromEntries(byRole)).toEqual({
      administrator: expect.arrayContaining(['卫管理员', '系统管理员']),
      auditor: ['褚审计'],
      confidentiality_reviewer: ['钱保密员'],
      finance: ['陈会计'],
      leader_in_charge: ['吴副局长'],
      office_reviewer: ['孙主任'],
      principal_leader: ['郑局长'],
      reporter: [expect.stringContaining('中队信息员')],
      unit_head: [expect.stringContaining('中队长')],
    });
    const duty = await t.http.get(`/v1/review-coverage?role=duty_officer&memberId=${demo.byRole.duty_officer.memberId}`).set(admin).expect(200);
    expect((duty.body as { unitName: string }[]).map((r) => r.unitName)).toEqual(['指挥中心']);

    // every role's token works, and the access rules apply to it
    const reporter = { Authorization: `Bearer ${await t.tokenFor(demo.byRole.reporter.memberId)}` };
    await t.http.get('/v1/units').set(reporter).expect(200);
    await t.http.post('/v1/members').set(reporter).send({ name: 'x' }).expect(403);
  });
});
