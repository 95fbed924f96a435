import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class RebuildProgressResponse {
  @ApiProperty({ type: 'integer' }) eventsDone!: number;
  @ApiProperty() eventsPerSecond!: number;
  @ApiProperty({ type: Number, nullable: true }) estimatedSecondsLeft!: number | null;
}

export class BuildStatusResponse {
  @ApiProperty() buildId!: string;
  @ApiProperty({ type: 'integer' }) version!: number;
  @ApiProperty({ enum: ['live', 'rebuilding', 'stopped'] }) state!: string;
  @ApiProperty({ example: '42', description: 'Global position applied (decimal string)' }) position!: string;
  @ApiProperty({ type: 'integer' }) lagEvents!: number;
  @ApiProperty() lagSeconds!: number;
  @ApiProperty({ type: String, nullable: true, description: 'The instance holding the build\'s lock' }) owner!: string | null;
  @ApiProperty({ type: String, nullable: true }) lastError!: string | null;
  @ApiPropertyOptional({ type: RebuildProgressResponse }) progress?: RebuildProgressResponse;
}

export class ProjectionStatusResponse {
  @ApiProperty() name!: string;
  @ApiProperty({ enum: ['projection', 'reactor'] }) kind!: string;
  @ApiProperty({ type: 'integer' }) codeVersion!: number;
  @ApiProperty({ type: [String] }) tables!: string[];
  @ApiProperty({ example: '42' }) headPosition!: string;
  @ApiProperty({ type: 'integer', description: 'Open dead letters' }) deadLetters!: number;
  @ApiProperty({ type: [BuildStatusResponse] }) builds!: BuildStatusResponse[];
}

export class DeadLetterResponse {
  @ApiProperty({ example: '7' }) id!: string;
  @ApiProperty() projection!: string;
  @ApiProperty() buildId!: string;
  @ApiProperty({ example: '42' }) position!: string;
  @ApiProperty({ format: 'uuid' }) eventId!: string;
  @ApiProperty() streamId!: string;
  @ApiProperty() eventType!: string;
  @ApiProperty() error!: string;
  @ApiProperty({ enum: ['stop', 'skip'] }) policy!: string;
  @ApiProperty({ enum: ['open', 'resolved'] }) status!: string;
  @ApiProperty({ type: 'integer' }) attempts!: number;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) resolvedAt!: string | null;
  @ApiProperty({ type: String, enum: ['applied', 'skipped', null], nullable: true, description: '`applied` (a retry or the resumed build got past it) or `skipped` (an operator skipped the event); null while open' })
  resolution!: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'The member who skipped it (null unless skipped)' }) resolvedBy!: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'Why it was skipped (null unless skipped)' }) reason!: string | null;
}

export class SkipOutcomeResponse {
  @ApiProperty({ enum: ['skipped'] }) outcome!: string;
  @ApiProperty({ type: DeadLetterResponse }) deadLetter!: DeadLetterResponse;
}

export class RetryOutcomeResponse {
  @ApiProperty({ enum: ['resumed', 'resolved', 'failed'] }) outcome!: string;
  @ApiProperty({ type: DeadLetterResponse }) deadLetter!: DeadLetterResponse;
}
