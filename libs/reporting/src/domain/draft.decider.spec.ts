import { DomainError, Forbidden, InvalidState, RuleViolation } from '@app/kernel';
import { spec } from '@app/kernel/testing';
import { DraftCommand, draftDecider } from './draft.decider';
import type { DraftEvent } from './draft.events';
import { approved, chain, content, created, head, inReviewHistory, office, referred, reporter, secrecy, signedOff, signedOffHistory, submitted, T0 } from './draft.fixtures';
import { NO_RELEASE_RULES, type ResolvedChain } from './draft.types';

const returned: DraftEvent = {
  type: 'DraftReturnedForRevision',
  data: { draftId: 'd1', round: 1, stepIndex: 1, stepKey: 'secrecy', reviewerId: 'secrecy-1', comments: '删去具体警力部署', returnedAt: T0 },
};
const rejected: DraftEvent = { type: 'DraftRejected', data: { draftId: 'd1', round: 1, stepIndex: 0, stepKey: 'initial', reviewerId: 'head-1', reason: '重复报送', rejectedAt: T0 } };
const retracted: DraftEvent = { type: 'DraftRetracted', data: { draftId: 'd1', reason: '数据有误', retractedBy: 'office-1', retractedAt: T0 } };
const adoptedCity: DraftEvent = {
  type: 'DraftAdopted',
  data: { draftId: 'd1', adoptionId: 'a1', publicationName: '市委信息', levelKey: 'city', issue: '第12期', adoptedAt: T0, recordedBy: 'office-1' },
};
const channel = { channelId: 'wechat-1', levelKey: 'unit', platform: 'wechat', retired: false };
const noCheck = { formComplete: true, missingFields: [], warnings: [] };
const timeliness = submitted().data.timeliness;

/** One command of each type, performed by someone allowed to perform it in the state where it is valid. */
const commands: Record<DraftCommand['type'], DraftCommand> = {
  CreateDraft: { type: 'CreateDraft', draftId: 'd1', unitId: 'unit-1', content, commissionId: null, actor: reporter, now: T0 },
  EditDraft: { type: 'EditDraft', content: { ...content, title: '新标题' }, actor: reporter, now: T0 },
  SubmitDraft: { type: 'SubmitDraft', chain, violations: [], check: noCheck, timeliness, release: NO_RELEASE_RULES, policiesInForce: [{ policyId: 'test-policy', policyVersion: 1 }], actor: reporter, now: T0 },
  ApproveStep: { type: 'ApproveStep', stepIndex: 0, comment: '同意', verdict: null, actor: head, now: T0 },
  RecordSecrecyAuthorityAnswer: {
    type: 'RecordSecrecyAuthorityAnswer',
    stepIndex: 1,
    outcome: 'may_publish',
    reference: '机保函〔2026〕3号',
    answeredOn: '2026-03-03',
    comment: null,
    actor: secrecy,
    now: T0,
  },
  ReturnForRevision: { type: 'ReturnForRevision', stepIndex: 0, comments: '补充数据', actor: head, now: T0 },
  RejectDraft: { type: 'RejectDraft', stepIndex: 0, reason: '不属于报送范围', actor: head, now: T0 },
  RecordPublication: { type: 'RecordPublication', publicationId: 'p1', channel, url: 'https://mp.weixin.qq.com/s/x', publishedAt: T0, exclusiveFirstRelease: true, actor: office },
  RecordAdoption: { type: 'RecordAdoption', adoptionId: 'a1', publicationName: '市委信息', levelKey: 'city', levelExists: true, issue: '第12期', adoptedAt: T0, actor: office },
  RateExcellent: { type: 'RateExcellent', levelKey: 'city', levelExists: true, ratedAt: T0, actor: office },
  RecordInstruction: { type: 'RecordInstruction', instructionId: 'i1', levelKey: 'city', levelExists: true, leader: '李市长', text: '很好,请推广', instructedAt: T0, actor: office },
  RetractDraft: { type: 'RetractDraft', reason: '数据有误', actor: office, now: T0 },
};

/**
 * Every command in every state: the events it produces, or the rule that refuses it. Refusal codes are explicit
 * (E20): each names what the command needs (draft-not-editable, draft-not-in-review, draft-not-signed-off,
 * draft-not-referred) or why it is held (review-held-for-secrecy-authority); the problem carries the status.
 */
const refusedAll = (code: string): Record<DraftCommand['type'], string> => ({
  CreateDraft: code,
  EditDraft: code,
  SubmitDraft: code,
  ApproveStep: code,
  RecordSecrecyAuthorityAnswer: code,
  ReturnForRevision: code,
  RejectDraft: code,
  RecordPublication: code,
  RecordAdoption: code,
  RateExcellent: code,
  RecordInstruction: code,
  RetractDraft: code,
});
const closed = {
  CreateDraft: 'draft-exists',
  EditDraft: 'draft-not-editable',
  SubmitDraft: 'draft-not-editable',
  ApproveStep: 'draft-not-in-review',
  RecordSecrecyAuthorityAnswer: 'draft-not-referred',
  ReturnForRevision: 'draft-not-in-review',
  RejectDraft: 'draft-not-in-review',
  RecordPublication: 'draft-not-signed-off',
  RecordAdoption: 'draft-not-signed-off',
  RateExcellent: 'draft-not-signed-off',
  RecordInstruction: 'draft-not-signed-off',
  RetractDraft: 'draft-not-signed-off',
};
const states: Record<string, { history: DraftEvent[]; outcomes: Record<DraftCommand['type'], string[] | string> }> = {
  'no draft': { history: [], outcomes: { ...refusedAll('draft-not-found'), CreateDraft: ['DraftCreated'] } },
  draft: { history: [created], outcomes: { ...closed, EditDraft: ['DraftEdited'], SubmitDraft: ['DraftSubmitted'] } },
  'in review': {
    history: inReviewHistory,
    outcomes: { ...closed, ApproveStep: ['ReviewStepApproved'], ReturnForRevision: ['DraftReturnedForRevision'], RejectDraft: ['DraftRejected'] },
  },
  'referred to the secrecy authority': {
    history: [...inReviewHistory, approved(0, 'head-1'), referred],
    outcomes: {
      ...closed,
      ApproveStep: 'review-held-for-secrecy-authority',
      ReturnForRevision: 'review-held-for-secrecy-authority',
      RejectDraft: 'review-held-for-secrecy-authority',
      RecordSecrecyAuthorityAnswer: ['SecrecyAuthorityAnswerRecorded'],
    },
  },
  returned: { history: [...inReviewHistory, approved(0, 'head-1'), returned], outcomes: { ...closed, EditDraft: ['DraftEdited'], SubmitDraft: ['DraftSubmitted'] } },
  'signed off': {
    history: [...signedOffHistory, adoptedCity],
    outcomes: {
      ...closed,
      RecordPublication: ['DraftPublished'],
      RecordAdoption: [],
      RateExcellent: ['DraftRatedExcellent'],
      RecordInstruction: ['LeaderInstructionRecorded'],
      RetractDraft: ['DraftRetracted'],
    },
  },
  rejected: { history: [...inReviewHistory, rejected], outcomes: closed },
  retracted: { history: [...signedOffHistory, retracted], outcomes: closed },
};

describe('draft decider: every command in every state', () => {
  for (const [state, { history, outcomes }] of Object.entries(states)) {
    describe(`when ${state}`, () => {
      for (const [type, outcome] of Object.entries(outcomes)) {
        const command = commands[type as DraftCommand['type']];
        if (typeof outcome === 'string') {
          it(`${type} is refused (${outcome})`, () => {
            spec(draftDecider).given(history).when(command).thenThrows(DomainError, outcome);
          });
        } else {
          it(`${type} produces ${outcome.join(', ') || 'nothing (already recorded)'}`, () => {
            spec(draftDecider)
              .given(history)
              .when(command)
              .thenMatches((events) => expect(events.map((e) => e.type)).toEqual(outcome));
          });
        }
      }
    });
  }
});

describe('draft decider: rules', () => {
  describe('when a draft is created', () => {
    it('never records content the read models cannot hold (an attachment that is not an object, an empty title)', () => {
      const refuse = (bad: object) =>
        spec(draftDecider).given([]).when({ ...commands.CreateDraft, content: { ...content, ...bad } } as DraftCommand).thenThrows(RuleViolation, 'draft-content-invalid');
      refuse({ attachments: [{}] });
      refuse({ attachments: [[]] });
      refuse({ attachments: [{ name: 'a.jpg', mediaType: 'image/jpeg', size: 1, sha256: 'nope', storageKey: 'x' }] });
      refuse({ title: '   ' });
      refuse({ body: '' });
      refuse({ authors: [] });
      refuse({ formFields: { department: 1 } });
      spec(draftDecider).given([created]).when({ type: 'EditDraft', content: { ...content, attachments: [{}] }, actor: reporter, now: T0 } as unknown as DraftCommand).thenThrows(RuleViolation, 'draft-content-invalid');
    });
    it('only a reporter of the unit creates it', () => {
      spec(draftDecider).given([]).when({ ...commands.CreateDraft, actor: head } as DraftCommand).thenThrows(Forbidden);
    });
  });

  describe('when submitted', () => {
    it('a hard limit violation is a 422 naming the rule, and nothing is recorded', () => {
      spec(draftDecider)
        .given([created])
        .when({ ...commands.SubmitDraft, violations: [{ rule: 'length-limit', message: 'Weibo: 140 characters', field: 'body' }] } as DraftCommand)
        .thenThrows(RuleViolation, 'length-limit');
    });
    it('records the chain, the form check (incomplete form = not eligible) and the timeliness', () => {
      const check = { formComplete: false, missingFields: ['providingDepartment'], warnings: [{ rule: 'hedging-words', message: '听说' }] };
      spec(draftDecider)
        .given([created])
        .when({ ...commands.SubmitDraft, check } as DraftCommand)
        .thenMatches((events) => expect(events[0]!.data).toMatchObject({ round: 1, chain, check }));
    });
    it('someone who is not an author cannot submit it', () => {
      spec(draftDecider).given([created]).when({ ...commands.SubmitDraft, actor: head } as DraftCommand).thenThrows(Forbidden);
    });
    it('an empty chain signs it off at once', () => {
      spec(draftDecider)
        .given([created])
        .when({ ...commands.SubmitDraft, chain: { ...chain, steps: [] } } as DraftCommand)
        .thenMatches((events) => expect(events.map((e) => e.type)).toEqual(['DraftSubmitted', 'DraftSignedOff']));
    });
  });

  describe('when in review', () => {
    it('a reviewer without the step\'s role covering the unit is refused (403)', () => {
      spec(draftDecider).given(inReviewHistory).when({ ...commands.ApproveStep, actor: office } as DraftCommand).thenThrows(Forbidden);
    });
    it('acting on a step that is no longer waiting is a 409 (the other reviewer was first)', () => {
      spec(draftDecider)
        .given([...inReviewHistory, approved(0, 'head-1')])
        .when(commands.ApproveStep)
        .thenThrows(InvalidState, 'review-step-moved');
    });
    it('an author never reviews their own draft', () => {
      const authorHead = { memberId: 'reporter-1', rolesCoveringUnit: ['reporter', 'unit_head'] as const, unitLineage: ['unit-1'] };
      spec(draftDecider).given(inReviewHistory).when({ ...commands.ApproveStep, actor: authorHead } as DraftCommand).thenThrows(RuleViolation, 'author-may-not-review');
    });
    it('two-person check: no one approves two steps of one draft', () => {
      const both = { memberId: 'head-1', rolesCoveringUnit: ['unit_head', 'confidentiality_reviewer'] as const, unitLineage: ['unit-1'] };
      spec(draftDecider)
        .given([...inReviewHistory, approved(0, 'head-1')])
        .when({ type: 'ApproveStep', stepIndex: 1, comment: null, verdict: 'may_publish', actor: both, now: T0 } as DraftCommand)
        .thenThrows(RuleViolation, 'two-person-check');
    });
    it('the confidentiality review records a verdict', () => {
      spec(draftDecider)
        .given([...inReviewHistory, approved(0, 'head-1')])
        .when({ type: 'ApproveStep', stepIndex: 1, comment: null, verdict: null, actor: secrecy, now: T0 })
        .thenThrows(RuleViolation, 'confidentiality-verdict-required');
    });
    it('other steps record no verdict', () => {
      spec(draftDecider).given(inReviewHistory).when({ ...commands.ApproveStep, verdict: 'may_publish' } as DraftCommand).thenThrows(RuleViolation, 'verdict-outside-confidentiality-review');
    });
    it('a step that records a signature or seal records who signed', () => {
      spec(draftDecider)
        .given(inReviewHistory)
        .when(commands.ApproveStep)
        .thenMatches((events) => expect(events[0]!.data).toMatchObject({ signature: { kind: 'signature', signedBy: 'head-1' } }));
    });
    it('the last approval signs the draft off (签发)', () => {
      spec(draftDecider)
        .given([...inReviewHistory, approved(0, 'head-1'), approved(1, 'secrecy-1', 'may_publish')])
        .when({ type: 'ApproveStep', stepIndex: 2, comment: '同意签发', verdict: null, actor: office, now: T0 })
        .thenMatches((events) => expect(events.map((e) => e.type)).toEqual(['ReviewStepApproved', 'DraftSignedOff']));
    });
    it('a return needs comments', () => {
      spec(draftDecider).given(inReviewHistory).when({ ...commands.ReturnForRevision, comments: ' ' } as DraftCommand).thenThrows(RuleViolation, 'return-needs-comments');
    });
  });

  describe('when returned and resubmitted', () => {
    const history = [...inReviewHistory, approved(0, 'head-1'), returned];
    it('onReturn restart: the chain starts again from the first step', () => {
      spec(draftDecider)
        .given([...history, submitted(2)])
        .thenState((s) => expect({ step: s.currentStep, approvals: s.approvals.length, round: s.round }).toEqual({ step: 0, approvals: 0, round: 2 }));
    });
    it('onReturn returning_step: it resumes at the step that returned it, keeping earlier approvals', () => {
      const resuming = { ...chain, rules: { ...chain.rules, onReturn: 'returning_step' as const } };
      spec(draftDecider)
        .given([created, submitted(1, resuming), approved(0, 'head-1'), returned, submitted(2, resuming)])
        .thenState((s) => expect({ step: s.currentStep, approvals: s.approvals.map((a) => a.reviewerId) }).toEqual({ step: 1, approvals: ['head-1'] }));
    });
  });

  describe('when signed off', () => {
    it('a "not to be published" verdict blocks publication', () => {
      spec(draftDecider)
        .given([created, submitted(), approved(0, 'head-1'), approved(1, 'secrecy-1', 'not_to_publish'), approved(2, 'office-1'), signedOff])
        .when(commands.RecordPublication)
        .thenThrows(RuleViolation, 'confidentiality-blocks-publication');
    });
    it('without a confidentiality review, publication is refused when the chain requires one', () => {
      const noSecrecy = { ...chain, steps: [chain.steps[0]!] };
      spec(draftDecider)
        .given([created, submitted(1, noSecrecy), approved(0, 'head-1'), signedOff])
        .when(commands.RecordPublication)
        .thenThrows(RuleViolation, 'confidentiality-review-missing');
    });
    it('a retired or unknown channel is refused', () => {
      spec(draftDecider).given(signedOffHistory).when({ ...commands.RecordPublication, channel: null } as DraftCommand).thenThrows(RuleViolation, 'channel-unknown');
      spec(draftDecider)
        .given(signedOffHistory)
        .when({ ...commands.RecordPublication, channel: { ...channel, retired: true } } as DraftCommand)
        .thenThrows(RuleViolation, 'channel-retired');
    });
    it('the same channel twice is a conflict; the same publication id twice changes nothing', () => {
      const published: DraftEvent = {
        type: 'DraftPublished',
        data: { draftId: 'd1', publicationId: 'p1', channelId: 'wechat-1', levelKey: 'unit', platform: 'wechat', url: 'u', publishedAt: T0, exclusiveFirstRelease: true, recordedBy: 'office-1' },
      };
      spec(draftDecider).given([...signedOffHistory, published]).when(commands.RecordPublication).then([]);
      spec(draftDecider)
        .given([...signedOffHistory, published])
        .when({ ...commands.RecordPublication, publicationId: 'p2' } as DraftCommand)
        .thenThrows(InvalidState, 'already-published-on-channel');
    });
    it('excellent rating and leader instruction at a level need an adoption at that level', () => {
      spec(draftDecider).given(signedOffHistory).when(commands.RateExcellent).thenThrows(RuleViolation, 'excellent-requires-adoption');
      spec(draftDecider).given(signedOffHistory).when(commands.RecordInstruction).thenThrows(RuleViolation, 'instruction-requires-adoption');
    });
    it('an unknown publication level is refused', () => {
      spec(draftDecider).given(signedOffHistory).when({ ...commands.RecordAdoption, levelExists: false } as DraftCommand).thenThrows(RuleViolation, 'publication-level-unknown');
    });
  });
});

describe('draft decider: step numbers count from 0 (D14)', () => {
  it('steps/2 while step 1 waits: the message names step 2 and step 1, as the path and currentStep do', () => {
    let caught: unknown;
    try {
      draftDecider.decide({ ...commands.ApproveStep, stepIndex: 2 } as DraftCommand, [...inReviewHistory, approved(0, 'head-1')].reduce(draftDecider.evolve, draftDecider.initialState()));
    } catch (e) {
      caught = e;
    }
    expect(caught).toMatchObject({ code: 'review-step-moved', message: 'Step 2 is not the step waiting for a decision (step 1 is; steps count from 0)', details: { stepIndex: 2, currentStep: 1 } });
  });
});

describe('draft decider: referral to the secrecy authority (R7.12, D11)', () => {
  const atSecrecy = [...inReviewHistory, approved(0, 'head-1')];
  const refer = { type: 'ApproveStep', stepIndex: 1, comment: '难以确定是否涉密', verdict: 'refer_to_secrecy_authority', actor: secrecy, now: T0 } as DraftCommand;
  const answer = (outcome: 'may_publish' | 'not_to_publish', extra: Partial<DraftCommand> = {}) => ({ ...commands.RecordSecrecyAuthorityAnswer, outcome, ...extra }) as DraftCommand;
  const answered = (outcome: 'may_publish' | 'not_to_publish'): DraftEvent => ({
    type: 'SecrecyAuthorityAnswerRecorded',
    data: {
      draftId: 'd1',
      round: 1,
      stepIndex: 1,
      stepKey: 'secrecy',
      referredBy: 'secrecy-1',
      outcome,
      reference: null,
      answeredOn: '2026-03-03',
      comment: null,
      recordedBy: 'secrecy-1',
      recordedAt: T0,
      coverage: { roles: ['confidentiality_reviewer'], unitLineage: ['unit-1', 'root'] },
    },
  });

  describe('when the confidentiality review refers the draft', () => {
    it('records the referral, not an approval: the step stays waiting and the draft is referred', () => {
      spec(draftDecider)
        .given(atSecrecy)
        .when(refer)
        .thenMatches((events) => {
          expect(events.map((e) => e.type)).toEqual(['DraftReferredToSecrecyAuthority']);
          expect(events[0]!.data).toMatchObject({ stepIndex: 1, stepKey: 'secrecy', reviewerId: 'secrecy-1', comment: '难以确定是否涉密' });
        });
      spec(draftDecider)
        .given([...atSecrecy, referred])
        .thenState((s) => expect({ status: s.status, currentStep: s.currentStep, approvals: s.approvals.length }).toEqual({ status: 'referred', currentStep: 1, approvals: 1 }));
    });
  });

  describe('when referred', () => {
    it('the chain does not go on: the next step cannot approve and nothing signs off (409 review-held-for-secrecy-authority)', () => {
      spec(draftDecider)
        .given([...atSecrecy, referred])
        .when({ type: 'ApproveStep', stepIndex: 2, comment: null, verdict: null, actor: office, now: T0 })
        .thenThrows(InvalidState, 'review-held-for-secrecy-authority');
    });
    it('nothing is published, adopted, rated or instructed before sign-off', () => {
      spec(draftDecider).given([...atSecrecy, referred]).when(commands.RecordAdoption).thenThrows(InvalidState, 'draft-not-signed-off');
    });
    it('the answer completes the step with the authority\'s outcome as its verdict, attributed to the referring reviewer', () => {
      spec(draftDecider)
        .given([...atSecrecy, referred])
        .when(answer('not_to_publish', { actor: { ...office, rolesCoveringUnit: ['confidentiality_reviewer'] } } as Partial<DraftCommand>))
        .thenMatches((events) => {
          expect(events.map((e) => e.type)).toEqual(['SecrecyAuthorityAnswerRecorded']);
          expect(events[0]!.data).toMatchObject({ stepIndex: 1, referredBy: 'secrecy-1', recordedBy: 'office-1', outcome: 'not_to_publish', reference: '机保函〔2026〕3号', answeredOn: '2026-03-03' });
        });
      spec(draftDecider)
        .given([...atSecrecy, referred, answered('may_publish')])
        .thenState((s) =>
          expect({ status: s.status, currentStep: s.currentStep, verdicts: s.verdicts, approvals: s.approvals.map((a) => a.reviewerId) }).toEqual({
            status: 'in_review',
            currentStep: 2,
            verdicts: ['may_publish'],
            approvals: ['head-1', 'secrecy-1'],
          }),
        );
    });
    it('the answer is recorded on the referred step only, by a member holding its role, never by an author', () => {
      spec(draftDecider).given([...atSecrecy, referred]).when(answer('may_publish', { stepIndex: 2 } as Partial<DraftCommand>)).thenThrows(InvalidState, 'review-step-moved');
      spec(draftDecider).given([...atSecrecy, referred]).when(answer('may_publish', { actor: head } as Partial<DraftCommand>)).thenThrows(Forbidden);
      const authorSecrecy = { memberId: 'reporter-1', rolesCoveringUnit: ['confidentiality_reviewer'] as const, unitLineage: ['unit-1'] };
      spec(draftDecider).given([...atSecrecy, referred]).when(answer('may_publish', { actor: authorSecrecy } as Partial<DraftCommand>)).thenThrows(RuleViolation, 'author-may-not-review');
    });
    it('the referring reviewer counts as the step\'s reviewer for the two-person check', () => {
      const secrecyAndOffice = { memberId: 'secrecy-1', rolesCoveringUnit: ['confidentiality_reviewer', 'office_reviewer'] as const, unitLineage: ['unit-1'] };
      spec(draftDecider)
        .given([...atSecrecy, referred, answered('may_publish')])
        .when({ type: 'ApproveStep', stepIndex: 2, comment: null, verdict: null, actor: secrecyAndOffice, now: T0 })
        .thenThrows(RuleViolation, 'two-person-check');
    });
    it('an answer on the chain\'s last step signs the draft off', () => {
      const secrecyLast = { ...chain, steps: [chain.steps[0]!, chain.steps[1]!] };
      spec(draftDecider)
        .given([created, submitted(1, secrecyLast), approved(0, 'head-1'), referred])
        .when(answer('may_publish'))
        .thenMatches((events) => expect(events.map((e) => e.type)).toEqual(['SecrecyAuthorityAnswerRecorded', 'DraftSignedOff']));
    });
  });

  describe('when signed off after the authority\'s answer', () => {
    const release = {
      sources: [{ policyId: 'secrecy-release', policyVersion: 1, ruleId: 'not-to-publish' }],
      publicPublications: ['某市日报'],
      notToPublishAlsoBlocks: ['excellent' as const],
    };
    const submittedWithRelease: DraftEvent = { ...submitted(), data: { ...submitted().data, release } } as DraftEvent;
    const signed = (outcome: 'may_publish' | 'not_to_publish') => [created, submittedWithRelease, approved(0, 'head-1'), referred, answered(outcome), approved(2, 'office-1'), signedOff];
    const adoptedInternal: DraftEvent = { ...adoptedCity, data: { ...(adoptedCity.data as object), publicationName: '《市委信息》' } } as DraftEvent;

    it('"may be published": publication is allowed', () => {
      spec(draftDecider)
        .given(signed('may_publish'))
        .when(commands.RecordPublication)
        .thenMatches((events) => expect(events.map((e) => e.type)).toEqual(['DraftPublished']));
    });
    it('"not to be published": no channel publication', () => {
      spec(draftDecider).given(signed('not_to_publish')).when(commands.RecordPublication).thenThrows(RuleViolation, 'confidentiality-blocks-publication');
    });
    it('"not to be published": no adoption by a publication the policy marks public (with or without 《》)', () => {
      for (const name of ['某市日报', '《某市日报》', ' 《某市日报》 ']) {
        spec(draftDecider)
          .given(signed('not_to_publish'))
          .when({ ...commands.RecordAdoption, publicationName: name } as DraftCommand)
          .thenThrows(RuleViolation, 'confidentiality-blocks-adoption');
      }
    });
    it('"not to be published": an internal bulletin may still adopt it; what else is blocked is the policy\'s to say', () => {
      spec(draftDecider)
        .given(signed('not_to_publish'))
        .when({ ...commands.RecordAdoption, publicationName: '《市委信息》' } as DraftCommand)
        .thenMatches((events) => expect(events.map((e) => e.type)).toEqual(['DraftAdopted']));
      spec(draftDecider).given([...signed('not_to_publish'), adoptedInternal]).when(commands.RateExcellent).thenThrows(RuleViolation, 'confidentiality-blocks-excellent-rating');
      spec(draftDecider)
        .given([...signed('not_to_publish'), adoptedInternal])
        .when(commands.RecordInstruction)
        .thenMatches((events) => expect(events.map((e) => e.type)).toEqual(['LeaderInstructionRecorded']));
    });
    it('a policy that blocks every adoption refuses internal bulletins too', () => {
      const strict: DraftEvent = { ...submitted(), data: { ...submitted().data, release: { ...release, notToPublishAlsoBlocks: ['adoption' as const] } } } as DraftEvent;
      spec(draftDecider)
        .given([created, strict, approved(0, 'head-1'), referred, answered('not_to_publish'), approved(2, 'office-1'), signedOff])
        .when({ ...commands.RecordAdoption, publicationName: '《市委信息》' } as DraftCommand)
        .thenThrows(RuleViolation, 'confidentiality-blocks-adoption');
    });
    it('a submission stored before release rules were recorded blocks channel publication only, as before', () => {
      spec(draftDecider)
        .given([created, submitted(), approved(0, 'head-1'), approved(1, 'secrecy-1', 'not_to_publish'), approved(2, 'office-1'), signedOff])
        .when({ ...commands.RecordAdoption, publicationName: '某市日报' } as DraftCommand)
        .thenMatches((events) => expect(events.map((e) => e.type)).toEqual(['DraftAdopted']));
    });
  });
});

describe('draft decider: where review resumes is recorded at submission (D12)', () => {
  const resuming = { ...chain, rules: { ...chain.rules, onReturn: 'returning_step' as const } };
  const returnedAt1 = returned;
  const resubmit = (c: ResolvedChain = resuming) => ({ ...commands.SubmitDraft, chain: c }) as DraftCommand;
  const resumeAtOf = (events: DraftEvent[]) => (events[0]!.data as { resumeAt?: unknown }).resumeAt;

  it('onReturn returning_step, same steps: resumes at the returning step, keeping the earlier approvals', () => {
    spec(draftDecider)
      .given([created, submitted(1, resuming), approved(0, 'head-1'), returnedAt1])
      .when(resubmit())
      .thenMatches((events) => expect(resumeAtOf(events)).toEqual({ stepIndex: 1, approvals: [{ stepIndex: 0, reviewerId: 'head-1', verdict: null }] }));
  });
  it('onReturn returning_step, but the resubmission changes the chain: review starts again at step 0 with no approvals', () => {
    const changed = { ...resuming, steps: [resuming.steps[1]!, resuming.steps[0]!, resuming.steps[2]!] };
    spec(draftDecider)
      .given([created, submitted(1, resuming), approved(0, 'head-1'), returnedAt1])
      .when(resubmit(changed))
      .thenMatches((events) => expect(resumeAtOf(events)).toEqual({ stepIndex: 0, approvals: [] }));
  });
  it('the first submission and onReturn restart record step 0 with no approvals', () => {
    spec(draftDecider).given([created]).when(resubmit(chain)).thenMatches((events) => expect(resumeAtOf(events)).toEqual({ stepIndex: 0, approvals: [] }));
    spec(draftDecider)
      .given([created, submitted(1), approved(0, 'head-1'), returnedAt1])
      .when(resubmit(chain))
      .thenMatches((events) => expect(resumeAtOf(events)).toEqual({ stepIndex: 0, approvals: [] }));
  });
  it('evolve reads resumeAt from the event and never re-derives it', () => {
    const recorded: DraftEvent = { ...submitted(2, chain), data: { ...submitted(2, chain).data, resumeAt: { stepIndex: 2, approvals: [{ stepIndex: 1, reviewerId: 'secrecy-1', verdict: 'may_publish' }] } } } as DraftEvent;
    spec(draftDecider)
      .given([created, submitted(1), approved(0, 'head-1'), returnedAt1, recorded])
      .thenState((s) => expect({ step: s.currentStep, approvals: s.approvals.map((a) => a.reviewerId), verdicts: s.verdicts }).toEqual({ step: 2, approvals: ['secrecy-1'], verdicts: ['may_publish'] }));
  });
});

describe('draft decider: decisions record what they were based on (F22)', () => {
  it('a review decision records the roles and the unit lineage its role check used', () => {
    spec(draftDecider)
      .given(inReviewHistory)
      .when(commands.ApproveStep)
      .thenMatches((events) => expect(events[0]!.data).toMatchObject({ coverage: { roles: ['unit_head'], unitLineage: ['unit-1', 'root'] } }));
    spec(draftDecider)
      .given([])
      .when(commands.CreateDraft)
      .thenMatches((events) => expect(events[0]!.data).toMatchObject({ coverage: { roles: ['reporter'], unitLineage: ['unit-1', 'root'] } }));
  });
  it('a submission records every policy version in force and the release rules', () => {
    spec(draftDecider)
      .given([created])
      .when(commands.SubmitDraft)
      .thenMatches((events) => expect(events[0]!.data).toMatchObject({ policiesInForce: [{ policyId: 'test-policy', policyVersion: 1 }], release: NO_RELEASE_RULES }));
  });
});
