import type { DraftCreated, DraftEvent, DraftSubmitted } from './draft.events';
import type { ChainStep, DraftContent, ResolvedChain } from './draft.types';
import type { ActingMember } from './draft.decider';

export const T0 = '2026-03-02T01:00:00.000Z';
export const reporter: ActingMember = { memberId: 'reporter-1', rolesCoveringUnit: ['reporter'], unitLineage: ['unit-1', 'root'] };
export const head: ActingMember = { memberId: 'head-1', rolesCoveringUnit: ['unit_head'], unitLineage: ['unit-1', 'root'] };
export const secrecy: ActingMember = { memberId: 'secrecy-1', rolesCoveringUnit: ['confidentiality_reviewer'], unitLineage: ['unit-1', 'root'] };
export const office: ActingMember = { memberId: 'office-1', rolesCoveringUnit: ['office_reviewer'], unitLineage: ['unit-1', 'root'] };

export const content: DraftContent = {
  title: '我局开展夏季治安打击整治行动',
  body: '6月10日,我局组织开展夏季治安打击整治行动,共出动警力120人次。',
  contentType: 'dynamic',
  source: 'original',
  originalOutlet: null,
  firstRelease: 'exclusive',
  targetPlatforms: ['wechat'],
  authors: ['reporter-1'],
  recommenderId: null,
  eventDate: '2026-03-01',
  importance: 'general',
  destination: 'external',
  longForm: false,
  attachments: [],
  formFields: {},
};

const step = (key: string, role: ChainStep['role'], extra: Partial<ChainStep> = {}): ChainStep => ({
  key,
  name: key,
  role,
  signature: 'signature',
  confidentiality: false,
  ...extra,
});

/** unit head 初审 → confidentiality 保密审查 → office 复审 (two-person check, author never reviews). */
export const chain: ResolvedChain = {
  policyId: 'test-policy',
  policyVersion: 1,
  ruleId: 'chain-default',
  steps: [step('initial', 'unit_head'), step('secrecy', 'confidentiality_reviewer', { confidentiality: true, signature: 'none' }), step('second', 'office_reviewer', { signature: 'seal' })],
  rules: { twoPersonCheck: true, authorMayNotReview: true, confidentialityBeforePublication: true, onReturn: 'restart' },
};

export const created: DraftCreated = {
  type: 'DraftCreated',
  data: { draftId: 'd1', unitId: 'unit-1', createdBy: 'reporter-1', content, commissionId: null, createdAt: T0 },
};

export const submitted = (round = 1, c: ResolvedChain = chain): DraftSubmitted => ({
  type: 'DraftSubmitted',
  data: {
    draftId: 'd1',
    unitId: 'unit-1',
    round,
    submittedBy: 'reporter-1',
    submittedAt: T0,
    chain: c,
    check: { formComplete: true, missingFields: [], warnings: [] },
    timeliness: { policyId: 'test-policy', policyVersion: 1, ruleId: 'deadline', deadline: null, lateByMinutes: 0, late: false, unit: 'none' },
    commissionId: null,
  },
});

export const approved = (stepIndex: number, reviewerId: string, verdict: 'may_publish' | 'not_to_publish' | null = null, round = 1): DraftEvent => ({
  type: 'ReviewStepApproved',
  data: {
    draftId: 'd1',
    round,
    stepIndex,
    stepKey: chain.steps[stepIndex]!.key,
    role: chain.steps[stepIndex]!.role,
    reviewerId,
    comment: null,
    signature: null,
    verdict,
    approvedAt: T0,
  },
});

export const signedOff: DraftEvent = { type: 'DraftSignedOff', data: { draftId: 'd1', round: 1, signedOffBy: 'office-1', signedOffAt: T0 } };

export const inReviewHistory = [created, submitted()];
export const signedOffHistory = [created, submitted(), approved(0, 'head-1'), approved(1, 'secrecy-1', 'may_publish'), approved(2, 'office-1'), signedOff];

/** 保密审查 referred step 1 to the 机要和保密局 (R7.12). */
export const referred: DraftEvent = {
  type: 'DraftReferredToSecrecyAuthority',
  data: { draftId: 'd1', round: 1, stepIndex: 1, stepKey: 'secrecy', reviewerId: 'secrecy-1', comment: '难以确定是否涉密', referredAt: T0, coverage: { roles: ['confidentiality_reviewer'], unitLineage: ['unit-1', 'root'] } },
};
