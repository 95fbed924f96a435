import { DEADLINE_EVENT_TYPES } from '@app/kernel';
import type { RecordedEvent } from '@app/event-store';
import type { ProjectionContext, ProjectionDefinition } from '@app/projections';
import { CREDIT_EVENT_TYPES, CREDIT_RECORD_STREAM_PREFIX, CreditRecordStreamEvent } from '../domain/credit-record.events';
import { applyCreditEvent, CreditRecordView } from './credit-view';

const recordOf = (e: RecordedEvent): string | null => (e.streamId.startsWith(CREDIT_RECORD_STREAM_PREFIX) ? e.streamId.slice(CREDIT_RECORD_STREAM_PREFIX.length) : null);

/**
 * The credit read model (信用信息上报): one row per record with its personal fields masked (the view never holds a
 * clear personal value; maskPersonal of CREDIT_PERSONAL_DATA), and the columns the lists, the review inbox and the
 * per-unit statistics filter and count on. Only the log: deadlines are overdue when their DeadlineElapsed is in
 * the record's stream, never by a clock. Bulk and idempotent: a batch reads the rows it touches once, folds only
 * events past each row's revision and writes each row once.
 */
export const creditProjection: ProjectionDefinition = {
  name: 'credit',
  version: 1,
  tables: ['credit_records'],
  eventTypes: [...CREDIT_EVENT_TYPES, ...DEADLINE_EVENT_TYPES],
  async setup(client, t) {
    await client.query(`
      CREATE TABLE ${t('credit_records')} (
        record_id text PRIMARY KEY,
        unit_id text NOT NULL,
        kind text NOT NULL,
        category text NOT NULL,
        status text NOT NULL,
        submitted_at timestamptz NOT NULL,
        submitted_on text NOT NULL,
        review_due_at timestamptz,
        review_overdue boolean NOT NULL,
        upload_overdue boolean NOT NULL,
        returned boolean NOT NULL,
        complete int NOT NULL,
        required int NOT NULL,
        uploaded_on_time boolean,
        revision bigint NOT NULL,
        view jsonb NOT NULL
      );
      CREATE INDEX ON ${t('credit_records')} (submitted_at DESC, record_id DESC);
      CREATE INDEX ON ${t('credit_records')} (unit_id, submitted_on);
      CREATE INDEX ON ${t('credit_records')} (status, review_due_at);
    `);
  },
  async applyBatch(events, ctx) {
    await write(events, ctx);
  },
};

async function write(events: readonly RecordedEvent[], { client, t }: ProjectionContext): Promise<void> {
  const mine = events.filter((e) => recordOf(e) !== null);
  if (mine.length === 0) return;
  const ids = [...new Set(mine.map((e) => recordOf(e)!))];
  const existing = await client.query<{ record_id: string; view: CreditRecordView }>(`SELECT record_id, view FROM ${t('credit_records')} WHERE record_id = ANY($1::text[])`, [ids]);
  const views = new Map<string, CreditRecordView | null>(existing.rows.map((r) => [r.record_id, r.view]));
  const changed = new Set<string>();
  for (const e of mine) {
    const id = recordOf(e)!;
    const view = views.get(id) ?? null;
    if (view && BigInt(view.revision) >= e.revision) continue;
    const next = applyCreditEvent(view, e as RecordedEvent & CreditRecordStreamEvent);
    if (!next) continue;
    views.set(id, next);
    changed.add(id);
  }
  const rows = [...changed].map((id) => views.get(id)!);
  if (rows.length === 0) return;
  await client.query(
    `INSERT INTO ${t('credit_records')} (record_id, unit_id, kind, category, status, submitted_at, submitted_on, review_due_at, review_overdue, upload_overdue, returned, complete, required, uploaded_on_time, revision, view)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::timestamptz[], $7::text[], $8::timestamptz[], $9::boolean[], $10::boolean[], $11::boolean[], $12::int[], $13::int[], $14::boolean[], $15::bigint[], $16::jsonb[])
     ON CONFLICT (record_id) DO UPDATE SET status = EXCLUDED.status, review_due_at = EXCLUDED.review_due_at, review_overdue = EXCLUDED.review_overdue, upload_overdue = EXCLUDED.upload_overdue,
       returned = EXCLUDED.returned, complete = EXCLUDED.complete, required = EXCLUDED.required, uploaded_on_time = EXCLUDED.uploaded_on_time, revision = EXCLUDED.revision, view = EXCLUDED.view
     WHERE ${t('credit_records')}.revision < EXCLUDED.revision`,
    [
      rows.map((r) => r.recordId),
      rows.map((r) => r.unitId),
      rows.map((r) => r.kind),
      rows.map((r) => r.category),
      rows.map((r) => r.status),
      rows.map((r) => r.submittedAt),
      rows.map((r) => r.submittedOn),
      rows.map((r) => r.reviewDue?.dueAt ?? null),
      rows.map((r) => r.reviewDue?.elapsed === true),
      rows.map((r) => r.uploadDue?.elapsed === true),
      rows.map((r) => r.returns.length > 0),
      rows.map((r) => r.completeness.complete),
      rows.map((r) => r.completeness.required),
      rows.map((r) => (r.upload.verdict === null ? null : r.upload.verdict !== 'late')),
      rows.map((r) => r.revision),
      rows.map((r) => JSON.stringify(r)),
    ],
  );
}
