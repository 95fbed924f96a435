import type { RecordedEvent } from '@app/event-store';
import type { ProjectionContext, ProjectionDefinition } from '@app/projections';
import type { CommissionEvent } from '../../domain/commission.decider';
import type { DraftEvent } from '../../domain/draft.events';

/**
 * The reporting read models: drafts (my drafts, review inbox, the draft's current content), each draft's history,
 * the publication register (登记) and commissions with their units. Every statement is guarded by the stream
 * revision, so a redelivered event changes nothing. Where review resumes after a resubmission is read from the
 * event (DraftSubmitted.resumeAt), never re-derived from the decider's rules.
 *
 * v2: current content (E18), referral to the secrecy authority (D11), resumeAt (D12).
 */
/** The one-event SQL version (v2 before issue 9), kept as the oracle of the bulk version's int-spec. */
export const reportingV2OneEvent: ProjectionDefinition = {
  name: 'reporting-one-event',
  version: 2,
  tables: ['drafts', 'draft_history', 'register_entries', 'register_outcomes', 'commissions', 'commission_units'],
  async setup(client, t) {
    await client.query(`
      CREATE TABLE ${t('drafts')} (
        draft_id uuid PRIMARY KEY,
        unit_id uuid NOT NULL,
        created_by text NOT NULL,
        authors text[] NOT NULL,
        title text NOT NULL,
        content jsonb NOT NULL,
        content_type text NOT NULL,
        importance text NOT NULL,
        destination text NOT NULL,
        source text NOT NULL,
        status text NOT NULL,
        round int NOT NULL DEFAULT 0,
        chain jsonb,
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
      CREATE INDEX ON ${t('drafts')} USING gin (authors);
      CREATE TABLE ${t('draft_history')} (
        draft_id uuid NOT NULL,
        revision bigint NOT NULL,
        event_type text NOT NULL,
        actor_id text NOT NULL,
        at timestamptz NOT NULL,
        data jsonb NOT NULL,
        PRIMARY KEY (draft_id, revision)
      );
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
        detail jsonb NOT NULL,
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
  async apply(event, ctx) {
    if (event.streamId.startsWith('commission-')) return applyCommission(event as RecordedEvent & CommissionEvent, ctx);
    if (event.streamId.startsWith('draft-')) return applyDraft(event as RecordedEvent & DraftEvent, ctx);
  },
};

async function history(e: RecordedEvent, { client, t }: ProjectionContext, draftId: string, at: string): Promise<void> {
  await client.query(
    `INSERT INTO ${t('draft_history')} (draft_id, revision, event_type, actor_id, at, data) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING`,
    [draftId, e.revision.toString(), e.type, e.metadata.actorId, at, JSON.stringify(e.data)],
  );
}

async function applyDraft(e: RecordedEvent & DraftEvent, ctx: ProjectionContext): Promise<void> {
  const { client, t } = ctx;
  const rev = e.revision.toString();
  const update = (set: string, params: unknown[]) =>
    client.query(`UPDATE ${t('drafts')} SET ${set}, revision = $2, updated_at = $3 WHERE draft_id = $1 AND revision < $2`, [e.data.draftId, rev, e.metadata.recordedAt, ...params]);
  switch (e.type) {
    case 'DraftCreated': {
      const c = e.data.content;
      await client.query(
        `INSERT INTO ${t('drafts')} (draft_id, unit_id, created_by, authors, title, content, content_type, importance, destination, source, status, commission_id, created_at, updated_at, revision)
         VALUES ($1, $2, $3, $4, $5, $13, $6, $7, $8, $9, 'draft', $10, $11, $11, $12) ON CONFLICT DO NOTHING`,
        [e.data.draftId, e.data.unitId, e.data.createdBy, c.authors, c.title, c.contentType, c.importance, c.destination, c.source, e.data.commissionId, e.data.createdAt, rev, JSON.stringify(c)],
      );
      await history(e, ctx, e.data.draftId, e.data.createdAt);
      return;
    }
    case 'DraftEdited': {
      const c = e.data.content;
      await update(`title = $4, content_type = $5, importance = $6, destination = $7, source = $8, authors = $9, content = $10`, [
        c.title,
        c.contentType,
        c.importance,
        c.destination,
        c.source,
        c.authors,
        JSON.stringify(c),
      ]);
      await history(e, ctx, e.data.draftId, e.data.editedAt);
      return;
    }
    case 'DraftSubmitted': {
      const d = e.data;
      // Where review resumes, as the decider recorded it. Events stored before resumeAt fall back to the rule the
      // projection applied to them then, so an old log projects as it always did.
      const resumeAt = d.resumeAt ? { step: d.resumeAt.stepIndex, approvers: d.resumeAt.approvals.map((a) => a.reviewerId) } : null;
      const legacyResume = d.chain.rules.onReturn === 'returning_step';
      await update(
        `status = 'in_review', round = $4, chain = $5, submitted_at = $6, waiting_since = $6, deadline = $7, late = $8, late_by_minutes = $9,
         form_complete = $10, missing_fields = $11, warnings = $12, referred_by = NULL,
         current_step = CASE WHEN $14::int IS NOT NULL THEN $14::int WHEN $13 AND status = 'returned' THEN current_step ELSE 0 END,
         approvers = CASE WHEN $14::int IS NOT NULL THEN $15::text[] WHEN $13 AND status = 'returned' THEN approvers ELSE '{}' END`,
        [
          d.round,
          JSON.stringify(d.chain),
          d.submittedAt,
          d.timeliness.deadline,
          d.timeliness.late,
          d.timeliness.lateByMinutes,
          d.check.formComplete,
          JSON.stringify(d.check.missingFields),
          JSON.stringify(d.check.warnings),
          legacyResume,
          resumeAt?.step ?? null,
          resumeAt?.approvers ?? [],
        ],
      );
      await client.query(
        `UPDATE ${t('drafts')} SET waiting_role = chain->'steps'->current_step->>'role', current_step_name = chain->'steps'->current_step->>'name' WHERE draft_id = $1`,
        [d.draftId],
      );
      if (d.commissionId) {
        await client.query(
          `UPDATE ${t('commission_units')} SET first_draft_id = $3, first_submitted_at = $4 WHERE commission_id = $1 AND unit_id = $2 AND first_submitted_at IS NULL`,
          [d.commissionId, d.unitId, d.draftId, d.submittedAt],
        );
      }
      await history(e, ctx, d.draftId, d.submittedAt);
      return;
    }
    case 'ReviewStepApproved': {
      const d = e.data;
      await update(
        `current_step = $4 + 1, waiting_role = chain->'steps'->($4 + 1)->>'role', current_step_name = chain->'steps'->($4 + 1)->>'name', approvers = array_append(approvers, $5), waiting_since = $6`,
        [d.stepIndex, d.reviewerId, d.approvedAt],
      );
      await history(e, ctx, d.draftId, d.approvedAt);
      return;
    }
    case 'DraftReferredToSecrecyAuthority': {
      // The step keeps waiting (its role holders record the authority's answer): the draft stays in their inbox.
      const d = e.data;
      await update(`status = 'referred', current_step = $4, referred_by = $5`, [d.stepIndex, d.reviewerId]);
      await history(e, ctx, d.draftId, d.referredAt);
      return;
    }
    case 'SecrecyAuthorityAnswerRecorded': {
      const d = e.data;
      await update(
        `status = 'in_review', referred_by = NULL, current_step = $4 + 1, waiting_role = chain->'steps'->($4 + 1)->>'role',
         current_step_name = chain->'steps'->($4 + 1)->>'name', approvers = array_append(approvers, $5), waiting_since = $6`,
        [d.stepIndex, d.referredBy, d.recordedAt],
      );
      await history(e, ctx, d.draftId, d.recordedAt);
      return;
    }
    case 'DraftSignedOff': {
      await update(`status = 'signed_off', waiting_role = NULL, current_step_name = NULL, signed_off_at = $4, waiting_since = NULL`, [e.data.signedOffAt]);
      await client.query(
        `INSERT INTO ${t('register_entries')} (draft_id, unit_id, title, content_type, first_author, signed_off_at)
         SELECT draft_id, unit_id, title, content_type, authors[1], $2 FROM ${t('drafts')} WHERE draft_id = $1 ON CONFLICT DO NOTHING`,
        [e.data.draftId, e.data.signedOffAt],
      );
      await history(e, ctx, e.data.draftId, e.data.signedOffAt);
      return;
    }
    case 'DraftReturnedForRevision':
      await update(`status = 'returned', current_step = $4, waiting_role = NULL, current_step_name = NULL, waiting_since = NULL, last_return_comments = $5`, [e.data.stepIndex, e.data.comments]);
      await history(e, ctx, e.data.draftId, e.data.returnedAt);
      return;
    case 'DraftRejected':
      await update(`status = 'rejected', waiting_role = NULL, current_step_name = NULL, waiting_since = NULL`, []);
      await history(e, ctx, e.data.draftId, e.data.rejectedAt);
      return;
    case 'DraftRetracted':
      await update(`status = 'retracted'`, []);
      await client.query(`UPDATE ${t('register_entries')} SET retracted_at = $2, retraction_reason = $3 WHERE draft_id = $1`, [e.data.draftId, e.data.retractedAt, e.data.reason]);
      await history(e, ctx, e.data.draftId, e.data.retractedAt);
      return;
    case 'DraftPublished':
      return outcome(e, ctx, 'publication', e.data.levelKey, e.data.channelId, null, e.data.publishedAt);
    case 'DraftAdopted':
      return outcome(e, ctx, 'adoption', e.data.levelKey, e.data.publicationName, e.data.issue, e.data.adoptedAt);
    case 'DraftRatedExcellent':
      return outcome(e, ctx, 'excellent', e.data.levelKey, null, null, e.data.ratedAt);
    case 'LeaderInstructionRecorded':
      return outcome(e, ctx, 'instruction', e.data.levelKey, e.data.leader, null, e.data.instructedAt);
    default:
      return;
  }
}

async function outcome(
  e: RecordedEvent & DraftEvent,
  ctx: ProjectionContext,
  kind: string,
  levelKey: string,
  name: string | null,
  issue: string | null,
  at: string,
): Promise<void> {
  await ctx.client.query(
    `INSERT INTO ${ctx.t('register_outcomes')} (draft_id, revision, kind, level_key, name, issue, at, detail) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT DO NOTHING`,
    [e.data.draftId, e.revision.toString(), kind, levelKey, name, issue, at, JSON.stringify(e.data)],
  );
  await ctx.client.query(`UPDATE ${ctx.t('drafts')} SET revision = $2, updated_at = $3 WHERE draft_id = $1 AND revision < $2`, [e.data.draftId, e.revision.toString(), e.metadata.recordedAt]);
  await history(e, ctx, e.data.draftId, at);
}

async function applyCommission(e: RecordedEvent & CommissionEvent, { client, t }: ProjectionContext): Promise<void> {
  switch (e.type) {
    case 'CommissionIssued': {
      const d = e.data;
      await client.query(
        `INSERT INTO ${t('commissions')} (commission_id, topic, requirements, purpose, deadline, contact, issued_by, issued_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT DO NOTHING`,
        [d.commissionId, d.topic, d.requirements, d.purpose, d.deadline, d.contact, d.issuedBy, d.issuedAt],
      );
      await client.query(
        `INSERT INTO ${t('commission_units')} (commission_id, unit_id) SELECT $1, unnest($2::uuid[]) ON CONFLICT DO NOTHING`,
        [d.commissionId, d.unitIds],
      );
      return;
    }
    case 'CommissionCancelled':
      await client.query(`UPDATE ${t('commissions')} SET cancelled_at = $2 WHERE commission_id = $1`, [e.data.commissionId, e.data.cancelledAt]);
      return;
    default:
      return;
  }
}
