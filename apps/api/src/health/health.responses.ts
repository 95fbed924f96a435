import { ApiProperty } from '@nestjs/swagger';

export class LivenessResponse {
  @ApiProperty({ enum: ['ok'] }) status!: 'ok';
}

export class ReadinessResponse {
  @ApiProperty({ enum: ['ready'] }) status!: 'ready';
  @ApiProperty({ enum: ['ok'] }) database!: 'ok';
  @ApiProperty({ type: [String], description: 'Always empty when ready (503 lists them otherwise)' }) stoppedProjections!: string[];
}
