import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ROLES } from '@app/access';
import { PLATFORMS } from '../../domain/channel.decider';

const MEMBER_STATUSES = ['active', 'suspended', 'left'];

export class MemberAppointmentSummary {
  @ApiProperty({ format: 'uuid' }) appointmentId!: string;
  @ApiProperty({ enum: ROLES }) role!: string;
  @ApiProperty({ format: 'uuid' }) unitId!: string;
  @ApiProperty({ format: 'date' }) startsOn!: string;
  @ApiProperty({ type: String, format: 'date', nullable: true }) endsOn!: string | null;
  @ApiProperty({ type: [String], format: 'uuid', description: 'Units a leader in charge oversees' }) oversees!: string[];
}

abstract class MemberBase {
  @ApiProperty({ format: 'uuid' }) memberId!: string;
  @ApiProperty({ example: '张伟' }) name!: string;
  @ApiProperty({ type: String, nullable: true, example: '138****0000', description: 'Masked (personal data; the clear value: POST /v1/personal-data/{memberId}/reveal, recorded); [erased] once erased' }) phone!: string | null;
  @ApiProperty({ type: String, nullable: true, example: 'z***@example.gov.cn', description: 'Masked, as phone' }) email!: string | null;
  @ApiProperty({ type: String, nullable: true, example: '1101**********002X', description: 'Resident identity card number, masked, as phone' }) idCardNumber!: string | null;
  @ApiProperty({ enum: MEMBER_STATUSES }) status!: string;
  @ApiProperty({ example: '1', description: 'Stream revision (the ETag of GET /v1/members/{memberId})' }) revision!: string;
}

export class MemberListItemResponse extends MemberBase {
  @ApiProperty({ type: [MemberAppointmentSummary] }) appointments!: MemberAppointmentSummary[];
}

export class AppointmentResponse {
  @ApiProperty({ format: 'uuid' }) appointmentId!: string;
  @ApiProperty({ format: 'uuid' }) memberId!: string;
  @ApiProperty({ enum: ROLES }) role!: string;
  @ApiProperty({ format: 'uuid' }) unitId!: string;
  @ApiProperty({ type: String, nullable: true, description: 'null when the unit is not in the read model' }) unitName!: string | null;
  @ApiProperty({ format: 'date' }) startsOn!: string;
  @ApiProperty({ type: String, format: 'date', nullable: true }) endsOn!: string | null;
  @ApiProperty({ type: [String], format: 'uuid' }) oversees!: string[];
}

export class MemberDetailResponse extends MemberBase {
  @ApiProperty({ format: 'date-time' }) registeredAt!: string;
  @ApiProperty({ type: [AppointmentResponse] }) appointments!: AppointmentResponse[];
}

export class AppointmentListItemResponse extends AppointmentResponse {
  @ApiProperty() memberName!: string;
  @ApiProperty({ enum: MEMBER_STATUSES }) memberStatus!: string;
}

abstract class ChannelBase {
  @ApiProperty({ format: 'uuid' }) channelId!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ enum: PLATFORMS }) platform!: string;
  @ApiProperty() handle!: string;
  @ApiProperty({ format: 'uuid' }) ownerUnitId!: string;
  @ApiProperty({ example: 'city' }) levelKey!: string;
  @ApiProperty({ format: 'date-time' }) registeredAt!: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) retiredAt!: string | null;
  @ApiProperty({ example: '0' }) revision!: string;
}

export class ChannelListItemResponse extends ChannelBase {
  @ApiProperty({ type: 'integer', nullable: true, description: 'The latest follower count (null before the first)' }) followers!: number | null;
}

export class FollowerCountResponse {
  @ApiProperty({ type: 'integer' }) count!: number;
  @ApiProperty({ format: 'date-time' }) asOf!: string;
}

export class ChannelDetailResponse extends ChannelBase {
  @ApiProperty({ type: [FollowerCountResponse] }) followerHistory!: FollowerCountResponse[];
}

export class UnitTypeResponse {
  @ApiProperty({ example: 'brigade' }) key!: string;
  @ApiProperty({ example: '大队' }) name!: string;
  @ApiPropertyOptional({ type: String, nullable: true }) description!: string | null;
}

export class PublicationLevelResponse {
  @ApiProperty({ example: 'city' }) key!: string;
  @ApiProperty({ example: '市级' }) name!: string;
  @ApiProperty({ type: 'integer', example: 30 }) rank!: number;
}
