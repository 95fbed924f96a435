import { Controller, Get, Inject, Param, Query, Res } from '@nestjs/common';
import { ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, IsUUID, Length } from 'class-validator';
import type { Response } from 'express';
import type { Pool } from 'pg';
import { NotFound } from '@app/kernel';
import { Access, ROLES } from '@app/access';
import { Endpoint, etag, IsCalendarDate, PG_POOL, ReadAt, ReadSelector, UuidParamPipe } from '@app/platform';
import { ReadModels } from '@app/projections';
import { page, PageRequest } from './page';
import { AppointmentListItemResponse, MemberDetailResponse, MemberListItemResponse } from './directory.responses';

export class MemberDirectoryRequest extends PageRequest {
  @ApiPropertyOptional({ description: 'Members with an appointment in this unit' }) @IsOptional() @IsUUID() unitId?: string;
  @ApiPropertyOptional({ enum: ROLES, description: 'Members with an appointment in this role' }) @IsOptional() @IsIn(ROLES) role?: string;
  @ApiPropertyOptional({ enum: ['active', 'suspended', 'left'] }) @IsOptional() @IsIn(['active', 'suspended', 'left']) status?: string;
  @ApiPropertyOptional({ description: 'Name contains (case-insensitive)' }) @IsOptional() @IsString() @Length(1, 50) q?: string;
}
export class AppointmentsRequest extends PageRequest {
  @ApiPropertyOptional() @IsOptional() @IsUUID() unitId?: string;
  @ApiPropertyOptional({ enum: ROLES }) @IsOptional() @IsIn(ROLES) role?: string;
  @ApiPropertyOptional() @IsOptional() @IsUUID() memberId?: string;
  @ApiPropertyOptional({ description: 'In force on this date (YYYY-MM-DD)' }) @IsOptional() @IsCalendarDate() inForceOn?: string;
}

const APPOINTMENT = `a.appointment_id AS "appointmentId", a.member_id AS "memberId", a.role, a.unit_id AS "unitId", u.name AS "unitName",
  to_char(a.starts_on, 'YYYY-MM-DD') AS "startsOn", to_char(a.ends_on, 'YYYY-MM-DD') AS "endsOn", a.oversees`;

/** The member directory: members with their appointments (past, current and future), and appointments by unit and role. */
@ApiTags('organization')
@Controller('v1')
export class MembersHttpController {
  constructor(
    @Inject(PG_POOL) private readonly pool: Pool,
    private readonly readModels: ReadModels,
  ) {}

  @Get('members')
  @Access('org.read')
  @Endpoint({ summary: 'Member directory (filter by unit, role, status, name; limit/offset)', response: MemberListItemResponse, isArray: true })
  async members(@Query() q: MemberDirectoryRequest, @ReadAt() read: ReadSelector) {
    const r = await this.readModels.scope(read, ['members', 'appointments']);
    const rows = await this.pool.query(
      `SELECT m.member_id AS "memberId", m.name, m.phone, m.email, m.id_card AS "idCardNumber", m.status, m.revision::text AS revision,
              COALESCE(json_agg(json_build_object('appointmentId', a.appointment_id, 'role', a.role, 'unitId', a.unit_id,
                'startsOn', to_char(a.starts_on, 'YYYY-MM-DD'), 'endsOn', to_char(a.ends_on, 'YYYY-MM-DD'), 'oversees', a.oversees)
                ORDER BY a.starts_on, a.appointment_id) FILTER (WHERE a.appointment_id IS NOT NULL), '[]') AS appointments
         FROM ${r.t('members')} m LEFT JOIN ${r.t('appointments')} a ON a.member_id = m.member_id
        WHERE ($1::text IS NULL OR m.status = $1) AND ($2::text IS NULL OR strpos(lower(m.name), lower($2)) > 0)
          AND ($3::uuid IS NULL OR EXISTS (SELECT 1 FROM ${r.t('appointments')} x WHERE x.member_id = m.member_id AND x.unit_id = $3))
          AND ($4::text IS NULL OR EXISTS (SELECT 1 FROM ${r.t('appointments')} x WHERE x.member_id = m.member_id AND x.role = $4))
        GROUP BY m.member_id, m.name, m.phone, m.email, m.id_card, m.status, m.revision ORDER BY m.name, m.member_id LIMIT $5 OFFSET $6`,
      [q.status ?? null, q.q ?? null, q.unitId ?? null, q.role ?? null, ...page(q)],
    );
    return rows.rows;
  }

  @Get('members/:memberId')
  @Access('org.read')
  @Endpoint({ summary: 'A member with all appointments (past, current, future); the ETag is the revision for If-Match', response: MemberDetailResponse, etag: true, problems: ['not-found'] })
  async member(@Param('memberId', new UuidParamPipe()) memberId: string, @ReadAt() read: ReadSelector, @Res({ passthrough: true }) res: Response) {
    const r = await this.readModels.scope(read, ['members', 'appointments', 'org_units']);
    const member = await this.pool.query<{ revision: string }>(
      `SELECT member_id AS "memberId", name, phone, email, id_card AS "idCardNumber", status, registered_at AS "registeredAt", revision::text AS revision FROM ${r.t('members')} WHERE member_id = $1`,
      [memberId],
    );
    if (!member.rows[0]) throw new NotFound('Member', memberId);
    const appointments = await this.pool.query(
      `SELECT ${APPOINTMENT} FROM ${r.t('appointments')} a LEFT JOIN ${r.t('org_units')} u ON u.unit_id = a.unit_id WHERE a.member_id = $1 ORDER BY a.starts_on, a.appointment_id`,
      [memberId],
    );
    res.setHeader('ETag', etag(BigInt(member.rows[0].revision)));
    return { ...member.rows[0], appointments: appointments.rows };
  }

  @Get('appointments')
  @Access('org.read')
  @Endpoint({ summary: 'Appointments (filter by unit, role, member, in force on a date)', response: AppointmentListItemResponse, isArray: true })
  async appointments(@Query() q: AppointmentsRequest, @ReadAt() read: ReadSelector) {
    const r = await this.readModels.scope(read, ['appointments', 'members', 'org_units']);
    const rows = await this.pool.query(
      `SELECT ${APPOINTMENT}, m.name AS "memberName", m.status AS "memberStatus"
         FROM ${r.t('appointments')} a JOIN ${r.t('members')} m ON m.member_id = a.member_id LEFT JOIN ${r.t('org_units')} u ON u.unit_id = a.unit_id
        WHERE ($1::uuid IS NULL OR a.unit_id = $1) AND ($2::text IS NULL OR a.role = $2) AND ($3::uuid IS NULL OR a.member_id = $3)
          AND ($4::date IS NULL OR (a.starts_on <= $4 AND (a.ends_on IS NULL OR a.ends_on >= $4)))
        ORDER BY a.starts_on, m.name, a.appointment_id LIMIT $5 OFFSET $6`,
      [q.unitId ?? null, q.role ?? null, q.memberId ?? null, q.inForceOn ?? null, ...page(q)],
    );
    return rows.rows;
  }
}
