import { Inject } from '@nestjs/common';
import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import type { Pool } from 'pg';
import { NotFound } from '@app/kernel';
import { PG_POOL, ReadSelector } from '@app/platform';
import { ReadModels } from '@app/projections';

export interface UnitView {
  unitId: string;
  name: string;
  unitType: string;
  parentId: string | null;
  registeredAt: string;
  dissolvedOn: string | null;
  revision: string;
  children?: UnitView[];
}

/** The read selector (X-Read-Build, X-Min-Position) says which build of org-tree to read. */
export class GetUnitTreeQuery {
  constructor(readonly read?: ReadSelector) {}
}
export class GetUnitQuery {
  constructor(
    readonly unitId: string,
    readonly read?: ReadSelector,
  ) {}
}

interface Row {
  unit_id: string;
  name: string;
  unit_type: string;
  parent_id: string | null;
  registered_at: Date;
  dissolved_on: string | null;
  revision: string;
}

const toView = (r: Row): UnitView => ({
  unitId: r.unit_id,
  name: r.name,
  unitType: r.unit_type,
  parentId: r.parent_id,
  registeredAt: r.registered_at.toISOString(),
  dissolvedOn: r.dissolved_on,
  revision: r.revision,
});

@QueryHandler(GetUnitTreeQuery)
export class GetUnitTreeHandler implements IQueryHandler<GetUnitTreeQuery, UnitView[]> {
  constructor(
    @Inject(PG_POOL) private readonly pool: Pool,
    private readonly readModels: ReadModels,
  ) {}

  async execute(query: GetUnitTreeQuery): Promise<UnitView[]> {
    const r = await this.readModels.scope(query.read, ['org_units']);
    const rows = await this.pool.query<Row>(`SELECT unit_id, name, unit_type, parent_id, registered_at, to_char(dissolved_on, 'YYYY-MM-DD') AS dissolved_on, revision FROM ${r.t('org_units')} ORDER BY name`);
    const views = new Map(rows.rows.map((r) => [r.unit_id, { ...toView(r), children: [] as UnitView[] }]));
    const roots: UnitView[] = [];
    for (const view of views.values()) {
      const parent = view.parentId ? views.get(view.parentId) : undefined;
      if (parent) parent.children!.push(view);
      else roots.push(view);
    }
    return roots;
  }
}

@QueryHandler(GetUnitQuery)
export class GetUnitHandler implements IQueryHandler<GetUnitQuery, UnitView> {
  constructor(
    @Inject(PG_POOL) private readonly pool: Pool,
    private readonly readModels: ReadModels,
  ) {}

  async execute(query: GetUnitQuery): Promise<UnitView> {
    const r = await this.readModels.scope(query.read, ['org_units']);
    const rows = await this.pool.query<Row>(
      `SELECT unit_id, name, unit_type, parent_id, registered_at, to_char(dissolved_on, 'YYYY-MM-DD') AS dissolved_on, revision FROM ${r.t('org_units')} WHERE unit_id = $1`,
      [query.unitId],
    );
    if (!rows.rows[0]) throw new NotFound('Unit', query.unitId);
    return toView(rows.rows[0]);
  }
}
