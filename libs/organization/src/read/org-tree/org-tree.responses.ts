import { ApiProperty } from '@nestjs/swagger';

export class UnitResponse {
  @ApiProperty({ format: 'uuid' }) unitId!: string;
  @ApiProperty({ example: '指挥中心' }) name!: string;
  @ApiProperty({ example: 'section' }) unitType!: string;
  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'null for a root' }) parentId!: string | null;
  @ApiProperty({ format: 'date-time' }) registeredAt!: string;
  @ApiProperty({ type: String, format: 'date', nullable: true }) dissolvedOn!: string | null;
  @ApiProperty({ example: '2', description: 'Stream revision (also the ETag)' }) revision!: string;
}

export class UnitTreeNodeResponse extends UnitResponse {
  @ApiProperty({ type: () => [UnitTreeNodeResponse] }) children!: UnitTreeNodeResponse[];
}

export class UnitHistoryEntryResponse {
  @ApiProperty({ example: '0' }) revision!: string;
  @ApiProperty({ example: 'UnitRegistered' }) type!: string;
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'The event data' }) data!: Record<string, unknown>;
  @ApiProperty() actorId!: string;
  @ApiProperty({ format: 'date-time' }) recordedAt!: string;
}
