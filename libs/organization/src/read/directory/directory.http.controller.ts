import { Controller, Get, Inject, Param, ParseUUIDPipe, Query } from '@nestjs/common';
import { ApiOperation, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsISO8601, IsOptional, IsString, IsUUID, Length, Max, Min } from 'class-validator';
import type { Pool } from 'pg';
import { Clock, CLOCK, NotFound } from '@app/kernel';
import { EVENT_STORE, EventStore } from '@app/event-store';
import { Access, businessDate, ROLE_COVERAGE, ROLES } from '@app/access';
import { PG_POOL } from '@app/platform';
import { unitStream } from '../../domain/unit.decider';

class PageQuery {
  @ApiPropertyOptional({ default: 50 }) @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(500) limit?: number;
  @ApiPropertyOptional({ default: 0 }) @IsOptional() @Type(() => Number) @IsInt() @Min(0) offset?: number;
}
export class MemberDirectoryQuery extends PageQuery {
  @ApiPropertyOptional() @IsOptional() @IsUUID() unitId?: string;
  @ApiPropertyOptional({ enum: ROLES }) @IsOptional() @IsIn(ROLES) role?: string;
  @ApiPropertyOptional({ enum: ['active', 'suspended', 'left'] }) @IsOptional() @IsIn(['active', 'suspended', 'left']) status?: string;
  @ApiPropertyOptional({ description: 'Name contains' }) @IsOptional() @IsString() @Length(1, 50) q?: string;
}
export class AppointmentsQuery extends PageQuery {
  @ApiPropertyOptional() @IsOptional() @IsUUID() unitId?: string;
  @ApiPropertyOptional({ enum: ROLES }) @IsOptional() @IsIn(ROLES) role?: string;
  @ApiPropertyOptional({ description: 'In force on this date (YYYY-MM-DD)' }) @IsOptional() @IsISO8601({ strict: true }) @Length(10, 10) inForceOn?: string;
}
export class ReviewCoverageQuery {
  @ApiPropertyOptional() @IsOptional() @IsUUID() unitId?: string;
  @ApiPropertyOptional({ enum: ROLES }) @IsOptional() @IsIn(ROLES) role?: string;
  @ApiPropertyOptional({ description: 'Date (default today)' }) @IsOptional() @IsISO8601({ strict: true }) @Length(10, 10) on?: string;
}

const page = (q: PageQuery) => [q.limit ?? 50, q.offset ?? 0];
const APPOINTMENT = `a.appointment_id AS "appointmentId", a.member_id AS "memberId", a.role, a.unit_id AS "unitId",
  to_char(a.starts_on, 'YYYY-MM-DD') AS "startsOn", to_char(a.ends_on, 'YYYY-MM-DD') AS "endsOn", a.oversees`;

@ApiTags('organization')
@Controller('v1')
export class DirectoryHttpController {
  constructor(
    @Inject(PG_POOL) private readonly pool: Pool,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Get('members')
  @Access('org.read')
  @ApiOperation({ summary: 'Member directory (filter by unit, role, status, name)' })
  async members(@Query() q: MemberDirectoryQuery) {
    const rows = await this.pool.query(
      `SELECT m.member_id AS "memberId", m.name, m.phone, m.email, m.status, m.revision::text AS revision,
              COALESCE(json_agg(json_build_object('appointmentId', a.appointment_id, 'role', a.role, 'unitId', a.unit_id,
                'startsOn', to_char(a.starts_on, 'YYYY-MM-DD'), 'endsOn', to_char(a.ends_on, 'YYYY-MM-DD'))) FILTER (WHERE a.appointment_id IS NOT NULL), '[]') AS appointments
         FROM rm.members m LEFT JOIN rm.appointments a ON a.member_id = m.member_id
        WHERE ($1::text IS NULL OR m.status = $1) AND ($2::text IS NULL OR m.name LIKE '%' || $2 || '%')
          AND ($3::uuid IS NULL OR EXISTS (SELECT 1 FROM rm.appointments x WHERE x.member_id = m.member_id AND x.unit_id = $3))
          AND ($4::text IS NULL OR EXISTS (SELECT 1 FROM rm.appointments x WHERE x.member_id = m.member_id AND x.role = $4))
        GROUP BY m.member_id, m.name, m.phone, m.email, m.status, m.revision ORDER BY m.name LIMIT $5 OFFSET $6`,
      [q.status ?? null, q.q ?? null, q.unitId ?? null, q.role ?? null, ...page(q)],
    );
    return rows.rows;
  }

  @Get('members/:memberId')
  @Access('org.read')
  @ApiOperation({ summary: 'A member with all appointments (past, current, future)' })
  async member(@Param('memberId', new ParseUUIDPipe()) memberId: string) {
    const member = await this.pool.query(
      `SELECT member_id AS "memberId", name, phone, email, status, registered_at AS "registeredAt", revision::text AS revision FROM rm.members WHERE member_id = $1`,
      [memberId],
    );
    if (!member.rows[0]) throw new NotFound('Member', memberId);
    const appointments = await this.pool.query(`SELECT ${APPOINTMENT} FROM rm.appointments a WHERE a.member_id = $1 ORDER BY a.starts_on`, [memberId]);
    return { ...member.rows[0], appointments: appointments.rows };
  }

  @Get('appointments')
  @Access('org.read')
  @ApiOperation({ summary: 'Appointments (filter by unit, role, in force on a date)' })
  async appointments(@Query() q: AppointmentsQuery) {
    const rows = await this.pool.query(
      `SELECT ${APPOINTMENT}, m.name AS "memberName" FROM rm.appointments a JOIN rm.members m ON m.member_id = a.member_id
        WHERE ($1::uuid IS NULL OR a.unit_id = $1) AND ($2::text IS NULL OR a.role = $2)
          AND ($3::date IS NULL OR (a.starts_on <= $3 AND (a.ends_on IS NULL OR a.ends_on >= $3)))
        ORDER BY a.starts_on, m.name LIMIT $4 OFFSET $5`,
      [q.unitId ?? null, q.role ?? null, q.inForceOn ?? null, ...page(q)],
    );
    return rows.rows;
  }

  @Get('review-coverage')
  @Access('org.read')
  @ApiOperation({ summary: 'Who reviews what: for each unit, the members holding each role that covers it (on a date)' })
  async coverage(@Query() q: ReviewCoverageQuery) {
    const on = q.on ?? businessDate(this.clock.now());
    const byCoverage = (kind: string) => Object.entries(ROLE_COVERAGE).filter(([, c]) => c === kind).map(([r]) => r);
    const rows = await this.pool.query(
      `WITH RECURSIVE tree(unit_id, root) AS (
         SELECT unit_id, unit_id FROM rm.org_units
         UNION ALL SELECT u.unit_id, tree.root FROM rm.org_units u JOIN tree ON u.parent_id = tree.unit_id
       ), live AS (
         SELECT * FROM rm.appointments WHERE starts_on <= $1 AND (ends_on IS NULL OR ends_on >= $1)
       ), covered(unit_id, role, member_id, appointment_id) AS (
         SELECT a.unit_id, a.role, a.member_id, a.appointment_id FROM live a WHERE a.role = ANY($2)
         UNION SELECT tree.unit_id, a.role, a.member_id, a.appointment_id FROM live a JOIN tree ON tree.root = a.unit_id WHERE a.role = ANY($3)
         UNION SELECT tree.unit_id, a.role, a.member_id, a.appointment_id FROM live a JOIN tree ON tree.root = ANY(a.oversees) WHERE a.role = ANY($4)
         UNION SELECT u.unit_id, a.role, a.member_id, a.appointment_id FROM live a CROSS JOIN rm.org_units u WHERE a.role = ANY($5)
       )
       SELECT c.unit_id AS "unitId", c.role, c.member_id AS "memberId", m.name AS "memberName", c.appointment_id AS "appointmentId"
         FROM covered c JOIN rm.members m ON m.member_id = c.member_id
        WHERE ($6::uuid IS NULL OR c.unit_id = $6) AND ($7::text IS NULL OR c.role = $7)
        ORDER BY c.unit_id, c.role, m.name`,
      [on, byCoverage('unit'), byCoverage('subtree'), byCoverage('oversees'), byCoverage('institution'), q.unitId ?? null, q.role ?? null],
    );
    return rows.rows;
  }

  @Get('units/:unitId/history')
  @Access('org.read')
  @ApiOperation({ summary: 'Everything that happened to a unit, from its stream' })
  async unitHistory(@Param('unitId', new ParseUUIDPipe()) unitId: string) {
    const events = await this.store.readStream(unitStream(unitId));
    if (events.length === 0) throw new NotFound('Unit', unitId);
    return events.map((e) => ({ revision: e.revision.toString(), type: e.type, data: e.data, actorId: e.metadata.actorId, recordedAt: e.metadata.recordedAt }));
  }

  @Get('channels')
  @Access('org.read')
  @ApiOperation({ summary: 'Channels with their latest follower count' })
  async channels(@Query() q: PageQuery) {
    const rows = await this.pool.query(
      `SELECT c.channel_id AS "channelId", c.name, c.platform, c.handle, c.owner_unit_id AS "ownerUnitId", c.level_key AS "levelKey",
              c.registered_at AS "registeredAt", c.retired_at AS "retiredAt",
              (SELECT f.count FROM rm.channel_follower_counts f WHERE f.channel_id = c.channel_id ORDER BY f.as_of DESC, f.revision DESC LIMIT 1) AS followers
         FROM rm.channels c ORDER BY c.name LIMIT $1 OFFSET $2`,
      page(q),
    );
    return rows.rows;
  }

  @Get('channels/:channelId')
  @Access('org.read')
  @ApiOperation({ summary: 'A channel with its follower history' })
  async channel(@Param('channelId', new ParseUUIDPipe()) channelId: string) {
    const row = await this.pool.query(
      `SELECT channel_id AS "channelId", name, platform, handle, owner_unit_id AS "ownerUnitId", level_key AS "levelKey", registered_at AS "registeredAt", retired_at AS "retiredAt"
         FROM rm.channels WHERE channel_id = $1`,
      [channelId],
    );
    if (!row.rows[0]) throw new NotFound('Channel', channelId);
    const history = await this.pool.query(`SELECT count, as_of AS "asOf" FROM rm.channel_follower_counts WHERE channel_id = $1 ORDER BY as_of, revision`, [channelId]);
    return { ...row.rows[0], followerHistory: history.rows };
  }

  @Get('unit-types')
  @Access('org.read')
  @ApiOperation({ summary: 'Configured unit types' })
  async unitTypes() {
    return (await this.pool.query('SELECT key, name, description FROM rm.unit_types ORDER BY key')).rows;
  }

  @Get('publication-levels')
  @Access('org.read')
  @ApiOperation({ summary: 'The publication ladder, lowest first' })
  async levels() {
    return (await this.pool.query('SELECT key, name, rank FROM rm.publication_levels ORDER BY rank')).rows;
  }
}
