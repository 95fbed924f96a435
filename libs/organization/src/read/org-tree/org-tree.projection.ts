import type { ProjectionDefinition } from '@app/projections';
import type { UnitEvent } from '../../domain/unit.events';

/** Answers "what does the unit tree look like?": one row per unit, with its stream revision for ETags. */
export const orgTreeProjection: ProjectionDefinition = {
  name: 'org-tree',
  // v2: moves and dissolution (dissolved units stay in the tree with dissolved_on: they still own their items)
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
  async apply(event, { client, t }) {
    const e = event as unknown as UnitEvent;
    // one column changes per event; the revision guard makes a redelivered event a no-op
    const set = async (column: 'name' | 'parent_id' | 'dissolved_on', value: string | null): Promise<void> => {
      await client.query(`UPDATE ${t('org_units')} SET ${column} = $2, revision = $3 WHERE unit_id = $1 AND revision < $3`, [e.data.unitId, value, event.revision.toString()]);
    };
    switch (e.type) {
      case 'UnitRegistered':
        await client.query(
          `INSERT INTO ${t('org_units')} (unit_id, name, unit_type, parent_id, registered_at, revision)
           VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (unit_id) DO NOTHING`,
          [e.data.unitId, e.data.name, e.data.unitType, e.data.parentId, e.data.registeredAt, event.revision.toString()],
        );
        break;
      case 'UnitRenamed':
        return set('name', e.data.name);
      case 'UnitMoved':
        return set('parent_id', e.data.toParentId);
      case 'UnitDissolved':
        return set('dissolved_on', e.data.dissolvedOn);
    }
  },
};
