import { Inject, Injectable } from '@nestjs/common';
import type { Pool } from 'pg';
import { NotFound } from '@app/kernel';
import type { Actor } from '@app/access';
import { EVENT_STORE, EventStore } from '@app/event-store';
import { PG_POOL, ReadSelector } from '@app/platform';
import { ReadModels } from '@app/projections';
import { draftStream } from '../../domain/draft.decider';
import { DRAFT_EVENT_TYPES } from './drafts.mapping';
import { reportingProjection } from './drafts.projection';
import { draftTimeline } from './drafts.timeline';
import { CursorPage, CursorRequest, Keyset, keysetSql, toPage } from '../cursor';

const DRAFT_COLUMNS = `draft_id AS "draftId", unit_id AS "unitId", created_by AS "createdBy", authors, title, content_type AS "contentType",
  importance, destination, source, status, round, current_step AS "currentStep", waiting_role AS "currentRole",
  current_step_name AS "currentStepName", waiting_since AS "waitingSince", submitted_at AS "submittedAt", deadline AS "dueAt",
  late, late_by_minutes AS "lateByMinutes", form_complete AS "formComplete", missing_fields AS "missingFields", warnings,
  last_return_comments AS "lastReturnComments", referred_by AS "referredBy", signed_off_at AS "signedOffAt", commission_id AS "commissionId",
  created_at AS "createdAt", updated_at AS "updatedAt", revision::text AS revision`;

/** Newest first by creation (a draft's creation time never changes, so pages never skip or repeat a draft). */
const NEWEST_CREATED: Keyset = { columns: [{ expr: 'created_at', type: 'timestamptz' }, { expr: 'draft_id', type: 'uuid' }], direction: 'DESC' };
/** Oldest waiting first. */
const LONGEST_WAITING: Keyset = { columns: [{ expr: 'd.waiting_since', type: 'timestamptz' }, { expr: 'd.draft_id', type: 'uuid' }], direction: 'ASC' };
const NEWEST_SIGNED_OFF: Keyset = { columns: [{ expr: 'e.signed_off_at', type: 'timestamptz' }, { expr: 'e.draft_id', type: 'uuid' }], direction: 'DESC' };

/**
 * Read side of the reporting workflow: every query reads the build the request selects (the live build's rm.*
 * views unless X-Read-Build names another) through ReadModels.
 */
@Injectable()
export class DraftQueries {
  constructor(
    @Inject(PG_POOL) private readonly pool: Pool,
    private readonly readModels: ReadModels,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}

  async mine(memberId: string, filter: { status?: string }, page: CursorRequest, read?: ReadSelector): Promise<CursorPage<Record<string, unknown>>> {
    const r = await this.readModels.scope(read, ['drafts']);
    const k = keysetSql(NEWEST_CREATED, page, 3);
    const rows = await this.pool.query(
      `SELECT ${DRAFT_COLUMNS}, ${k.select} FROM ${r.t('drafts')} WHERE (created_by = $1 OR $1 = ANY(authors)) AND ($2::text IS NULL OR status = $2) AND ${k.after}
        ORDER BY ${k.orderBy} LIMIT ${k.limit}`,
      [memberId, filter.status ?? null, ...k.params],
    );
    return toPage(rows.rows, NEWEST_CREATED, page);
  }

  /**
   * What waits for this reviewer: drafts in review (or referred to the secrecy authority, whose answer the step's
   * role holders record) whose waiting step's role the member holds over the draft's unit on the given business
   * date, read from the review-coverage projection (one source of "who reviews what").
   */
  async inbox(actor: Actor, today: string, page: CursorRequest, read?: ReadSelector): Promise<CursorPage<Record<string, unknown>>> {
    const r = await this.readModels.scope(read, ['drafts', 'review_coverage']);
    const k = keysetSql(LONGEST_WAITING, page, 3);
    const rows = await this.pool.query(
      `SELECT ${DRAFT_COLUMNS}, ${k.select} FROM ${r.t('drafts')} d
        WHERE d.status IN ('in_review', 'referred')
          AND EXISTS (SELECT 1 FROM ${r.t('review_coverage')} c
                       WHERE c.unit_id = d.unit_id AND c.role = d.waiting_role AND c.member_id = $1
                         AND c.starts_on <= $2 AND (c.ends_on IS NULL OR c.ends_on >= $2))
          AND NOT (d.author_may_not_review AND (d.created_by = $1::text OR $1::text = ANY(d.authors)))
          AND NOT (d.two_person_check AND $1::text = ANY(d.approvers))
          AND ${k.after}
        ORDER BY ${k.orderBy} LIMIT ${k.limit}`,
      [actor.memberId, today, ...k.params],
    );
    return toPage(rows.rows, LONGEST_WAITING, page);
  }

  async list(filter: { unitId?: string; status?: string; contentType?: string; from?: string; to?: string }, page: CursorRequest, read?: ReadSelector): Promise<CursorPage<Record<string, unknown>>> {
    const r = await this.readModels.scope(read, ['drafts']);
    const k = keysetSql(NEWEST_CREATED, page, 6);
    const rows = await this.pool.query(
      `SELECT ${DRAFT_COLUMNS}, ${k.select} FROM ${r.t('drafts')}
        WHERE ($1::uuid IS NULL OR unit_id = $1) AND ($2::text IS NULL OR status = $2) AND ($3::text IS NULL OR content_type = $3)
          AND ($4::timestamptz IS NULL OR created_at >= $4) AND ($5::timestamptz IS NULL OR created_at < $5) AND ${k.after}
        ORDER BY ${k.orderBy} LIMIT ${k.limit}`,
      [filter.unitId ?? null, filter.status ?? null, filter.contentType ?? null, filter.from ?? null, filter.to ?? null, ...k.params],
    );
    return toPage(rows.rows, NEWEST_CREATED, page);
  }

  /**
   * A draft with its current content (what the authors edit after 退回修改), its revision (the ETag to send back as
   * If-Match), its chain and checks, its outcomes and its whole history (who did what, when, with comments). The
   * history's rows are the build's (an as-of build shows the events up to its position); each event's data is read
   * from the draft's stream, as the log holds it (upcast), not copied into the read model.
   */
  async detail(draftId: string, read?: ReadSelector) {
    const r = await this.readModels.scope(read, ['drafts']);
    const draft = await this.pool.query<Record<string, unknown> & { revision: string }>(`SELECT ${DRAFT_COLUMNS} FROM ${r.t('drafts')} WHERE draft_id = $1`, [draftId]);
    const row = draft.rows[0];
    if (!row) throw new NotFound('Draft', draftId);
    // The events the build has applied: up to the row's revision, of the projection's types, without those an
    // operator skipped (POST /v1/ops/dead-letters/:id/skip).
    const revision = BigInt(row.revision);
    const skipped = await this.pool.query<{ event_id: string }>(`SELECT event_id::text FROM projection_skipped_events WHERE projection = $1`, [reportingProjection.name]);
    const left = new Set(skipped.rows.map((s) => s.event_id));
    const types = new Set<string>(DRAFT_EVENT_TYPES);
    const events = (await this.store.readStream(draftStream(draftId), { maxCount: Number(revision) + 1 })).filter(
      (e) => e.revision <= revision && types.has(e.type) && !left.has(e.metadata.eventId),
    );
    const { history, outcomes, content, chain } = draftTimeline(events);
    return { ...row, chain, content, outcomes, history };
  }

  /** 登记: every signed-off item with its unit, the publications that adopted it, levels and instructions. */
  async register(filter: { unitId?: string; from?: string; to?: string; levelKey?: string; contentType?: string }, page: CursorRequest, read?: ReadSelector): Promise<CursorPage<Record<string, unknown>>> {
    const r = await this.readModels.scope(read, ['register_entries', 'register_outcomes']);
    const k = keysetSql(NEWEST_SIGNED_OFF, page, 6);
    const rows = await this.pool.query(
      `SELECT e.draft_id AS "draftId", e.unit_id AS "unitId", e.title, e.content_type AS "contentType", e.first_author AS "firstAuthor",
              e.signed_off_at AS "signedOffAt", e.retracted_at AS "retractedAt", e.retraction_reason AS "retractionReason",
              COALESCE(json_agg(json_build_object('kind', o.kind, 'levelKey', o.level_key, 'name', o.name, 'issue', o.issue, 'at', o.at) ORDER BY o.revision)
                FILTER (WHERE o.kind IS NOT NULL), '[]') AS outcomes, ${k.select}
         FROM ${r.t('register_entries')} e LEFT JOIN ${r.t('register_outcomes')} o ON o.draft_id = e.draft_id
        WHERE ($1::uuid IS NULL OR e.unit_id = $1) AND ($2::timestamptz IS NULL OR e.signed_off_at >= $2) AND ($3::timestamptz IS NULL OR e.signed_off_at < $3)
          AND ($4::text IS NULL OR e.content_type = $4)
          AND ($5::text IS NULL OR EXISTS (SELECT 1 FROM ${r.t('register_outcomes')} x WHERE x.draft_id = e.draft_id AND x.level_key = $5))
          AND ${k.after}
        GROUP BY e.draft_id, e.unit_id, e.title, e.content_type, e.first_author, e.signed_off_at, e.retracted_at, e.retraction_reason
        ORDER BY ${k.orderBy} LIMIT ${k.limit}`,
      [filter.unitId ?? null, filter.from ?? null, filter.to ?? null, filter.contentType ?? null, filter.levelKey ?? null, ...k.params],
    );
    return toPage(rows.rows, NEWEST_SIGNED_OFF, page);
  }

  async draftUnit(draftId: string, read?: ReadSelector): Promise<string> {
    const r = await this.readModels.scope(read, ['drafts']);
    const row = await this.pool.query<{ unit_id: string }>(`SELECT unit_id FROM ${r.t('drafts')} WHERE draft_id = $1`, [draftId]);
    if (!row.rows[0]) throw new NotFound('Draft', draftId);
    return row.rows[0].unit_id;
  }
}
