import type { AppraisalRule } from '@app/policies';
import { loadExamplePolicy } from '@app/policies/testing';
import { appraisalResult, bandOf, itemPoints, LogOccurrence, RecordedEntry } from './appraisal-score';

const rule = loadExamplePolicy('district-office-scoring-003A.json').rules.appraisal!;
const policy = { policyId: 'district-office-scoring', policyVersion: 1, ruleId: rule.id };
const entry = (ruleItemId: string, points: number | null, i = 0): RecordedEntry => ({ itemId: `e${ruleItemId}${i}`, ruleItemId, points, reason: 'r', evidence: ['x'], occurredOn: null, recordedBy: 'office', recordedAt: '2026-03-02T00:00:00Z', eventId: `ev${i}` });
const occurrence = (kind: LogOccurrence['kind'], levelKey: string | null, i: number): LogOccurrence => ({ kind, levelKey, businessDate: '2026-03-02', eventId: `o${i}`, eventType: 'DraftAdopted', draftId: `d${i}`, incidentId: null });

describe('the 1000-point individual appraisal (R4.44, R8.12) from policy 003-A', () => {
  it('declares base 1000 = public 500 + business 500 and weights 20/20/20/40', () => {
    expect(rule.base).toBe(1000);
    expect(rule.parts.map((p) => p.points)).toEqual([500, 500]);
    expect(rule.components.map((c) => [c.key, c.weight])).toEqual([['peer', 20], ['panel', 20], ['directors', 20], ['daily', 40]]);
  });

  it('R8.12: a composite of 599 is 不称职, 600 is not (band "competent" from 600 inclusive)', () => {
    // all reviews 599, daily 1000 − 401 = 599 → 599
    const at599 = appraisalResult({ rule, policy, scores: { peer: 599, panel: 599, directors: 599 }, entries: [entry('r8.02-discipline', -200, 1), entry('r8.03-procedure-loss', -151, 2), entry('r8.02-absence', -50, 3)], occurrences: [] });
    expect(at599).toMatchObject({ daily: 599, composite: 599, status: 'complete', band: { key: 'incompetent', name: '不称职' } });
    const at600 = appraisalResult({ rule, policy, scores: { peer: 600, panel: 600, directors: 600 }, entries: [entry('r8.02-discipline', -200, 1), entry('r8.03-procedure-loss', -150, 2), entry('r8.02-absence', -50, 3)], occurrences: [] });
    expect(at600).toMatchObject({ daily: 600, composite: 600, band: { key: 'competent', name: '称职' } });
  });

  it('the exclusive-boundary variant: with "competent" above 600 exclusive, exactly 600 is 不称职 and 600.01 is not', () => {
    const exclusive: AppraisalRule = { ...rule, bands: rule.bands.map((b) => (b.key === 'competent' ? { ...b, boundary: 'exclusive' } : b)) };
    expect(bandOf(exclusive, 600)).toEqual({ key: 'incompetent', name: '不称职' });
    expect(bandOf(exclusive, 600.01)).toEqual({ key: 'competent', name: '称职' });
    expect(bandOf(rule, 600)).toEqual({ key: 'competent', name: '称职' });
    expect(bandOf(rule, 599.99)).toEqual({ key: 'incompetent', name: '不称职' });
  });

  it('R8.01: the schedule replaces n x points (1st −50, 2 → −150; 3 keeps −150, §9); R8.05: 3 or more short → −300', () => {
    const r801 = rule.items.find((i) => i.id === 'r8.01-task-late')!;
    expect([0, 1, 2, 3].map((n) => itemPoints(r801, n, []))).toEqual([0, -50, -150, -150]);
    const r805 = rule.items.find((i) => i.id === 'r8.05-issues-short')!;
    expect([1, 2, 3, 5].map((n) => itemPoints(r805, n, []))).toEqual([-50, -150, -300, -300]);
  });

  it('R8.10 and R8.06: +50 per province adoption (not city), +50 per city instruction, −50 per late report, counted from the log', () => {
    const result = appraisalResult({
      rule,
      policy,
      scores: {},
      entries: [],
      occurrences: [occurrence('adoption', 'province', 1), occurrence('adoption', 'province', 2), occurrence('adoption', 'city', 3), occurrence('instruction', 'city', 4), occurrence('late_report', null, 5)],
    });
    expect(result.items.map((i) => [i.ruleItemId, i.occurrences, i.points])).toEqual([
      ['r8.06-late-report', 1, -50],
      ['r8.10-province-adoption', 2, 100],
      ['r8.10-city-instruction', 1, 50],
    ]);
    expect(result.daily).toBe(1100);
    // no reviews recorded: provisional, 40% of the daily score, no band
    expect(result).toMatchObject({ status: 'provisional', missing: ['peer', 'panel', 'directors'], composite: 440, band: null });
  });
});
