import { fold } from '@app/kernel';
import { loadExamplePolicy } from '@app/policies/testing';
import { AppraisalCommand, appraisalDecider, AppraisalEvent } from './appraisal.decider';

const rule = { rule: loadExamplePolicy('district-office-scoring-003A.json').rules.appraisal!, policy: { policyId: 'district-office-scoring', policyVersion: 1, ruleId: 'individual-1000' } };
const base = { memberId: 'm1', periodKey: '2026', actorId: 'office', now: '2026-03-02T00:00:00.000Z' };
const item = (extra: Partial<Extract<AppraisalCommand, { type: 'RecordAppraisalItem' }>>): AppraisalCommand => ({ type: 'RecordAppraisalItem', ...base, itemId: 'i1', ruleItemId: 'r8.08-commendation', points: 100, reason: '区委表彰', evidence: ['峄办字〔2026〕12号'], occurredOn: null, rule, ...extra });
const given = (events: AppraisalEvent[]) => fold(appraisalDecider, events);
const when = (command: AppraisalCommand, events: AppraisalEvent[] = []) => appraisalDecider.decide(command, given(events));
const refusal = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    return e as { code: string; details: { field?: string } };
  }
  throw new Error('not refused');
};

describe('appraisal decider (R4.44, §8.1)', () => {
  it('records a bonus with its reason and evidence', () => {
    expect(when(item({}))).toEqual([expect.objectContaining({ type: 'AppraisalItemRecorded', data: expect.objectContaining({ itemId: 'i1', ruleItemId: 'r8.08-commendation', points: 100, part: 'bonus', evidence: ['峄办字〔2026〕12号'] }) })]);
  });

  it('R4.44: a bonus without evidence is refused (422 naming evidence)', () => {
    expect(refusal(() => when(item({ evidence: [] })))).toMatchObject({ code: 'appraisal-evidence-required', details: { field: 'evidence' } });
  });

  it('R8.02: other breaches of discipline are −50 to −200: −201 and −49 are refused naming points, −200 and −50 recorded', () => {
    for (const points of [-201, -49, 10]) expect(refusal(() => when(item({ ruleItemId: 'r8.02-discipline', points, evidence: [] })))).toMatchObject({ code: 'appraisal-value-out-of-range', details: { field: 'points' } });
    for (const points of [-200, -50]) expect(when(item({ ruleItemId: 'r8.02-discipline', points, evidence: [] }))).toHaveLength(1);
  });

  it('refuses items counted from the log, unknown items, schedule items given points, and no rule in force', () => {
    expect(refusal(() => when(item({ ruleItemId: 'r8.10-province-adoption' })))).toMatchObject({ code: 'appraisal-item-counted' });
    expect(refusal(() => when(item({ ruleItemId: 'R9.99' })))).toMatchObject({ code: 'appraisal-item-unknown', details: { field: 'ruleItemId' } });
    expect(refusal(() => when(item({ ruleItemId: 'r8.01-task-late', points: -50 })))).toMatchObject({ code: 'appraisal-value-out-of-range' });
    expect(when(item({ ruleItemId: 'r8.01-task-late', points: null, evidence: [] }))[0]!.data).toMatchObject({ points: null });
    expect(refusal(() => when(item({ rule: null })))).toMatchObject({ code: 'appraisal-rule-missing' });
  });

  it('review scores are on the base scale (0 to 1000)', () => {
    expect(when({ type: 'RecordAppraisalScores', ...base, scores: { peer: 1000, panel: 0 }, rule })).toHaveLength(1);
    expect(refusal(() => when({ type: 'RecordAppraisalScores', ...base, scores: { peer: 1000.5 }, rule }))).toMatchObject({ code: 'appraisal-value-out-of-range', details: { field: 'scores.peer' } });
  });

  it('retracts a recorded entry once; an unknown entry is 404, a second retraction 409', () => {
    const recorded = when(item({}));
    const retract: AppraisalCommand = { type: 'RetractAppraisalItem', ...base, itemId: 'i1', reason: '误录' };
    const retracted = when(retract, recorded);
    expect(retracted.map((e) => e.type)).toEqual(['AppraisalItemRetracted']);
    expect(refusal(() => when(retract, [...recorded, ...retracted]))).toMatchObject({ code: 'appraisal-item-retracted' });
    expect(refusal(() => when({ ...retract, itemId: 'nope' }))).toMatchObject({ code: 'not-found' });
  });
});
