import { ApiProperty } from '@nestjs/swagger';

export class DeadlineResponse {
  @ApiProperty({ format: 'uuid' }) deadlineId!: string;
  @ApiProperty({ example: 'commission-deadline', description: 'What the deadline is for' }) kind!: string;
  @ApiProperty({ example: 'commission-6f2…', description: 'The stream that scheduled it; DeadlineElapsed is appended there' }) subject!: string;
  @ApiProperty({ format: 'date-time' }) dueAt!: string;
  @ApiProperty({ enum: ['scheduled', 'cancelled', 'elapsed'] }) status!: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'When it was cancelled, or its due time when it elapsed (never the time the scheduler noticed)' }) settledAt!: string | null;
  @ApiProperty({ example: '42', description: 'Log position of DeadlineScheduled (decimal string)' }) scheduledPosition!: string;
  @ApiProperty({ type: String, nullable: true, example: '57', description: 'Log position of DeadlineCancelled or DeadlineElapsed' }) settledPosition!: string | null;
}

export class DeadlinePageResponse {
  @ApiProperty({ type: [DeadlineResponse] }) items!: DeadlineResponse[];
  @ApiProperty({ type: 'integer', description: 'How many deadlines match the filter' }) total!: number;
}

export class BusinessPeriodResponse {
  @ApiProperty({ enum: ['day', 'month', 'quarter', 'year'] }) period!: string;
  @ApiProperty({ example: '2026-11', description: 'The period in the business calendar: 2026-11-30, 2026-11, 2026-Q4, 2026' }) key!: string;
  @ApiProperty({ example: 'Asia/Shanghai' }) timeZone!: string;
  @ApiProperty({ format: 'date-time', example: '2026-10-31T16:00:00.000Z' }) startedAt!: string;
  @ApiProperty({ format: 'date-time', example: '2026-11-30T16:00:00.000Z', description: 'The first instant of the next period' }) endedAt!: string;
  @ApiProperty({ example: '42', description: 'Log position of BusinessPeriodEnded' }) position!: string;
}

export class BusinessPeriodPageResponse {
  @ApiProperty({ type: [BusinessPeriodResponse] }) items!: BusinessPeriodResponse[];
  @ApiProperty({ type: 'integer' }) total!: number;
}
