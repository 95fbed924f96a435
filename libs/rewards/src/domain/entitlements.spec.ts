import { PolicyDocument, PolicySet } from '@app/policies';
import { loadExamplePolicy } from '@app/policies/testing';
import { entitlementLines, RewardsEnvironment } from './entitlements';
import { foldItem, ItemEvent, ItemFacts } from './item-facts';

const TZ = 'Asia/Shanghai';
const UNIT = '00000000-0000-4000-8000-0000000000a1';
const CHANNEL = { wechat: 'ch-wechat', weibo: 'ch-weibo' };
const AUTHOR = 'member-author';
const RECOMMENDER = 'member-recommender';

function env(documents: PolicyDocument[], followers: Record<string, number> = { 'ch-wechat': 10_000, 'ch-weibo': 10_000 }): RewardsEnvironment {
  const set = new PolicySet(documents);
  return {
    timeZone: TZ,
    inForce: (unitType, date) => set.inForce(unitType, date),
    unitType: (unitId) => (unitId === UNIT ? 'section' : undefined),
    followersAt: (channelId) => followers[channelId] ?? null,
    channelOwner: () => 'unit-publicity',
  };
}

let n = 0;
const ev = (type: string, data: Record<string, unknown>): ItemEvent => ({ type, data: { draftId: 'd-1', ...data }, eventId: `e-${++n}` });

/** A draft created, submitted (form complete or not), then the given events. */
function item(events: ItemEvent[], options: { source?: 'original' | 'repost'; formComplete?: boolean; contentType?: string; body?: string } = {}): ItemFacts {
  const all = [
    ev('DraftCreated', {
      unitId: UNIT,
      content: { authors: [AUTHOR, 'member-second'], recommenderId: RECOMMENDER, contentType: options.contentType ?? 'news', source: options.source ?? 'original', body: options.body ?? '正文' },
    }),
    ev('DraftSubmitted', { submittedAt: '2026-03-01T02:00:00.000Z', check: { formComplete: options.formComplete ?? true, missingFields: options.formComplete === false ? ['providingDepartment'] : [] } }),
    ...events,
  ];
  return all.reduce<ItemFacts | undefined>((facts, e) => foldItem(facts, e), undefined)!;
}
const published = (platform: 'wechat' | 'weibo', publishedAt = '2026-03-02T02:00:00.000Z') =>
  ev('DraftPublished', { publicationId: `pub-${platform}`, channelId: CHANNEL[platform], platform, levelKey: 'unit', publishedAt, exclusiveFirstRelease: false });
const observed = (platform: 'wechat' | 'weibo', observedAt: string, counts: { reads?: number; reposts?: number; interactions?: number }) =>
  ev('MetricsRecorded', { publicationId: `pub-${platform}`, observedAt, source: 'platform-export', reads: counts.reads ?? 0, reposts: counts.reposts ?? 0, interactions: counts.interactions ?? 0, followers: null });
const yuan = (lines: { amountFen: number }[]) => lines.reduce((s, l) => s + l.amountFen, 0) / 100;

describe('entitlements (the sources\u2019 numbers)', () => {
  const collegeA = loadExamplePolicy('college-new-media-000A.json');
  const rules = env([collegeA]);

  it('000-A: a WeChat item 100 yuan and a Weibo item 20 yuan, to the first author (R3.04-R3.05, R3.13)', () => {
    const lines = entitlementLines(item([published('wechat'), published('weibo')]), rules);
    expect(lines.map((l) => [l.ruleId, l.amountFen, l.payee.id, l.businessDate])).toEqual([
      ['wechat-item-100-yuan', 10000, AUTHOR, '2026-03-02'],
      ['weibo-item-20-yuan', 2000, AUTHOR, '2026-03-02'],
    ]);
    expect(lines[0]!.eventIds).toHaveLength(2); // the publication and the submission
  });

  it('an incomplete form earns nothing (R3.14)', () => {
    expect(entitlementLines(item([published('wechat')], { formComplete: false }), rules)).toEqual([]);
  });

  it('reads at 45% of followers within 7 days: 200 yuan; at 130%: capped at 500 (R3.06)', () => {
    const at45 = entitlementLines(item([published('wechat'), observed('wechat', '2026-03-05T00:00:00.000Z', { reads: 4_500 })]), rules).filter((l) => l.family === 'engagement');
    expect(at45.map((l) => [l.ruleId, l.amountFen])).toEqual([['wechat-reads-per-20-percent', 20000]]);
    const at130 = entitlementLines(item([published('wechat'), observed('wechat', '2026-03-05T00:00:00.000Z', { reads: 13_000 })]), rules).filter((l) => l.family === 'engagement');
    expect(yuan(at130)).toBe(500);
  });

  it('reads reached on day 8 do not count; the reading inside the window does (R3.09)', () => {
    const lines = entitlementLines(
      item([published('wechat'), observed('wechat', '2026-03-08T02:00:00.000Z', { reads: 2_100 }), observed('wechat', '2026-03-10T03:00:00.000Z', { reads: 9_000 })]),
      rules,
    ).filter((l) => l.family === 'engagement');
    expect(lines.map((l) => l.amountFen)).toEqual([10000]); // 21% on day 6, not 90% on day 8
  });

  it('WeChat and Weibo both qualifying: only the higher is paid (R3.08)', () => {
    const lines = entitlementLines(
      item([published('wechat'), published('weibo'), observed('wechat', '2026-03-04T00:00:00.000Z', { reads: 4_500 }), observed('weibo', '2026-03-04T00:00:00.000Z', { reposts: 6_500 })]),
      rules,
    ).filter((l) => l.family === 'engagement');
    expect(lines.map((l) => [l.ruleId, l.amountFen])).toEqual([['weibo-reposts-per-20-percent', 30000]]);
    expect(lines[0]!.eventIds).toHaveLength(3); // the publication, the observation, the submission
  });

  it('a repost with 10,000 reads: 50 yuan to the recommender (R3.10)', () => {
    const lines = entitlementLines(item([published('wechat'), observed('wechat', '2026-03-03T00:00:00.000Z', { reads: 10_000 })], { source: 'repost' }), rules);
    expect(lines.map((l) => [l.ruleId, l.amountFen, l.payee])).toEqual([['repost-10000-reads-recommender', 5000, { kind: 'member', id: RECOMMENDER }]]);
  });

  it('a correction of an observation replaces it: the order in which observations arrive does not matter', () => {
    const a = observed('wechat', '2026-03-04T00:00:00.000Z', { reads: 4_500 });
    const b = observed('wechat', '2026-03-05T00:00:00.000Z', { reads: 6_100 });
    const fix = observed('wechat', '2026-03-04T00:00:00.000Z', { reads: 8_200 });
    const one = entitlementLines(item([published('wechat'), a, b, fix]), rules).filter((l) => l.family === 'engagement');
    const two = entitlementLines(item([published('wechat'), b, a, fix]), rules).filter((l) => l.family === 'engagement');
    expect(one.map((l) => l.amountFen)).toEqual([40000]);
    expect(two.map(({ eventIds: _a, ...l }) => l)).toEqual(one.map(({ eventIds: _b, ...l }) => l));
  });

  it('003-A: submitted 1, adopted by the province 100, with a leader\u2019s instruction 100 more, to the unit (R3.16)', () => {
    const lines = entitlementLines(
      item([
        ev('DraftAdopted', { adoptionId: 'ad-1', publicationName: '省委信息', levelKey: 'province', adoptedAt: '2026-03-10T02:00:00.000Z' }),
        ev('LeaderInstructionRecorded', { instructionId: 'in-1', levelKey: 'province', leader: '省领导', instructedAt: '2026-04-02T02:00:00.000Z' }),
      ]),
      env([loadExamplePolicy('district-office-scoring-003A.json')]),
    );
    expect(lines.map((l) => [l.reason, l.points, l.payee.kind, l.businessDate])).toEqual([
      ['adopted at province', 100, 'unit', '2026-03-10'],
      ['instructed at province', 100, 'unit', '2026-04-02'],
      ['submitted', 1, 'unit', '2026-03-01'],
    ]);
  });

  it('003-A staff bonus (R3.28): +50 points to the author per item adopted by the province, +50 per instruction by a city leader', () => {
    const lines = entitlementLines(
      item([
        ev('DraftAdopted', { adoptionId: 'ad-1', publicationName: '省委办信息', levelKey: 'province', adoptedAt: '2026-03-10T02:00:00.000Z' }),
        ev('DraftAdopted', { adoptionId: 'ad-2', publicationName: '市委信息', levelKey: 'city', adoptedAt: '2026-03-11T02:00:00.000Z' }),
        ev('LeaderInstructionRecorded', { instructionId: 'in-1', levelKey: 'city', leader: '市委领导', instructedAt: '2026-03-20T02:00:00.000Z' }),
      ]),
      env([loadExamplePolicy('district-office-staff-bonus-003A.json')]),
    );
    expect(lines.map((l) => [l.reason, l.points, l.payee])).toEqual([
      ['adopted at province', 50, { kind: 'member', id: AUTHOR }],
      ['instructed at city', 50, { kind: 'member', id: AUTHOR }],
    ]);
  });

  it('001-P: 5/10/20/30/50 by the highest level only (R3.15)', () => {
    const policy = env([loadExamplePolicy('culture-bureau-points-001P.json')]);
    const levels = ['unit', 'district', 'city', 'province', 'national'];
    const points = levels.map((levelKey, i) =>
      entitlementLines(
        item(levels.slice(0, i + 1).map((k, j) => ev('DraftAdopted', { adoptionId: `ad-${k}`, publicationName: k, levelKey: k, adoptedAt: `2026-03-1${j}T02:00:00.000Z` }))),
        policy,
      ).map((l) => l.points),
    );
    expect(points).toEqual([[5], [10], [20], [30], [50]]);
  });

  it('004-07: a brief adopted by the province 50 yuan, rated excellent at that level x2 (R3.20-R3.23)', () => {
    const fees = env([loadExamplePolicy('discipline-fees-004-07.json')]);
    const adopted = ev('DraftAdopted', { adoptionId: 'ad-1', publicationName: '省纪委信息', levelKey: 'province', adoptedAt: '2026-03-10T02:00:00.000Z' });
    expect(yuan(entitlementLines(item([adopted], { contentType: 'brief' }), fees))).toBe(50);
    const rated = ev('DraftRatedExcellent', { levelKey: 'province', ratedAt: '2026-03-20T02:00:00.000Z' });
    expect(yuan(entitlementLines(item([adopted, rated], { contentType: 'brief' }), fees))).toBe(100);
  });

  it('the policy in force at the fact\u2019s business time decides: a version effective from April pays the April publication only', () => {
    const v2 = { ...collegeA, version: 2, effectiveFrom: '2026-04-01', rules: { ...collegeA.rules, itemRewards: collegeA.rules.itemRewards!.map((r) => (r.id === 'wechat-item-100-yuan' ? { ...r, amountFen: 15000 } : r)) } };
    const both = env([collegeA, v2]);
    const march = entitlementLines(item([published('wechat', '2026-03-31T15:59:00.000Z')]), both); // 23:59 in Shanghai
    const april = entitlementLines(item([published('wechat', '2026-03-31T16:00:00.000Z')]), both); // 00:00 on 1 April
    expect(march.map((l) => [l.policyVersion, l.amountFen, l.businessDate])).toEqual([[1, 10000, '2026-03-31']]);
    expect(april.map((l) => [l.policyVersion, l.amountFen, l.businessDate])).toEqual([[2, 15000, '2026-04-01']]);
  });

  it('a retracted or never submitted item earns nothing', () => {
    expect(entitlementLines(item([published('wechat'), ev('DraftRetracted', { retractedAt: '2026-03-03T00:00:00.000Z' })]), rules)).toEqual([]);
    const created = foldItem(undefined, ev('DraftCreated', { unitId: UNIT, content: { authors: [AUTHOR], recommenderId: null, contentType: 'news', source: 'original', body: 'x' } }))!;
    expect(entitlementLines(foldItem(created, published('wechat'))!, rules)).toEqual([]);
  });
});
