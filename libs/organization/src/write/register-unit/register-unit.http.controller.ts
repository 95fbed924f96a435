import { Body, Controller, HttpCode, Post, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsOptional, IsString, IsUUID, Length, Matches } from 'class-validator';
import type { Response } from 'express';
import { CommandContext, entityIdFor } from '@app/kernel';
import type { CommandResult } from '@app/event-store';
import { Access } from '@app/access';
import { COMMAND_POSITION_DESCRIPTION, CommandCtx, CommandEndpoint, commandPosition, etag } from '@app/platform';
import { RegisterUnitCommand } from './register-unit.command';

export class RegisterUnitRequest {
  @ApiPropertyOptional({ description: 'Client-chosen id (UUID); generated when omitted' })
  @IsOptional()
  @IsUUID()
  unitId?: string;

  @ApiProperty({ example: '指挥中心' })
  @IsString()
  @Length(1, 100)
  name!: string;

  @ApiProperty({ example: 'section', description: 'A configured unit type (科室, 大队, 中队, 乡镇 …)' })
  @IsString()
  @Matches(/^[a-z][a-z0-9-]{0,49}$/, { message: 'unitType must be a lowercase type key such as section or brigade' })
  unitType!: string;

  @ApiPropertyOptional({ description: 'Parent unit id; omitted for the root' })
  @IsOptional()
  @IsUUID()
  parentId?: string;
}

export class UnitCommandResponse {
  @ApiProperty() unitId!: string;
  @ApiProperty({ description: 'Stream revision after the command (also the ETag)' }) revision!: string;
  @ApiProperty({ example: '1042', description: COMMAND_POSITION_DESCRIPTION }) position!: string;
  @ApiProperty({ description: 'True when this Idempotency-Key was already processed: nothing changed' }) duplicate!: boolean;
}

export function unitResponse(unitId: string, result: CommandResult, res: Response): UnitCommandResponse {
  res.setHeader('ETag', etag(result.revision));
  return { unitId, revision: String(result.revision ?? -1), position: commandPosition(result), duplicate: result.duplicate };
}

@ApiTags('organization')
@Controller('v1/units')
export class RegisterUnitHttpController {
  constructor(private readonly commands: CommandBus) {}

  @Post()
  @Access('org.manage')
  @HttpCode(201)
  @CommandEndpoint({ summary: 'Register a unit in the tree', response: UnitCommandResponse, status: 201, location: '/v1/units/{unitId}', problems: ['unit-already-registered', 'unit-parent-unknown', 'unit-parent-dissolved', 'unit-type-undefined'] })
  async register(
    @Body() body: RegisterUnitRequest,
    @CommandCtx() context: CommandContext,
    @Res({ passthrough: true }) res: Response,
  ): Promise<UnitCommandResponse> {
    const unitId = entityIdFor(body.unitId, context, 'unit');
    const result = await this.commands.execute<RegisterUnitCommand, CommandResult>(
      new RegisterUnitCommand(unitId, body.name, body.unitType, body.parentId ?? null, context),
    );
    res.setHeader('Location', `/v1/units/${unitId}`);
    return unitResponse(unitId, result, res);
  }
}
