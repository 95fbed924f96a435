import type { PoolClient } from 'pg';
import fc from 'fast-check';
import { applyInSchema, dumpSchema, EventLog, specMismatches } from '@app/projections';
import type { PolicyDocument } from '@app/policies';
import { loadExamplePolicy } from '@app/policies/testing';
import { createTestDatabase, TestDatabase } from '@test/support';
import { REEVALUATION, REWARD_TABLES, rewardsProjection } from './rewards.projection';

const uuid = (prefix: string, n: number) => `00000000-0000-4000-${prefix}-${String(n).padStart(12, '0')}`;
const UNIT = uuid('8000', 1);
const CHANNEL = 'wechat-campus';
const collegeA = loadExamplePolicy('college-new-media-000A.json');
/** Version 2, published later with an effective date in the past: WeChat items pay 150 yuan from 1 March 2026. */
const collegeA2: PolicyDocument = {
  ...collegeA,
  version: 2,
  effectiveFrom: '2026-03-01',
  rules: { ...collegeA.rules, itemRewards: collegeA.rules.itemRewards!.map((r) => (r.id === 'wechat-item-100-yuan' ? { ...r, amountFen: 15000 } : r)) },
};

function publish(log: EventLog, document: PolicyDocument, at: string, retroactive = false): void {
  log.append(`policy-${document.id}`, 'PolicyDrafted', { policyId: document.id, version: document.version, document, draftedBy: 'admin', draftedAt: at }, at);
  log.append(`policy-${document.id}`, 'PolicyPublished', { policyId: document.id, version: document.version, effectiveFrom: document.effectiveFrom, effectiveTo: document.effectiveTo ?? null, retroactive, publishedBy: 'admin', publishedAt: at }, at);
}

/** The organisation, policy 000-A, and n drafts of the unit published on WeChat in March with observations. */
function history(observations: { draft: number; day: number; reads: number; source: string }[] = [], drafts = 3): EventLog {
  const log = new EventLog();
  log.append(`unit-${UNIT}`, 'UnitRegistered', { unitId: UNIT, name: '宣传科', unitType: 'section', parentId: null, registeredAt: '2026-01-01T00:00:00.000Z' });
  log.append('member-m1', 'MemberRegistered', { memberId: 'm1', name: '张三', phone: null, email: null, status: 'active', registeredAt: '2026-01-01T00:00:00.000Z' });
  log.append(`channel-${CHANNEL}`, 'ChannelRegistered', { channelId: CHANNEL, name: '学院微信', platform: 'wechat', handle: 'campus', ownerUnitId: UNIT, levelKey: 'unit', registeredAt: '2026-01-01T00:00:00.000Z' });
  log.append(`channel-${CHANNEL}`, 'FollowerCountRecorded', { channelId: CHANNEL, count: 10_000, asOf: '2026-01-01T00:00:00.000Z', recordedAt: '2026-01-01T00:00:00.000Z' });
  publish(log, collegeA, '2026-01-02T00:00:00.000Z');
  for (let i = 1; i <= drafts; i++) {
    const draftId = uuid('a000', i);
    const stream = `draft-${draftId}`;
    log.append(stream, 'DraftCreated', {
      draftId,
      unitId: UNIT,
      createdBy: 'm1',
      content: { title: `稿件${i}`, body: '正文', contentType: 'news', source: 'original', authors: ['m1'], recommenderId: null },
      commissionId: null,
      createdAt: '2026-03-01T00:00:00.000Z',
    });
    log.append(stream, 'DraftSubmitted', { draftId, unitId: UNIT, round: 1, submittedBy: 'm1', submittedAt: '2026-03-01T01:00:00.000Z', check: { formComplete: true, missingFields: [] } });
    log.append(stream, 'DraftPublished', { draftId, publicationId: uuid('b000', i), channelId: CHANNEL, levelKey: 'unit', platform: 'wechat', url: 'https://mp.example/x', publishedAt: `2026-03-0${i}T02:00:00.000Z`, exclusiveFirstRelease: false, recordedBy: 'm1' });
  }
  for (const o of observations) {
    log.append(`metrics-${uuid('b000', o.draft)}`, 'MetricsRecorded', {
      publicationId: uuid('b000', o.draft),
      draftId: uuid('a000', o.draft),
      channelId: CHANNEL,
      platform: 'wechat',
      publishedAt: `2026-03-0${o.draft}T02:00:00.000Z`,
      observedAt: new Date(Date.parse(`2026-03-0${o.draft}T02:00:00.000Z`) + o.day * 86_400_000).toISOString(),
      source: o.source,
      reads: o.reads,
      reposts: 0,
      interactions: 0,
      followers: null,
      replaces: null,
      recordedBy: 'm1',
      recordedAt: '2026-03-20T00:00:00.000Z',
    });
  }
  return log;
}

const chunks = <T>(items: readonly T[], size: number) => Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, i * size + size));
type Line = { draft_id: string; rule_id: string; amount_fen: number; policy_version: number; business_date: string };
const lines = (dump: Record<string, unknown[]>) =>
  (dump.entitlements as Line[]).map(({ draft_id, rule_id, amount_fen, policy_version, business_date }) => ({ draft_id, rule_id, amount_fen, policy_version, business_date }));

/**
 * Ranking (000-A 二.4, R3.12): units 1-3 run their own WeChat channels; unit n publishes `counts[n-1]` items on
 * WeChat in March (100 yuan each), and unit 4 (type section too) only Weibo items (20 yuan each).
 */
const prizeUnit = (n: number) => uuid('8100', n);
function prizeHistory(counts: readonly number[], weibo = 0): EventLog {
  const log = new EventLog();
  log.append('member-m1', 'MemberRegistered', { memberId: 'm1', name: '张三', phone: null, email: null, status: 'active', registeredAt: '2026-01-01T00:00:00.000Z' });
  for (let n = 1; n <= 4; n++) {
    log.append(`unit-${prizeUnit(n)}`, 'UnitRegistered', { unitId: prizeUnit(n), name: `单位${n}`, unitType: 'section', parentId: null, registeredAt: '2026-01-01T00:00:00.000Z' });
    const platform = n === 4 ? 'weibo' : 'wechat';
    log.append(`channel-ch-${n}`, 'ChannelRegistered', { channelId: `ch-${n}`, name: `单位${n}${platform}`, platform, handle: `u${n}`, ownerUnitId: prizeUnit(n), levelKey: 'unit', registeredAt: '2026-01-01T00:00:00.000Z' });
  }
  publish(log, collegeA, '2026-01-02T00:00:00.000Z');
  counts.forEach((count, i) => publishItems(log, i + 1, count));
  publishItems(log, 4, weibo);
  return log;
}
let prizeDrafts = 0;
function publishItems(log: EventLog, n: number, count: number, day = 10): void {
  for (let k = 0; k < count; k++) {
    const draftId = uuid('a100', ++prizeDrafts);
    const stream = `draft-${draftId}`;
    log.append(stream, 'DraftCreated', {
      draftId,
      unitId: prizeUnit(n),
      createdBy: 'm1',
      content: { title: `稿件${prizeDrafts}`, body: '正文', contentType: 'news', source: 'original', authors: ['m1'], recommenderId: null },
      commissionId: null,
      createdAt: '2026-03-01T00:00:00.000Z',
    });
    log.append(stream, 'DraftSubmitted', { draftId, unitId: prizeUnit(n), round: 1, submittedBy: 'm1', submittedAt: '2026-03-01T01:00:00.000Z', check: { formComplete: true, missingFields: [] } });
    const platform = n === 4 ? 'weibo' : 'wechat';
    log.append(stream, 'DraftPublished', { draftId, publicationId: uuid('b100', prizeDrafts), channelId: `ch-${n}`, levelKey: 'unit', platform, url: 'https://mp.example/x', publishedAt: `2026-03-${day}T02:00:00.000Z`, exclusiveFirstRelease: false, recordedBy: 'm1' });
  }
}
/** The scheduler's fact that March 2026 ended in Asia/Shanghai. */
const marchEnded = (log: EventLog) =>
  log.append('businessCalendar-month', 'BusinessPeriodEnded', { period: 'month', key: '2026-03', startedAt: '2026-02-28T16:00:00.000Z', endedAt: '2026-03-31T16:00:00.000Z', timeZone: 'Asia/Shanghai' }, '2026-03-31T16:00:05.000Z');
type PrizeRow = Line & { family: string; payee_id: string; line_key: string; event_ids: string[]; parameters: { rank: number } };
const prizes = (dump: Record<string, unknown[]>) =>
  (dump.entitlements as PrizeRow[])
    .filter((l) => l.family === 'ranking')
    .map((l) => [l.payee_id, l.amount_fen / 100, l.parameters.rank, l.business_date])
    .sort((a, b) => Number(a[2]) - Number(b[2]) || String(a[0]).localeCompare(String(b[0])));

describe('rewards projection (entitlements), written in bulk', () => {
  let db: TestDatabase;
  let client: PoolClient;
  let schemas = 0;
  const build = async (batches: readonly (readonly EventLog['events'][number][])[], parameters?: Record<string, unknown>) => {
    const schema = `rewards_${++schemas}`;
    const def = parameters ? { ...rewardsProjection, applyBatch: (events: never, ctx: never) => rewardsProjection.applyBatch!(events, { ...(ctx as object), parameters } as never) } : rewardsProjection;
    await applyInSchema(client, def, schema, batches);
    return dumpSchema(client, rewardsProjection, schema);
  };
  beforeAll(async () => {
    db = await createTestDatabase({ migrate: false, poolSize: 1 });
    client = await db.pool.connect();
  });
  afterAll(async () => {
    client.release();
    await db.drop();
  });

  it('pays each published item under the policy in force, and one batch equals batches of three, event by event, and a redelivery', async () => {
    const { events } = history([{ draft: 1, day: 2, reads: 4_500, source: 'platform' }]);
    const whole = await build([events, events.slice(3)]);
    expect(await build(chunks(events, 3))).toEqual(whole);
    expect(await build(chunks(events, 1))).toEqual(whole);
    const byKey = (a: Line, b: Line) => `${a.draft_id}${a.rule_id}`.localeCompare(`${b.draft_id}${b.rule_id}`);
    expect(lines(whole).sort(byKey)).toEqual([
      { draft_id: uuid('a000', 1), rule_id: 'wechat-item-100-yuan', amount_fen: 10000, policy_version: 1, business_date: '2026-03-01' },
      { draft_id: uuid('a000', 1), rule_id: 'wechat-reads-per-20-percent', amount_fen: 20000, policy_version: 1, business_date: '2026-03-01' },
      { draft_id: uuid('a000', 2), rule_id: 'wechat-item-100-yuan', amount_fen: 10000, policy_version: 1, business_date: '2026-03-02' },
      { draft_id: uuid('a000', 3), rule_id: 'wechat-item-100-yuan', amount_fen: 10000, policy_version: 1, business_date: '2026-03-03' },
    ]);
  }, 60_000);

  it('a version published later with a past effective date re-evaluates the items in its period, as a rebuild does', async () => {
    const log = history();
    publish(log, collegeA2, '2026-04-10T00:00:00.000Z', true);
    log.append(`policy-${collegeA.id}`, 'PolicySuperseded', { policyId: collegeA.id, version: 1, supersededBy: 2, supersededAt: '2026-04-10T00:00:00.000Z' }, '2026-04-10T00:00:00.000Z');
    const { events } = log;
    // live: the items were paid under version 1 in earlier batches; the retroactive version comes in a later one
    const live = await build([events.slice(0, -3), events.slice(-3)]);
    const rebuilt = await build([events]);
    expect(live).toEqual(rebuilt);
    expect(lines(live).filter((l) => l.rule_id === 'wechat-item-100-yuan').map((l) => [l.policy_version, l.amount_fen])).toEqual([
      [2, 15000],
      [2, 15000],
      [2, 15000],
    ]);
  }, 60_000);

  it('the items a retroactive version reaches are re-evaluated page by page: pages of one item give what one page gives', async () => {
    const log = history([], 5);
    publish(log, collegeA2, '2026-04-10T00:00:00.000Z', true);
    const { events } = log;
    const onePage = await build([events.slice(0, -2), events.slice(-2)]);
    REEVALUATION.page = 1;
    try {
      const pages = await build([events.slice(0, -2), events.slice(-2)]);
      expect(pages).toEqual(onePage);
    } finally {
      REEVALUATION.page = 2_000;
    }
    expect(lines(onePage).filter((l) => l.rule_id === 'wechat-item-100-yuan').map((l) => l.amount_fen)).toEqual([15000, 15000, 15000, 15000, 15000]);
  }, 60_000);

  it('a shadow build treating a draft version as published differs from live only where the draft changes amounts', async () => {
    const { events } = history([{ draft: 2, day: 1, reads: 6_000, source: 'platform' }]);
    const live = await build([events]);
    const whatIf = await build([events], { policies: { treatAsPublished: [collegeA2] } });
    const money = (dump: Record<string, unknown[]>) => lines(dump).map((l) => `${l.draft_id}:${l.rule_id}:${l.amount_fen}`).sort();
    expect(money(live)).toEqual([
      `${uuid('a000', 1)}:wechat-item-100-yuan:10000`,
      `${uuid('a000', 2)}:wechat-item-100-yuan:10000`,
      `${uuid('a000', 2)}:wechat-reads-per-20-percent:30000`,
      `${uuid('a000', 3)}:wechat-item-100-yuan:10000`,
    ]);
    expect(money(whatIf)).toEqual([
      `${uuid('a000', 1)}:wechat-item-100-yuan:15000`,
      `${uuid('a000', 2)}:wechat-item-100-yuan:15000`,
      `${uuid('a000', 2)}:wechat-reads-per-20-percent:30000`,
      `${uuid('a000', 3)}:wechat-item-100-yuan:15000`,
    ]);
  }, 60_000);

  it('property: a version published anywhere in the log with a past effective date gives, live in any batching, what a rebuild gives', async () => {
    const base = history().events;
    const firstAfterV1 = base.findIndex((e) => e.type === 'PolicyPublished') + 1;
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('2026-03-01', '2026-03-02', '2026-03-03', '2026-03-04'),
        fc.integer({ min: firstAfterV1, max: base.length }),
        fc.integer({ min: 1, max: 6 }),
        async (effectiveFrom, at, size) => {
          const v2 = { ...collegeA2, effectiveFrom };
          const extra = new EventLog();
          extra.append(`policy-${collegeA.id}`, 'Filler', {}); // revisions 0 and 1 are v1's drafted and published
          extra.append(`policy-${collegeA.id}`, 'Filler', {});
          publish(extra, v2, '2026-04-10T00:00:00.000Z', true);
          const events = [...base.slice(0, at), ...extra.events.slice(2), ...base.slice(at)].map((e, i) => ({ ...e, position: BigInt(i + 1) }));
          const live = await build(chunks(events, size));
          expect(live).toEqual(await build([events]));
          // and it is the policy in force at each publication's business date that pays
          const paid = lines(live).filter((l) => l.rule_id === 'wechat-item-100-yuan').sort((a, b) => a.business_date.localeCompare(b.business_date));
          expect(paid.map((l) => [l.business_date, l.amount_fen])).toEqual(paid.map((l) => [l.business_date, l.business_date >= effectiveFrom ? 15000 : 10000]));
          expect(paid).toHaveLength(3);
        },
      ),
      { numRuns: 10 },
    );
  }, 180_000);

  it('property: entitlements do not depend on the order in which metric observations arrive, nor on the batching', async () => {
    const observation = fc.record({ draft: fc.integer({ min: 1, max: 3 }), day: fc.integer({ min: 0, max: 9 }), reads: fc.integer({ min: 0, max: 20_000 }), source: fc.constantFrom('platform', 'manual') });
    await fc.assert(
      fc.asyncProperty(fc.uniqueArray(observation, { minLength: 1, maxLength: 8, selector: (o) => `${o.draft}|${o.day}|${o.source}` }), fc.integer({ min: 1, max: 7 }), async (observations, size) => {
        const inOrder = lines(await build([history(observations).events]));
        const shuffled = [...observations].reverse();
        const other = lines(await build(chunks(history(shuffled).events, size)));
        expect(other).toEqual(inOrder);
      }),
      { numRuns: 12 },
    );
  }, 120_000);

  describe('ranking prizes (R3.12: 每月第一名500元,第二名300元,第三名100元)', () => {
    it('a monthly top-3 of 500/300/100 appears only once BusinessPeriodEnded says March has ended, dated its last day', async () => {
      const log = prizeHistory([3, 2, 1], 30);
      const before = await build([log.events]);
      expect(prizes(before)).toEqual([]);
      const ended = marchEnded(log);
      const after = await build([log.events]);
      // unit 4's 30 Weibo items (600 yuan) do not count in the WeChat ranking
      expect(prizes(after)).toEqual([
        [prizeUnit(1), 500, 1, '2026-03-31'],
        [prizeUnit(2), 300, 2, '2026-03-31'],
        [prizeUnit(3), 100, 3, '2026-03-31'],
      ]);
      const first = (after.entitlements as PrizeRow[]).find((l) => l.family === 'ranking' && l.payee_id === prizeUnit(1))!;
      expect(first.event_ids[0]).toBe(ended.metadata.eventId);
      expect(first.event_ids.length).toBeGreaterThan(3);
      expect(after.reward_periods).toEqual([{ period: 'month', period_key: '2026-03', from_date: '2026-03-01', to_date: '2026-03-31', event_id: ended.metadata.eventId }]);
    }, 60_000);

    it('one batch equals batches of three, event by event, and a redelivery; a period of another time zone awards nothing', async () => {
      const log = prizeHistory([1, 2, 2]);
      marchEnded(log);
      const { events } = log;
      const whole = await build([events]);
      expect(prizes(whole)).toEqual([
        [prizeUnit(2), 500, 1, '2026-03-31'],
        [prizeUnit(3), 500, 1, '2026-03-31'],
        [prizeUnit(1), 100, 3, '2026-03-31'],
      ]);
      expect(await build(chunks(events, 3))).toEqual(whole);
      expect(await build(chunks(events, 1))).toEqual(whole);
      expect(await build([events, events.slice(-4)])).toEqual(whole);
      const utc = prizeHistory([1, 2, 2]);
      utc.append('businessCalendar-month', 'BusinessPeriodEnded', { period: 'month', key: '2026-03', startedAt: '2026-03-01T00:00:00.000Z', endedAt: '2026-04-01T00:00:00.000Z', timeZone: 'UTC' });
      expect(prizes(await build([utc.events]))).toEqual([]);
    }, 60_000);

    it('a late publication in March, recorded after the period ended, moves the prize, as a rebuild does', async () => {
      const log = prizeHistory([3, 2, 1]);
      marchEnded(log);
      const endedAt = log.events.length;
      publishItems(log, 3, 3, 20); // unit 3: 1 + 3 items, 400 yuan, now first
      const { events } = log;
      const live = await build([events.slice(0, endedAt - 5), events.slice(endedAt - 5, endedAt), events.slice(endedAt, endedAt + 4), events.slice(endedAt + 4)]);
      expect(live).toEqual(await build([events]));
      expect(prizes(live)).toEqual([
        [prizeUnit(3), 500, 1, '2026-03-31'],
        [prizeUnit(1), 300, 2, '2026-03-31'],
        [prizeUnit(2), 100, 3, '2026-03-31'],
      ]);
    }, 60_000);

    it('a retroactive version without the ranking rule withdraws the ended period\u2019s prizes, as a rebuild does', async () => {
      const log = prizeHistory([3, 2, 1]);
      marchEnded(log);
      const split = log.events.length;
      const noRanking: PolicyDocument = { ...collegeA, version: 2, effectiveFrom: '2026-03-01', rules: { ...collegeA.rules, rankingPrizes: [] } };
      publish(log, noRanking, '2026-04-10T00:00:00.000Z', true);
      log.append(`policy-${collegeA.id}`, 'PolicySuperseded', { policyId: collegeA.id, version: 1, supersededBy: 2, supersededAt: '2026-04-10T00:00:00.000Z' }, '2026-04-10T00:00:00.000Z');
      const live = await build([log.events.slice(0, split), log.events.slice(split)]);
      expect(live).toEqual(await build([log.events]));
      expect(prizes(live)).toEqual([]);
    }, 60_000);
  });

  it('its table specs say what its setup creates', async () => {
    expect(await specMismatches(client, 'rewards_1', Object.values(REWARD_TABLES))).toEqual([]);
  });
});
