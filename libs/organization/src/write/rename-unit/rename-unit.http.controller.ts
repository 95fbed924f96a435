import { Body, Controller, Param, Put, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiProperty, ApiTags } from '@nestjs/swagger';
import { IsString, Length } from 'class-validator';
import type { Response } from 'express';
import type { CommandContext } from '@app/kernel';
import type { CommandResult } from '@app/event-store';
import { Access } from '@app/access';
import { CommandCtx, CommandEndpoint, UuidParamPipe } from '@app/platform';
import { unitResponse, UnitCommandResponse } from '../register-unit/register-unit.http.controller';
import { RenameUnitCommand } from './rename-unit.command';

export class RenameUnitRequest {
  @ApiProperty({ example: '综合办公室' })
  @IsString()
  @Length(1, 100)
  name!: string;
}

@ApiTags('organization')
@Controller('v1/units')
export class RenameUnitHttpController {
  constructor(private readonly commands: CommandBus) {}

  @Put(':unitId/name')
  @Access('org.manage')
  @CommandEndpoint({ summary: 'Rename a unit (the old name stays in its history)', response: UnitCommandResponse, problems: ['not-found', 'unit-not-registered', 'unit-dissolved'] })
  async rename(
    @Param('unitId', new UuidParamPipe()) unitId: string,
    @Body() body: RenameUnitRequest,
    @CommandCtx() context: CommandContext,
    @Res({ passthrough: true }) res: Response,
  ): Promise<UnitCommandResponse> {
    const result = await this.commands.execute<RenameUnitCommand, CommandResult>(new RenameUnitCommand(unitId, body.name, context));
    return unitResponse(unitId, result, res);
  }
}
