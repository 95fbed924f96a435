import { Body, Controller, HttpCode, Inject, Post, Put, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsInt, IsOptional, IsString, Length, Matches, Max, Min } from 'class-validator';
import type { Response } from 'express';
import { Clock, CLOCK, CommandContext } from '@app/kernel';
import { runDecider } from '@app/event-store';
import { Access } from '@app/access';
import { CommandCtx, CommandEndpoint, ValidateNestedObjects } from '@app/platform';
import { ORG_CONFIG_STREAM, orgConfigDecider } from '../../domain/orgconfig.decider';
import { commandResponse } from '../command-response';
import { PublicationLevelsCommandResponse, UnitTypeCommandResponse } from '../command.responses';

const KEY = /^[a-z][a-z0-9-]{0,49}$/;

export class DefineUnitTypeRequest {
  @ApiProperty({ example: 'brigade' }) @Matches(KEY, { message: 'key must be a lowercase key such as brigade' }) key!: string;
  @ApiProperty({ example: '大队' }) @IsString() @Length(1, 50) name!: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(0, 500) description?: string;
}
export class PublicationLevelRequest {
  @ApiProperty({ example: 'city' }) @Matches(/^[a-z][a-z0-9_-]{0,49}$/) key!: string;
  @ApiProperty({ example: '市级' }) @IsString() @Length(1, 50) name!: string;
  @ApiProperty({ example: 30 }) @IsInt() @Min(0) @Max(1000) rank!: number;
}
export class DefinePublicationLevelsRequest {
  @ApiProperty({ type: [PublicationLevelRequest], description: 'From the lowest rank up' })
  @ValidateNestedObjects(() => PublicationLevelRequest)
  @ArrayMinSize(1)
  @ArrayMaxSize(20)
  levels!: PublicationLevelRequest[];
}

@ApiTags('organization')
@Controller('v1')
export class OrgConfigHttpController {
  constructor(
    private readonly commands: CommandBus,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Post('unit-types')
  @HttpCode(201)
  @Access('org.manage')
  @CommandEndpoint({ summary: 'Define (or redefine) a unit type: quotas and review chains refer to it', response: UnitTypeCommandResponse, status: 201, problems: ['unit-type-invalid'] })
  async defineUnitType(@Body() body: DefineUnitTypeRequest, @CommandCtx() context: CommandContext, @Res({ passthrough: true }) res: Response) {
    const result = await runDecider(
      this.commands,
      ORG_CONFIG_STREAM, orgConfigDecider, { type: 'DefineUnitType', key: body.key, name: body.name, description: body.description ?? null, now: this.clock.now().toISOString() }, context,
    );
    return commandResponse('key', body.key, result, res);
  }

  @Put('publication-levels')
  @Access('org.manage')
  @CommandEndpoint({ summary: 'Replace the ordered publication ladder (own unit, district, city, province, national …)', response: PublicationLevelsCommandResponse, problems: ['level-invalid', 'level-key-duplicate', 'level-rank-not-ascending'] })
  async defineLevels(@Body() body: DefinePublicationLevelsRequest, @CommandCtx() context: CommandContext, @Res({ passthrough: true }) res: Response) {
    const result = await runDecider(
      this.commands,
      ORG_CONFIG_STREAM, orgConfigDecider, { type: 'DefinePublicationLevels', levels: body.levels.map((l) => ({ key: l.key, name: l.name, rank: l.rank })), now: this.clock.now().toISOString() }, context,
    );
    return commandResponse('config', 'publication-levels', result, res);
  }
}
