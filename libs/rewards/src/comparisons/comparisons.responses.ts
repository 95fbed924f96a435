import { ApiProperty } from '@nestjs/swagger';

export class ComparisonStartedResponse {
  @ApiProperty({ format: 'uuid' }) runId!: string;
  @ApiProperty({ type: String, nullable: true, description: 'Log position of RewardComparisonStarted (null when this Idempotency-Key already started it)' }) position!: string | null;
  @ApiProperty() duplicate!: boolean;
}

class RunDocument {
  @ApiProperty({ format: 'uuid' }) runId!: string;
  @ApiProperty({ enum: ['what-if', 'recomputation'] }) kind!: string;
  @ApiProperty({ type: 'object', additionalProperties: true, nullable: true, description: 'The what-if parameter (what-if)' }) policies!: Record<string, unknown> | null;
  @ApiProperty({ type: 'object', additionalProperties: true, nullable: true, description: '{ policyId, version, publishedAtPosition } (recomputation)' }) policy!: Record<string, unknown> | null;
  @ApiProperty({ type: String, nullable: true, format: 'date' }) from!: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'date' }) to!: string | null;
  @ApiProperty({ type: String, nullable: true }) purpose!: string | null;
  @ApiProperty() beforeBuildId!: string;
  @ApiProperty() afterBuildId!: string;
  @ApiProperty({ description: 'The position the before build stops at' }) beforePosition!: string;
  @ApiProperty({ description: 'The position the after build stops at' }) afterPosition!: string;
  @ApiProperty({ format: 'uuid' }) requestedBy!: string;
  @ApiProperty({ format: 'date-time' }) requestedAt!: string;
}

class BuildProgressDocument {
  @ApiProperty() buildId!: string;
  @ApiProperty() position!: string;
  @ApiProperty({ type: String, nullable: true }) targetPosition!: string | null;
  @ApiProperty() headPosition!: string;
  @ApiProperty({ type: 'integer' }) eventsDone!: number;
  @ApiProperty({ type: 'number' }) eventsPerSecond!: number;
  @ApiProperty() reachedTarget!: boolean;
  @ApiProperty({ type: String, nullable: true, format: 'date-time' }) reachedTargetAt!: string | null;
}

class BuildsDocument {
  @ApiProperty({ type: BuildProgressDocument, nullable: true, description: 'null once expired' }) before!: BuildProgressDocument | null;
  @ApiProperty({ type: BuildProgressDocument, nullable: true }) after!: BuildProgressDocument | null;
}

class SideDocument {
  @ApiProperty({ type: 'integer' }) points!: number;
  @ApiProperty({ type: 'integer' }) amountFen!: number;
  @ApiProperty({ type: 'integer', nullable: true }) rankByMoney!: number | null;
  @ApiProperty({ type: 'integer', nullable: true }) rankByPoints!: number | null;
}

class PayeeDocument {
  @ApiProperty({ enum: ['member', 'unit'] }) kind!: string;
  @ApiProperty() id!: string;
}

class DiffRowDocument {
  @ApiProperty({ type: PayeeDocument }) payee!: PayeeDocument;
  @ApiProperty({ example: '2026-03', description: 'Business month' }) period!: string;
  @ApiProperty({ type: SideDocument }) before!: SideDocument;
  @ApiProperty({ type: SideDocument }) after!: SideDocument;
  @ApiProperty({ type: 'integer' }) deltaPoints!: number;
  @ApiProperty({ type: 'integer' }) deltaFen!: number;
  @ApiProperty({ type: 'number' }) deltaYuan!: number;
  @ApiProperty({ type: 'integer', nullable: true, description: 'before - after: positive is a climb' }) deltaRankByMoney!: number | null;
  @ApiProperty({ type: 'integer', nullable: true }) deltaRankByPoints!: number | null;
  @ApiProperty({ type: [String], example: ['city-police-new-media-rewards@1/wechat-item-100-yuan', 'city-police-new-media-rewards@2/wechat-item-100-yuan'] }) rules!: string[];
}

class DiffTotalsDocument {
  @ApiProperty({ type: 'integer' }) deltaPoints!: number;
  @ApiProperty({ type: 'integer' }) deltaFen!: number;
  @ApiProperty({ type: 'integer' }) payees!: number;
}

class DiffDocument {
  @ApiProperty({ type: [DiffRowDocument] }) rows!: DiffRowDocument[];
  @ApiProperty({ type: DiffTotalsDocument }) totals!: DiffTotalsDocument;
}

export class ComparisonResponse {
  @ApiProperty({ type: RunDocument }) run!: RunDocument;
  @ApiProperty({ enum: ['running', 'done', 'expired'] }) status!: string;
  @ApiProperty({ type: BuildsDocument }) builds!: BuildsDocument;
  @ApiProperty({ type: DiffDocument, nullable: true, description: 'null until both builds reached their position' }) diff!: DiffDocument | null;
}
