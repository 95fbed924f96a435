import { ApiProperty } from '@nestjs/swagger';

class CountsDocument {
  @ApiProperty({ type: 'integer', example: 4500 }) reads!: number;
  @ApiProperty({ type: 'integer', example: 120 }) reposts!: number;
  @ApiProperty({ type: 'integer', example: 300 }) interactions!: number;
  @ApiProperty({ type: 'integer', nullable: true, example: 10000, description: 'null when the platform gave no follower count' }) followers!: number | null;
}

export class MetricsVersionResponse extends CountsDocument {
  @ApiProperty({ example: '1042', description: 'Log position of the event that recorded these counts' }) position!: string;
  @ApiProperty({ format: 'uuid' }) recordedBy!: string;
  @ApiProperty({ format: 'date-time' }) recordedAt!: string;
}

export class EffectiveObservationResponse extends MetricsVersionResponse {
  @ApiProperty({ format: 'date-time' }) observedAt!: string;
  @ApiProperty({ example: 'wechat-mp-api' }) source!: string;
  @ApiProperty({ type: [MetricsVersionResponse], description: 'The counts this observation had before, oldest first (empty when never corrected)' })
  corrections!: MetricsVersionResponse[];
}

export class PublicationMetricsResponse {
  @ApiProperty({ format: 'uuid' }) publicationId!: string;
  @ApiProperty({ format: 'uuid' }) draftId!: string;
  @ApiProperty({ format: 'uuid' }) channelId!: string;
  @ApiProperty({ example: 'wechat' }) platform!: string;
  @ApiProperty({ format: 'date-time' }) publishedAt!: string;
  @ApiProperty({ type: [EffectiveObservationResponse], description: 'The latest counts per (observedAt, source), ordered by observedAt then source' })
  observations!: EffectiveObservationResponse[];
  @ApiProperty({ type: 'string', example: '1042', nullable: true, description: 'Position of the publication\'s latest metrics event (null when none)' }) position!: string | null;
}
