import { Inject, Injectable } from '@nestjs/common';
import type { Pool } from 'pg';
import { NotFound, periodRange, ValidationFailed } from '@app/kernel';
import { decodeCursorValues, encodeCursorValues, PG_POOL, ReadSelector } from '@app/platform';
import { ReadModels } from '@app/projections';
import type { CreditRecordView } from './credit-view';

export interface CreditFilter {
  unitId?: string;
  status?: string;
  kind?: string;
  category?: string;
}

const INSTANT_US = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function decodeCursor(cursor: string): [string, string] {
  const [at, id] = decodeCursorValues(cursor, 2, (v, i) => (i === 0 ? INSTANT_US.test(v) : UUID.test(v)));
  return [at!, id!];
}

/** A period key (YYYY, YYYY-Qn, YYYY-MM) as the business dates it spans, inclusive (a day is not a period here). */
export function periodDates(period: string): { from: string; to: string } {
  const range = /^\d{4}(-Q[1-4]|-(0[1-9]|1[0-2]))?$/.test(period) ? periodRange(period) : undefined;
  if (!range) throw new ValidationFailed([{ field: 'period', message: 'period must be YYYY, YYYY-Qn or YYYY-MM' }]);
  return range;
}

export interface CreditUnitStatistics {
  unitId: string;
  submitted: number;
  returned: number;
  approved: number;
  uploaded: number;
  rejected: number;
  /** Upload deadline elapsed before the upload (still pending, or uploaded late). */
  overdue: number;
  /** A review round's deadline elapsed with the record still waiting. */
  reviewOverdue: number;
  completeFields: number;
  requiredFields: number;
  /** complete fields / required fields over the unit's records (1 when it has none). */
  completenessRate: number;
  /** uploaded on time / uploaded (null when nothing is uploaded yet). */
  onTimeRate: number | null;
}

const ratio = (a: number, b: number) => Math.round((a / b) * 10_000) / 10_000;

/** Lists (newest submission first, keyset pages), one record, the review inbox and per-unit statistics. */
@Injectable()
export class CreditQueries {
  constructor(
    @Inject(PG_POOL) private readonly pool: Pool,
    private readonly readModels: ReadModels,
  ) {}

  async list(filter: CreditFilter, page: { limit: number; cursor?: string }, read?: ReadSelector) {
    const r = await this.readModels.scope(read, ['credit_records']);
    const after = page.cursor ? decodeCursor(page.cursor) : null;
    const rows = await this.pool.query<{ view: CreditRecordView; k0: string; k1: string }>(
      `SELECT view, to_char(submitted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS k0, record_id AS k1 FROM ${r.t('credit_records')}
        WHERE ($1::text IS NULL OR unit_id = $1) AND ($2::text IS NULL OR status = $2) AND ($3::text IS NULL OR kind = $3) AND ($4::text IS NULL OR category = $4)
          AND ($5::timestamptz IS NULL OR (submitted_at, record_id) < ($5::timestamptz, $6::text))
        ORDER BY submitted_at DESC, record_id DESC LIMIT $7`,
      [filter.unitId ?? null, filter.status ?? null, filter.kind ?? null, filter.category ?? null, after?.[0] ?? null, after?.[1] ?? null, page.limit + 1],
    );
    const items = rows.rows.slice(0, page.limit);
    const last = items[items.length - 1];
    const next = rows.rows.length > page.limit && last ? encodeCursorValues([last.k0, last.k1]) : null;
    return { items: items.map((row) => row.view), next };
  }

  /** What waits for review in a unit: submitted records, the soonest review due first. */
  async inbox(unitId: string, read?: ReadSelector) {
    const r = await this.readModels.scope(read, ['credit_records']);
    const rows = await this.pool.query<{ view: CreditRecordView }>(
      `SELECT view FROM ${r.t('credit_records')} WHERE unit_id = $1 AND status = 'submitted' ORDER BY review_due_at ASC NULLS LAST, submitted_at ASC, record_id LIMIT 500`,
      [unitId],
    );
    return { items: rows.rows.map((x) => x.view) };
  }

  async view(recordId: string, read?: ReadSelector): Promise<CreditRecordView> {
    const r = await this.readModels.scope(read, ['credit_records']);
    const row = await this.pool.query<{ view: CreditRecordView }>(`SELECT view FROM ${r.t('credit_records')} WHERE record_id = $1`, [recordId]);
    if (!row.rows[0]) throw new NotFound('Credit record', recordId);
    return row.rows[0].view;
  }

  /** Per-unit statistics of the records submitted in the period (by the business date of their first submission). */
  async statistics(period: string, unitId: string | undefined, read?: ReadSelector): Promise<CreditUnitStatistics[]> {
    const { from, to } = periodDates(period);
    const r = await this.readModels.scope(read, ['credit_records']);
    const rows = await this.pool.query<Record<string, string>>(
      `SELECT unit_id,
              count(*) AS submitted,
              count(*) FILTER (WHERE returned) AS returned,
              count(*) FILTER (WHERE status IN ('approved', 'upload_failed', 'uploaded')) AS approved,
              count(*) FILTER (WHERE status = 'uploaded') AS uploaded,
              count(*) FILTER (WHERE status = 'rejected') AS rejected,
              count(*) FILTER (WHERE upload_overdue) AS overdue,
              count(*) FILTER (WHERE review_overdue AND status = 'submitted') AS review_overdue,
              coalesce(sum(complete), 0) AS complete,
              coalesce(sum(required), 0) AS required,
              count(*) FILTER (WHERE uploaded_on_time) AS on_time
         FROM ${r.t('credit_records')}
        WHERE submitted_on >= $1 AND submitted_on <= $2 AND ($3::text IS NULL OR unit_id = $3)
        GROUP BY unit_id ORDER BY unit_id`,
      [from, to, unitId ?? null],
    );
    return rows.rows.map((x) => {
      const n = (k: string) => Number(x[k]);
      return {
        unitId: x.unit_id!,
        submitted: n('submitted'),
        returned: n('returned'),
        approved: n('approved'),
        uploaded: n('uploaded'),
        rejected: n('rejected'),
        overdue: n('overdue'),
        reviewOverdue: n('review_overdue'),
        completeFields: n('complete'),
        requiredFields: n('required'),
        completenessRate: n('required') === 0 ? 1 : ratio(n('complete'), n('required')),
        onTimeRate: n('uploaded') === 0 ? null : ratio(n('on_time'), n('uploaded')),
      };
    });
  }
}
