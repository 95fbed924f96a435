import { ApiProperty } from '@nestjs/swagger';
import { COMMAND_POSITION_DESCRIPTION } from '@app/platform';

/** What every organization command answers besides the id it acted on (see command-response.ts). */
abstract class OrgCommandResponse {
  @ApiProperty({ example: '0', description: 'Stream revision after the command (also the ETag)' }) revision!: string;
  @ApiProperty({ example: '1042', description: COMMAND_POSITION_DESCRIPTION }) position!: string;
  @ApiProperty({ description: 'True when this Idempotency-Key was already processed: nothing changed' }) duplicate!: boolean;
  @ApiProperty({ type: [String], example: ['UnitMoved'], description: 'Types of the events the command recorded (empty for a duplicate)' }) events!: string[];
}

export class UnitChangeResponse extends OrgCommandResponse {
  @ApiProperty({ format: 'uuid' }) unitId!: string;
}
export class MemberCommandResponse extends OrgCommandResponse {
  @ApiProperty({ format: 'uuid' }) memberId!: string;
}
export class AppointmentCommandResponse extends OrgCommandResponse {
  @ApiProperty({ format: 'uuid' }) appointmentId!: string;
}
export class ChannelCommandResponse extends OrgCommandResponse {
  @ApiProperty({ format: 'uuid' }) channelId!: string;
}
export class UnitTypeCommandResponse extends OrgCommandResponse {
  @ApiProperty({ example: 'brigade', description: 'The unit type key' }) key!: string;
}
export class PublicationLevelsCommandResponse extends OrgCommandResponse {
  @ApiProperty({ enum: ['publication-levels'] }) config!: string;
}
