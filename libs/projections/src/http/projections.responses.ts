import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class RebuildProgressResponse {
  @ApiProperty({ type: 'integer' }) eventsDone!: number;
  @ApiProperty() eventsPerSecond!: number;
  @ApiProperty({ type: Number, nullable: true }) estimatedSecondsLeft!: number | null;
}

export class ShadowBuildStatusResponse {
  @ApiProperty({ type: String, nullable: true, example: '1200', description: 'The position the build stops at (null: it follows the head)' }) targetPosition!: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'When it applied everything up to its target' }) reachedTargetAt!: string | null;
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'What it was started with' }) parameters!: Record<string, unknown>;
  @ApiProperty({ type: String, nullable: true }) purpose!: string | null;
  @ApiProperty({ type: String, nullable: true }) createdBy!: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) expiresAt!: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) lastReadAt!: string | null;
}

export class BuildStatusResponse {
  @ApiProperty() buildId!: string;
  @ApiProperty({ type: 'integer' }) version!: number;
  @ApiProperty({ enum: ['live', 'rebuilding', 'shadow', 'stopped'] }) state!: string;
  @ApiProperty({ example: '42', description: 'Global position applied (decimal string)' }) position!: string;
  @ApiProperty({ type: 'integer' }) lagEvents!: number;
  @ApiProperty() lagSeconds!: number;
  @ApiProperty({ type: String, nullable: true, description: 'The instance holding the build\'s lock' }) owner!: string | null;
  @ApiProperty({ type: String, nullable: true }) lastError!: string | null;
  @ApiPropertyOptional({ type: RebuildProgressResponse, description: 'Rebuilds and shadow builds: events applied, rate, time left (to the target, or to the head)' }) progress?: RebuildProgressResponse;
  @ApiPropertyOptional({ type: ShadowBuildStatusResponse, description: 'Shadow builds only' }) shadow?: ShadowBuildStatusResponse;
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
  @ApiProperty({ enum: ['resumed', 'restarted'], description: 'resumed: the build stopped on the event resumes with it; restarted: a build re-applies the log from before the event, in order (a rebuild beside the live build). The letter resolves when the runner applies the event.' })
  outcome!: string;
  @ApiProperty({ description: 'The build whose runner applies the event' }) buildId!: string;
  @ApiProperty({ type: DeadLetterResponse }) deadLetter!: DeadLetterResponse;
}
