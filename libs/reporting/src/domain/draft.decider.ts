import { assertNever, Decider, Forbidden, InvalidState, RuleViolation } from '@app/kernel';
import type { Role } from '@app/access';
import type { DraftEvent } from './draft.events';
import {
  BlockableOutcome,
  ConfidentialityVerdict,
  Coverage,
  DraftContent,
  NO_RELEASE_RULES,
  PolicyRef,
  publicationKey,
  ReleaseRules,
  ResolvedChain,
  ReviewResumption,
  SecrecyAuthorityOutcome,
  SubmissionCheck,
  Timeliness,
} from './draft.types';

/** Who acts, as the handler established it from their appointments (the decider stays pure). */
export interface ActingMember {
  readonly memberId: string;
  /** The roles the member holds in force today that cover the draft's unit. */
  readonly rolesCoveringUnit: readonly Role[];
  /** The unit's lineage those roles were computed from (org-tree read model); recorded with role decisions. */
  readonly unitLineage: readonly string[];
}

export type DraftCommand =
  | { type: 'CreateDraft'; draftId: string; unitId: string; content: DraftContent; commissionId: string | null; actor: ActingMember; now: string }
  | { type: 'EditDraft'; content: DraftContent; actor: ActingMember; now: string }
  | {
      type: 'SubmitDraft';
      chain: ResolvedChain;
      /** Hard limits the content breaks (422). */
      violations: readonly { rule: string; message: string; field?: string }[];
      check: SubmissionCheck;
      timeliness: Timeliness;
      /** What a "not to be published" verdict will block, from the policies in force. */
      release: ReleaseRules;
      policiesInForce: readonly PolicyRef[];
      actor: ActingMember;
      now: string;
    }
  | { type: 'ApproveStep'; stepIndex: number; comment: string | null; verdict: ConfidentialityVerdict | null; actor: ActingMember; now: string }
  | {
      type: 'RecordSecrecyAuthorityAnswer';
      stepIndex: number;
      outcome: SecrecyAuthorityOutcome;
      reference: string | null;
      answeredOn: string;
      comment: string | null;
      actor: ActingMember;
      now: string;
    }
  | { type: 'ReturnForRevision'; stepIndex: number; comments: string; actor: ActingMember; now: string }
  | { type: 'RejectDraft'; stepIndex: number; reason: string; actor: ActingMember; now: string }
  | {
      type: 'RecordPublication';
      publicationId: string;
      channel: { channelId: string; levelKey: string; platform: string; retired: boolean } | null;
      url: string;
      publishedAt: string;
      exclusiveFirstRelease: boolean;
      actor: ActingMember;
    }
  | { type: 'RecordAdoption'; adoptionId: string; publicationName: string; levelKey: string; levelExists: boolean; issue: string | null; adoptedAt: string; actor: ActingMember }
  | { type: 'RateExcellent'; levelKey: string; levelExists: boolean; ratedAt: string; actor: ActingMember }
  | { type: 'RecordInstruction'; instructionId: string; levelKey: string; levelExists: boolean; leader: string; text: string; instructedAt: string; actor: ActingMember }
  | { type: 'RetractDraft'; reason: string; actor: ActingMember; now: string };

/** `referred`: the confidentiality review referred the draft to the secrecy authority; review waits for its answer. */
export type DraftStatus = 'none' | 'draft' | 'in_review' | 'referred' | 'returned' | 'signed_off' | 'rejected' | 'retracted';

export interface DraftState {
  readonly status: DraftStatus;
  readonly draftId: string;
  readonly unitId: string;
  readonly createdBy: string;
  readonly commissionId: string | null;
  readonly content: DraftContent | null;
  readonly round: number;
  readonly chain: ResolvedChain | null;
  /** Index (0-based) of the step that waits for a decision (in_review, referred). */
  readonly currentStep: number;
  /** Who referred the waiting step to the secrecy authority (referred). */
  readonly referredBy: string | null;
  /** What a "not to be published" verdict blocks, as recorded at submission. */
  readonly release: ReleaseRules;
  /** Who approved which step in the current round. */
  readonly approvals: readonly { stepIndex: number; reviewerId: string; verdict: ConfidentialityVerdict | null }[];
  readonly verdicts: readonly ConfidentialityVerdict[];
  readonly publications: readonly { publicationId: string; channelId: string }[];
  readonly adoptedLevels: readonly string[];
  readonly excellentLevels: readonly string[];
  readonly instructions: readonly string[];
  readonly adoptions: readonly string[];
}

const initial: DraftState = {
  status: 'none',
  draftId: '',
  unitId: '',
  createdBy: '',
  commissionId: null,
  content: null,
  round: 0,
  chain: null,
  currentStep: 0,
  referredBy: null,
  release: NO_RELEASE_RULES,
  approvals: [],
  verdicts: [],
  publications: [],
  adoptedLevels: [],
  excellentLevels: [],
  instructions: [],
  adoptions: [],
};

export const draftStream = (draftId: string): string => `draft-${draftId}`;

export const draftDecider: Decider<DraftCommand, DraftState, DraftEvent> = {
  initialState: () => initial,
  evolve,
  decide(command, state) {
    switch (command.type) {
      case 'CreateDraft':
        return createDraft(command, state);
      case 'EditDraft':
        return editDraft(command, state);
      case 'SubmitDraft':
        return submitDraft(command, state);
      case 'ApproveStep':
        return approveStep(command, state);
      case 'RecordSecrecyAuthorityAnswer':
        return recordSecrecyAuthorityAnswer(command, state);
      case 'ReturnForRevision':
        return returnForRevision(command, state);
      case 'RejectDraft':
        return rejectDraft(command, state);
      case 'RecordPublication':
        return recordPublication(command, state);
      case 'RecordAdoption':
        return recordAdoption(command, state);
      case 'RateExcellent':
        return rateExcellent(command, state);
      case 'RecordInstruction':
        return recordInstruction(command, state);
      case 'RetractDraft':
        return retractDraft(command, state);
      default:
        return assertNever(command, 'draft command');
    }
  },
};

function evolve(state: DraftState, event: DraftEvent): DraftState {
  switch (event.type) {
    case 'DraftCreated':
      return { ...initial, status: 'draft', draftId: event.data.draftId, unitId: event.data.unitId, createdBy: event.data.createdBy, commissionId: event.data.commissionId, content: event.data.content };
    case 'DraftEdited':
      return { ...state, content: event.data.content };
    case 'DraftSubmitted': {
      const submitted = { ...state, status: 'in_review' as const, round: event.data.round, chain: event.data.chain, referredBy: null, release: event.data.release ?? NO_RELEASE_RULES };
      const { resumeAt } = event.data;
      if (resumeAt) {
        return { ...submitted, currentStep: resumeAt.stepIndex, approvals: resumeAt.approvals, verdicts: resumeAt.approvals.flatMap((a) => (a.verdict ? [a.verdict] : [])) };
      }
      // Stored before resumeAt was recorded: the rule the decider applied then (the same as resumption()).
      const resume = state.status === 'returned' && event.data.chain.rules.onReturn === 'returning_step' && sameSteps(state.chain, event.data.chain);
      return {
        ...submitted,
        currentStep: resume ? state.currentStep : 0,
        approvals: resume ? state.approvals.filter((a) => a.stepIndex < state.currentStep) : [],
        verdicts: resume ? state.verdicts : [],
      };
    }
    case 'ReviewStepApproved':
      return {
        ...state,
        currentStep: event.data.stepIndex + 1,
        approvals: [...state.approvals, { stepIndex: event.data.stepIndex, reviewerId: event.data.reviewerId, verdict: event.data.verdict }],
        verdicts: event.data.verdict ? [...state.verdicts, event.data.verdict] : state.verdicts,
      };
    case 'DraftReferredToSecrecyAuthority':
      return { ...state, status: 'referred', currentStep: event.data.stepIndex, referredBy: event.data.reviewerId };
    case 'SecrecyAuthorityAnswerRecorded':
      return {
        ...state,
        status: 'in_review',
        referredBy: null,
        currentStep: event.data.stepIndex + 1,
        approvals: [...state.approvals, { stepIndex: event.data.stepIndex, reviewerId: event.data.referredBy, verdict: event.data.outcome }],
        verdicts: [...state.verdicts, event.data.outcome],
      };
    case 'DraftSignedOff':
      return { ...state, status: 'signed_off' };
    case 'DraftReturnedForRevision':
      return { ...state, status: 'returned', currentStep: event.data.stepIndex };
    case 'DraftRejected':
      return { ...state, status: 'rejected' };
    case 'DraftPublished':
      return { ...state, publications: [...state.publications, { publicationId: event.data.publicationId, channelId: event.data.channelId }] };
    case 'DraftAdopted':
      return { ...state, adoptedLevels: [...state.adoptedLevels, event.data.levelKey], adoptions: [...state.adoptions, event.data.adoptionId] };
    case 'DraftRatedExcellent':
      return { ...state, excellentLevels: [...state.excellentLevels, event.data.levelKey] };
    case 'LeaderInstructionRecorded':
      return { ...state, instructions: [...state.instructions, event.data.instructionId] };
    case 'DraftRetracted':
      return { ...state, status: 'retracted' };
    default:
      return state;
  }
}

/**
 * Where review resumes after a resubmission: with onReturn 'returning_step' and the same steps, at the step that
 * returned it, keeping the approvals of the earlier steps; otherwise from the first step. Decided once, at
 * submission, and recorded in DraftSubmitted.resumeAt.
 */
function resumption(state: DraftState, chain: ResolvedChain): ReviewResumption {
  const resume = state.status === 'returned' && chain.rules.onReturn === 'returning_step' && sameSteps(state.chain, chain);
  return resume ? { stepIndex: state.currentStep, approvals: state.approvals.filter((a) => a.stepIndex < state.currentStep) } : { stepIndex: 0, approvals: [] };
}

function sameSteps(a: ResolvedChain | null, b: ResolvedChain): boolean {
  return a !== null && a.steps.length === b.steps.length && a.steps.every((s, i) => s.key === b.steps[i]!.key);
}

function isAuthor(state: DraftState, memberId: string): boolean {
  return state.createdBy === memberId || (state.content?.authors.includes(memberId) ?? false);
}

/**
 * Refusal codes for a command in a state that does not allow it: each names what the command needs, and the
 * problem carries the draft's status. Explicit, not built from state names, so they are stable and documented.
 */
const REFUSED = {
  editable: { code: 'draft-not-editable', needs: 'a draft not yet submitted or returned for revision' },
  inReview: { code: 'draft-not-in-review', needs: 'a draft in review' },
  referred: { code: 'draft-not-referred', needs: 'a draft referred to the secrecy authority' },
  signedOff: { code: 'draft-not-signed-off', needs: 'a signed-off draft' },
} as const;

function requireStatus(state: DraftState, allowed: readonly DraftStatus[], refusal: (typeof REFUSED)[keyof typeof REFUSED], action: string): void {
  if (state.status === 'none') throw new InvalidState('draft-not-found', 'The draft does not exist');
  if (allowed.includes(state.status)) return;
  if (state.status === 'referred' && refusal === REFUSED.inReview) {
    throw new InvalidState('review-held-for-secrecy-authority', `Cannot ${action}: step ${state.currentStep} waits for the secrecy authority's answer (机要和保密局, R7.12)`, {
      draftStatus: state.status,
      currentStep: state.currentStep,
    });
  }
  throw new InvalidState(refusal.code, `Cannot ${action}: that needs ${refusal.needs}, and the draft is ${state.status.replace('_', ' ')}`, { draftStatus: state.status });
}

function coverage(actor: ActingMember): Coverage {
  return { roles: actor.rolesCoveringUnit, unitLineage: actor.unitLineage };
}

function createDraft(c: Extract<DraftCommand, { type: 'CreateDraft' }>, state: DraftState): DraftEvent[] {
  if (state.status !== 'none') throw new InvalidState('draft-exists', `Draft ${c.draftId} already exists`);
  if (!c.actor.rolesCoveringUnit.includes('reporter')) {
    throw new Forbidden('Only a reporter (信息员) of the unit creates its drafts', { requiredRoles: ['reporter'], unitId: c.unitId });
  }
  checkContent(c.content);
  return [
    {
      type: 'DraftCreated',
      data: { draftId: c.draftId, unitId: c.unitId, createdBy: c.actor.memberId, content: c.content, commissionId: c.commissionId, createdAt: c.now, coverage: coverage(c.actor) },
    },
  ];
}

function editDraft(c: Extract<DraftCommand, { type: 'EditDraft' }>, state: DraftState): DraftEvent[] {
  requireStatus(state, ['draft', 'returned'], REFUSED.editable, 'edit');
  if (!isAuthor(state, c.actor.memberId)) throw new Forbidden('Only the draft\'s authors edit it', { draftId: state.draftId });
  checkContent(c.content);
  return [{ type: 'DraftEdited', data: { draftId: state.draftId, editedBy: c.actor.memberId, content: c.content, editedAt: c.now } }];
}

function submitDraft(c: Extract<DraftCommand, { type: 'SubmitDraft' }>, state: DraftState): DraftEvent[] {
  requireStatus(state, ['draft', 'returned'], REFUSED.editable, 'submit');
  if (!isAuthor(state, c.actor.memberId)) throw new Forbidden('Only the draft\'s authors submit it', { draftId: state.draftId });
  if (c.violations.length > 0) {
    const first = c.violations[0]!;
    throw new RuleViolation(first.rule, first.message, { field: first.field, violations: c.violations });
  }
  const round = state.round + 1;
  const submitted: DraftEvent = {
    type: 'DraftSubmitted',
    data: {
      draftId: state.draftId,
      unitId: state.unitId,
      round,
      submittedBy: c.actor.memberId,
      submittedAt: c.now,
      chain: c.chain,
      check: c.check,
      timeliness: c.timeliness,
      commissionId: state.commissionId,
      resumeAt: resumption(state, c.chain),
      release: c.release,
      policiesInForce: c.policiesInForce,
    },
  };
  if (c.chain.steps.length === 0) {
    return [submitted, { type: 'DraftSignedOff', data: { draftId: state.draftId, round, signedOffBy: c.actor.memberId, signedOffAt: c.now } }];
  }
  return [submitted];
}

/** The step a reviewer acts on: the current one, performed by a member allowed to perform it. */
function reviewStep(state: DraftState, stepIndex: number, actor: ActingMember, action: string) {
  requireStatus(state, ['in_review'], REFUSED.inReview, action);
  return stepPerformer(state, stepIndex, actor);
}

/**
 * The waiting step, and a member allowed to act on it. Step numbers count from 0 everywhere (paths, bodies,
 * currentStep, messages): `steps/0` is the first step.
 */
function stepPerformer(state: DraftState, stepIndex: number, actor: ActingMember) {
  const chain = state.chain!;
  if (stepIndex !== state.currentStep) {
    throw new InvalidState('review-step-moved', `Step ${stepIndex} is not the step waiting for a decision (step ${state.currentStep} is; steps count from 0)`, {
      stepIndex,
      currentStep: state.currentStep,
    });
  }
  const step = chain.steps[stepIndex]!;
  if (!actor.rolesCoveringUnit.includes(step.role)) {
    throw new Forbidden(`Step "${step.name}" is performed by a ${step.role} covering the draft's unit`, { requiredRoles: [step.role], unitId: state.unitId });
  }
  if (chain.rules.authorMayNotReview && isAuthor(state, actor.memberId)) {
    throw new RuleViolation('author-may-not-review', 'An author never reviews their own draft');
  }
  if (chain.rules.twoPersonCheck && state.approvals.some((a) => a.reviewerId === actor.memberId)) {
    throw new RuleViolation('two-person-check', 'No one approves two steps of one draft (至少两人核对)');
  }
  return step;
}

function approveStep(c: Extract<DraftCommand, { type: 'ApproveStep' }>, state: DraftState): DraftEvent[] {
  const step = reviewStep(state, c.stepIndex, c.actor, 'approve');
  if (step.confidentiality && c.verdict === null) {
    throw new RuleViolation('confidentiality-verdict-required', 'The confidentiality review records a verdict', { field: 'verdict' });
  }
  if (!step.confidentiality && c.verdict !== null) {
    throw new RuleViolation('verdict-outside-confidentiality-review', 'Only the confidentiality review records a verdict', { field: 'verdict' });
  }
  if (c.verdict === 'refer_to_secrecy_authority') {
    // R7.12: an unclear case goes to the 机要和保密局; the step stays waiting until its answer is recorded.
    return [
      {
        type: 'DraftReferredToSecrecyAuthority',
        data: { draftId: state.draftId, round: state.round, stepIndex: c.stepIndex, stepKey: step.key, reviewerId: c.actor.memberId, comment: c.comment, referredAt: c.now, coverage: coverage(c.actor) },
      },
    ];
  }
  const events: DraftEvent[] = [
    {
      type: 'ReviewStepApproved',
      data: {
        draftId: state.draftId,
        round: state.round,
        stepIndex: c.stepIndex,
        stepKey: step.key,
        role: step.role,
        reviewerId: c.actor.memberId,
        comment: c.comment,
        signature: step.signature === 'none' ? null : { kind: step.signature, signedBy: c.actor.memberId },
        verdict: c.verdict,
        approvedAt: c.now,
        coverage: coverage(c.actor),
      },
    },
  ];
  if (c.stepIndex === state.chain!.steps.length - 1) {
    events.push({ type: 'DraftSignedOff', data: { draftId: state.draftId, round: state.round, signedOffBy: c.actor.memberId, signedOffAt: c.now } });
  }
  return events;
}

/**
 * The secrecy authority's answer on a referred draft, recorded by a member holding the referring step's role: the
 * step completes with the answer as its verdict (attributed to the reviewer who referred it), and the chain goes on.
 */
function recordSecrecyAuthorityAnswer(c: Extract<DraftCommand, { type: 'RecordSecrecyAuthorityAnswer' }>, state: DraftState): DraftEvent[] {
  requireStatus(state, ['referred'], REFUSED.referred, "record the secrecy authority's answer");
  const step = stepPerformer(state, c.stepIndex, c.actor);
  const events: DraftEvent[] = [
    {
      type: 'SecrecyAuthorityAnswerRecorded',
      data: {
        draftId: state.draftId,
        round: state.round,
        stepIndex: c.stepIndex,
        stepKey: step.key,
        referredBy: state.referredBy!,
        outcome: c.outcome,
        reference: c.reference,
        answeredOn: c.answeredOn,
        comment: c.comment,
        recordedBy: c.actor.memberId,
        recordedAt: c.now,
        coverage: coverage(c.actor),
      },
    },
  ];
  if (c.stepIndex === state.chain!.steps.length - 1) {
    events.push({ type: 'DraftSignedOff', data: { draftId: state.draftId, round: state.round, signedOffBy: c.actor.memberId, signedOffAt: c.now } });
  }
  return events;
}

function returnForRevision(c: Extract<DraftCommand, { type: 'ReturnForRevision' }>, state: DraftState): DraftEvent[] {
  const step = reviewStep(state, c.stepIndex, c.actor, 'return');
  if (c.comments.trim() === '') throw new RuleViolation('return-needs-comments', 'A return for revision says what to revise', { field: 'comments' });
  return [
    {
      type: 'DraftReturnedForRevision',
      data: {
        draftId: state.draftId,
        round: state.round,
        stepIndex: c.stepIndex,
        stepKey: step.key,
        reviewerId: c.actor.memberId,
        comments: c.comments,
        returnedAt: c.now,
        coverage: coverage(c.actor),
      },
    },
  ];
}

function rejectDraft(c: Extract<DraftCommand, { type: 'RejectDraft' }>, state: DraftState): DraftEvent[] {
  const step = reviewStep(state, c.stepIndex, c.actor, 'reject');
  if (c.reason.trim() === '') throw new RuleViolation('reject-needs-reason', 'A rejection gives its reason', { field: 'reason' });
  return [
    {
      type: 'DraftRejected',
      data: { draftId: state.draftId, round: state.round, stepIndex: c.stepIndex, stepKey: step.key, reviewerId: c.actor.memberId, reason: c.reason, rejectedAt: c.now, coverage: coverage(c.actor) },
    },
  ];
}

/** Publication needs sign-off and, when the chain demands it, a "may be published" confidentiality verdict. */
function assertPublishable(state: DraftState): void {
  requireStatus(state, ['signed_off'], REFUSED.signedOff, 'publish');
  const blocking = blockingVerdict(state);
  if (blocking) {
    throw new RuleViolation('confidentiality-blocks-publication', `The confidentiality review decided "${blocking}": the draft may not be published`, { verdict: blocking });
  }
  if (state.chain!.rules.confidentialityBeforePublication && !state.verdicts.includes('may_publish')) {
    throw new RuleViolation('confidentiality-review-missing', 'Nothing is published before the confidentiality review says it may be');
  }
}

/**
 * A verdict other than "may be published" on record: not_to_publish, or (drafts approved before referrals held the
 * review) an unanswered refer_to_secrecy_authority.
 */
function blockingVerdict(state: DraftState): ConfidentialityVerdict | undefined {
  return state.verdicts.find((v) => v !== 'may_publish');
}

const BLOCKED_OUTCOME: Record<BlockableOutcome, { code: string; what: string }> = {
  adoption: { code: 'confidentiality-blocks-adoption', what: 'adopted' },
  excellent: { code: 'confidentiality-blocks-excellent-rating', what: 'rated excellent' },
  instruction: { code: 'confidentiality-blocks-instruction', what: 'given a leader instruction' },
};

/**
 * "Not to be published" ends public release: adoption by a publication the policy marks public is refused, and so
 * is any other outcome the policy lists; the policy in force at submission says which (DraftSubmitted.release).
 */
function assertReleasable(state: DraftState, outcome: BlockableOutcome, publicationName?: string): void {
  const blocking = blockingVerdict(state);
  if (!blocking) return;
  const { publicPublications, notToPublishAlsoBlocks, sources } = state.release;
  const publicAdoption = publicationName !== undefined && publicPublications.includes(publicationKey(publicationName));
  if (!publicAdoption && !notToPublishAlsoBlocks.includes(outcome)) return;
  const { code, what } = BLOCKED_OUTCOME[outcome];
  throw new RuleViolation(
    code,
    publicAdoption
      ? `The confidentiality review decided "${blocking}": the draft may not be adopted by ${publicationName}, a public publication`
      : `The confidentiality review decided "${blocking}": the policy in force says such a draft is not ${what}`,
    { verdict: blocking, policies: sources.map((s) => `${s.policyId}:${s.policyVersion}:${s.ruleId}`), ...(publicAdoption ? { field: 'publicationName' } : {}) },
  );
}

function recordPublication(c: Extract<DraftCommand, { type: 'RecordPublication' }>, state: DraftState): DraftEvent[] {
  assertPublishable(state);
  if (!c.channel) throw new RuleViolation('channel-unknown', 'The channel does not exist', { field: 'channelId' });
  if (c.channel.retired) throw new RuleViolation('channel-retired', 'The channel is retired', { field: 'channelId' });
  if (state.publications.some((p) => p.publicationId === c.publicationId)) return [];
  if (state.publications.some((p) => p.channelId === c.channel!.channelId)) {
    throw new InvalidState('already-published-on-channel', 'The draft is already published on this channel', { channelId: c.channel.channelId });
  }
  return [
    {
      type: 'DraftPublished',
      data: {
        draftId: state.draftId,
        publicationId: c.publicationId,
        channelId: c.channel.channelId,
        levelKey: c.channel.levelKey,
        platform: c.channel.platform,
        url: c.url,
        publishedAt: c.publishedAt,
        exclusiveFirstRelease: c.exclusiveFirstRelease,
        recordedBy: c.actor.memberId,
      },
    },
  ];
}

/** An outcome recorded at a level of the ladder: signed off, a known level and, unless it is the adoption, adopted there. */
function requireOutcomeAt(
  state: DraftState,
  action: string,
  level: { levelKey: string; levelExists: boolean },
  adoption?: { rule: string; message: string },
): void {
  requireStatus(state, ['signed_off'], REFUSED.signedOff, action);
  if (!level.levelExists) throw new RuleViolation('publication-level-unknown', `Publication level ${level.levelKey} is not on the ladder`, { field: 'levelKey' });
  if (adoption && !state.adoptedLevels.includes(level.levelKey)) throw new RuleViolation(adoption.rule, adoption.message, { field: 'levelKey' });
}

function recordAdoption(c: Extract<DraftCommand, { type: 'RecordAdoption' }>, state: DraftState): DraftEvent[] {
  requireOutcomeAt(state, 'record an adoption', c);
  if (state.adoptions.includes(c.adoptionId)) return [];
  assertReleasable(state, 'adoption', c.publicationName);
  return [
    {
      type: 'DraftAdopted',
      data: { draftId: state.draftId, adoptionId: c.adoptionId, publicationName: c.publicationName, levelKey: c.levelKey, issue: c.issue, adoptedAt: c.adoptedAt, recordedBy: c.actor.memberId },
    },
  ];
}

function rateExcellent(c: Extract<DraftCommand, { type: 'RateExcellent' }>, state: DraftState): DraftEvent[] {
  requireOutcomeAt(state, 'rate', c, { rule: 'excellent-requires-adoption', message: `Only an item adopted at level ${c.levelKey} is rated excellent there` });
  if (state.excellentLevels.includes(c.levelKey)) return [];
  assertReleasable(state, 'excellent');
  return [{ type: 'DraftRatedExcellent', data: { draftId: state.draftId, levelKey: c.levelKey, ratedAt: c.ratedAt, recordedBy: c.actor.memberId } }];
}

function recordInstruction(c: Extract<DraftCommand, { type: 'RecordInstruction' }>, state: DraftState): DraftEvent[] {
  requireOutcomeAt(state, 'record an instruction', c, {
    rule: 'instruction-requires-adoption',
    message: `A leader instruction (批示) at level ${c.levelKey} is on an item adopted there`,
  });
  if (state.instructions.includes(c.instructionId)) return [];
  assertReleasable(state, 'instruction');
  return [
    {
      type: 'LeaderInstructionRecorded',
      data: { draftId: state.draftId, instructionId: c.instructionId, levelKey: c.levelKey, leader: c.leader, text: c.text, instructedAt: c.instructedAt, recordedBy: c.actor.memberId },
    },
  ];
}

function retractDraft(c: Extract<DraftCommand, { type: 'RetractDraft' }>, state: DraftState): DraftEvent[] {
  requireStatus(state, ['signed_off'], REFUSED.signedOff, 'retract');
  if (c.reason.trim() === '') throw new RuleViolation('retraction-needs-reason', 'A retraction gives its reason', { field: 'reason' });
  return [{ type: 'DraftRetracted', data: { draftId: state.draftId, reason: c.reason, retractedBy: c.actor.memberId, retractedAt: c.now } }];
}

const SHA256 = /^[0-9a-f]{64}$/;
const isText = (value: unknown, max: number) => typeof value === 'string' && value.trim().length >= 1 && value.length <= max;

/** What a draft records is what its read models and the payout rules rely on: the shapes are checked here too. */
function checkContent(content: DraftContent): void {
  const invalid = (field: string, message: string) => new RuleViolation('draft-content-invalid', message, { field });
  if (!isText(content.title, 200)) throw invalid('title', 'A draft has a title of 1-200 characters');
  if (!isText(content.body, 50_000)) throw invalid('body', 'A draft has a body of 1-50,000 characters');
  if (!Array.isArray(content.authors) || content.authors.length < 1 || !content.authors.every((a) => typeof a === 'string' && a !== '')) {
    throw invalid('authors', 'A draft names at least one author');
  }
  content.attachments.forEach((a, i) => {
    if (a === null || typeof a !== 'object' || Array.isArray(a)) throw invalid(`attachments[${i}]`, 'An attachment is an object with name, mediaType, size and sha256');
    if (!isText(a.name, 200)) throw invalid(`attachments[${i}].name`, 'An attachment has a name of 1-200 characters');
    if (!isText(a.mediaType, 200)) throw invalid(`attachments[${i}].mediaType`, 'An attachment has a media type');
    if (!Number.isSafeInteger(a.size) || a.size < 0) throw invalid(`attachments[${i}].size`, 'An attachment size is a whole number of bytes');
    if (typeof a.sha256 !== 'string' || !SHA256.test(a.sha256)) throw invalid(`attachments[${i}].sha256`, 'An attachment names its SHA-256');
  });
  for (const [key, value] of Object.entries(content.formFields)) {
    if (typeof value !== 'string') throw invalid(`formFields.${key}`, 'Form fields are text');
  }
}
