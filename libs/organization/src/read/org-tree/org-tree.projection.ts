import type { RecordedEvent } from '@app/event-store';
import { BatchMapping, batchApplier, ProjectionDefinition, TableBuffer, tableSpec } from '@app/projections';
import type { UnitEvent } from '../../domain/unit.events';

export type OrgUnitRow = {
  unit_id: string;
  name: string;
  unit_type: string;
  parent_id: string | null;
  registered_at: string;
  dissolved_on: string | null;
  revision: number;
};

export const orgUnits = tableSpec<OrgUnitRow>({
  name: 'org_units',
  columns: { unit_id: 'uuid', name: 'text', unit_type: 'text', parent_id: 'uuid', registered_at: 'timestamptz', dissolved_on: 'date', revision: 'bigint' },
  key: ['unit_id'],
});

/** The pure part: one row per unit, one column per event; the revision guard makes a redelivered event a no-op. */
export const orgTreeMapping: BatchMapping<{ units: TableBuffer<OrgUnitRow> }> = {
  tables: (table) => ({ units: table(orgUnits) }),
  want: (events, { units }) => units.want(...events.map((e) => ({ unit_id: (e as unknown as UnitEvent).data.unitId }))),
  apply(event: RecordedEvent, { units }) {
    const e = event as unknown as UnitEvent;
    const revision = Number(event.revision);
    const row = units.get({ unit_id: e.data.unitId });
    if (e.type === 'UnitRegistered') {
      if (!row) {
        const d = e.data;
        units.put({ unit_id: d.unitId, name: d.name, unit_type: d.unitType, parent_id: d.parentId, registered_at: d.registeredAt, dissolved_on: null, revision });
      }
      return;
    }
    if (!row || row.revision >= revision) return;
    switch (e.type) {
      case 'UnitRenamed':
        units.put({ ...row, name: e.data.name, revision });
        return;
      case 'UnitMoved':
        units.put({ ...row, parent_id: e.data.toParentId, revision });
        return;
      case 'UnitDissolved':
        units.put({ ...row, dissolved_on: e.data.dissolvedOn, revision });
        return;
    }
  },
};

/** Answers "what does the unit tree look like?": one row per unit, with its stream revision for ETags. */
export const orgTreeProjection: ProjectionDefinition = {
  name: 'org-tree',
  // v2: moves and dissolution (dissolved units stay in the tree with dissolved_on: they still own their items).
  // Written in bulk since issue 9 with the same rows, so the version stays.
  version: 2,
  tables: ['org_units'],
  eventTypes: ['UnitRegistered', 'UnitRenamed', 'UnitMoved', 'UnitDissolved'],
  async setup(client, t) {
    await client.query(`CREATE TABLE ${t('org_units')} (
      unit_id uuid PRIMARY KEY,
      name text NOT NULL,
      unit_type text NOT NULL,
      parent_id uuid,
      registered_at timestamptz NOT NULL,
      dissolved_on date,
      revision bigint NOT NULL
    )`);
    await client.query(`CREATE INDEX ON ${t('org_units')} (parent_id)`);
  },
  applyBatch: batchApplier(orgTreeMapping),
};
