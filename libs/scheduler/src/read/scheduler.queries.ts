import { Inject, Injectable } from '@nestjs/common';
import type { Pool } from 'pg';
import { PG_POOL } from '@app/platform';

export interface DeadlineFilter {
  readonly status?: 'scheduled' | 'cancelled' | 'elapsed';
  readonly kind?: string;
  readonly subject?: string;
  readonly limit?: number;
  readonly offset?: number;
}
export interface PeriodFilter {
  readonly period?: 'day' | 'month' | 'quarter' | 'year';
  readonly limit?: number;
  readonly offset?: number;
}

const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);

/** Reads of the scheduler's read model (rm.deadlines, rm.business_periods): what operators list. */
@Injectable()
export class SchedulerQueries {
  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  /** Deadlines by due time (soonest first), optionally by status, kind or subject stream. */
  async deadlines(f: DeadlineFilter) {
    const where = `($1::text IS NULL OR status = $1) AND ($2::text IS NULL OR kind = $2) AND ($3::text IS NULL OR subject = $3)`;
    const params = [f.status ?? null, f.kind ?? null, f.subject ?? null];
    const [rows, total] = await Promise.all([
      this.pool.query<{ deadline_id: string; kind: string; subject: string; due_at: Date; status: string; settled_at: Date | null; scheduled_position: string; settled_position: string | null }>(
        `SELECT deadline_id, kind, subject, due_at, status, settled_at, scheduled_position, settled_position FROM rm.deadlines WHERE ${where}
          ORDER BY due_at, deadline_id LIMIT $4 OFFSET $5`,
        [...params, f.limit ?? 50, f.offset ?? 0],
      ),
      this.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM rm.deadlines WHERE ${where}`, params),
    ]);
    return {
      items: rows.rows.map((r) => ({
        deadlineId: r.deadline_id,
        kind: r.kind,
        subject: r.subject,
        dueAt: r.due_at.toISOString(),
        status: r.status,
        settledAt: iso(r.settled_at),
        scheduledPosition: String(r.scheduled_position),
        settledPosition: r.settled_position === null ? null : String(r.settled_position),
      })),
      total: total.rows[0]!.n,
    };
  }

  /** Recorded period ends, the latest first. */
  async businessPeriods(f: PeriodFilter) {
    const [rows, total] = await Promise.all([
      this.pool.query<{ period: string; key: string; time_zone: string; started_at: Date; ended_at: Date; position: string }>(
        `SELECT period, key, time_zone, started_at, ended_at, position FROM rm.business_periods WHERE ($1::text IS NULL OR period = $1)
          ORDER BY ended_at DESC, position DESC LIMIT $2 OFFSET $3`,
        [f.period ?? null, f.limit ?? 50, f.offset ?? 0],
      ),
      this.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM rm.business_periods WHERE ($1::text IS NULL OR period = $1)`, [f.period ?? null]),
    ]);
    return {
      items: rows.rows.map((r) => ({ period: r.period, key: r.key, timeZone: r.time_zone, startedAt: r.started_at.toISOString(), endedAt: r.ended_at.toISOString(), position: String(r.position) })),
      total: total.rows[0]!.n,
    };
  }
}
