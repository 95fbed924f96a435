import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsOptional, IsString, Length } from 'class-validator';
import { CommandContext, ValidationFailed } from '@app/kernel';
import { Access } from '@app/access';
import { CommandCtx, CommandEndpoint } from '@app/platform';
import { PersonalDataService } from './personal-data.service';

const SUBJECT_ID = /^[A-Za-z0-9_-]{1,100}$/;
const SUBJECT_PARAM = { name: 'subjectId', description: 'The person: a member id, or the subject id of a personal credit record', schema: { type: 'string' as const, pattern: SUBJECT_ID.source } };

export class RevealRequest {
  @ApiProperty({ example: 'Verify the reporter\'s phone number for the 2026-03 payout (ticket 1234)', description: 'Why the clear values are needed (recorded with who and when)' })
  @IsString()
  @Length(5, 500)
  purpose!: string;
}

export class EraseRequest {
  @ApiProperty({ example: 'The member left and asked for deletion (PIPL art. 47)', description: 'Why (recorded in the PersonalDataErased event)' })
  @IsString()
  @Length(5, 500)
  reason!: string;

  @ApiPropertyOptional({ example: 'REQ-2026-0042', description: 'The request or decision it follows' })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  reference?: string;
}

export class PersonalDataSourceResponse {
  @ApiProperty({ example: 'member-3f0c…' }) streamId!: string;
  @ApiProperty({ example: 'MemberDetailsUpdated' }) eventType!: string;
  @ApiProperty({ example: '1234' }) position!: string;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'string', nullable: true }, example: { phone: '13800000000', email: null }, description: 'Field path to its clear value ([erased] once erased)' })
  fields!: Record<string, string | null>;
}

export class RevealResponse {
  @ApiProperty() subjectId!: string;
  @ApiProperty({ description: 'The person was erased: every value reads [erased]' }) erased!: boolean;
  @ApiProperty({ type: PersonalDataSourceResponse, isArray: true }) sources!: PersonalDataSourceResponse[];
  @ApiProperty({ type: String, nullable: true, example: '1240', description: 'Position of the PersonalDataRevealed event recording this read' }) recordedAt!: string | null;
}

export class EraseResponse {
  @ApiProperty() subjectId!: string;
  @ApiProperty() erasedAt!: string;
  @ApiProperty({ description: 'A key was deleted by this request' }) keyDeleted!: boolean;
  @ApiProperty({ description: 'The person was already erased (nothing new recorded)' }) alreadyErased!: boolean;
  @ApiProperty({ type: String, nullable: true, description: 'Position of the PersonalDataErased event' }) position!: string | null;
}

/** Personal data (PIPL): audited reads of clear values and erasure (crypto-shredding). docs/audit.md. */
@ApiTags('audit')
@Controller('v1/personal-data')
export class PersonalDataHttpController {
  constructor(private readonly personalData: PersonalDataService) {}

  @Post(':subjectId/reveal')
  @HttpCode(200)
  @Access('personal-data.reveal')
  @CommandEndpoint({
    summary: 'Read a person\'s personal data in clear (phone, e-mail, ID card …); the read is recorded (PersonalDataRevealed: who, which fields, why)',
    response: RevealResponse,
    params: [SUBJECT_PARAM],
    problems: ['not-found'],
  })
  async reveal(@Param('subjectId') subjectId: string, @Body() body: RevealRequest, @CommandCtx() context: CommandContext): Promise<RevealResponse> {
    const r = await this.personalData.reveal(checkedSubject(subjectId), body.purpose, context);
    return { subjectId: r.subjectId, erased: r.erased, sources: r.sources.map((s) => ({ ...s, position: s.position.toString() })), recordedAt: r.recordedAt?.toString() ?? null };
  }

  @Post(':subjectId/erase')
  @HttpCode(200)
  @Access('personal-data.erase')
  @CommandEndpoint({
    summary: 'Erase a person\'s personal data: the erasure is recorded (PersonalDataErased), then their key is deleted; their fields read [erased] everywhere, the events and the hash chain stay as they are',
    response: EraseResponse,
    params: [SUBJECT_PARAM],
    problems: ['not-found'],
  })
  async erase(@Param('subjectId') subjectId: string, @Body() body: EraseRequest, @CommandCtx() context: CommandContext): Promise<EraseResponse> {
    const r = await this.personalData.erase(checkedSubject(subjectId), body.reason, body.reference ?? null, context);
    return { ...r, position: r.position?.toString() ?? null };
  }
}

function checkedSubject(subjectId: string): string {
  if (!SUBJECT_ID.test(subjectId)) throw new ValidationFailed([{ field: 'subjectId', message: 'subjectId must be 1-100 letters, digits, - or _' }]);
  return subjectId;
}
