import { ApiProperty } from '@nestjs/swagger';

export class EffectResponse {
  @ApiProperty({ example: '12' }) id!: string;
  @ApiProperty({ description: 'The reactor that recorded it' }) reactor!: string;
  @ApiProperty({ description: 'The stable key the receiver deduplicates on (delivery is at least once)' }) key!: string;
  @ApiProperty({ example: '42', description: 'Position of the event that recorded it' }) position!: string;
  @ApiProperty({ type: String, nullable: true }) buildId!: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'The reactor\'s effect task (null for effects performed before the outbox)' }) task!: string | null;
  @ApiProperty({ type: 'object', additionalProperties: true, nullable: true, description: 'The task\'s JSON payload' }) payload!: Record<string, unknown> | null;
  @ApiProperty({ enum: ['pending', 'performed', 'failed'] }) status!: string;
  @ApiProperty({ type: 'integer', description: 'Deliveries started so far' }) attempts!: number;
  @ApiProperty({ type: String, nullable: true }) lastError!: string | null;
  @ApiProperty({ format: 'date-time' }) recordedAt!: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) performedAt!: string | null;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
}
