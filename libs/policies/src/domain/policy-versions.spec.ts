import { loadExamplePolicy } from '../testing/example-policies';
import type { PolicyDocument } from './policy-document';
import { checkPolicyWhatIf, foldPolicyVersions, PolicyFoldEvent, PolicyVersions, policyVersionKey, publishedPolicyDocuments } from './policy-versions';

const v1: PolicyDocument = loadExamplePolicy('law-enforcement-bureau-001C.json');
const v2: PolicyDocument = { ...v1, version: 2, title: `${v1.title} (2026 修订)`, effectiveFrom: '2026-01-01' };
const at = (n: number) => `2026-03-0${n}T01:00:00.000Z`;

const drafted = (d: PolicyDocument, n: number): PolicyFoldEvent => ({
  type: 'PolicyDrafted',
  data: { policyId: d.id, version: d.version, document: d, draftedBy: 'admin', draftedAt: at(n) },
  recordedAt: at(n),
});
const published = (d: PolicyDocument, n: number): PolicyFoldEvent => ({
  type: 'PolicyPublished',
  data: { policyId: d.id, version: d.version, effectiveFrom: d.effectiveFrom, effectiveTo: null, retroactive: false, publishedBy: 'admin', publishedAt: at(n) },
  recordedAt: at(n),
});
const superseded = (d: PolicyDocument, by: number, n: number): PolicyFoldEvent => ({
  type: 'PolicySuperseded',
  data: { policyId: d.id, version: d.version, supersededBy: by, supersededAt: at(n) },
  recordedAt: at(n),
});

/** v1 drafted and published, v2 drafted and published (superseding v1). */
const history = [drafted(v1, 1), published(v1, 2), drafted(v2, 3), published(v2, 4), superseded(v1, 2, 4)];
const statuses = (versions: PolicyVersions) => Object.fromEntries([...versions.values()].map((v) => [`v${v.version}`, v.status]));

describe('policy versions fold', () => {
  it('folds the log as it is without a what-if: v2 published, v1 superseded by it', () => {
    const versions: PolicyVersions = new Map();
    foldPolicyVersions(versions, history);
    expect(statuses(versions)).toEqual({ v1: 'superseded', v2: 'published' });
    expect(versions.get(policyVersionKey(v1.id, 1))).toMatchObject({ supersededBy: 2, publishedAt: at(2) });
  });

  it('gives the same versions whatever the batching (event by event or all at once)', () => {
    const whole: PolicyVersions = new Map();
    foldPolicyVersions(whole, history, { ignoreVersions: [{ policyId: v1.id, version: 2 }] });
    const single: PolicyVersions = new Map();
    for (const e of history) foldPolicyVersions(single, [e], { ignoreVersions: [{ policyId: v1.id, version: 2 }] });
    expect(single).toEqual(whole);
  });

  describe('ignoring a published version', () => {
    it('treats it as never published: it stays a draft and the version it superseded stays published', () => {
      const versions: PolicyVersions = new Map();
      foldPolicyVersions(versions, history, { ignoreVersions: [{ policyId: v1.id, version: 2 }] });
      expect(statuses(versions)).toEqual({ v1: 'published', v2: 'draft' });
      expect(versions.get(policyVersionKey(v1.id, 1))!.supersededBy).toBeNull();
      expect(publishedPolicyDocuments(versions).map((d) => d.version)).toEqual([1]);
    });
  });

  describe('treating a draft as published', () => {
    it('publishes it from the first policy event and supersedes the published versions of its policy it overlaps', () => {
      const v3: PolicyDocument = { ...v1, version: 3, title: '征求意见稿', effectiveFrom: '2026-06-01' };
      const versions: PolicyVersions = new Map();
      foldPolicyVersions(versions, [...history, drafted(v3, 5)], { treatAsPublished: [v3] });
      expect(statuses(versions)).toEqual({ v1: 'superseded', v2: 'superseded', v3: 'published' });
      expect(versions.get(policyVersionKey(v1.id, 2))!.supersededBy).toBe(3);
      expect(versions.get(policyVersionKey(v1.id, 3))).toMatchObject({ document: v3, publishedAt: null, draftedAt: at(5) });
    });

    it('keeps the treated document even when the log drafts that version with another one', () => {
      const edited: PolicyDocument = { ...v2, title: '修订稿 (what-if)' };
      const versions: PolicyVersions = new Map();
      foldPolicyVersions(versions, [drafted(v1, 1), published(v1, 2), drafted(v2, 3)], { treatAsPublished: [edited] });
      expect(versions.get(policyVersionKey(v1.id, 2))).toMatchObject({ status: 'published', document: { title: '修订稿 (what-if)' } });
      expect(statuses(versions)).toEqual({ v1: 'superseded', v2: 'published' });
    });
  });

  describe('checking the parameter', () => {
    it('accepts a valid what-if', () => {
      expect(checkPolicyWhatIf({ treatAsPublished: [v2], ignoreVersions: [{ policyId: v1.id, version: 1 }] })).toBeUndefined();
      expect(checkPolicyWhatIf({})).toBeUndefined();
    });

    it.each([
      ['not an object', [], /expected/],
      ['an unknown key', { publish: [] }, /unknown key publish/],
      ['an invalid document', { treatAsPublished: [{ ...v1, version: 0 }] }, /treatAsPublished\.0/],
      ['the same version twice', { treatAsPublished: [v2, v2] }, /listed twice/],
      ['two overlapping versions of one policy', { treatAsPublished: [v1, v2] }, /overlaps version 1/],
      ['a malformed ignored version', { ignoreVersions: [{ policyId: v1.id, version: '1' }] }, /ignoreVersions\.0/],
      ['a version both treated and ignored', { treatAsPublished: [v2], ignoreVersions: [{ policyId: v2.id, version: 2 }] }, /also treated as published/],
    ])('refuses %s', (_, value, message) => {
      expect(checkPolicyWhatIf(value)).toMatch(message);
    });
  });
});
