import { ApiProperty } from '@nestjs/swagger';
import { ACCESS_MATRIX } from './access-matrix';
import { ROLES } from './roles';

const PERMISSIONS = Object.keys(ACCESS_MATRIX);

export class MeAppointmentResponse {
  @ApiProperty({ format: 'uuid' }) appointmentId!: string;
  @ApiProperty({ enum: ROLES }) role!: string;
  @ApiProperty({ format: 'uuid' }) unitId!: string;
  @ApiProperty({ format: 'date' }) startsOn!: string;
  @ApiProperty({ type: String, format: 'date', nullable: true }) endsOn!: string | null;
  @ApiProperty({ type: [String], description: 'Units a leader in charge (分管领导) oversees' }) oversees!: string[];
}

export class MeUnitGrantResponse {
  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'The unit; null with covers institution (every unit)' }) unitId!: string | null;
  @ApiProperty({ enum: ['unit', 'subtree', 'institution'], description: 'unit: that unit; subtree: it and every unit below it; institution: every unit' }) covers!: string;
  @ApiProperty({ enum: ROLES, isArray: true }) roles!: string[];
  @ApiProperty({ enum: PERMISSIONS, isArray: true }) permissions!: string[];
}

/** GET /v1/me: the member, the appointments in force today and what they may do where. */
export class MeResponse {
  @ApiProperty({ format: 'uuid' }) memberId!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ format: 'date', description: 'Today in the business time zone (the date appointments are in force on)' }) today!: string;
  @ApiProperty({ example: 'Asia/Shanghai' }) timeZone!: string;
  @ApiProperty({ type: [MeAppointmentResponse] }) appointments!: MeAppointmentResponse[];
  @ApiProperty({ enum: PERMISSIONS, isArray: true, description: 'Permissions that need no unit' }) permissions!: string[];
  @ApiProperty({ type: [MeUnitGrantResponse], description: 'Where the unit-scoped permissions apply (their union at a unit)' }) units!: MeUnitGrantResponse[];
}
