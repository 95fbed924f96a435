import { Inject, Injectable } from '@nestjs/common';
import type { Pool } from 'pg';
import { NotFound } from '@app/kernel';
import { decodeCursorValues, encodeCursorValues, PG_POOL, ReadSelector } from '@app/platform';
import { ReadModels } from '@app/projections';
import { IncidentView, openDues } from './incident-view';

export interface IncidentFilter {
  unitId?: string;
  status?: string;
  severity?: string;
  overdue?: boolean;
  from?: string;
  to?: string;
}

const INSTANT_US = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function decodeCursor(cursor: string): [string, string] {
  const [at, id] = decodeCursorValues(cursor, 2, (v, i) => (i === 0 ? INSTANT_US.test(v) && !Number.isNaN(Date.parse(`${v.slice(0, 23)}Z`)) : UUID.test(v)));
  return [at!, id!];
}

/** The incident with what is due and when (open incidents only), as the API shows it. */
export function incidentDetail(view: IncidentView) {
  return { ...view, dues: openDues(view).map((s) => ({ step: s.step, key: s.key, deadlineId: s.deadlineId, dueAt: s.dueAt, remindAt: s.remindAt, missed: s.status === 'missed', provisional: s.provisional })) };
}

/** Lists (newest occurrence first, keyset pages), one incident, and its timeline, from the incidents read model. */
@Injectable()
export class IncidentQueries {
  constructor(
    @Inject(PG_POOL) private readonly pool: Pool,
    private readonly readModels: ReadModels,
  ) {}

  async list(filter: IncidentFilter, page: { limit: number; cursor?: string }, read?: ReadSelector) {
    const r = await this.readModels.scope(read, ['incidents']);
    const after = page.cursor ? decodeCursor(page.cursor) : null;
    const rows = await this.pool.query<{ view: IncidentView; k0: string; k1: string }>(
      `SELECT view, to_char(occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS k0, incident_id AS k1 FROM ${r.t('incidents')}
        WHERE ($1::text IS NULL OR unit_id = $1) AND ($2::text IS NULL OR status = $2) AND ($3::text IS NULL OR severity = $3)
          AND ($4::boolean IS NULL OR overdue = $4) AND ($5::timestamptz IS NULL OR occurred_at >= $5) AND ($6::timestamptz IS NULL OR occurred_at < $6)
          AND ($7::timestamptz IS NULL OR (occurred_at, incident_id) < ($7::timestamptz, $8::text))
        ORDER BY occurred_at DESC, incident_id DESC LIMIT $9`,
      [filter.unitId ?? null, filter.status ?? null, filter.severity ?? null, filter.overdue ?? null, filter.from ?? null, filter.to ?? null, after?.[0] ?? null, after?.[1] ?? null, page.limit + 1],
    );
    const items = rows.rows.slice(0, page.limit);
    const last = items[items.length - 1];
    const next = rows.rows.length > page.limit && last ? encodeCursorValues([last.k0, last.k1]) : null;
    return { items: items.map((row) => incidentDetail(row.view)), next };
  }

  async view(incidentId: string, read?: ReadSelector): Promise<IncidentView> {
    const r = await this.readModels.scope(read, ['incidents']);
    const row = await this.pool.query<{ view: IncidentView }>(`SELECT view FROM ${r.t('incidents')} WHERE incident_id = $1`, [incidentId]);
    if (!row.rows[0]) throw new NotFound('Incident', incidentId);
    return row.rows[0].view;
  }

  async history(incidentId: string, read?: ReadSelector) {
    const r = await this.readModels.scope(read, ['incidents', 'incident_timeline']);
    const rows = await this.pool.query<{ revision: string; type: string; recordedAt: Date; actorId: string; data: unknown }>(
      `SELECT x.revision::text AS revision, x.type, x.recorded_at AS "recordedAt", x.actor_id AS "actorId", x.data FROM ${r.t('incident_timeline')} x WHERE x.incident_id = $1 ORDER BY x.revision`,
      [incidentId],
    );
    return rows.rows.map((x) => ({ ...x, recordedAt: new Date(x.recordedAt).toISOString() }));
  }
}
