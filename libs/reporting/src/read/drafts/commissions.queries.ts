import { Inject, Injectable } from '@nestjs/common';
import type { Pool } from 'pg';
import { NotFound } from '@app/kernel';
import { PG_POOL, ReadSelector } from '@app/platform';
import { ReadModels, ReadScope } from '@app/projections';
import { commissionUnitStatus } from '../../domain/commission.decider';
import { CursorPage, CursorRequest, Keyset, keysetSql, toPage } from '../cursor';

interface CommissionRow {
  commissionId: string;
  topic: string;
  requirements: string;
  purpose: string;
  deadline: Date;
  contact: string;
  issuedBy: string;
  issuedAt: Date;
  cancelledAt: Date | null;
  status: 'cancelled' | 'fulfilled' | 'missed' | 'open';
  units: { unitId: string; firstDraftId: string | null; firstSubmittedAt: string | null }[];
}

/**
 * A commission's status as of $1, in SQL so that a status filter applies before the page's limit: cancelled;
 * fulfilled when every unit has submitted (on time or late); missed when a unit has not and the deadline has
 * passed; open otherwise (the units' own statuses come from commissionUnitStatus, the same facts).
 */
const WITH_STATUS = (r: ReadScope) => `SELECT c.commission_id AS "commissionId", c.topic, c.requirements, c.purpose, c.deadline, c.contact, c.issued_by AS "issuedBy",
  c.issued_at AS "issuedAt", c.cancelled_at AS "cancelledAt",
  CASE WHEN c.cancelled_at IS NOT NULL THEN 'cancelled'
       WHEN bool_and(u.first_submitted_at IS NOT NULL) THEN 'fulfilled'
       WHEN $1::timestamptz > c.deadline THEN 'missed'
       ELSE 'open' END AS status,
  json_agg(json_build_object('unitId', u.unit_id, 'firstDraftId', u.first_draft_id, 'firstSubmittedAt', u.first_submitted_at) ORDER BY u.unit_id) AS units,
  c.issued_at AS issued_at_key, c.commission_id AS commission_id_key
  FROM ${r.t('commissions')} c JOIN ${r.t('commission_units')} u ON u.commission_id = c.commission_id`;
const GROUP = `GROUP BY c.commission_id, c.topic, c.requirements, c.purpose, c.deadline, c.contact, c.issued_by, c.issued_at, c.cancelled_at`;
const NEWEST_ISSUED: Keyset = { columns: [{ expr: 'issued_at_key', type: 'timestamptz' }, { expr: 'commission_id_key', type: 'uuid' }], direction: 'DESC' };

/** Commissions with each unit's status as of a time: fulfilled, late, missed or open (from facts, not a clock). */
@Injectable()
export class CommissionQueries {
  constructor(
    @Inject(PG_POOL) private readonly pool: Pool,
    private readonly readModels: ReadModels,
  ) {}

  async list(filter: { unitId?: string; status?: string }, asOf: string, page: CursorRequest, read?: ReadSelector): Promise<CursorPage<ReturnType<typeof view>>> {
    const r = await this.readModels.scope(read, ['commissions', 'commission_units']);
    const k = keysetSql(NEWEST_ISSUED, page, 4);
    const rows = await this.pool.query<CommissionRow & Record<string, unknown>>(
      `SELECT s.*, ${k.select} FROM (
         ${WITH_STATUS(r)}
         WHERE ($2::uuid IS NULL OR c.commission_id IN (SELECT commission_id FROM ${r.t('commission_units')} WHERE unit_id = $2))
         ${GROUP}
       ) s WHERE ($3::text IS NULL OR s.status = $3) AND ${k.after}
       ORDER BY ${k.orderBy} LIMIT ${k.limit}`,
      [asOf, filter.unitId ?? null, filter.status ?? null, ...k.params],
    );
    const found = toPage<CommissionRow>(rows.rows, NEWEST_ISSUED, page);
    return { items: found.items.map((r) => view(r, asOf)), next: found.next };
  }

  async get(commissionId: string, asOf: string, read?: ReadSelector) {
    const r = await this.readModels.scope(read, ['commissions', 'commission_units']);
    const rows = await this.pool.query<CommissionRow>(`${WITH_STATUS(r)} WHERE c.commission_id = $2 ${GROUP}`, [asOf, commissionId]);
    if (!rows.rows[0]) throw new NotFound('Commission', commissionId);
    return view(rows.rows[0], asOf);
  }
}

function view(row: CommissionRow, asOf: string) {
  const { issued_at_key: _i, commission_id_key: _c, ...r } = row as CommissionRow & { issued_at_key?: unknown; commission_id_key?: unknown };
  const deadline = new Date(r.deadline).toISOString();
  const units = r.units.map((u) => ({
    ...u,
    firstSubmittedAt: u.firstSubmittedAt ? new Date(u.firstSubmittedAt).toISOString() : null,
    status: commissionUnitStatus(deadline, u.firstSubmittedAt ? new Date(u.firstSubmittedAt).toISOString() : null, asOf),
  }));
  return { ...r, deadline, asOf, units };
}
