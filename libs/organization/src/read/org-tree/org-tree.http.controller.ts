import { Controller, Get, Inject, Param, Res } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { NotFound } from '@app/kernel';
import { EVENT_STORE, EventStore } from '@app/event-store';
import { Endpoint, etag, ReadAt, ReadSelector, UuidParamPipe } from '@app/platform';
import { Access } from '@app/access';
import { unitStream } from '../../domain/unit.decider';
import { GetUnitQuery, GetUnitTreeQuery, UnitView } from './get-units.query';
import { UnitHistoryEntryResponse, UnitResponse, UnitTreeNodeResponse } from './org-tree.responses';

export interface UnitHistoryEntry {
  revision: string;
  type: string;
  data: unknown;
  actorId: string;
  recordedAt: string;
}

@ApiTags('organization')
@Controller('v1/units')
export class OrgTreeHttpController {
  constructor(
    private readonly queries: QueryBus,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}

  @Get()
  @Access('org.read')
  @Endpoint({ summary: 'The unit tree (roots with nested children; dissolved units stay, with dissolvedOn)', response: UnitTreeNodeResponse, isArray: true })
  tree(@ReadAt() read: ReadSelector): Promise<UnitView[]> {
    return this.queries.execute(new GetUnitTreeQuery(read));
  }

  @Get(':unitId')
  @Access('org.read')
  @Endpoint({ summary: 'One unit; its ETag is the revision to send in If-Match', response: UnitResponse, etag: true, problems: ['not-found'] })
  async unit(@Param('unitId', new UuidParamPipe()) unitId: string, @ReadAt() read: ReadSelector, @Res({ passthrough: true }) res: Response): Promise<UnitView> {
    const view = await this.queries.execute<GetUnitQuery, UnitView>(new GetUnitQuery(unitId, read));
    res.setHeader('ETag', etag(BigInt(view.revision)));
    return view;
  }

  /** History comes from the unit's own stream: the names it had, where it sat, when it was dissolved, and who did it. */
  @Get(':unitId/history')
  @Access('org.read')
  @Endpoint({ summary: "Everything that happened to a unit (registration, renames, moves, dissolution), from its stream", response: UnitHistoryEntryResponse, isArray: true, problems: ['not-found'] })
  async history(@Param('unitId', new UuidParamPipe()) unitId: string): Promise<UnitHistoryEntry[]> {
    const events = await this.store.readStream(unitStream(unitId));
    if (events.length === 0) throw new NotFound('Unit', unitId);
    return events.map((e) => ({ revision: e.revision.toString(), type: e.type, data: e.data, actorId: e.metadata.actorId, recordedAt: e.metadata.recordedAt }));
  }
}
