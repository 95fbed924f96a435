import { ApiProperty } from '@nestjs/swagger';
import { ROLES } from '@app/access';

export class ReviewCoverageResponse {
  @ApiProperty({ format: 'uuid' }) unitId!: string;
  @ApiProperty({ type: String, nullable: true }) unitName!: string | null;
  @ApiProperty({ enum: ROLES }) role!: string;
  @ApiProperty({ format: 'uuid' }) memberId!: string;
  @ApiProperty() memberName!: string;
  @ApiProperty({ format: 'uuid' }) appointmentId!: string;
  @ApiProperty({ format: 'date' }) startsOn!: string;
  @ApiProperty({ type: String, format: 'date', nullable: true }) endsOn!: string | null;
}
