import { EventLog, mapInMemory } from '@app/projections';
import { chain } from '../../domain/draft.fixtures';
import { appendDraftLife, commissionId, draftId } from './drafts.history.fixture';
import { reportingMapping } from './drafts.mapping';

/** The events of draft n's life (see drafts.history.fixture), applied to empty tables in one batch. */
const life = (n: number) => {
  const log = new EventLog();
  appendDraftLife(log, n);
  return log.events;
};

describe('reporting mapping', () => {
  describe('when a draft goes through every step, is signed off and published', () => {
    const changes = mapInMemory(reportingMapping, life(0));
    const draft = changes.drafts!.upserts[0]!;

    it('ends signed off with the three approvers, out of every inbox', () => {
      expect(draft).toMatchObject({ draft_id: draftId(0), status: 'signed_off', current_step: 3, approvers: ['head-1', 'secrecy-1', 'office-1'], waiting_role: null, waiting_since: null });
    });

    it('enters the register with its first author, and one outcome per publication, adoption, rating, instruction', () => {
      expect(changes.register_entries!.upserts).toEqual([
        expect.objectContaining({ draft_id: draftId(0), first_author: 'reporter-1', title: 'Item 0', retracted_at: null }),
      ]);
      expect(changes.register_outcomes!.upserts.map((o) => o.kind)).toEqual(['publication', 'adoption', 'excellent', 'instruction']);
    });

    it('answers its commission for its unit (first submission), and its row carries the revision of its last event', () => {
      expect(changes.commission_units!.upserts.find((u) => u.first_draft_id !== null)).toMatchObject({ commission_id: commissionId(0), first_draft_id: draftId(0) });
      // the detail query reads the draft's stream up to this revision (draftTimeline)
      const drafted = life(0).filter((e) => e.streamId.startsWith('draft-'));
      expect(changes.drafts!.upserts[0]!.revision).toBe(Number(drafted[drafted.length - 1]!.revision));
    });
  });

  describe('when review is waiting', () => {
    it('the inbox shows the waiting step of the chain recorded at submission', () => {
      const events = life(0).slice(0, 4); // issued, created, submitted, first approval
      const draft = mapInMemory(reportingMapping, events).drafts!.upserts[0]!;
      expect(draft).toMatchObject({ status: 'in_review', current_step: 1, waiting_role: chain.steps[1]!.role, current_step_name: chain.steps[1]!.name, approvers: ['head-1'] });
    });
  });

  describe('when a returned draft is resubmitted', () => {
    it('resumes where the event says (resumeAt), with the approvals it keeps', () => {
      const events = life(1).slice(0, 6); // created, submitted, approved, returned, edited, resubmitted
      const draft = mapInMemory(reportingMapping, events).drafts!.upserts[0]!;
      expect(draft).toMatchObject({ status: 'in_review', round: 2, current_step: 1, approvers: ['head-1'], waiting_role: 'confidentiality_reviewer', title: 'Item 1 (revised)' });
    });

    it('an event stored before resumeAt keeps the step and approvals under onReturn returning_step', () => {
      const events = life(2).slice(0, 5); // created, submitted, approved, returned, resubmitted
      const draft = mapInMemory(reportingMapping, events).drafts!.upserts[0]!;
      expect(draft).toMatchObject({ status: 'in_review', round: 2, current_step: 1, approvers: ['head-1'] });
    });
  });

  describe('when the batch is delivered again on rows that already have it', () => {
    it('changes no draft and adds nothing new', () => {
      const events = life(2);
      const first = mapInMemory(reportingMapping, events);
      const again = mapInMemory(reportingMapping, events, { drafts: first.drafts!.upserts });
      expect(again.drafts!.upserts).toEqual([]);
    });
  });
});
