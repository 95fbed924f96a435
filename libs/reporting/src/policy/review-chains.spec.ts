import { PolicyDocument, ReviewChainRule, validatePolicy } from '@app/policies';
import { loadExamplePolicy } from '@app/policies/testing';
import type { DraftContent } from '../domain/draft.types';
import { adapterOver, draftContent } from './policy.fixtures';

const rules = (over: Partial<ReviewChainRule['rules']> = {}): ReviewChainRule['rules'] => ({
  twoPersonCheck: false,
  authorMayNotReview: true,
  confidentialityBeforePublication: false,
  onReturn: 'restart',
  ...over,
});
const policy = (id: string, reviewChains: NonNullable<PolicyDocument['rules']['reviewChains']>, extra: Partial<PolicyDocument> = {}): PolicyDocument => ({
  id,
  version: 1,
  title: id,
  rationale: 'chain-resolution spec',
  effectiveFrom: '2020-01-01',
  scope: { unitTypes: ['*'] },
  rules: { reviewChains },
  ...extra,
});

/** 001-A: department head AND the leader in charge review first; the principal leader reviews and signs off. */
const bureau001A = policy('bureau-001a', [
  {
    id: 'bureau-chain',
    when: {},
    steps: [
      { key: 'head', name: '部门负责人初审', role: 'unit_head', signature: 'signature' },
      { key: 'leader', name: '分管局长初审', role: 'leader_in_charge', signature: 'signature' },
      { key: 'sign-off', name: '主要领导审核、签发', role: 'principal_leader', signature: 'signature' },
    ],
    rules: rules({ twoPersonCheck: true }),
  },
]);
/** 001-C: reviewer by unit type; every external item also by the bureau's leader in charge. */
const byUnitType001C = policy('unit-type-001c', [
  { id: 'squad-external', when: { unitTypes: ['squad'], destination: ['external'] }, steps: [{ key: 'squad-leader', name: '中队长审核', role: 'unit_head', signature: 'signature' }, { key: 'leader', name: '分管局领导审核', role: 'leader_in_charge', signature: 'signature' }], rules: rules() },
  { id: 'squad', when: { unitTypes: ['squad'] }, steps: [{ key: 'squad-leader', name: '中队长审核', role: 'unit_head', signature: 'signature' }], rules: rules() },
  { id: 'brigade', when: { unitTypes: ['brigade'] }, steps: [{ key: 'brigade-office', name: '大队办公室主任审核', role: 'unit_head', signature: 'signature' }], rules: rules() },
  { id: 'section', when: { unitTypes: ['section'] }, steps: [{ key: 'section-head', name: '科室负责人审核', role: 'unit_head', signature: 'signature' }], rules: rules() },
]);
/** 004-08: content review → confidentiality review (before disclosure review) → disclosure review → unit leader signs. */
const disclosure00408 = policy('disclosure-00408', [
  {
    id: 'disclosure-pipeline',
    when: {},
    steps: [
      { key: 'content', name: '内容审核(科室负责人)', role: 'unit_head', signature: 'signature' },
      { key: 'secrecy', name: '保密审查', role: 'confidentiality_reviewer', signature: 'signature', confidentiality: true },
      { key: 'disclosure', name: '发布审核(业务主管领导)', role: 'leader_in_charge', signature: 'signature' },
      { key: 'sign-off', name: '单位领导签发', role: 'principal_leader', signature: 'signature' },
    ],
    rules: rules({ confidentialityBeforePublication: true }),
  },
]);
/** 001-J: every item checked by at least two people. */
const twoPerson001J = policy('two-person-001j', [
  {
    id: 'peer-check',
    when: {},
    steps: [
      { key: 'first-check', name: '第一人核对', role: 'unit_head', signature: 'none' },
      { key: 'second-check', name: '第二人核对', role: 'office_reviewer', signature: 'none' },
    ],
    rules: rules({ twoPersonCheck: true }),
  },
]);


const chainOf = async (docs: PolicyDocument[], unitType: string, extra: Partial<DraftContent> = {}) =>
  (await adapterOver(...docs).evaluateSubmission(draftContent(extra), { unitId: 'u', unitType, submittedAt: '2026-03-02T02:00:00.000Z' })).chain;

describe('review chains resolved from policies', () => {
  it.each([bureau001A, byUnitType001C, disclosure00408, twoPerson001J])('the %s policy is valid', (doc) => {
    expect(validatePolicy(doc)).toEqual([]);
  });

  it('000-B two-level new-media review: unit leader signs, publicity department signs or seals', async () => {
    const chain = await chainOf([loadExamplePolicy('college-new-media-000A.json')], 'department', { contentType: 'news' });
    expect(chain.steps.map((s) => [s.role, s.signature])).toEqual([
      ['unit_head', 'signature'],
      ['office_reviewer', 'seal'],
    ]);
    expect(chain).toMatchObject({ policyId: 'college-new-media', policyVersion: 1, ruleId: 'new-media-two-level' });
  });

  it('001-A bureau chain: department head and leader in charge, then the principal leader signs off', async () => {
    const chain = await chainOf([bureau001A], 'section');
    expect(chain.steps.map((s) => s.role)).toEqual(['unit_head', 'leader_in_charge', 'principal_leader']);
    expect(chain.rules.twoPersonCheck).toBe(true);
  });

  it('001-C chain by unit type: squad leader, brigade office head, section head; external squad items add the leader in charge', async () => {
    expect((await chainOf([byUnitType001C], 'squad', { destination: 'internal' })).steps.map((s) => s.name)).toEqual(['中队长审核']);
    expect((await chainOf([byUnitType001C], 'squad')).steps.map((s) => s.name)).toEqual(['中队长审核', '分管局领导审核']);
    expect((await chainOf([byUnitType001C], 'brigade')).steps.map((s) => s.name)).toEqual(['大队办公室主任审核']);
    expect((await chainOf([byUnitType001C], 'section')).steps.map((s) => s.name)).toEqual(['科室负责人审核']);
  });

  it('004-08 disclosure pipeline: the confidentiality review comes before the disclosure review, and gates publication', async () => {
    const chain = await chainOf([disclosure00408], 'section');
    const keys = chain.steps.map((s) => s.key);
    expect(keys.indexOf('secrecy')).toBeLessThan(keys.indexOf('disclosure'));
    expect(chain.steps.find((s) => s.key === 'secrecy')!.confidentiality).toBe(true);
    expect(chain.rules.confidentialityBeforePublication).toBe(true);
  });

  it('001-J two-person check: two different people', async () => {
    const chain = await chainOf([twoPerson001J], 'section');
    expect(chain.steps).toHaveLength(2);
    expect(chain.rules.twoPersonCheck).toBe(true);
  });

  it('a unit type the policy gives no chain for is refused with no-review-chain (422)', async () => {
    await expect(chainOf([byUnitType001C], 'town')).rejects.toMatchObject({ kind: 'rule_violation', code: 'no-review-chain' });
  });

  describe('when several policies in force prescribe a chain (precedence, docs/adr/0010)', () => {
    const oneStep = (id: string, role: ReviewChainRule['steps'][number]['role'], when: ReviewChainRule['when'] = {}) => ({ id, when, steps: [{ key: id, name: id, role, signature: 'signature' as const }], rules: rules() });
    // ids chosen so that the old rule (first id in sort order wins) picks the wrong policy every time
    const institutionWide = policy('aaa-institution', [oneStep('institution-chain', 'office_reviewer')]);
    const squadsOnly = policy('zzz-squads', [oneStep('squad-chain', 'unit_head')], { scope: { unitTypes: ['squad'] } });
    const squadChainInWidePolicy = policy('zzz-wide-with-squad-chain', [oneStep('squad-rule', 'leader_in_charge', { unitTypes: ['squad'] })]);

    it('a policy scoped to the unit type beats an institution-wide one, whatever the ids', async () => {
      const chain = await chainOf([institutionWide, squadsOnly], 'squad');
      expect(chain).toMatchObject({ policyId: 'zzz-squads', ruleId: 'squad-chain' });
      expect((await chainOf([institutionWide, squadsOnly], 'brigade')).policyId).toBe('aaa-institution');
    });

    it('a chain that names the unit type is as specific as a unit-type scoped policy, and beats an institution-wide chain', async () => {
      expect(await chainOf([institutionWide, squadChainInWidePolicy], 'squad')).toMatchObject({ policyId: 'zzz-wide-with-squad-chain', ruleId: 'squad-rule' });
    });

    it('a specific scope wins even against a higher priority on an institution-wide policy', async () => {
      expect((await chainOf([{ ...institutionWide, priority: 100 }, squadsOnly], 'squad')).policyId).toBe('zzz-squads');
    });

    it('equal specificity: the higher declared priority wins, whatever the ids', async () => {
      const low = policy('aaa-low', [oneStep('low-chain', 'office_reviewer')], { priority: 1 });
      const high = policy('zzz-high', [oneStep('high-chain', 'principal_leader')], { priority: 2 });
      expect(await chainOf([low, high], 'section')).toMatchObject({ policyId: 'zzz-high', ruleId: 'high-chain' });
      expect((await chainOf([{ ...low, priority: 3 }, high], 'section')).policyId).toBe('aaa-low');
    });

    it('equal specificity and priority (published before ties were refused) is 422 review-chain-tie naming both, never a guess', async () => {
      const other = policy('zzz-other', [oneStep('other-chain', 'unit_head')]);
      await expect(chainOf([institutionWide, other], 'section')).rejects.toMatchObject({
        code: 'review-chain-tie',
        details: expect.objectContaining({ policies: [expect.objectContaining({ policyId: 'aaa-institution' }), expect.objectContaining({ policyId: 'zzz-other' })] }),
      });
    });
  });

  it('the policy in force on the submission date is used: a version effective later does not apply yet', async () => {
    const later = { ...twoPerson001J, id: 'later-policy', effectiveFrom: '2027-01-01' };
    await expect(chainOf([later], 'section')).rejects.toMatchObject({ code: 'no-review-chain' });
  });
});
