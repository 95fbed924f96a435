import { PolicyDocument, PolicySet } from '@app/policies';
import { loadExamplePolicy } from '@app/policies/testing';
import { EndedPeriod, PeriodEarnings, RankingEnvironment, rankingPrizeLines } from './ranking-prizes';

const unit = (n: number) => `00000000-0000-4000-8000-00000000000${n}`;
const MARCH: EndedPeriod = { period: 'month', key: '2026-03', from: '2026-03-01', to: '2026-03-31', eventId: 'period-2026-03' };
const collegeA = loadExamplePolicy('college-new-media-000A.json');

function env(documents: PolicyDocument[]): RankingEnvironment {
  const set = new PolicySet(documents);
  return { inForce: (unitType, date) => set.inForce(unitType, date), unitType: (unitId) => (unitId.startsWith('00000000') ? 'section' : undefined) };
}

/** A unit's WeChat lines of March worth `yuan`. */
const wechat = (n: number, yuan: number, platform: string | null = 'wechat'): PeriodEarnings => ({
  unitId: unit(n),
  payee: { kind: 'unit', id: unit(n) },
  platform,
  amountFen: yuan * 100,
  eventIds: [`e-${n}-${platform}`],
});
const prizes = (lines: ReturnType<typeof rankingPrizeLines>) => lines.map((l) => [l.payee.id, l.amountFen / 100, (l.parameters as { rank: number }).rank]);

describe('ranking prizes (000-A 二.4, R3.12: 每月第一名奖励运营团队500元,第二名300元,第三名100元)', () => {
  describe('when March has ended', () => {
    it('pays the monthly top 3 of the unit WeChat ranking 500, 300 and 100 yuan, to the units, dated the last day', () => {
      const lines = rankingPrizeLines(MARCH, [wechat(1, 300), wechat(2, 900), wechat(3, 100), wechat(4, 600)], env([collegeA]));
      expect(prizes(lines).sort((a, b) => Number(a[2]) - Number(b[2]))).toEqual([
        [unit(2), 500, 1],
        [unit(4), 300, 2],
        [unit(1), 100, 3],
      ]);
      const first = lines.find((l) => l.payee.id === unit(2))!;
      expect(first).toMatchObject({
        family: 'ranking',
        payee: { kind: 'unit', id: unit(2) },
        unitId: unit(2),
        businessDate: '2026-03-31',
        points: 0,
        policyId: collegeA.id,
        policyVersion: collegeA.version,
        ruleId: 'monthly-unit-wechat-ranking',
        parameters: { period: 'month', periodKey: '2026-03', scope: 'unit', platforms: ['wechat'], prizesFen: [50000, 30000, 10000], rank: 1, tied: 1, standingFen: 90000 },
        eventIds: ['period-2026-03', 'e-2-wechat'],
      });
      expect(first.key).toBe(`ranking:month:2026-03:${collegeA.id}:monthly-unit-wechat-ranking:${unit(2)}`);
    });

    it('tied units share the rank and each gets its prize; the next rank skips (1, 1, 3)', () => {
      const lines = rankingPrizeLines(MARCH, [wechat(1, 500), wechat(2, 500), wechat(3, 200), wechat(4, 100)], env([collegeA]));
      expect(prizes(lines)).toEqual([
        [unit(1), 500, 1],
        [unit(2), 500, 1],
        [unit(3), 100, 3],
      ]);
      expect(lines[0]!.parameters).toMatchObject({ tied: 2 });
    });

    it('a tie for the last prize pays every tied unit (1, 2, 3, 3)', () => {
      const lines = rankingPrizeLines(MARCH, [wechat(1, 900), wechat(2, 500), wechat(3, 200), wechat(4, 200)], env([collegeA]));
      expect(prizes(lines)).toEqual([
        [unit(1), 500, 1],
        [unit(2), 300, 2],
        [unit(3), 100, 3],
        [unit(4), 100, 3],
      ]);
    });

    it('a unit with nothing earns no prize, even when fewer units than prizes earned anything', () => {
      const lines = rankingPrizeLines(MARCH, [wechat(1, 100), wechat(2, 0)], env([collegeA]));
      expect(prizes(lines)).toEqual([[unit(1), 500, 1]]);
      expect(rankingPrizeLines(MARCH, [], env([collegeA]))).toEqual([]);
    });

    it('counts only the lines of publications on the rule\u2019s platforms (a Weibo-rich unit does not win the WeChat ranking)', () => {
      const lines = rankingPrizeLines(MARCH, [wechat(1, 100), wechat(2, 2_000, 'weibo'), wechat(2, 50), wechat(3, 300, null)], env([collegeA]));
      expect(prizes(lines)).toEqual([
        [unit(1), 500, 1],
        [unit(2), 300, 2],
      ]);
    });

    it('without platforms every line counts; a member-scope rule pays the members, filed under the unit that earned them most', () => {
      const memberRule: PolicyDocument = { ...collegeA, rules: { ...collegeA.rules, rankingPrizes: [{ id: 'monthly-member-ranking', period: 'month', scope: 'member', prizesFen: [20000] }] } };
      const lines = rankingPrizeLines(
        MARCH,
        [
          { unitId: unit(1), payee: { kind: 'member', id: 'm-a' }, platform: 'wechat', amountFen: 10_000, eventIds: ['e1'] },
          { unitId: unit(2), payee: { kind: 'member', id: 'm-a' }, platform: 'weibo', amountFen: 20_000, eventIds: ['e2'] },
          { unitId: unit(1), payee: { kind: 'member', id: 'm-b' }, platform: 'wechat', amountFen: 25_000, eventIds: ['e3'] },
          { unitId: unit(1), payee: { kind: 'unit', id: unit(1) }, platform: null, amountFen: 90_000, eventIds: ['e4'] },
        ],
        env([memberRule]),
      );
      expect(lines.map((l) => [l.payee, l.unitId, l.amountFen, l.eventIds])).toEqual([[{ kind: 'member', id: 'm-a' }, unit(2), 20000, ['period-2026-03', 'e1', 'e2']]]);
    });
  });

  describe('which policy applies', () => {
    it('the version in force on the period\u2019s last day, and only rules of the period\u2019s kind', () => {
      const v2: PolicyDocument = { ...collegeA, version: 2, effectiveFrom: '2026-03-31', rules: { ...collegeA.rules, rankingPrizes: [{ id: 'monthly-unit-wechat-ranking', period: 'month', scope: 'unit', platforms: ['wechat'], prizesFen: [80000] }] } };
      const v1: PolicyDocument = { ...collegeA, effectiveTo: '2026-03-30' };
      const lines = rankingPrizeLines(MARCH, [wechat(1, 100), wechat(2, 50)], env([v1, v2]));
      expect(lines.map((l) => [l.payee.id, l.amountFen, l.policyVersion])).toEqual([[unit(1), 80000, 2]]);
      expect(rankingPrizeLines({ ...MARCH, period: 'quarter', key: '2026-Q1', from: '2026-01-01' }, [wechat(1, 100)], env([collegeA]))).toEqual([]);
    });

    it('units of a type no policy with the rule covers are not ranked', () => {
      const other: RankingEnvironment = { ...env([collegeA]), unitType: () => undefined };
      expect(rankingPrizeLines(MARCH, [wechat(1, 100)], other)).toEqual([]);
    });
  });
});
