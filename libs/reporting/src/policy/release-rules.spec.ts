import { PolicyDocument, validatePolicy } from '@app/policies';
import { adapterOver } from './policy.fixtures';

const policy = (id: string, version: number, rules: PolicyDocument['rules'], extra: Partial<PolicyDocument> = {}): PolicyDocument => ({
  id,
  version,
  title: id,
  rationale: 'R7.10 涉密信息不公开',
  effectiveFrom: '2020-01-01',
  scope: { unitTypes: ['*'] },
  rules,
  ...extra,
});
const ctx = { unitId: 'u', unitType: 'section', submittedAt: '2026-03-02T02:00:00.000Z' };

describe('what "not to be published" blocks, from the policies in force (D11)', () => {
  const city = policy('city-release', 1, { confidentialityRelease: { id: 'public-papers', publicPublications: ['《某市日报》', '某市电视台'], notToPublishAlsoBlocks: ['excellent'] } });
  const bureau = policy('bureau-release', 3, { confidentialityRelease: { id: 'strict', publicPublications: ['某市日报'], notToPublishAlsoBlocks: ['instruction', 'excellent'] } });
  const silent = policy('limits', 2, { lengthLimits: [] });

  it('a policy with a confidentialityRelease rule is valid', () => {
    expect(validatePolicy(city)).toEqual([]);
    expect(validatePolicy(policy('bad', 1, { confidentialityRelease: { id: 'x', notToPublishAlsoBlocks: ['publication' as never] } }))).not.toEqual([]);
  });

  it('combines every policy in force: any public publication is public (without 《》), any block applies, with provenance', async () => {
    const inForce = await adapterOver(city, bureau, silent).policiesInForce(ctx);
    expect(inForce.release).toEqual({
      sources: [
        { policyId: 'bureau-release', policyVersion: 3, ruleId: 'strict' },
        { policyId: 'city-release', policyVersion: 1, ruleId: 'public-papers' },
      ],
      publicPublications: ['某市日报', '某市电视台'].sort(),
      notToPublishAlsoBlocks: ['excellent', 'instruction'],
    });
    expect(inForce.policies).toEqual([
      { policyId: 'bureau-release', policyVersion: 3 },
      { policyId: 'city-release', policyVersion: 1 },
      { policyId: 'limits', policyVersion: 2 },
    ]);
    // the same policies listed in another order record the same
    expect(await adapterOver(silent, bureau, city).policiesInForce(ctx)).toEqual(inForce);
  });

  it('no rule in force: nothing beyond channel publication is blocked', async () => {
    const later = { ...city, id: 'later', effectiveFrom: '2027-01-01' };
    expect((await adapterOver(silent, later).policiesInForce(ctx)).release).toEqual({ sources: [], publicPublications: [], notToPublishAlsoBlocks: [] });
  });
});
