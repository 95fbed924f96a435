import { DomainError, Forbidden, InvalidState, RuleViolation } from '@app/kernel';
import { spec } from '@app/kernel/testing';
import { DraftCommand, draftDecider } from './draft.decider';
import type { DraftEvent } from './draft.events';
import { approved, chain, content, created, head, inReviewHistory, office, reporter, secrecy, signedOff, signedOffHistory, submitted, T0 } from './draft.fixtures';

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
  SubmitDraft: { type: 'SubmitDraft', chain, violations: [], check: noCheck, timeliness, actor: reporter, now: T0 },
  ApproveStep: { type: 'ApproveStep', stepIndex: 0, comment: '同意', verdict: null, actor: head, now: T0 },
  ReturnForRevision: { type: 'ReturnForRevision', stepIndex: 0, comments: '补充数据', actor: head, now: T0 },
  RejectDraft: { type: 'RejectDraft', stepIndex: 0, reason: '不属于报送范围', actor: head, now: T0 },
  RecordPublication: { type: 'RecordPublication', publicationId: 'p1', channel, url: 'https://mp.weixin.qq.com/s/x', publishedAt: T0, exclusiveFirstRelease: true, actor: office },
  RecordAdoption: { type: 'RecordAdoption', adoptionId: 'a1', publicationName: '市委信息', levelKey: 'city', levelExists: true, issue: '第12期', adoptedAt: T0, actor: office },
  RateExcellent: { type: 'RateExcellent', levelKey: 'city', levelExists: true, ratedAt: T0, actor: office },
  RecordInstruction: { type: 'RecordInstruction', instructionId: 'i1', levelKey: 'city', levelExists: true, leader: '李市长', text: '很好,请推广', instructedAt: T0, actor: office },
  RetractDraft: { type: 'RetractDraft', reason: '数据有误', actor: office, now: T0 },
};

/** Every command in every state: the events it produces, or the rule that refuses it. */
const states: Record<string, { history: DraftEvent[]; outcomes: Record<DraftCommand['type'], string[] | string> }> = {
  'no draft': {
    history: [],
    outcomes: {
      CreateDraft: ['DraftCreated'],
      EditDraft: 'draft-not-found',
      SubmitDraft: 'draft-not-found',
      ApproveStep: 'draft-not-found',
      ReturnForRevision: 'draft-not-found',
      RejectDraft: 'draft-not-found',
      RecordPublication: 'draft-not-found',
      RecordAdoption: 'draft-not-found',
      RateExcellent: 'draft-not-found',
      RecordInstruction: 'draft-not-found',
      RetractDraft: 'draft-not-found',
    },
  },
  draft: {
    history: [created],
    outcomes: {
      CreateDraft: 'draft-exists',
      EditDraft: ['DraftEdited'],
      SubmitDraft: ['DraftSubmitted'],
      ApproveStep: 'draft-draft',
      ReturnForRevision: 'draft-draft',
      RejectDraft: 'draft-draft',
      RecordPublication: 'draft-draft',
      RecordAdoption: 'draft-draft',
      RateExcellent: 'draft-draft',
      RecordInstruction: 'draft-draft',
      RetractDraft: 'draft-draft',
    },
  },
  'in review': {
    history: inReviewHistory,
    outcomes: {
      CreateDraft: 'draft-exists',
      EditDraft: 'draft-in-review',
      SubmitDraft: 'draft-in-review',
      ApproveStep: ['ReviewStepApproved'],
      ReturnForRevision: ['DraftReturnedForRevision'],
      RejectDraft: ['DraftRejected'],
      RecordPublication: 'draft-in-review',
      RecordAdoption: 'draft-in-review',
      RateExcellent: 'draft-in-review',
      RecordInstruction: 'draft-in-review',
      RetractDraft: 'draft-in-review',
    },
  },
  returned: {
    history: [...inReviewHistory, approved(0, 'head-1'), returned],
    outcomes: {
      CreateDraft: 'draft-exists',
      EditDraft: ['DraftEdited'],
      SubmitDraft: ['DraftSubmitted'],
      ApproveStep: 'draft-returned',
      ReturnForRevision: 'draft-returned',
      RejectDraft: 'draft-returned',
      RecordPublication: 'draft-returned',
      RecordAdoption: 'draft-returned',
      RateExcellent: 'draft-returned',
      RecordInstruction: 'draft-returned',
      RetractDraft: 'draft-returned',
    },
  },
  'signed off': {
    history: [...signedOffHistory, adoptedCity],
    outcomes: {
      CreateDraft: 'draft-exists',
      EditDraft: 'draft-signed-off',
      SubmitDraft: 'draft-signed-off',
      ApproveStep: 'draft-signed-off',
      ReturnForRevision: 'draft-signed-off',
      RejectDraft: 'draft-signed-off',
      RecordPublication: ['DraftPublished'],
      RecordAdoption: [],
      RateExcellent: ['DraftRatedExcellent'],
      RecordInstruction: ['LeaderInstructionRecorded'],
      RetractDraft: ['DraftRetracted'],
    },
  },
  rejected: {
    history: [...inReviewHistory, rejected],
    outcomes: {
      CreateDraft: 'draft-exists',
      EditDraft: 'draft-rejected',
      SubmitDraft: 'draft-rejected',
      ApproveStep: 'draft-rejected',
      ReturnForRevision: 'draft-rejected',
      RejectDraft: 'draft-rejected',
      RecordPublication: 'draft-rejected',
      RecordAdoption: 'draft-rejected',
      RateExcellent: 'draft-rejected',
      RecordInstruction: 'draft-rejected',
      RetractDraft: 'draft-rejected',
    },
  },
  retracted: {
    history: [...signedOffHistory, retracted],
    outcomes: {
      CreateDraft: 'draft-exists',
      EditDraft: 'draft-retracted',
      SubmitDraft: 'draft-retracted',
      ApproveStep: 'draft-retracted',
      ReturnForRevision: 'draft-retracted',
      RejectDraft: 'draft-retracted',
      RecordPublication: 'draft-retracted',
      RecordAdoption: 'draft-retracted',
      RateExcellent: 'draft-retracted',
      RecordInstruction: 'draft-retracted',
      RetractDraft: 'draft-retracted',
    },
  },
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
      const authorHead = { memberId: 'reporter-1', rolesCoveringUnit: ['reporter', 'unit_head'] as const };
      spec(draftDecider).given(inReviewHistory).when({ ...commands.ApproveStep, actor: authorHead } as DraftCommand).thenThrows(RuleViolation, 'author-may-not-review');
    });
    it('two-person check: no one approves two steps of one draft', () => {
      const both = { memberId: 'head-1', rolesCoveringUnit: ['unit_head', 'confidentiality_reviewer'] as const };
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
