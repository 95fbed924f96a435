import { EventLog } from '@app/projections';
import { chain, content } from '../../domain/draft.fixtures';
import type { ResolvedChain } from '../../domain/draft.types';

const uuid = (kind: number, n: number) => `00000000-0000-4000-8${kind}00-${String(n).padStart(12, '0')}`;
export const draftId = (n: number) => uuid(5, n);
export const unitId = (n: number) => uuid(4, n);
export const commissionId = (n: number) => uuid(6, n);

const at = (day: number, minute = 0) => new Date(Date.UTC(2026, 2, 1 + (day % 28), 1, minute)).toISOString();
const legacyChain: ResolvedChain = { ...chain, rules: { ...chain.rules, onReturn: 'returning_step' } };

/**
 * Drafts through their review chains, in three shapes taken in turn (n = 0, 1, 2 …):
 * - signed off through every step, then published, adopted, rated excellent, given a leader's instruction
 *   (answering a commission);
 * - returned at the secrecy review, edited, resubmitted where review resumes (resumeAt), referred to the secrecy
 *   authority, answered, signed off, then retracted;
 * - an event stored before resumeAt: returned at step 1 under onReturn 'returning_step', resubmitted, approved,
 *   rejected.
 * Commissions are issued to two units every tenth draft; every other one is cancelled.
 */
export function appendDraftLife(log: EventLog, n: number): void {
  const id = draftId(n);
  const s = `draft-${id}`;
  const unit = unitId(n % 5);
  const day = n % 27;
  const base = { draftId: id, round: 1 };
  const commission = n % 10 === 0 ? commissionId(n) : null;
  if (commission) {
    log.append(`commission-${commission}`, 'CommissionIssued', {
      commissionId: commission,
      topic: `Topic ${n}`,
      requirements: 'Facts and figures',
      purpose: 'Bulletin',
      deadline: at(day + 3),
      contact: 'Office',
      unitIds: [unit, unitId((n + 1) % 5)],
      issuedBy: 'office-1',
      issuedAt: at(day),
    });
  }
  log.append(s, 'DraftCreated', { draftId: id, unitId: unit, createdBy: 'reporter-1', content: { ...content, title: `Item ${n}`, authors: ['reporter-1', 'reporter-2'] }, commissionId: commission, createdAt: at(day, 1) });
  const submitted = (round: number, c: ResolvedChain, resumeAt?: { stepIndex: number; approvals: { stepIndex: number; reviewerId: string; verdict: null }[] }) =>
    log.append(s, 'DraftSubmitted', {
      draftId: id,
      unitId: unit,
      round,
      submittedBy: 'reporter-1',
      submittedAt: at(day, 2 + round),
      chain: c,
      check: { formComplete: n % 4 !== 0, missingFields: n % 4 === 0 ? ['eventDate'] : [], warnings: [] },
      timeliness: { policyId: 'test-policy', policyVersion: 1, ruleId: 'deadline', deadline: at(day + 1), lateByMinutes: n % 3 === 0 ? 30 : 0, late: n % 3 === 0, unit: 'none' },
      commissionId: commission,
      ...(resumeAt ? { resumeAt } : {}),
    });
  const approve = (stepIndex: number, reviewerId: string, round = 1, c: ResolvedChain = chain) =>
    log.append(s, 'ReviewStepApproved', {
      ...base,
      round,
      stepIndex,
      stepKey: c.steps[stepIndex]!.key,
      role: c.steps[stepIndex]!.role,
      reviewerId,
      comment: null,
      signature: null,
      verdict: c.steps[stepIndex]!.confidentiality ? 'may_publish' : null,
      approvedAt: at(day, 10 + stepIndex),
    });
  const returned = (stepIndex: number) =>
    log.append(s, 'DraftReturnedForRevision', { ...base, stepIndex, stepKey: chain.steps[stepIndex]!.key, reviewerId: 'secrecy-1', comments: 'Check the figures', returnedAt: at(day, 20) });
  switch (n % 3) {
    case 0:
      submitted(1, chain);
      approve(0, 'head-1');
      approve(1, 'secrecy-1');
      approve(2, 'office-1');
      log.append(s, 'DraftSignedOff', { ...base, signedOffBy: 'office-1', signedOffAt: at(day, 30) });
      log.append(s, 'DraftPublished', {
        draftId: id,
        publicationId: uuid(7, n),
        channelId: uuid(3, n % 4),
        levelKey: 'county',
        platform: 'wechat',
        url: `https://example.org/${n}`,
        publishedAt: at(day, 40),
        exclusiveFirstRelease: true,
        recordedBy: 'office-1',
      });
      log.append(s, 'DraftAdopted', { draftId: id, adoptionId: uuid(8, n), publicationName: 'Police Daily', levelKey: 'province', issue: `No. ${n}`, adoptedAt: at(day, 41), recordedBy: 'office-1' });
      log.append(s, 'DraftRatedExcellent', { draftId: id, levelKey: 'city', ratedAt: at(day, 42), recordedBy: 'office-1' });
      log.append(s, 'LeaderInstructionRecorded', { draftId: id, instructionId: uuid(9, n), levelKey: 'city', leader: 'Mayor', text: 'Well done', instructedAt: at(day, 43), recordedBy: 'office-1' });
      break;
    case 1:
      submitted(1, chain);
      approve(0, 'head-1');
      returned(1);
      log.append(s, 'DraftEdited', { draftId: id, editedBy: 'reporter-1', content: { ...content, title: `Item ${n} (revised)`, authors: ['reporter-2'] }, editedAt: at(day, 21) });
      submitted(2, chain, { stepIndex: 1, approvals: [{ stepIndex: 0, reviewerId: 'head-1', verdict: null }] });
      log.append(s, 'DraftReferredToSecrecyAuthority', { ...base, round: 2, stepIndex: 1, stepKey: 'secrecy', reviewerId: 'secrecy-1', comment: null, referredAt: at(day, 22), coverage: { roles: [], unitLineage: [] } });
      log.append(s, 'SecrecyAuthorityAnswerRecorded', {
        ...base,
        round: 2,
        stepIndex: 1,
        stepKey: 'secrecy',
        referredBy: 'secrecy-1',
        outcome: 'may_publish',
        reference: null,
        answeredOn: '2026-03-05',
        comment: null,
        recordedBy: 'secrecy-2',
        recordedAt: at(day, 23),
        coverage: { roles: [], unitLineage: [] },
      });
      approve(2, 'office-1', 2);
      log.append(s, 'DraftSignedOff', { ...base, round: 2, signedOffBy: 'office-1', signedOffAt: at(day, 30) });
      log.append(s, 'DraftRetracted', { draftId: id, reason: 'Wrong figures', retractedBy: 'office-1', retractedAt: at(day, 50) });
      break;
    default:
      submitted(1, legacyChain);
      approve(0, 'head-1', 1, legacyChain);
      returned(1);
      submitted(2, legacyChain);
      approve(1, 'secrecy-1', 2, legacyChain);
      log.append(s, 'DraftRejected', { ...base, round: 2, stepIndex: 2, stepKey: 'second', reviewerId: 'office-1', reason: 'Not newsworthy', rejectedAt: at(day, 31) });
      break;
  }
  if (commission && n % 20 === 10) log.append(`commission-${commission}`, 'CommissionCancelled', { commissionId: commission, reason: 'Topic dropped', cancelledBy: 'office-1', cancelledAt: at(day + 2) });
}

/** A log of `drafts` draft lives (see appendDraftLife). */
export function reportingHistory(drafts: number): EventLog {
  const log = new EventLog();
  for (let n = 0; n < drafts; n++) appendDraftLife(log, n);
  return log;
}
