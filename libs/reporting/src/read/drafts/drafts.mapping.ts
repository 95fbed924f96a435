import type { RecordedEvent } from '@app/event-store';
import { BatchMapping, Buffers, buffersOf, tableSpec } from '@app/projections';
import type { CommissionEvent } from '../../domain/commission.decider';
import type { DraftEvent } from '../../domain/draft.events';
import { draftOutcome } from './drafts.timeline';

export type DraftRow = {
  draft_id: string;
  unit_id: string;
  created_by: string;
  authors: string[];
  title: string;
  content_type: string;
  importance: string;
  destination: string;
  source: string;
  status: string;
  round: number;
  /** The roles and names of the chain's steps recorded at submission (the full chain is in draft_chains). */
  step_roles: string[];
  step_names: string[];
  author_may_not_review: boolean;
  two_person_check: boolean;
  current_step: number | null;
  waiting_role: string | null;
  current_step_name: string | null;
  approvers: string[];
  waiting_since: string | null;
  submitted_at: string | null;
  deadline: string | null;
  late: boolean | null;
  late_by_minutes: number | null;
  form_complete: boolean | null;
  missing_fields: unknown;
  warnings: unknown;
  last_return_comments: string | null;
  referred_by: string | null;
  signed_off_at: string | null;
  commission_id: string | null;
  created_at: string;
  updated_at: string;
  revision: number;
};
export type RegisterEntryRow = {
  draft_id: string;
  unit_id: string;
  title: string;
  content_type: string;
  first_author: string | null;
  signed_off_at: string;
  retracted_at: string | null;
  retraction_reason: string | null;
};
/** An outcome in the register (登记); its event's data stays in the draft's stream (see draftTimeline). */
export type OutcomeRow = { draft_id: string; revision: number; kind: string; level_key: string | null; name: string | null; issue: string | null; at: string };
export type CommissionRow = {
  commission_id: string;
  topic: string;
  requirements: string;
  purpose: string;
  deadline: string;
  contact: string;
  issued_by: string;
  issued_at: string;
  cancelled_at: string | null;
};
export type CommissionUnitRow = { commission_id: string; unit_id: string; first_draft_id: string | null; first_submitted_at: string | null };

export const reportingTables = {
  drafts: tableSpec<DraftRow>({
    name: 'drafts',
    columns: {
      draft_id: 'uuid',
      unit_id: 'uuid',
      created_by: 'text',
      authors: 'text[]',
      title: 'text',
      content_type: 'text',
      importance: 'text',
      destination: 'text',
      source: 'text',
      status: 'text',
      round: 'int',
      step_roles: 'text[]',
      step_names: 'text[]',
      author_may_not_review: 'boolean',
      two_person_check: 'boolean',
      current_step: 'int',
      waiting_role: 'text',
      current_step_name: 'text',
      approvers: 'text[]',
      waiting_since: 'timestamptz',
      submitted_at: 'timestamptz',
      deadline: 'timestamptz',
      late: 'boolean',
      late_by_minutes: 'int',
      form_complete: 'boolean',
      missing_fields: 'jsonb',
      warnings: 'jsonb',
      last_return_comments: 'text',
      referred_by: 'text',
      signed_off_at: 'timestamptz',
      commission_id: 'uuid',
      created_at: 'timestamptz',
      updated_at: 'timestamptz',
      revision: 'bigint',
    },
    key: ['draft_id'],
  }),
  register: tableSpec<RegisterEntryRow>({
    name: 'register_entries',
    columns: {
      draft_id: 'uuid',
      unit_id: 'uuid',
      title: 'text',
      content_type: 'text',
      first_author: 'text',
      signed_off_at: 'timestamptz',
      retracted_at: 'timestamptz',
      retraction_reason: 'text',
    },
    key: ['draft_id'],
  }),
  outcomes: tableSpec<OutcomeRow>({
    name: 'register_outcomes',
    columns: { draft_id: 'uuid', revision: 'bigint', kind: 'text', level_key: 'text', name: 'text', issue: 'text', at: 'timestamptz' },
    key: ['draft_id', 'revision'],
    insertOnly: true,
  }),
  commissions: tableSpec<CommissionRow>({
    name: 'commissions',
    columns: {
      commission_id: 'uuid',
      topic: 'text',
      requirements: 'text',
      purpose: 'text',
      deadline: 'timestamptz',
      contact: 'text',
      issued_by: 'text',
      issued_at: 'timestamptz',
      cancelled_at: 'timestamptz',
    },
    key: ['commission_id'],
  }),
  commissionUnits: tableSpec<CommissionUnitRow>({
    name: 'commission_units',
    columns: { commission_id: 'uuid', unit_id: 'uuid', first_draft_id: 'uuid', first_submitted_at: 'timestamptz' },
    key: ['commission_id', 'unit_id'],
  }),
};

export const DRAFT_EVENT_TYPES = [
  'DraftCreated',
  'DraftEdited',
  'DraftSubmitted',
  'ReviewStepApproved',
  'DraftReferredToSecrecyAuthority',
  'SecrecyAuthorityAnswerRecorded',
  'DraftSignedOff',
  'DraftReturnedForRevision',
  'DraftRejected',
  'DraftPublished',
  'DraftAdopted',
  'DraftRatedExcellent',
  'LeaderInstructionRecorded',
  'DraftRetracted',
] as const satisfies readonly DraftEvent['type'][];

type Tables = Buffers<typeof reportingTables>;
type Draft = RecordedEvent & DraftEvent;
type Commission = RecordedEvent & CommissionEvent;

const isDraft = (e: RecordedEvent): e is Draft => e.streamId.startsWith('draft-');
const isCommission = (e: RecordedEvent): e is Commission => e.streamId.startsWith('commission-');

/** The waiting step's role and name, read from the chain's steps recorded at submission (null past its end). */
const step = (row: DraftRow, index: number | null) =>
  index === null ? { waiting_role: null, current_step_name: null } : { waiting_role: row.step_roles[index] ?? null, current_step_name: row.step_names[index] ?? null };

/**
 * The pure part of the reporting projection: what each event does to the rows it touches. Where review resumes
 * after a resubmission is read from the event (DraftSubmitted.resumeAt), never re-derived from the decider's rules.
 */
export const reportingMapping: BatchMapping<Tables> = {
  tables: (table) => buffersOf(reportingTables, table),
  want(events, t) {
    for (const e of events) {
      if (isCommission(e)) {
        t.commissions.want({ commission_id: e.data.commissionId });
        if (e.type === 'CommissionIssued') t.commissionUnits.want(...e.data.unitIds.map((unit_id) => ({ commission_id: e.data.commissionId, unit_id })));
      } else if (isDraft(e)) {
        t.drafts.want({ draft_id: e.data.draftId });
        if (e.type === 'DraftSignedOff' || e.type === 'DraftRetracted') t.register.want({ draft_id: e.data.draftId });
        if (e.type === 'DraftSubmitted' && e.data.commissionId) t.commissionUnits.want({ commission_id: e.data.commissionId, unit_id: e.data.unitId });
      }
    }
  },
  apply(e, t) {
    if (isCommission(e)) applyCommission(e, t);
    else if (isDraft(e)) applyDraft(e, t);
  },
};

function applyDraft(e: Draft, t: Tables): void {
  const revision = Number(e.revision);
  const key = { draft_id: e.data.draftId };
  /** The guarded update: only an event later than the row's revision changes it (answers whether it did). */
  const update = (changes: Partial<DraftRow>): boolean => {
    const row = t.drafts.get(key);
    if (!row || row.revision >= revision) return false;
    // In place: the buffer owns its rows for the batch, and a copy per event is what a rebuild spends its time on.
    Object.assign(row, changes);
    row.revision = revision;
    row.updated_at = e.metadata.recordedAt;
    t.drafts.put(row);
    return true;
  };
  const outcome = (): void => {
    const o = draftOutcome(e)!;
    t.outcomes.insert({ draft_id: e.data.draftId, revision, kind: o.kind, level_key: o.levelKey, name: o.name, issue: o.issue, at: o.at });
    update({});
  };
  /** Approval (or the authority's answer) completes step `index`: the next one waits, from `at`. */
  const advance = (row: DraftRow, index: number, approver: string, at: string): Partial<DraftRow> => ({
    current_step: index + 1,
    ...step(row, index + 1),
    approvers: [...row.approvers, approver],
    waiting_since: at,
  });
  switch (e.type) {
    case 'DraftCreated': {
      const d = e.data;
      const c = d.content;
      if (!t.drafts.get(key)) {
        t.drafts.put({
          draft_id: d.draftId,
          unit_id: d.unitId,
          created_by: d.createdBy,
          authors: [...c.authors],
          title: c.title,
          content_type: c.contentType,
          importance: c.importance,
          destination: c.destination,
          source: c.source,
          status: 'draft',
          round: 0,
          step_roles: [],
          step_names: [],
          author_may_not_review: false,
          two_person_check: false,
          current_step: null,
          waiting_role: null,
          current_step_name: null,
          approvers: [],
          waiting_since: null,
          submitted_at: null,
          deadline: null,
          late: null,
          late_by_minutes: null,
          form_complete: null,
          missing_fields: null,
          warnings: null,
          last_return_comments: null,
          referred_by: null,
          signed_off_at: null,
          commission_id: d.commissionId,
          created_at: d.createdAt,
          updated_at: d.createdAt,
          revision,
        });
      }
      return;
    }
    case 'DraftEdited': {
      const c = e.data.content;
      update({ title: c.title, content_type: c.contentType, importance: c.importance, destination: c.destination, source: c.source, authors: [...c.authors] });
      return;
    }
    case 'DraftSubmitted': {
      const d = e.data;
      const row = t.drafts.get(key);
      if (row && row.revision < revision) {
        // Where review resumes, as the decider recorded it. Events stored before resumeAt fall back to the rule the
        // projection applied to them then (returning_step keeps the step and approvals), so an old log projects as it always did.
        const keep = d.chain.rules.onReturn === 'returning_step' && row.status === 'returned';
        const submitted: DraftRow = {
          ...row,
          status: 'in_review',
          round: d.round,
          step_roles: d.chain.steps.map((s) => s.role),
          step_names: d.chain.steps.map((s) => s.name),
          author_may_not_review: d.chain.rules.authorMayNotReview === true,
          two_person_check: d.chain.rules.twoPersonCheck === true,
          submitted_at: d.submittedAt,
          waiting_since: d.submittedAt,
          deadline: d.timeliness.deadline,
          late: d.timeliness.late,
          late_by_minutes: d.timeliness.lateByMinutes,
          form_complete: d.check.formComplete,
          missing_fields: d.check.missingFields,
          warnings: d.check.warnings,
          referred_by: null,
          current_step: d.resumeAt ? d.resumeAt.stepIndex : keep ? row.current_step : 0,
          approvers: d.resumeAt ? d.resumeAt.approvals.map((a) => a.reviewerId) : keep ? row.approvers : [],
        };
        // The waiting step follows from the chain and the step. (The one-event version set it also when the guard
        // refused the event, so a redelivered submission put a rejected draft back into an inbox.)
        update({ ...submitted, ...step(submitted, submitted.current_step) });
      }
      if (d.commissionId) {
        const unit = t.commissionUnits.get({ commission_id: d.commissionId, unit_id: d.unitId });
        if (unit && unit.first_submitted_at === null) t.commissionUnits.put({ ...unit, first_draft_id: d.draftId, first_submitted_at: d.submittedAt });
      }
      return;
    }
    case 'ReviewStepApproved': {
      const row = t.drafts.get(key);
      if (row) update(advance(row, e.data.stepIndex, e.data.reviewerId, e.data.approvedAt));
      return;
    }
    case 'DraftReferredToSecrecyAuthority':
      // The step keeps waiting (its role holders record the authority's answer): the draft stays in their inbox.
      update({ status: 'referred', current_step: e.data.stepIndex, referred_by: e.data.reviewerId });
      return;
    case 'SecrecyAuthorityAnswerRecorded': {
      const row = t.drafts.get(key);
      if (row) update({ status: 'in_review', referred_by: null, ...advance(row, e.data.stepIndex, e.data.referredBy, e.data.recordedAt) });
      return;
    }
    case 'DraftSignedOff': {
      update({ status: 'signed_off', waiting_role: null, current_step_name: null, signed_off_at: e.data.signedOffAt, waiting_since: null });
      const row = t.drafts.get(key);
      if (row && !t.register.get(key)) {
        t.register.put({
          draft_id: row.draft_id,
          unit_id: row.unit_id,
          title: row.title,
          content_type: row.content_type,
          first_author: row.authors[0] ?? null,
          signed_off_at: e.data.signedOffAt,
          retracted_at: null,
          retraction_reason: null,
        });
      }
      return;
    }
    case 'DraftReturnedForRevision':
      update({ status: 'returned', current_step: e.data.stepIndex, waiting_role: null, current_step_name: null, waiting_since: null, last_return_comments: e.data.comments });
      return;
    case 'DraftRejected':
      update({ status: 'rejected', waiting_role: null, current_step_name: null, waiting_since: null });
      return;
    case 'DraftRetracted':
      update({ status: 'retracted' });
      t.register.patch(key, { retracted_at: e.data.retractedAt, retraction_reason: e.data.reason });
      return;
    case 'DraftPublished':
    case 'DraftAdopted':
    case 'DraftRatedExcellent':
    case 'LeaderInstructionRecorded':
      return outcome();
    default:
      return;
  }
}

function applyCommission(e: Commission, t: Tables): void {
  switch (e.type) {
    case 'CommissionIssued': {
      const d = e.data;
      if (!t.commissions.get({ commission_id: d.commissionId })) {
        t.commissions.put({
          commission_id: d.commissionId,
          topic: d.topic,
          requirements: d.requirements,
          purpose: d.purpose,
          deadline: d.deadline,
          contact: d.contact,
          issued_by: d.issuedBy,
          issued_at: d.issuedAt,
          cancelled_at: null,
        });
      }
      for (const unit_id of d.unitIds) {
        if (!t.commissionUnits.get({ commission_id: d.commissionId, unit_id })) t.commissionUnits.put({ commission_id: d.commissionId, unit_id, first_draft_id: null, first_submitted_at: null });
      }
      return;
    }
    case 'CommissionCancelled':
      t.commissions.patch({ commission_id: e.data.commissionId }, { cancelled_at: e.data.cancelledAt });
      return;
    default:
      return;
  }
}
