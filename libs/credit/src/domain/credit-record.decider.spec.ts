import { DeadlineElapsed, fold, InvalidState, NotFound, RuleViolation } from '@app/kernel';
import { spec } from '@app/kernel/testing';
import { completenessOf, isResidentIdNumber, isUnifiedSocialCreditCode } from './credit-fields';
import { CreditRecordCommand, creditDeadlineId, creditRecordDecider, SubmitCreditRecordCommand } from './credit-record.decider';
import { CREDIT_UPLOAD_KIND, creditRecordStream, CreditRecordStreamEvent, creditReviewKind } from './credit-record.events';
import { CREDIT_PERSONAL_DATA, maskedCreditFields } from './credit-personal-data';

const USCC = '91350100M000100Y43';
const ID = '11010519491231002X';
const NOW = '2026-03-02T02:00:00.000Z';
const REVIEW_DUE = { dueAt: '2026-03-09T15:59:59.999Z', provisional: null };
const UPLOAD_DUE = { dueAt: '2026-03-16T15:59:59.999Z', provisional: null };

const penalty = (over: Partial<SubmitCreditRecordCommand> = {}): SubmitCreditRecordCommand => ({
  type: 'SubmitCreditRecord',
  recordId: 'r1',
  unitId: 'u-market',
  kind: 'public',
  category: 'administrative_penalty',
  subjectPersonId: null,
  fields: {
    name: '某某建材有限公司',
    unifiedSocialCreditCode: USCC,
    violation: '未按规定进行环境影响评价',
    penaltyType: '罚款',
    legalBasis: '《中华人民共和国环境影响评价法》第三十一条',
    penaltyResult: '罚款人民币五万元',
    content: '行政处罚决定',
    sourceDocument: '某环罚〔2026〕12号',
    issuingAuthority: '某市生态环境局',
    decisionDate: '2026-02-27',
  },
  today: '2026-03-02',
  reviewDue: REVIEW_DUE,
  uploadDue: UPLOAD_DUE,
  actorId: 'collector-1',
  now: NOW,
  ...over,
});

const personal = (over: Partial<SubmitCreditRecordCommand> = {}): SubmitCreditRecordCommand =>
  penalty({
    kind: 'personal',
    category: 'basic_info',
    subjectPersonId: 'p-1',
    fields: { name: '张三', idCardNumber: ID, address: '某市某区人民路1号', content: '个人基本信息', sourceDocument: '户籍登记', issuingAuthority: '某派出所', decisionDate: '2026-02-01' },
    ...over,
  });

const run = (history: CreditRecordStreamEvent[], command: CreditRecordCommand) => [...history, ...creditRecordDecider.decide(command, fold(creditRecordDecider, history))];
const act = { now: '2026-03-03T02:00:00.000Z' };
const allChecked = { truthful: true, accurate: true, complete: true };
const submitted = (over: Partial<SubmitCreditRecordCommand> = {}) => creditRecordDecider.decide(penalty(over), creditRecordDecider.initialState());
const approved = () => run(submitted(), { type: 'ApproveCreditRecord', checklist: allChecked, comment: null, actorId: 'reviewer-1', ...act });

describe('credit record decider (信用信息上报, R6.01-R6.06)', () => {
  describe('field formats (R6.02 准确)', () => {
    it('checks the unified social credit code (GB 32100) and the resident ID number (GB 11643) by their check characters', () => {
      expect(isUnifiedSocialCreditCode(USCC)).toBe(true);
      expect(isUnifiedSocialCreditCode('91350100M000100Y44')).toBe(false);
      expect(isResidentIdNumber(ID)).toBe(true);
      expect(isResidentIdNumber('110105194912310021')).toBe(false);
      expect(isResidentIdNumber('11010519491331002X')).toBe(false); // month 13
    });

    it('R6.04: an administrative penalty requires 违法行为, 处罚种类, 处罚依据, 处罚结果 besides the subject and the source', () => {
      expect(completenessOf('public', 'administrative_penalty', {})).toEqual({
        complete: 0,
        required: 10,
        missing: ['name', 'unifiedSocialCreditCode', 'violation', 'penaltyType', 'legalBasis', 'penaltyResult', 'content', 'sourceDocument', 'issuingAuthority', 'decisionDate'],
      });
      expect(completenessOf('personal', 'basic_info', { name: '张三', idCardNumber: ID })).toMatchObject({ complete: 2, required: 7 });
    });
  });

  describe('when nothing is submitted yet', () => {
    it('a collector submits a public record: completeness recorded, review and upload deadlines registered', () => {
      spec(creditRecordDecider)
        .given([])
        .when(penalty())
        .thenMatches((events) => {
          expect(events.map((e) => e.type)).toEqual(['PublicCreditRecordSubmitted', 'DeadlineScheduled', 'DeadlineScheduled']);
          expect(events[0]!.data).toMatchObject({ recordId: 'r1', kind: 'public', round: 1, completeness: { complete: 10, required: 10, missing: [] }, submittedOn: '2026-03-02' });
          expect(events[1]!.data).toEqual({ deadlineId: creditDeadlineId('r1', creditReviewKind(1)), dueAt: REVIEW_DUE.dueAt, kind: 'credit-review-1', subject: creditRecordStream('r1') });
          expect(events[2]!.data).toMatchObject({ deadlineId: creditDeadlineId('r1', CREDIT_UPLOAD_KIND), kind: 'credit-upload', dueAt: UPLOAD_DUE.dueAt });
        });
    });

    it('an incomplete record is accepted, with its missing fields', () => {
      const [e] = submitted({ fields: { name: '某某建材有限公司', unifiedSocialCreditCode: USCC, violation: '未批先建' } });
      expect(e!.data).toMatchObject({ completeness: { complete: 3, required: 10 } });
    });

    it('a personal record is its own event type with its person (the personal-data declaration names it)', () => {
      const [e] = creditRecordDecider.decide(personal(), creditRecordDecider.initialState());
      expect(e).toMatchObject({ type: 'PersonalCreditRecordSubmitted', data: { subjectPersonId: 'p-1', kind: 'personal' } });
      expect(CREDIT_PERSONAL_DATA.map((d) => [d.eventType, d.subjectPath])).toEqual([
        ['PersonalCreditRecordSubmitted', 'subjectPersonId'],
        ['PersonalCreditRecordCorrected', 'subjectPersonId'],
      ]);
      expect(maskedCreditFields('personal', { name: '张三', idCardNumber: ID, sourceDocument: '户籍登记' })).toEqual({ name: '张*', idCardNumber: '1101**********002X', sourceDocument: '户籍登记' });
    });

    it.each([
      ['unifiedSocialCreditCode', { unifiedSocialCreditCode: '91350100M000100Y44' }, 'credit-field-invalid'],
      ['decisionDate', { decisionDate: '2026-03-05' }, 'credit-field-invalid'],
      ['validUntil', { validUntil: '2026-01-01' }, 'credit-field-invalid'],
      ['idCardNumber', { idCardNumber: ID }, 'credit-field-not-applicable'],
      ['name', { name: '  ' }, 'credit-subject-name-required'],
    ])('refuses a wrong %s (422, naming the field)', (field, over, code) => {
      let caught: RuleViolation | undefined;
      try {
        submitted({ fields: { ...penalty().fields, ...over } });
      } catch (e) {
        caught = e as RuleViolation;
      }
      expect(caught).toBeInstanceOf(RuleViolation);
      expect(caught).toMatchObject({ code, details: { field } });
    });

    it('R6.03: the category must be one of the kind; a personal record needs its person', () => {
      spec(creditRecordDecider).given([]).when(penalty({ category: 'credit_record' })).thenThrows(RuleViolation, 'credit-category-unknown');
      spec(creditRecordDecider).given([]).when(personal({ subjectPersonId: null })).thenThrows(RuleViolation, 'credit-subject-person-required');
      spec(creditRecordDecider).given([]).when(penalty({ subjectPersonId: 'p-1' })).thenThrows(RuleViolation, 'credit-field-not-applicable');
    });

    it('no command other than submit applies', () => {
      spec(creditRecordDecider).given([]).when({ type: 'RejectCreditRecord', reason: 'x', actorId: 'r', ...act }).thenThrows(NotFound);
    });
  });

  describe('when submitted', () => {
    it('returns for correction with a reason per field, withdrawing the review deadline', () => {
      spec(creditRecordDecider)
        .given(submitted())
        .when({ type: 'ReturnCreditRecord', reasons: [{ field: 'penaltyResult', reason: '处罚金额与决定书不一致' }], actorId: 'reviewer-1', ...act })
        .thenMatches((events) => {
          expect(events.map((e) => e.type)).toEqual(['CreditRecordReturned', 'DeadlineCancelled']);
          expect(events[1]!.data).toMatchObject({ deadlineId: creditDeadlineId('r1', 'credit-review-1'), reason: 'returned' });
        });
    });

    it('a reason names a field of the record', () => {
      spec(creditRecordDecider).given(submitted()).when({ type: 'ReturnCreditRecord', reasons: [{ field: 'idCardNumber', reason: 'x' }], actorId: 'reviewer-1', ...act }).thenThrows(RuleViolation, 'credit-return-field-unknown');
    });

    it('R6.06 step 2: approval confirms truth, accuracy and completeness; the upload deadline stays', () => {
      spec(creditRecordDecider)
        .given(submitted())
        .when({ type: 'ApproveCreditRecord', checklist: allChecked, comment: '核实无误', actorId: 'reviewer-1', ...act })
        .thenMatches((events) => {
          expect(events.map((e) => e.type)).toEqual(['CreditRecordApproved', 'DeadlineCancelled']);
          expect(events[0]!.data).toMatchObject({ reviewVerdict: 'on_time', checklist: allChecked });
        });
      spec(creditRecordDecider)
        .given(submitted())
        .when({ type: 'ApproveCreditRecord', checklist: { truthful: true, accurate: false, complete: true }, comment: null, actorId: 'reviewer-1', ...act })
        .thenThrows(RuleViolation, 'credit-review-checklist-incomplete');
    });

    it('R6.02 完整: an incomplete record cannot be approved; the collector does not review their own', () => {
      spec(creditRecordDecider)
        .given(submitted({ fields: { name: '某某建材有限公司', unifiedSocialCreditCode: USCC } }))
        .when({ type: 'ApproveCreditRecord', checklist: allChecked, comment: null, actorId: 'reviewer-1', ...act })
        .thenThrows(RuleViolation, 'credit-record-incomplete');
      spec(creditRecordDecider).given(submitted()).when({ type: 'ApproveCreditRecord', checklist: allChecked, comment: null, actorId: 'collector-1', ...act }).thenThrows(RuleViolation, 'credit-review-own-record');
    });

    it('a review after its due time is late; the elapsed deadline is folded from the log', () => {
      const elapsed: DeadlineElapsed = { type: 'DeadlineElapsed', data: { deadlineId: creditDeadlineId('r1', 'credit-review-1'), dueAt: REVIEW_DUE.dueAt, kind: 'credit-review-1', subject: creditRecordStream('r1') } };
      spec(creditRecordDecider)
        .given([...submitted(), elapsed])
        .when({ type: 'ApproveCreditRecord', checklist: allChecked, comment: null, actorId: 'reviewer-1', now: '2026-03-10T01:00:00.000Z' })
        .thenMatches((events) => {
          expect(events.map((e) => e.type)).toEqual(['CreditRecordApproved']); // nothing left to withdraw
          expect(events[0]!.data).toMatchObject({ reviewVerdict: 'late' });
        });
    });

    it('cannot be corrected before it is returned', () => {
      spec(creditRecordDecider).given(submitted()).when({ type: 'CorrectCreditRecord', fields: penalty().fields, today: '2026-03-03', reviewDue: null, actorId: 'collector-1', ...act }).thenThrows(InvalidState, 'credit-record-state');
    });
  });

  describe('when returned', () => {
    const returned = () => run(submitted(), { type: 'ReturnCreditRecord', reasons: [{ field: 'penaltyResult', reason: '金额有误' }], actorId: 'reviewer-1', ...act });
    it('the collector corrects and resubmits: the changed fields, a new round with its own review deadline', () => {
      spec(creditRecordDecider)
        .given(returned())
        .when({ type: 'CorrectCreditRecord', fields: { ...penalty().fields, penaltyResult: '罚款人民币三万元' }, today: '2026-03-03', reviewDue: REVIEW_DUE, actorId: 'collector-1', ...act })
        .thenMatches((events) => {
          expect(events.map((e) => e.type)).toEqual(['PublicCreditRecordCorrected', 'DeadlineScheduled']);
          expect(events[0]!.data).toMatchObject({ round: 2, changedFields: ['penaltyResult'] });
          expect(events[1]!.data).toMatchObject({ kind: 'credit-review-2', deadlineId: creditDeadlineId('r1', 'credit-review-2') });
        });
    });
    it('may be rejected, withdrawing the upload deadline too', () => {
      spec(creditRecordDecider)
        .given(returned())
        .when({ type: 'RejectCreditRecord', reason: '不属于上报范围', actorId: 'reviewer-1', ...act })
        .thenMatches((events) => expect(events.map((e) => [e.type, (e.data as { kind?: string }).kind])).toEqual([['CreditRecordRejected', undefined], ['DeadlineCancelled', 'credit-upload']]));
    });
  });

  describe('when approved (R6.06 step 3: the upload)', () => {
    const up = { idempotencyKey: 'credit-record:r1', platform: 'file', attempt: 1, uploadRound: 1 };
    it('the upload outcome is appended: uploaded on time withdraws the upload deadline', () => {
      spec(creditRecordDecider)
        .given(approved())
        .when({ type: 'RecordCreditUploaded', ...up, reference: 'line-1', actorId: 'system', ...act })
        .thenMatches((events) => {
          expect(events.map((e) => e.type)).toEqual(['CreditRecordUploaded', 'DeadlineCancelled']);
          expect(events[0]!.data).toMatchObject({ verdict: 'on_time', idempotencyKey: 'credit-record:r1' });
        });
    });
    it('a failed delivery marks it upload_failed; a later success still lands; a second success appends nothing', () => {
      const failed = run(approved(), { type: 'RecordCreditUploadFailed', ...up, error: 'disk full', actorId: 'system', ...act });
      spec(creditRecordDecider).given(failed).thenState((s) => expect(s.status).toBe('upload_failed'));
      const uploaded = run(failed, { type: 'RecordCreditUploaded', ...up, attempt: 2, reference: null, actorId: 'system', ...act });
      spec(creditRecordDecider).given(uploaded).thenState((s) => expect(s.status).toBe('uploaded'));
      spec(creditRecordDecider).given(uploaded).when({ type: 'RecordCreditUploaded', ...up, attempt: 3, reference: null, actorId: 'system', ...act }).then([]);
    });
    it('a manual retry is for a failed upload only, and starts the next upload round', () => {
      spec(creditRecordDecider).given(approved()).when({ type: 'RequestCreditUpload', actorId: 'uploader', ...act }).thenThrows(InvalidState, 'credit-upload-not-failed');
      const failed = run(approved(), { type: 'RecordCreditUploadFailed', ...up, error: 'timeout', actorId: 'system', ...act });
      spec(creditRecordDecider)
        .given(failed)
        .when({ type: 'RequestCreditUpload', actorId: 'uploader', ...act })
        .then([{ type: 'CreditRecordUploadRequested', data: { recordId: 'r1', uploadRound: 2, requestedBy: 'uploader', requestedAt: act.now } }]);
    });
    it('an upload after the upload deadline elapsed is late', () => {
      const elapsed: DeadlineElapsed = { type: 'DeadlineElapsed', data: { deadlineId: creditDeadlineId('r1', CREDIT_UPLOAD_KIND), dueAt: UPLOAD_DUE.dueAt, kind: CREDIT_UPLOAD_KIND, subject: creditRecordStream('r1') } };
      spec(creditRecordDecider)
        .given([...approved(), elapsed])
        .when({ type: 'RecordCreditUploaded', ...up, reference: null, actorId: 'system', now: '2026-03-17T01:00:00.000Z' })
        .thenMatches((events) => expect(events).toEqual([expect.objectContaining({ type: 'CreditRecordUploaded', data: expect.objectContaining({ verdict: 'late' }) })]));
    });
  });
});
