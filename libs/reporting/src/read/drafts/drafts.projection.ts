import { batchApplier, ProjectionDefinition } from '@app/projections';
import { DRAFT_EVENT_TYPES, reportingMapping } from './drafts.mapping';

/**
 * The reporting read models: drafts (my drafts, review inbox, each draft's state in its review chain),
 * the publication register (登记) and commissions with their units. A draft row carries its stream revision and
 * only a later event changes it, so a redelivered event changes nothing; outcomes are insert-only. Where review resumes after a resubmission is read from the
 * event (DraftSubmitted.resumeAt), never re-derived from the decider's rules.
 *
 * v2: current content (E18), referral to the secrecy authority (D11), resumeAt (D12). Written in bulk since issue 9
 * (reportingMapping). v3 (issue 9, rebuild speed): the read model keeps what lists, the inbox and the register filter
 * and sort on; a draft's detail (history with each event's data, current content, chain, outcomes with their data) is
 * read from the draft's own stream up to the row's revision (draftTimeline), so nothing of the log is copied into it.
 * The steps' roles and names and the two chain rules the inbox filters on are columns of drafts.
 */
export const reportingProjection: ProjectionDefinition = {
  name: 'reporting',
  version: 3,
  tables: ['drafts', 'register_entries', 'register_outcomes', 'commissions', 'commission_units'],
  eventTypes: [...DRAFT_EVENT_TYPES, 'CommissionIssued', 'CommissionCancelled'],
  async setup(client, t) {
    await client.query(`
      CREATE TABLE ${t('drafts')} (
        draft_id uuid PRIMARY KEY,
        unit_id uuid NOT NULL,
        created_by text NOT NULL,
        authors text[] NOT NULL,
        title text NOT NULL,
        content_type text NOT NULL,
        importance text NOT NULL,
        destination text NOT NULL,
        source text NOT NULL,
        status text NOT NULL,
        round int NOT NULL DEFAULT 0,
        step_roles text[] NOT NULL DEFAULT '{}',
        step_names text[] NOT NULL DEFAULT '{}',
        author_may_not_review boolean NOT NULL DEFAULT false,
        two_person_check boolean NOT NULL DEFAULT false,
        current_step int,
        waiting_role text,
        current_step_name text,
        approvers text[] NOT NULL DEFAULT '{}',
        waiting_since timestamptz,
        submitted_at timestamptz,
        deadline timestamptz,
        late boolean,
        late_by_minutes int,
        form_complete boolean,
        missing_fields jsonb,
        warnings jsonb,
        last_return_comments text,
        referred_by text,
        signed_off_at timestamptz,
        commission_id uuid,
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL,
        revision bigint NOT NULL
      );
      CREATE INDEX ON ${t('drafts')} (unit_id, status);
      CREATE INDEX ON ${t('drafts')} (status, waiting_role);
      CREATE TABLE ${t('register_entries')} (
        draft_id uuid PRIMARY KEY,
        unit_id uuid NOT NULL,
        title text NOT NULL,
        content_type text NOT NULL,
        first_author text,
        signed_off_at timestamptz NOT NULL,
        retracted_at timestamptz,
        retraction_reason text
      );
      CREATE INDEX ON ${t('register_entries')} (signed_off_at);
      CREATE TABLE ${t('register_outcomes')} (
        draft_id uuid NOT NULL,
        revision bigint NOT NULL,
        kind text NOT NULL CHECK (kind IN ('publication', 'adoption', 'excellent', 'instruction')),
        level_key text,
        name text,
        issue text,
        at timestamptz NOT NULL,
        PRIMARY KEY (draft_id, revision)
      );
      CREATE INDEX ON ${t('register_outcomes')} (level_key, kind);
      CREATE TABLE ${t('commissions')} (
        commission_id uuid PRIMARY KEY,
        topic text NOT NULL,
        requirements text NOT NULL,
        purpose text NOT NULL,
        deadline timestamptz NOT NULL,
        contact text NOT NULL,
        issued_by text NOT NULL,
        issued_at timestamptz NOT NULL,
        cancelled_at timestamptz
      );
      CREATE TABLE ${t('commission_units')} (
        commission_id uuid NOT NULL,
        unit_id uuid NOT NULL,
        first_draft_id uuid,
        first_submitted_at timestamptz,
        PRIMARY KEY (commission_id, unit_id)
      );
    `);
  },
  applyBatch: batchApplier(reportingMapping),
};
