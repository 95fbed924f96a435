import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsOptional, IsUUID, Length, Matches, Max, Min } from 'class-validator';
import { ValidationFailed } from '@app/kernel';
import { Access, AccessPolicy, Actor, CurrentActor } from '@app/access';
import { Endpoint, IsInstant, ReadAt, ReadSelector, UuidParamPipe } from '@app/platform';
import { incidentDetail, IncidentQueries } from './incidents.queries';

export class IncidentListQuery {
  @ApiPropertyOptional({ default: 50, minimum: 1, maximum: 500 }) @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(500) limit?: number;
  @ApiPropertyOptional({ description: 'The `next` value of the previous page (opaque); omit for the first page' })
  @IsOptional()
  @Length(1, 400)
  @Matches(/^[A-Za-z0-9_-]+$/, { message: 'cursor must be a `next` value this list returned' })
  cursor?: string;
  @ApiPropertyOptional({ format: 'uuid', description: 'The reporting unit (required unless you may read every unit: register.read)' }) @IsOptional() @IsUUID() unitId?: string;
  @ApiPropertyOptional({ enum: ['open', 'final_reported', 'closed'] }) @IsOptional() @IsIn(['open', 'final_reported', 'closed']) status?: string;
  @ApiPropertyOptional({ enum: ['major', 'general'] }) @IsOptional() @IsIn(['major', 'general']) severity?: string;
  @ApiPropertyOptional({ description: 'true: only incidents with a missed due (its DeadlineElapsed is in the log, nothing filed)' })
  @IsOptional()
  @Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean()
  overdue?: boolean;
  @ApiPropertyOptional({ description: 'Occurred at or after (ISO 8601)' }) @IsOptional() @IsInstant() from?: string;
  @ApiPropertyOptional({ description: 'Occurred before (ISO 8601)' }) @IsOptional() @IsInstant() to?: string;
}

export class IncidentDueResponse {
  @ApiProperty({ enum: ['written_report', 'follow_up', 'case_report', 'final_report'] }) step!: string;
  @ApiProperty({ example: 'follow_up-2' }) key!: string;
  @ApiProperty({ type: String, nullable: true, format: 'uuid' }) deadlineId!: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'date-time' }) dueAt!: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'date-time', description: 'When the reminder (催报) goes out' }) remindAt!: string | null;
  @ApiProperty({ description: 'Its DeadlineElapsed is in the log and nothing is filed' }) missed!: boolean;
  @ApiProperty({ type: String, nullable: true, description: 'Why the due time is provisional (working days outside the calendar\'s years)' }) provisional!: string | null;
}

export class IncidentStepResponse {
  @ApiProperty({ enum: ['first_report', 'written_report', 'follow_up', 'case_report', 'final_report'] }) step!: string;
  @ApiProperty({ example: 'follow_up-2' }) key!: string;
  @ApiProperty({ type: String, nullable: true, format: 'uuid' }) deadlineId!: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'date-time' }) dueAt!: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'date-time' }) remindAt!: string | null;
  @ApiProperty({ type: String, nullable: true }) provisional!: string | null;
  @ApiProperty({ enum: ['pending', 'missed', 'on_time', 'late', 'concealed', 'withdrawn'] }) status!: string;
  @ApiProperty({ type: String, nullable: true, format: 'date-time' }) filedAt!: string | null;
  @ApiProperty({ type: 'integer', minimum: 0 }) lateByMinutes!: number;
  @ApiProperty({ type: String, nullable: true, format: 'date-time', description: 'When the reminder (催报) went out' }) remindedAt!: string | null;
}

export class IncidentEscalationResponse {
  @ApiProperty({ format: 'uuid' }) fromUnitId!: string;
  @ApiProperty({ format: 'uuid' }) toUnitId!: string;
  @ApiProperty({ type: [String] }) skippedUnitIds!: string[];
  @ApiProperty() emergency!: boolean;
  @ApiProperty() external!: boolean;
  @ApiProperty({ type: String, nullable: true }) recipient!: string | null;
  @ApiProperty({ type: String, nullable: true }) reason!: string | null;
  @ApiProperty() escalatedBy!: string;
  @ApiProperty({ format: 'date-time' }) escalatedAt!: string;
}

export class InstructionFollowUpResponse {
  @ApiProperty() response!: string;
  @ApiProperty() reportedBy!: string;
  @ApiProperty({ format: 'date-time' }) reportedAt!: string;
}

export class IncidentInstructionResponse {
  @ApiProperty({ format: 'uuid' }) instructionId!: string;
  @ApiProperty() leaderId!: string;
  @ApiProperty() text!: string;
  @ApiProperty({ format: 'date-time' }) instructedAt!: string;
  @ApiProperty({ type: [InstructionFollowUpResponse] }) followUps!: InstructionFollowUpResponse[];
}

export class IncidentResponse {
  @ApiProperty({ format: 'uuid' }) incidentId!: string;
  @ApiProperty({ format: 'uuid' }) unitId!: string;
  @ApiProperty() title!: string;
  @ApiProperty({ enum: ['open', 'final_reported', 'closed'] }) status!: string;
  @ApiProperty({ enum: ['major', 'general'] }) severity!: string;
  @ApiProperty() categoryKey!: string;
  @ApiProperty({ format: 'date-time' }) occurredAt!: string;
  @ApiProperty({ format: 'date-time' }) reportedAt!: string;
  @ApiProperty({ type: [IncidentStepResponse], description: 'Each step with its due, status, filedAt and lateByMinutes' }) steps!: IncidentStepResponse[];
  @ApiProperty({ type: [IncidentDueResponse], description: 'What is due and when (open incidents), soonest first' }) dues!: IncidentDueResponse[];
  @ApiProperty({ type: [IncidentEscalationResponse] }) escalations!: IncidentEscalationResponse[];
  @ApiProperty({ type: [IncidentInstructionResponse], description: 'Instructions (批示) with their follow-ups' }) instructions!: IncidentInstructionResponse[];
  @ApiProperty({ example: '4' }) revision!: string;
}

export class IncidentPageResponse {
  @ApiProperty({ type: [IncidentResponse] }) items!: IncidentResponse[];
  @ApiProperty({ type: String, nullable: true }) next!: string | null;
}

export class IncidentHistoryEntryResponse {
  @ApiProperty() revision!: string;
  @ApiProperty() type!: string;
  @ApiProperty({ format: 'date-time' }) recordedAt!: string;
  @ApiProperty() actorId!: string;
  @ApiProperty({ type: 'object', additionalProperties: true }) data!: unknown;
}

@ApiTags('incidents')
@Controller('v1/incidents')
export class IncidentsReadHttpController {
  constructor(
    private readonly incidents: IncidentQueries,
    private readonly access: AccessPolicy,
  ) {}

  @Get()
  @Access('incidents.read', { query: 'unitId' })
  @Endpoint({ summary: 'Incidents (filter by unit, status, severity, overdue, occurrence period), newest occurrence first; { items, next }', response: IncidentPageResponse })
  async list(@CurrentActor() actor: Actor, @Query() q: IncidentListQuery, @ReadAt() read: ReadSelector) {
    if (!q.unitId && !(await this.access.decide(actor, 'register.read')).allowed) {
      throw new ValidationFailed([{ field: 'unitId', message: 'unitId is required: name the unit whose incidents you want (listing every unit needs register.read)' }]);
    }
    return this.incidents.list(
      { unitId: q.unitId, status: q.status, severity: q.severity, overdue: q.overdue, from: q.from ? new Date(q.from).toISOString() : undefined, to: q.to ? new Date(q.to).toISOString() : undefined },
      { limit: q.limit ?? 50, cursor: q.cursor },
      read,
    );
  }

  @Get(':incidentId')
  @Access('incidents.read')
  @Endpoint({ summary: 'An incident: its status, severity, the verdict of every step, what is due and when (missed or not), escalations and instructions', response: IncidentResponse, problems: ['not-found'] })
  async detail(@Param('incidentId', new UuidParamPipe()) incidentId: string, @CurrentActor() actor: Actor, @ReadAt() read: ReadSelector) {
    const view = await this.incidents.view(incidentId, read);
    await this.access.assert(actor, 'incidents.read', view.unitId);
    return incidentDetail(view);
  }

  @Get(':incidentId/history')
  @Access('incidents.read')
  @Endpoint({ summary: 'The incident\'s timeline: every event of its stream, deadline facts included', response: IncidentHistoryEntryResponse, isArray: true, problems: ['not-found'] })
  async history(@Param('incidentId', new UuidParamPipe()) incidentId: string, @CurrentActor() actor: Actor, @ReadAt() read: ReadSelector) {
    const view = await this.incidents.view(incidentId, read);
    await this.access.assert(actor, 'incidents.read', view.unitId);
    return this.incidents.history(incidentId, read);
  }
}
