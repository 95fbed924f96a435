import { Body, Controller, HttpCode, Inject, Param, Post, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsOptional, IsString, IsUUID, Length, ValidateIf } from 'class-validator';
import type { Response } from 'express';
import { Clock, CLOCK, CommandContext, NotFound } from '@app/kernel';
import { runDecider } from '@app/event-store';
import { Access } from '@app/access';
import { CommandCtx, CommandEndpoint, IsCalendarDate, UuidParamPipe } from '@app/platform';
import { unitDecider, unitStream } from '../../domain/unit.decider';
import { OrgReads } from '../org-reads';
import { commandResponse } from '../command-response';
import { UnitChangeResponse } from '../command.responses';

export class MoveUnitRequest {
  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'The new parent; null makes the unit a root' })
  @ValidateIf((o: MoveUnitRequest) => o.parentId !== null)
  @IsUUID()
  parentId!: string | null;
}
export class DissolveUnitRequest {
  @ApiProperty({ example: '2026-06-30' }) @IsCalendarDate() dissolvedOn!: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, 500) reason?: string;
}

@ApiTags('organization')
@Controller('v1/units/:unitId')
export class ManageUnitsHttpController {
  constructor(
    private readonly commands: CommandBus,
    private readonly reads: OrgReads,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  private async run(unitId: string, build: Parameters<typeof unitDecider.decide>[0] | ((s: Parameters<typeof unitDecider.decide>[1]) => Promise<Parameters<typeof unitDecider.decide>[0]>), context: CommandContext) {
    return runDecider(
      this.commands,
      unitStream(unitId), unitDecider, async (state: Parameters<typeof unitDecider.decide>[1]) => {
        if (state.status === 'none') throw new NotFound('Unit', unitId);
        return typeof build === 'function' ? build(state) : build;
      }, context,
    );
  }

  @Post('move')
  @HttpCode(200)
  @Access('org.manage')
  @CommandEndpoint({ summary: 'Move a unit under another parent (never under itself or a descendant)', response: UnitChangeResponse, problems: ['not-found', 'unit-dissolved', 'unit-parent-unknown', 'unit-parent-dissolved', 'unit-move-cycle'] })
  async move(@Param('unitId', new UuidParamPipe()) unitId: string, @Body() body: MoveUnitRequest, @CommandCtx() context: CommandContext, @Res({ passthrough: true }) res: Response) {
    const parentId = body.parentId ?? null;
    const result = await this.run(
      unitId,
      async () => ({
        type: 'MoveUnit',
        newParentId: parentId,
        newParent: parentId === null ? null : await this.reads.unitFacts(parentId),
        newParentLineage: parentId === null ? [] : await this.reads.lineage(parentId),
        now: this.clock.now().toISOString(),
      }),
      context,
    );
    return commandResponse('unitId', unitId, result, res);
  }

  @Post('dissolve')
  @HttpCode(200)
  @Access('org.manage')
  @CommandEndpoint({ summary: 'Dissolve a unit; its history (and items) stay', response: UnitChangeResponse, problems: ['not-found', 'unit-dissolved', 'unit-date-invalid'] })
  async dissolve(@Param('unitId', new UuidParamPipe()) unitId: string, @Body() body: DissolveUnitRequest, @CommandCtx() context: CommandContext, @Res({ passthrough: true }) res: Response) {
    const result = await this.run(unitId, { type: 'DissolveUnit', dissolvedOn: body.dissolvedOn, reason: body.reason ?? null, now: this.clock.now().toISOString() }, context);
    return commandResponse('unitId', unitId, result, res);
  }
}
