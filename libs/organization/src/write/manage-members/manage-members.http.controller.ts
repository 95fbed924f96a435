import { Body, Controller, HttpCode, Inject, Param, Patch, Post, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsEmail, IsIn, IsOptional, IsString, IsUUID, Length, Matches } from 'class-validator';
import type { Response } from 'express';
import { Clock, CLOCK, CommandContext, entityIdFor, NotFound } from '@app/kernel';
import { runDecider } from '@app/event-store';
import { Access } from '@app/access';
import { CommandCtx, CommandEndpoint, UuidParamPipe } from '@app/platform';
import { MemberCommand, memberDecider, MemberState, memberStream } from '../../domain/member.decider';
import { commandResponse } from '../command-response';
import { MemberCommandResponse } from '../command.responses';

/** A masked value read back from the directory (z***@example.gov.cn, [erased]) is never stored as the real one. */
const NOT_MASKED = /^[^*[\]]*$/;
const NOT_MASKED_MESSAGE = 'email looks masked (it holds * or [ ]): send the real address, or leave it out';

export class RegisterMemberRequest {
  @ApiPropertyOptional() @IsOptional() @IsUUID() memberId?: string;
  @ApiProperty({ example: '张伟' }) @IsString() @Length(1, 100) name!: string;
  @ApiPropertyOptional({ example: '13800000000' }) @IsOptional() @Matches(/^[0-9+\-() ]{5,30}$/, { message: 'phone must be a phone number' }) phone?: string;
  @ApiPropertyOptional({ example: 'zhangwei@example.gov.cn' }) @IsOptional() @IsEmail() @Matches(NOT_MASKED, { message: NOT_MASKED_MESSAGE }) email?: string;
  @ApiPropertyOptional({ example: '11010519491231002X', description: 'Resident identity card number (personal data: stored encrypted, served masked); on an update, left out keeps it, null clears it' })
  @IsOptional()
  @Matches(/^\d{17}[\dXx]$/, { message: 'idCardNumber must be an 18-character resident identity card number' })
  idCardNumber?: string;
}
export class UpdateMemberRequest {
  @ApiProperty() @IsString() @Length(1, 100) name!: string;
  @ApiPropertyOptional() @IsOptional() @Matches(/^[0-9+\-() ]{5,30}$/, { message: 'phone must be a phone number' }) phone?: string;
  @ApiPropertyOptional() @IsOptional() @IsEmail() @Matches(NOT_MASKED, { message: NOT_MASKED_MESSAGE }) email?: string;
  @ApiPropertyOptional({ example: '11010519491231002X', description: 'Resident identity card number (personal data: stored encrypted, served masked); on an update, left out keeps it, null clears it' })
  @IsOptional()
  @Matches(/^\d{17}[\dXx]$/, { message: 'idCardNumber must be an 18-character resident identity card number' })
  idCardNumber?: string;
}
export class ChangeMemberStatusRequest {
  @ApiProperty({ enum: ['active', 'suspended', 'left'] }) @IsIn(['active', 'suspended', 'left']) status!: 'active' | 'suspended' | 'left';
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, 500) reason?: string;
}

/** Run a member command on an existing member (404 otherwise). */
export function onMember(memberId: string, build: (state: MemberState) => MemberCommand | Promise<MemberCommand>) {
  return async (state: MemberState): Promise<MemberCommand> => {
    if (state.status === 'none') throw new NotFound('Member', memberId);
    return build(state);
  };
}

@ApiTags('organization')
@Controller('v1/members')
export class ManageMembersHttpController {
  constructor(
    private readonly commands: CommandBus,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Post()
  @HttpCode(201)
  @Access('members.manage')
  @CommandEndpoint({ summary: 'Register a member (a person)', response: MemberCommandResponse, status: 201, location: '/v1/members/{memberId}', problems: ['member-already-registered'] })
  async register(@Body() body: RegisterMemberRequest, @CommandCtx() context: CommandContext, @Res({ passthrough: true }) res: Response) {
    const memberId = entityIdFor(body.memberId, context, 'member');
    const result = await runDecider(
      this.commands,
      memberStream(memberId),
      memberDecider,
      { type: 'RegisterMember', memberId, name: body.name, phone: body.phone ?? null, email: body.email ?? null, idCardNumber: body.idCardNumber ?? null, now: this.clock.now().toISOString() },
      context,
    );
    res.setHeader('Location', `/v1/members/${memberId}`);
    return commandResponse('memberId', memberId, result, res);
  }

  @Patch(':memberId')
  @Access('members.manage')
  @CommandEndpoint({ summary: 'Update name and contact details', response: MemberCommandResponse, problems: ['not-found', 'member-not-registered'] })
  async update(@Param('memberId', new UuidParamPipe()) memberId: string, @Body() body: UpdateMemberRequest, @CommandCtx() context: CommandContext, @Res({ passthrough: true }) res: Response) {
    const result = await runDecider(
      this.commands,
      memberStream(memberId),
      memberDecider,
      onMember(memberId, () => ({ type: 'UpdateMemberDetails', name: body.name, phone: body.phone ?? null, email: body.email ?? null, idCardNumber: body.idCardNumber, now: this.clock.now().toISOString() })),
      context,
    );
    return commandResponse('memberId', memberId, result, res);
  }

  @Post(':memberId/status')
  @HttpCode(200)
  @Access('members.manage')
  @CommandEndpoint({ summary: 'Change status (active, suspended, left); a member who is not active cannot sign in', response: MemberCommandResponse, problems: ['not-found', 'member-not-registered'] })
  async status(@Param('memberId', new UuidParamPipe()) memberId: string, @Body() body: ChangeMemberStatusRequest, @CommandCtx() context: CommandContext, @Res({ passthrough: true }) res: Response) {
    const result = await runDecider(
      this.commands,
      memberStream(memberId),
      memberDecider,
      onMember(memberId, () => ({ type: 'ChangeMemberStatus', status: body.status, reason: body.reason ?? null, now: this.clock.now().toISOString() })),
      context,
    );
    return commandResponse('memberId', memberId, result, res);
  }
}
