import { Inject } from '@nestjs/common';
import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import type { Pool } from 'pg';
import { PG_POOL, ReadSelector } from '@app/platform';
import { ReadModels } from '@app/projections';

export interface ReviewCoverageRow {
  unitId: string;
  unitName: string | null;
  role: string;
  memberId: string;
  memberName: string;
  appointmentId: string;
  startsOn: string;
  endsOn: string | null;
}

/** Who covers which unit in which role on a date (members who left or are suspended cover nothing). */
export class GetReviewCoverageQuery {
  constructor(
    readonly on: string,
    readonly filter: { readonly unitId?: string; readonly role?: string; readonly memberId?: string },
    readonly limit: number,
    readonly offset: number,
    readonly read?: ReadSelector,
  ) {}
}

@QueryHandler(GetReviewCoverageQuery)
export class GetReviewCoverageHandler implements IQueryHandler<GetReviewCoverageQuery, ReviewCoverageRow[]> {
  constructor(
    @Inject(PG_POOL) private readonly pool: Pool,
    private readonly readModels: ReadModels,
  ) {}

  async execute(q: GetReviewCoverageQuery): Promise<ReviewCoverageRow[]> {
    const r = await this.readModels.scope(q.read, ['review_coverage', 'members', 'org_units']);
    const rows = await this.pool.query<ReviewCoverageRow>(
      `SELECT c.unit_id AS "unitId", u.name AS "unitName", c.role, c.member_id AS "memberId", m.name AS "memberName",
              c.appointment_id AS "appointmentId", to_char(c.starts_on, 'YYYY-MM-DD') AS "startsOn", to_char(c.ends_on, 'YYYY-MM-DD') AS "endsOn"
         FROM ${r.t('review_coverage')} c
         JOIN ${r.t('members')} m ON m.member_id = c.member_id AND m.status = 'active'
         LEFT JOIN ${r.t('org_units')} u ON u.unit_id = c.unit_id
        WHERE c.starts_on <= $1::date AND (c.ends_on IS NULL OR c.ends_on >= $1::date)
          AND ($2::uuid IS NULL OR c.unit_id = $2) AND ($3::text IS NULL OR c.role = $3) AND ($4::uuid IS NULL OR c.member_id = $4)
        ORDER BY u.name, c.unit_id, c.role, m.name, c.appointment_id
        LIMIT $5 OFFSET $6`,
      [q.on, q.filter.unitId ?? null, q.filter.role ?? null, q.filter.memberId ?? null, q.limit, q.offset],
    );
    return rows.rows;
  }
}
