import { InvalidState, RuleViolation } from '@app/kernel';
import { spec } from '@app/kernel/testing';
import { loadExamplePolicy } from '../testing/example-policies';
import { diffPolicies } from './diff-policies';
import type { PolicyDocument, ReviewChainRule } from './policy-document';
import { policyDecider, PolicyDrafted, PolicyPublished } from './policy.decider';
import { validatePolicy } from './validate-policy';

const now = '2026-03-02T01:00:00.000Z';
const v1 = loadExamplePolicy('culture-bureau-points-001P.json');
const v2: PolicyDocument = {
  ...v1,
  version: 2,
  effectiveFrom: '2026-01-01',
  rules: { ...v1.rules, adoptionLadder: { ...v1.rules.adoptionLadder!, levels: v1.rules.adoptionLadder!.levels.map((l) => (l.levelKey === 'city' ? { ...l, adopted: 25 } : l)) } },
};
const drafted = (doc: PolicyDocument): PolicyDrafted => ({ type: 'PolicyDrafted', data: { policyId: doc.id, version: doc.version, document: doc, draftedBy: 'admin', draftedAt: now } });
const published = (doc: PolicyDocument): PolicyPublished => ({
  type: 'PolicyPublished',
  data: { policyId: doc.id, version: doc.version, effectiveFrom: doc.effectiveFrom, effectiveTo: null, retroactive: true, publishedBy: 'admin', publishedAt: now, checkedAgainst: [] },
});

describe('policy decider', () => {
  describe('when the policy has no versions', () => {
    it('drafts version 1', () => {
      spec(policyDecider).given([]).when({ type: 'DraftPolicy', document: v1, actorId: 'admin', now }).then([drafted(v1)]);
    });
    it('never records a document that does not validate (here: an empty title)', () => {
      const broken = { ...v1, title: '' } as unknown as typeof v1;
      spec(policyDecider).given([]).when({ type: 'DraftPolicy', document: broken, actorId: 'admin', now }).thenThrows(RuleViolation, 'policy-invalid');
    });
    it('refuses to skip versions', () => {
      spec(policyDecider).given([]).when({ type: 'DraftPolicy', document: v2, actorId: 'admin', now }).thenThrows(RuleViolation, 'policy-version-sequence');
    });
  });
  describe('when version 1 is a draft', () => {
    it('validation records the problems (none here)', () => {
      spec(policyDecider)
        .given([drafted(v1)])
        .when({ type: 'ValidatePolicy', version: 1, now })
        .then([{ type: 'PolicyValidated', data: { policyId: v1.id, version: 1, problems: [], validatedAt: now } }]);
    });
    it('publishes it, retroactively when its effective date is past', () => {
      spec(policyDecider)
        .given([drafted(v1)])
        .when({ type: 'PublishPolicy', version: 1, actorId: 'admin', now, published: [] })
        .thenMatches((events) => expect(events).toEqual([published(v1)]));
    });
    it('an invalid draft cannot be published (422 naming the JSON path)', () => {
      const broken = { ...v1, rules: { ...v1.rules, adoptionLadder: { ...v1.rules.adoptionLadder!, mode: 'sideways' } } } as unknown as PolicyDocument;
      spec(policyDecider).given([drafted(broken)]).when({ type: 'PublishPolicy', version: 1, actorId: 'admin', now, published: [] }).thenThrows(RuleViolation, 'policy-invalid');
    });
  });
  describe('when version 1 is published', () => {
    it('it cannot be redrafted', () => {
      spec(policyDecider).given([drafted(v1), published(v1)]).when({ type: 'DraftPolicy', document: v1, actorId: 'admin', now }).thenThrows(InvalidState, 'policy-version-published');
    });
    it('publishing version 2 supersedes version 1 where their dates overlap', () => {
      spec(policyDecider)
        .given([drafted(v1), published(v1), drafted(v2)])
        .when({ type: 'PublishPolicy', version: 2, actorId: 'admin', now, published: [] })
        .thenMatches((events) => expect(events.map((e) => e.type)).toEqual(['PolicyPublished', 'PolicySuperseded']));
    });
  });
});

describe('precedence of review chains (docs/adr/0010)', () => {
  const chain = (id: string, when: ReviewChainRule['when'] = {}): ReviewChainRule => ({
    id,
    when,
    steps: [{ key: 'head', name: '负责人审核', role: 'unit_head', signature: 'signature' }],
    rules: { twoPersonCheck: false, authorMayNotReview: true, confidentialityBeforePublication: false, onReturn: 'restart' },
  });
  const doc = (id: string, extra: Partial<PolicyDocument> = {}, chains = [chain(`${id}-chain`)]): PolicyDocument => ({
    id,
    version: 1,
    title: id,
    rationale: 'precedence spec',
    effectiveFrom: '2026-01-01',
    scope: { unitTypes: ['*'] },
    rules: { reviewChains: chains },
    ...extra,
  });
  const publish = (candidate: PolicyDocument, published: PolicyDocument[]) =>
    spec(policyDecider).given([drafted(candidate)]).when({ type: 'PublishPolicy', version: candidate.version, actorId: 'admin', now, published });

  it('refuses a version whose chain ties with another policy (same scope, same priority, overlapping dates): 422 naming the other policy and version', () => {
    const other = { ...doc('bureau-wide'), version: 3 };
    expect(() => policyDecider.decide({ type: 'PublishPolicy', version: 1, actorId: 'admin', now, published: [other] }, policyDecider.evolve(policyDecider.initialState(), drafted(doc('office-wide'))))).toThrow(
      expect.objectContaining({
        code: 'policy-chain-tie',
        message: expect.stringContaining('policy bureau-wide version 3'),
        details: expect.objectContaining({ conflictsWith: { policyId: 'bureau-wide', version: 3, ruleId: 'bureau-wide-chain' } }),
      }),
    );
  });
  it('publishes when the other policy ends before this one starts, recording the versions it was checked against', () => {
    publish(doc('office-wide'), [doc('bureau-wide', { effectiveFrom: '2020-01-01', effectiveTo: '2025-12-31' })]).thenMatches((events) =>
      expect(events).toEqual([expect.objectContaining({ type: 'PolicyPublished', data: expect.objectContaining({ checkedAgainst: [{ policyId: 'bureau-wide', version: 1 }] }) })]),
    );
  });
  it('compares with the dates a superseded version still governs: v1 keeps the dates before v2', () => {
    const v1Other = doc('bureau-wide', { effectiveFrom: '2020-01-01', effectiveTo: null });
    const v2Other = { ...doc('bureau-wide', { effectiveFrom: '2026-01-01' }), version: 2, priority: 5 };
    // 2024-2025 is governed by v1 (priority 0, like the candidate): a tie; from 2026 v2 (priority 5) governs
    publish(doc('office-wide', { effectiveFrom: '2024-01-01' }), [v1Other, v2Other]).thenThrows(RuleViolation, 'policy-chain-tie');
    publish(doc('office-wide', { effectiveFrom: '2026-01-01' }), [v1Other, v2Other]).thenMatches((events) => expect(events).toHaveLength(1));
  });
  it('a different priority, or a more specific scope, is no tie', () => {
    publish(doc('office-wide', { priority: 1 }), [doc('bureau-wide')]).thenMatches((events) => expect(events).toHaveLength(1));
    publish(doc('squads', { scope: { unitTypes: ['squad'] } }), [doc('bureau-wide')]).thenMatches((events) => expect(events).toHaveLength(1));
    publish(doc('squad-chain', {}, [chain('squads', { unitTypes: ['squad'] })]), [doc('bureau-wide')]).thenMatches((events) => expect(events).toHaveLength(1));
  });
  it('chains that can never match the same draft are no tie; two unit-type chains for the same unit type are', () => {
    publish(doc('internal-only', {}, [chain('internal', { destination: ['internal'] })]), [doc('external-only', {}, [chain('external', { destination: ['external'] })])]).thenMatches((events) =>
      expect(events).toHaveLength(1),
    );
    publish(doc('squads', { scope: { unitTypes: ['squad', 'brigade'] } }), [doc('squad-chain', {}, [chain('squads', { unitTypes: ['squad'] })])]).thenThrows(RuleViolation, 'policy-chain-tie');
    publish(doc('brigades', { scope: { unitTypes: ['brigade'] } }), [doc('squad-chain', {}, [chain('squads', { unitTypes: ['squad'] })])]).thenMatches((events) => expect(events).toHaveLength(1));
  });
  it('a newer version of the same policy never ties with its own older versions', () => {
    const v1Same = doc('bureau-wide');
    const v2Same = { ...doc('bureau-wide'), version: 2 };
    spec(policyDecider)
      .given([drafted(v1Same), published(v1Same), drafted(v2Same)])
      .when({ type: 'PublishPolicy', version: 2, actorId: 'admin', now, published: [v1Same] })
      .thenMatches((events) => expect(events.map((e) => e.type)).toEqual(['PolicyPublished', 'PolicySuperseded']));
  });
});

describe('validation', () => {
  it('points at the JSON path of each problem', () => {
    const problems = validatePolicy({ ...v1, version: 0, rules: { ...v1.rules, reviewChains: [{ ...v1.rules.reviewChains![0]!, steps: [{ key: 'x', name: 'x', role: 'emperor', signature: 'none' }] }] } });
    expect(problems.map((p) => p.path)).toEqual(expect.arrayContaining(['/version', '/rules/reviewChains/0/steps/0/role']));
  });
  it('catches what a schema cannot: duplicate rule ids, weights not adding up to 100, unknown content types', () => {
    const grading = loadExamplePolicy('website-grading-000W.json');
    const problems = validatePolicy({ ...grading, rules: { grading: { ...grading.rules.grading!, components: [{ key: 'quantity', name: 'q', weight: 60 }] } } });
    expect(problems).toEqual([{ path: '/rules/grading/components', message: 'weights add up to 60, not 100' }]);
    const law = loadExamplePolicy('law-enforcement-bureau-001C.json');
    const dup = validatePolicy({ ...law, rules: { ...law.rules, deadlines: [...law.rules.deadlines!, { ...law.rules.deadlines![0]!, appliesTo: { contentTypes: ['poetry'] } }] } });
    expect(dup.map((p) => p.path)).toEqual(['/rules/deadlines/3/id', '/rules/deadlines/3/appliesTo/contentTypes/0']);
  });
  it('refuses unknown properties (typos) with their name', () => {
    expect(validatePolicy({ ...v1, effectiveFrm: '2020-01-01' })).toEqual([{ path: '/', message: 'unknown property "effectiveFrm"' }]);
  });
});

describe('diff', () => {
  it('lists the parameters that changed between two versions', () => {
    expect(diffPolicies(v1, v2)).toEqual([
      { path: '/effectiveFrom', before: '2016-01-01', after: '2026-01-01' },
      { path: '/rules/adoptionLadder/levels/2/adopted', before: 20, after: 25 },
      { path: '/version', before: 1, after: 2 },
    ]);
  });
});
