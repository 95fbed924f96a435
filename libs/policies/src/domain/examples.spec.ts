import * as fs from 'node:fs';
import { compilePolicy } from './compile-policy';
import { validatePolicy } from './validate-policy';
import { examplePoliciesDir, loadExamplePolicy } from '../testing/example-policies';

const yuan = (fen: number) => fen / 100;

describe('example policies', () => {
  it.each(fs.readdirSync(examplePoliciesDir()).filter((f) => f.endsWith('.json')))('%s is valid', (file) => {
    expect(validatePolicy(loadExamplePolicy(file))).toEqual([]);
  });

  describe('college new-media scheme (000-A / 000-B)', () => {
    const p = compilePolicy(loadExamplePolicy('college-new-media-000A.json'));
    const item = { facts: ['e1'], levelKey: 'unit', contentType: 'news', source: 'original' as const, length: 300, formComplete: true, published: true, exclusiveFirstRelease: true, excellent: false };
    it('WeChat item: 100 yuan; Weibo item: 20 yuan, to the first author', () => {
      expect(p.itemRewards({ ...item, platform: 'wechat' }).map((l) => [yuan(l.amountFen), l.payee])).toEqual([[100, 'first_author']]);
      expect(p.itemRewards({ ...item, platform: 'weibo' }).map((l) => yuan(l.amountFen))).toEqual([20]);
    });
    it('incomplete 报送表: no reward (000-B note 1)', () => {
      expect(p.itemRewards({ ...item, platform: 'wechat', formComplete: false })).toEqual([]);
    });
    const engagement = (reads: number, followers = 10000, extra: object = {}) =>
      p.engagementRewards({ facts: ['e1'], source: 'original', publications: [{ platform: 'wechat', followersAtPublication: followers, daysSincePublication: 3, reads, reposts: 0, interactions: 0, ...extra }] });
    it.each([
      [1999, 0],
      [2000, 100],
      [4500, 200],
      [6000, 300],
      [8000, 400],
      [10000, 500],
      [25000, 500],
    ])('WeChat reads %i with 10,000 followers: %i yuan (100 per 20%%, cap 500)', (reads, expected) => {
      expect(engagement(reads).reduce((s, l) => s + yuan(l.amountFen), 0)).toBe(expected);
    });
    it('reads counted after the 7-day window pay nothing', () => {
      expect(engagement(9000, 10000, { daysSincePublication: 8 })).toEqual([]);
    });
    it('no stacking: WeChat 45% (200), Weibo reposts 65% (300), Tieba 250 interactions (100) pay 300 only', () => {
      const lines = p.engagementRewards({
        facts: ['e1'],
        source: 'original',
        publications: [
          { platform: 'wechat', followersAtPublication: 10000, daysSincePublication: 2, reads: 4500, reposts: 0, interactions: 0 },
          { platform: 'weibo', followersAtPublication: 20000, daysSincePublication: 2, reads: 0, reposts: 13000, interactions: 0 },
          { platform: 'tieba', followersAtPublication: null, daysSincePublication: 2, reads: 0, reposts: 0, interactions: 250 },
        ],
      });
      expect(lines.map((l) => [yuan(l.amountFen), l.provenance.ruleId])).toEqual([[300, 'weibo-reposts-per-20-percent']]);
    });
    it('Tieba 200 interactions: 100 yuan; 199: nothing', () => {
      const tieba = (interactions: number) =>
        p.engagementRewards({ facts: [], source: 'original', publications: [{ platform: 'tieba', followersAtPublication: null, daysSincePublication: 1, reads: 0, reposts: 0, interactions }] });
      expect(tieba(200).map((l) => yuan(l.amountFen))).toEqual([100]);
      expect(tieba(199)).toEqual([]);
    });
    it('repost over 10,000 reads: 50 yuan to the recommender', () => {
      const lines = p.engagementRewards({ facts: [], source: 'repost', publications: [{ platform: 'wechat', followersAtPublication: 50000, daysSincePublication: 1, reads: 12000, reposts: 0, interactions: 0 }] });
      expect(lines.map((l) => [yuan(l.amountFen), l.payee])).toEqual([[50, 'recommender']]);
    });
    it('every line names its policy version, clause, parameters and facts', () => {
      const [line] = engagement(4500);
      expect(line!.provenance).toMatchObject({ policyId: 'college-new-media', policyVersion: 1, ruleId: 'wechat-reads-per-20-percent', facts: ['e1'], parameters: { step: 20, amountFenPerStep: 10000, capFen: 50000 } });
    });
    it('Weibo: 141 characters are refused unless marked long-form; the form needs its fields', () => {
      const draft = { contentType: 'news', importance: 'general' as const, destination: 'external' as const, title: 't', targetPlatforms: ['weibo'], longForm: false, formFields: {} };
      const check = p.checkDraft({ ...draft, body: '字'.repeat(141) });
      expect(check.violations.map((v) => v.rule)).toEqual(['weibo-140']);
      expect(check).toMatchObject({ formComplete: false, missingFields: ['providingDepartment', 'platform'] });
      expect(p.checkDraft({ ...draft, body: '字'.repeat(140) }).violations).toEqual([]);
      expect(p.checkDraft({ ...draft, body: '字'.repeat(141), longForm: true }).violations).toEqual([]);
    });
    it('monthly unit WeChat ranking: 500 / 300 / 100 yuan to the top three', () => {
      const lines = p.rankingPrizes('monthly-unit-wechat-ranking', [
        { id: 'unit-c', score: 310 },
        { id: 'unit-a', score: 980 },
        { id: 'unit-d', score: 120 },
        { id: 'unit-b', score: 640 },
      ]);
      expect(lines.map((l) => [l.payee, yuan(l.amountFen)])).toEqual([
        ['unit-a', 500],
        ['unit-b', 300],
        ['unit-c', 100],
      ]);
    });
    it('two-level review: the unit leader signs, the publicity department signs or seals (000-B)', () => {
      const chain = p.resolveChain({ unitType: 'department', contentType: 'news', importance: 'general', destination: 'external' })!;
      expect(chain.steps.map((s) => [s.role, s.signature])).toEqual([
        ['unit_head', 'signature'],
        ['office_reviewer', 'seal'],
      ]);
    });
    it('news within 2 days of the event', () => {
      const onTime = p.timeliness('news', '2026-03-02', new Date('2026-03-04T15:59:00Z'));
      expect(onTime.late).toBe(false);
      const late = p.timeliness('news', '2026-03-02', new Date('2026-03-04T16:07:00Z'));
      expect(late).toMatchObject({ late: true, lateByMinutes: 8 });
    });
  });

  describe('culture bureau points ladder (001-P)', () => {
    const p = compilePolicy(loadExamplePolicy('culture-bureau-points-001P.json'));
    it.each([
      ['unit', 5],
      ['district', 10],
      ['city', 20],
      ['province', 30],
      ['national', 50],
    ])('published at %s: %i points', (level, points) => {
      expect(p.adoptionPoints({ facts: [], submitted: true, adopted: [level], excellent: [], instructed: [] }).map((l) => l.points)).toEqual([points]);
    });
    it('a plain ladder: an item carried at city and province counts 30, once', () => {
      expect(p.adoptionPoints({ facts: [], submitted: true, adopted: ['city', 'province'], excellent: [], instructed: [] }).map((l) => l.points)).toEqual([30]);
    });
    it('important items go to the director after the leader in charge', () => {
      expect(p.resolveChain({ unitType: 'section', contentType: 'dynamic', importance: 'important', destination: 'external' })!.steps.map((s) => s.role)).toEqual(['leader_in_charge', 'principal_leader']);
      expect(p.resolveChain({ unitType: 'section', contentType: 'dynamic', importance: 'general', destination: 'external' })!.steps.map((s) => s.role)).toEqual(['leader_in_charge']);
    });
  });

  describe('district office scoring (003-A)', () => {
    const p = compilePolicy(loadExamplePolicy('district-office-scoring-003A.json'));
    const total = (o: { adopted?: string[]; excellent?: string[]; instructed?: string[] }) =>
      p.adoptionPoints({ facts: [], submitted: true, adopted: o.adopted ?? [], excellent: o.excellent ?? [], instructed: o.instructed ?? [] }).reduce((s, l) => s + l.points, 0);
    it('submitted: 1; adopted by the district: +5; excellent +10; instructed +10 = 26', () => {
      expect(total({})).toBe(1);
      expect(total({ adopted: ['district'] })).toBe(6);
      expect(total({ adopted: ['district'], excellent: ['district'], instructed: ['district'] })).toBe(26);
    });
    it('city 50/+50/+50 and province 100/+100/+100, cumulative', () => {
      expect(total({ adopted: ['city'], excellent: ['city'], instructed: ['city'] })).toBe(151);
      expect(total({ adopted: ['district', 'city', 'province'], excellent: ['province'], instructed: ['province'] })).toBe(1 + 5 + 50 + 100 + 100 + 100);
    });
    it.each([
      [1, 'named in the monthly bulletin (点名通报)'],
      [2, 'missing-report notice to the unit\'s principal leader (缺报通知单)'],
      [3, 'targeted help and supervision (重点帮促)'],
      [5, 'targeted help and supervision (重点帮促)'],
    ])('%i consecutive months missed: %s', (months, action) => {
      expect(p.penalties({ quotaId: 'monthly-submission', facts: [], missing: 1, consecutiveMissedPeriods: months, lateReports: 0 }).escalations.map((e) => e.action)).toEqual([action]);
    });
    it('each late report: −50', () => {
      expect(p.penalties({ quotaId: 'monthly-submission', facts: [], missing: 0, consecutiveMissedPeriods: 0, lateReports: 2 }).lines.map((l) => l.points)).toEqual([-100]);
    });
    it('the 1000-point individual appraisal is an appraisal rule (R4.44, §8.1), not a unit grading: weights 20/20/20/40, < 600 incompetent', () => {
      // scored per person by libs/compliance/src/appraisal (appraisal-score.spec.ts: 599 and 600)
      expect(p.document.rules.grading).toBeUndefined();
      const appraisal = p.document.rules.appraisal!;
      expect(appraisal.components.map((c) => c.weight)).toEqual([20, 20, 20, 40]);
      expect(appraisal.bands).toEqual(expect.arrayContaining([{ key: 'competent', name: '称职', min: 600, boundary: 'inclusive' }]));
    });
  });

  describe('discipline inspection fees (004-07)', () => {
    const p = compilePolicy(loadExamplePolicy('discipline-fees-004-07.json'));
    const fee = (platform: string, contentType: string, levelKey: string, length = 500, excellent = false) =>
      p.itemRewards({ facts: [], platform, levelKey, contentType, source: 'original', length, formComplete: true, published: true, exclusiveFirstRelease: false, excellent }).reduce((s, l) => s + yuan(l.amountFen), 0);
    it.each([
      ['brief', [100, 50, 30, 10]],
      ['main-issue', [200, 100, 50, 20]],
      ['special-issue', [300, 150, 80, 40]],
      ['research', [300, 200, 100, 80]],
    ])('%s at central/province/city/district: %j yuan', (type, amounts) => {
      expect(['national', 'province', 'city', 'district'].map((level) => fee('bulletin', type as string, level))).toEqual(amounts);
    });
    it('regional dailies: 200字以上 100/60/40, 200字以下 50/30/20', () => {
      expect(['province', 'city', 'district'].map((l) => fee('newspaper', 'news', l, 200))).toEqual([100, 60, 40]);
      expect(['province', 'city', 'district'].map((l) => fee('newspaper', 'news', l, 199))).toEqual([50, 30, 20]);
    });
    it('优质稿件: the fee again (x2)', () => {
      expect(fee('bulletin', 'main-issue', 'city', 500, true)).toBe(100);
    });
  });

  describe('law-enforcement bureau (001-C)', () => {
    const p = compilePolicy(loadExamplePolicy('law-enforcement-bureau-001C.json'));
    it('external items: unit head, confidentiality review, then the bureau\'s leader in charge', () => {
      const chain = p.resolveChain({ unitType: 'squad', contentType: 'general', importance: 'general', destination: 'external' })!;
      expect(chain.steps.map((s) => s.role)).toEqual(['unit_head', 'confidentiality_reviewer', 'leader_in_charge']);
      expect(chain.rules).toMatchObject({ twoPersonCheck: true, confidentialityBeforePublication: true });
    });
    it('leader visits within 1 day, general work within 2 days of the event', () => {
      expect(p.timeliness('leader-visit', '2026-03-02', new Date('2026-03-03T15:00:00Z')).late).toBe(false);
      expect(p.timeliness('leader-visit', '2026-03-02', new Date('2026-03-03T16:30:00Z'))).toMatchObject({ late: true, lateByMinutes: 31 });
    });
    it('an emergency\'s written report is due within 1 working day (a Friday event: Monday)', () => {
      const due = p.deadline(new Date('2026-03-06T02:00:00Z'), p.deadlineFor('incident-written-report')!.deadline);
      expect(due.at.toISOString()).toBe('2026-03-09T15:59:59.999Z');
      expect(due.provisional).toBeNull();
    });
    it('hedging words and figures without units are warnings, not refusals', () => {
      const check = p.checkDraft({ contentType: 'general', importance: 'general', destination: 'internal', title: '情况', body: '听说出动了120,可能有人受伤。', targetPlatforms: [], longForm: false, formFields: {} });
      expect(check.violations).toEqual([]);
      expect(check.warnings.map((w) => w.rule)).toEqual(['hedging-words', 'figures-need-units']);
    });
    it('quotas: a brigade with 2 items in a month misses the minimum of 3 by 1; a section with 2 meets its 2', () => {
      expect(p.quotaCompliance('brigade-3-per-month', 'brigade', 2)).toMatchObject({ minimum: 3, met: false, missing: 1, period: 'month' });
      expect(p.quotaCompliance('section-2-per-month', 'section', 2)).toMatchObject({ met: true, missing: 0 });
      expect(p.quotaCompliance('brigade-3-per-month', 'section', 2)).toBeNull();
    });
    it('one event per report (一事一报): several event dates give a warning', () => {
      const check = p.checkDraft({ contentType: 'general', importance: 'general', destination: 'internal', title: 't', body: '3月1日开展巡逻;3月5日召开会议。', targetPlatforms: [], longForm: false, formFields: {} });
      expect(check.warnings.map((w) => w.rule)).toEqual(['one-event-per-report']);
    });
    it('important dynamic items over 600 characters get a warning (原则上)', () => {
      const check = p.checkDraft({ contentType: 'dynamic', importance: 'important', destination: 'internal', title: 't', body: '字'.repeat(601), targetPlatforms: [], longForm: false, formFields: {} });
      expect(check.warnings.map((w) => w.rule)).toEqual(['important-dynamic-600']);
    });
  });

  describe('emergency reporting', () => {
    const at = new Date('2026-03-02T02:00:00Z');
    const after = (minutes: number) => new Date(at.getTime() + minutes * 60_000);
    it('001-I: phone within 20 minutes, written within 2 hours', () => {
      const p = compilePolicy(loadExamplePolicy('county-emergency-001I.json'));
      expect(p.incidentVerdict(at, after(20))).toMatchObject({ verdict: 'on_time', writtenReportDue: after(120) });
      expect(p.incidentVerdict(at, after(27))!.verdict).toBe('late');
    });
    it('incident categories: injured ≥ 1 and hospitalised ≥ 1 day; loss ≥ 500 yuan', () => {
      const p = compilePolicy(loadExamplePolicy('county-government-002B.json'));
      expect(p.incidentCategories({ injured: 1, hospitalisedDays: 1 }).map((c) => c.key)).toEqual(['casualty']);
      expect(p.incidentCategories({ injured: 1, hospitalisedDays: 0 })).toEqual([]);
      expect(p.incidentCategories({ lossYuan: 500 }).map((c) => c.key)).toEqual(['property']);
      expect(p.incidentCategories({ lossYuan: 499 })).toEqual([]);
    });
    it('002-B: after 2 hours late, after 10 hours concealed', () => {
      const p = compilePolicy(loadExamplePolicy('county-government-002B.json'));
      expect(p.incidentVerdict(at, after(120))!.verdict).toBe('on_time');
      expect(p.incidentVerdict(at, after(127))).toMatchObject({ verdict: 'late', minutesAfterIncident: 127 });
      expect(p.incidentVerdict(at, after(601))!.verdict).toBe('concealed');
    });
    it('000-I: 10 minutes to the principal, a draft report within 1 hour', () => {
      const p = compilePolicy(loadExamplePolicy('school-accident-000I.json'));
      expect(p.incidentVerdict(at, after(10))).toMatchObject({ verdict: 'on_time', firstReportDue: after(10), writtenReportDue: after(60) });
      expect(p.incidentVerdict(at, after(11))!.verdict).toBe('late');
    });
  });

  describe('100-point grading (000-W)', () => {
    const p = compilePolicy(loadExamplePolicy('website-grading-000W.json'));
    it.each([
      [90, 'excellent'],
      [89.5, 'pass'],
      [80, 'pass'],
      [79, 'fail'],
    ])('%d points: %s', (score, band) => {
      expect(p.grade({ quantity: score, timeliness: score })!.band).toBe(band);
    });
  });
});
