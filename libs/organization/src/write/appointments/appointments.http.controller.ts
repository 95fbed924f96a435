import { Body, Controller, HttpCode, Inject, Param, Post, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsIn, IsOptional, IsUUID } from 'class-validator';
import type { Response } from 'express';
import { Clock, CLOCK, CommandContext, entityIdFor } from '@app/kernel';
import { runDecider } from '@app/event-store';
import { Access, ROLES, Role } from '@app/access';
import { CommandCtx, CommandEndpoint, IsCalendarDate, UuidParamPipe } from '@app/platform';
import { memberDecider, memberStream } from '../../domain/member.decider';
import { OrgReads } from '../org-reads';
import { commandResponse } from '../command-response';
import { onMember } from '../manage-members/manage-members.http.controller';
import { AppointmentCommandResponse } from '../command.responses';

export class AppointMemberRequest {
  @ApiPropertyOptional() @IsOptional() @IsUUID() appointmentId?: string;
  @ApiProperty({ enum: ROLES, description: 'reporter 信息员, unit_head 负责人, leader_in_charge 分管领导, principal_leader 主要领导, office_reviewer 办公室/宣传部, confidentiality_reviewer 保密审查, duty_officer 值班, finance, auditor, administrator' })
  @IsIn(ROLES)
  role!: Role;
  @ApiProperty() @IsUUID() unitId!: string;
  @ApiProperty({ example: '2026-01-01' }) @IsCalendarDate() startsOn!: string;
  @ApiPropertyOptional({ example: '2026-12-31' }) @IsOptional() @IsCalendarDate() endsOn?: string;
  @ApiPropertyOptional({ description: 'Units a leader in charge (分管领导) oversees' }) @IsOptional() @IsArray() @ArrayMaxSize(200) @IsUUID('all', { each: true }) oversees?: string[];
}
export class EndAppointmentRequest {
  @ApiProperty({ example: '2026-06-30' }) @IsCalendarDate() endsOn!: string;
}

@ApiTags('organization')
@Controller('v1/members/:memberId/appointments')
export class AppointmentsHttpController {
  constructor(
    private readonly commands: CommandBus,
    private readonly reads: OrgReads,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Post()
  @HttpCode(201)
  @Access('appointments.manage')
  @CommandEndpoint({ summary: 'Appoint a member to a role in a unit, from a date (and optionally to a date)', response: AppointmentCommandResponse, status: 201,
    problems: ['not-found', 'member-not-registered', 'member-not-active', 'appointment-unit-unknown', 'appointment-unit-dissolved', 'appointment-ends-before-start', 'leader-oversees-nothing', 'oversees-only-for-leader-in-charge', 'overseen-unit-unknown', 'appointment-overlaps'] })
  async appoint(@Param('memberId', new UuidParamPipe()) memberId: string, @Body() body: AppointMemberRequest, @CommandCtx() context: CommandContext, @Res({ passthrough: true }) res: Response) {
    const appointmentId = entityIdFor(body.appointmentId, context, 'appointment');
    const oversees = body.oversees ?? [];
    const result = await runDecider(
      this.commands,
      memberStream(memberId),
      memberDecider,
      onMember(memberId, async () => {
        const overseen = await Promise.all(oversees.map((u) => this.reads.unitFacts(u)));
        return {
          type: 'AppointMember',
          appointmentId,
          role: body.role,
          unitId: body.unitId,
          startsOn: body.startsOn,
          endsOn: body.endsOn ?? null,
          oversees,
          unit: await this.reads.unitFacts(body.unitId),
          overseenUnknown: oversees.filter((_, i) => !overseen[i]!.exists || overseen[i]!.dissolved),
          now: this.clock.now().toISOString(),
        };
      }),
      context,
    );
    return commandResponse('appointmentId', appointmentId, result, res);
  }

  @Post(':appointmentId/end')
  @HttpCode(200)
  @Access('appointments.manage')
  @CommandEndpoint({ summary: 'End an appointment on a date (not before it started)', response: AppointmentCommandResponse, problems: ['not-found', 'member-not-registered', 'appointment-unknown', 'appointment-date-invalid', 'appointment-ends-before-start'] })
  async end(
    @Param('memberId', new UuidParamPipe()) memberId: string,
    @Param('appointmentId', new UuidParamPipe()) appointmentId: string,
    @Body() body: EndAppointmentRequest,
    @CommandCtx() context: CommandContext,
    @Res({ passthrough: true }) res: Response,
  ) {
    const result = await runDecider(
      this.commands,
      memberStream(memberId),
      memberDecider,
      onMember(memberId, () => ({ type: 'EndAppointment', appointmentId, endsOn: body.endsOn, now: this.clock.now().toISOString() })),
      context,
    );
    return commandResponse('appointmentId', appointmentId, result, res);
  }
}
