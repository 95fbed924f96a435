import { ApiProperty } from '@nestjs/swagger';

export class BuildProgressResponse {
  @ApiProperty({ example: '1042', description: 'Global position the build has applied (decimal string)' }) position!: string;
  @ApiProperty({ type: String, nullable: true, example: '5000', description: 'Where the build stops (as of); null: it follows the head' }) targetPosition!: string | null;
  @ApiProperty({ example: '5200', description: 'The store\'s head position now' }) headPosition!: string;
  @ApiProperty({ type: 'integer', description: 'Events applied by this build' }) eventsDone!: number;
  @ApiProperty({ type: 'integer', description: 'Events per second since the build started (until it reached its target)' }) eventsPerSecond!: number;
  @ApiProperty({ description: 'The build has applied everything up to its target position' }) reachedTarget!: boolean;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) reachedTargetAt!: string | null;
}

export class BuildResponse {
  @ApiProperty({ example: 'policies:v2:ab12cd', description: 'Send it as X-Read-Build to read this build through the ordinary GET endpoints' }) buildId!: string;
  @ApiProperty({ example: 'policies' }) projection!: string;
  @ApiProperty({ type: 'integer' }) version!: number;
  @ApiProperty({ enum: ['shadow', 'live', 'rebuilding', 'stopped'] }) state!: string;
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'What the build was started with (the projection\'s declared build parameters)' }) parameters!: Record<string, unknown>;
  @ApiProperty({ type: String, nullable: true }) purpose!: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'The member who started it' }) createdBy!: string | null;
  @ApiProperty({ format: 'date-time' }) startedAt!: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'When the sweeper drops it unless it is read before (each read moves it by the build\'s ttl)' }) expiresAt!: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) lastReadAt!: string | null;
  @ApiProperty({ type: String, nullable: true }) lastError!: string | null;
  @ApiProperty({ type: BuildProgressResponse }) progress!: BuildProgressResponse;
}
