import { Controller, Get, Param, ParseUUIDPipe, Res } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { etag } from '@app/platform';
import { Access } from '@app/access';
import { GetUnitQuery, GetUnitTreeQuery, UnitView } from './get-units.query';

@ApiTags('organization')
@Controller('v1/units')
export class OrgTreeHttpController {
  constructor(private readonly queries: QueryBus) {}

  @Get()
  @Access('org.read')
  @ApiOperation({ summary: 'The unit tree (roots with nested children)' })
  tree(): Promise<UnitView[]> {
    return this.queries.execute(new GetUnitTreeQuery());
  }

  @Get(':unitId')
  @Access('org.read')
  @ApiOperation({ summary: 'One unit; its ETag is the revision to send in If-Match' })
  async unit(@Param('unitId', new ParseUUIDPipe()) unitId: string, @Res({ passthrough: true }) res: Response): Promise<UnitView> {
    const view = await this.queries.execute<GetUnitQuery, UnitView>(new GetUnitQuery(unitId));
    res.setHeader('ETag', etag(BigInt(view.revision)));
    return view;
  }
}
