import * as path from 'node:path';
import type { DomainEvent } from '@app/kernel';
import { migrationsDir } from '@app/platform';
import { readPolicyFiles } from '@app/policies';
import { rankingPrizeItemId, type StatementLine } from '@app/rewards';
import { EntitlementsModel } from './entitlements-model';

const [POLICY] = readPolicyFiles(path.join(path.dirname(migrationsDir()), 'policies'), ['city-police-new-media-rewards.json']);
const RULE = 'monthly-unit-wechat-ranking';
const MARCH = { period: 'month' as const, key: '2025-03' };
const unit = (n: number) => `00000000-0000-4000-8000-00000000000${n}`;
const draft = (n: number) => `00000000-0000-4000-8000-0000000001${String(n).padStart(2, '0')}`;

/**
 * The generator's finance awards ranking prizes as the rewards projection does (its closes are checked against a
 * rewards build in apps/api/src/generated-payouts.int-spec.ts): here the policy of the generated history (a monthly
 * unit WeChat ranking, 500/300/100 yuan) ranks units whose WeChat items earn 100 yuan each.
 */
describe('the generator\u2019s entitlements model: ranking prizes', () => {
  let model: EntitlementsModel;
  let seq = 0;
  const observe = (type: string, data: Record<string, unknown>, at: string) => model.observe({ type, data } as DomainEvent, `event-${String(++seq).padStart(3, '0')}`, at, Date.parse(at));
  const eventId = (n: number) => `event-${String(n).padStart(3, '0')}`;

  /** A unit's WeChat item published on a day of March 2025 (100 yuan to its author). */
  const item = (n: number, unitNo: number, day: number) => {
    const at = `2025-03-${String(day).padStart(2, '0')}T02:00:00.000Z`;
    observe('DraftCreated', { draftId: draft(n), unitId: unit(unitNo), createdBy: 'm1', content: { title: `稿件${n}`, body: '正文', contentType: 'news', source: 'original', authors: ['m1'], recommenderId: null }, commissionId: null, createdAt: at }, at);
    observe('DraftSubmitted', { draftId: draft(n), unitId: unit(unitNo), round: 1, submittedBy: 'm1', submittedAt: at, check: { formComplete: true, missingFields: [] } }, at);
    observe('DraftPublished', { draftId: draft(n), publicationId: `${draft(n)}-p`, channelId: `channel-${unitNo}`, levelKey: 'unit', platform: 'wechat', url: 'https://mp.example/x', publishedAt: at, exclusiveFirstRelease: false, recordedBy: 'm1' }, at);
  };
  const endMarch = () => {
    observe('BusinessPeriodEnded', { period: 'day', key: '2025-03-31', startedAt: '2025-03-30T16:00:00.000Z', endedAt: '2025-03-31T16:00:00.000Z', timeZone: 'Asia/Shanghai' }, '2025-03-31T16:00:00.000Z');
    observe('BusinessPeriodEnded', { period: 'month', key: '2025-03', startedAt: '2025-02-28T16:00:00.000Z', endedAt: '2025-03-31T16:00:00.000Z', timeZone: 'Asia/Shanghai' }, '2025-03-31T16:00:00.000Z');
    return eventId(seq);
  };
  const prizes = (lines: StatementLine[]) =>
    lines
      .filter((l) => l.lineKey.startsWith('ranking:'))
      .map((l) => [l.payee.id, l.amountFen / 100])
      .sort((a, b) => (a[0]! < b[0]! ? -1 : 1));
  const march = () => model.lines('2025-03-01', '2025-03-31', new Map());

  beforeEach(() => {
    model = new EntitlementsModel();
    seq = 0;
    const at = '2025-01-02T01:00:00.000Z';
    for (const n of [1, 2, 3]) {
      observe('UnitRegistered', { unitId: unit(n), name: `科${n}`, unitType: 'section', parentId: null, registeredAt: at }, at);
      observe('ChannelRegistered', { channelId: `channel-${n}`, name: `微信${n}`, platform: 'wechat', handle: `h${n}`, ownerUnitId: unit(n), levelKey: 'unit', registeredAt: at }, at);
    }
    observe('PolicyDrafted', { policyId: POLICY!.id, version: POLICY!.version, document: POLICY, draftedBy: 'admin', draftedAt: at }, at);
    observe('PolicyPublished', { policyId: POLICY!.id, version: POLICY!.version, effectiveFrom: POLICY!.effectiveFrom, effectiveTo: null, retroactive: false, publishedBy: 'admin', publishedAt: at }, at);
    // unit 3: 300 yuan, unit 1: 200, unit 2: 100
    item(1, 1, 3);
    item(2, 1, 10);
    item(3, 2, 11);
    item(4, 3, 12);
    item(5, 3, 20);
    item(6, 3, 31);
  });

  it('awards none before the month has ended, then the month\u2019s prizes, dated its last day, filed as the projection files them', () => {
    expect(prizes(march())).toEqual([]);
    const ended = endMarch();
    const lines = march();
    expect(prizes(lines)).toEqual([
      [unit(1), 300],
      [unit(2), 100],
      [unit(3), 500],
    ]);
    const first = lines.find((l) => l.lineKey.startsWith('ranking:') && l.payee.id === unit(3))!;
    expect(first).toMatchObject({
      draftId: rankingPrizeItemId(POLICY!.id, RULE, MARCH),
      lineKey: `ranking:month:2025-03:${POLICY!.id}:${RULE}:${unit(3)}`,
      payee: { kind: 'unit', id: unit(3) },
      businessDate: '2025-03-31',
      points: 0,
      amountFen: 50_000,
      ruleId: RULE,
    });
    // the period's end, then every event of the unit's counted lines (created, submitted, published of items 4-6)
    expect(first.eventIds[0]).toBe(ended);
    expect(first.eventIds.length).toBeGreaterThan(3);
    // no policy ranks days
    expect(lines.filter((l) => l.lineKey.startsWith('ranking:day:'))).toEqual([]);
  });

  it('replaces an ended month\u2019s prizes when its standings change later, its items frozen or not', () => {
    endMarch();
    march();
    // after a close: the items untouched since keep their facts as JSON
    model.freeze(Date.parse('2025-04-08T00:00:00.000Z'), '2025-03-31');
    // April: two of unit 3's items are retracted (their lines go): unit 1 leads, units 2 and 3 share the second rank
    observe('DraftRetracted', { draftId: draft(4), retractedBy: 'm1', retractedAt: '2025-04-09T02:00:00.000Z', reason: '撤稿' }, '2025-04-09T02:00:00.000Z');
    observe('DraftRetracted', { draftId: draft(5), retractedBy: 'm1', retractedAt: '2025-04-09T02:00:00.000Z', reason: '撤稿' }, '2025-04-09T02:00:00.000Z');
    expect(prizes(march())).toEqual([
      [unit(1), 500],
      [unit(2), 300],
      [unit(3), 300],
    ]);
    // a new version of the policy without the ranking takes the prizes away
    const at = '2025-04-10T02:00:00.000Z';
    const v2 = { ...POLICY!, version: POLICY!.version + 1, rules: { ...POLICY!.rules, rankingPrizes: [] } };
    observe('PolicyDrafted', { policyId: v2.id, version: v2.version, document: v2, draftedBy: 'admin', draftedAt: at }, at);
    observe('PolicyPublished', { policyId: v2.id, version: v2.version, effectiveFrom: v2.effectiveFrom, effectiveTo: null, retroactive: true, publishedBy: 'admin', publishedAt: at }, at);
    expect(prizes(march())).toEqual([]);
  });
});
