import { Inject, Injectable } from '@nestjs/common';
import type { Pool } from 'pg';
import { NotFound } from '@app/kernel';
import { PG_POOL } from '@app/platform';
import { commissionUnitStatus } from '../../domain/commission.decider';

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
  units: { unitId: string; firstDraftId: string | null; firstSubmittedAt: string | null }[];
}

const SELECT = `SELECT c.commission_id AS "commissionId", c.topic, c.requirements, c.purpose, c.deadline, c.contact, c.issued_by AS "issuedBy",
  c.issued_at AS "issuedAt", c.cancelled_at AS "cancelledAt",
  json_agg(json_build_object('unitId', u.unit_id, 'firstDraftId', u.first_draft_id, 'firstSubmittedAt', u.first_submitted_at) ORDER BY u.unit_id) AS units
  FROM rm.commissions c JOIN rm.commission_units u ON u.commission_id = c.commission_id`;

/** Commissions with each unit's status as of a time: fulfilled, late, missed or open (from facts, not a clock). */
@Injectable()
export class CommissionQueries {
  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  async list(filter: { unitId?: string; status?: string }, asOf: string, page: { limit: number; offset: number }) {
    const rows = await this.pool.query<CommissionRow>(
      `${SELECT} WHERE ($1::uuid IS NULL OR c.commission_id IN (SELECT commission_id FROM rm.commission_units WHERE unit_id = $1))
        GROUP BY c.commission_id, c.topic, c.requirements, c.purpose, c.deadline, c.contact, c.issued_by, c.issued_at, c.cancelled_at
        ORDER BY c.issued_at DESC LIMIT $2 OFFSET $3`,
      [filter.unitId ?? null, page.limit, page.offset],
    );
    const views = rows.rows.map((r) => view(r, asOf));
    return filter.status ? views.filter((v) => v.status === filter.status) : views;
  }

  async get(commissionId: string, asOf: string) {
    const rows = await this.pool.query<CommissionRow>(`${SELECT} WHERE c.commission_id = $1
      GROUP BY c.commission_id, c.topic, c.requirements, c.purpose, c.deadline, c.contact, c.issued_by, c.issued_at, c.cancelled_at`, [commissionId]);
    if (!rows.rows[0]) throw new NotFound('Commission', commissionId);
    return view(rows.rows[0], asOf);
  }
}

function view(r: CommissionRow, asOf: string) {
  const deadline = new Date(r.deadline).toISOString();
  const units = r.units.map((u) => ({
    ...u,
    firstSubmittedAt: u.firstSubmittedAt ? new Date(u.firstSubmittedAt).toISOString() : null,
    status: commissionUnitStatus(deadline, u.firstSubmittedAt ? new Date(u.firstSubmittedAt).toISOString() : null, asOf),
  }));
  const status = r.cancelledAt
    ? 'cancelled'
    : units.every((u) => u.status === 'fulfilled' || u.status === 'late')
      ? 'fulfilled'
      : units.some((u) => u.status === 'missed')
        ? 'missed'
        : 'open';
  return { ...r, deadline, asOf, status, units };
}
