import { EventLog, mapInMemory } from '@app/projections';
import { orgTreeMapping } from './org-tree.projection';

const U1 = '00000000-0000-4000-8000-000000000001';
const U2 = '00000000-0000-4000-8000-000000000002';
const stored = { unit_id: U1, name: 'Bureau', unit_type: 'bureau', parent_id: null, registered_at: '2026-01-05T02:00:00+00:00', dissolved_on: null, revision: 1 };

describe('org-tree mapping', () => {
  describe('when a unit is registered and renamed in one batch', () => {
    it('writes one row with the last name and revision', () => {
      const log = new EventLog();
      log.append(`unit-${U2}`, 'UnitRegistered', { unitId: U2, name: 'Section', unitType: 'section', parentId: U1, registeredAt: '2026-01-06T00:00:00.000Z' });
      log.append(`unit-${U2}`, 'UnitRenamed', { unitId: U2, name: 'Publicity', previousName: 'Section', renamedAt: '2026-01-07T00:00:00.000Z' });
      expect(mapInMemory(orgTreeMapping, log.events, { org_units: [stored] })).toEqual({
        org_units: {
          upserts: [{ unit_id: U2, name: 'Publicity', unit_type: 'section', parent_id: U1, registered_at: '2026-01-06T00:00:00.000Z', dissolved_on: null, revision: 1 }],
          deletes: [],
        },
      });
    });
  });

  describe('when an event the row already has is delivered again', () => {
    it('changes nothing', () => {
      const log = new EventLog();
      log.append(`unit-${U1}`, 'UnitRegistered', { unitId: U1, name: 'Other', unitType: 'bureau', parentId: null, registeredAt: '2026-01-05T02:00:00.000Z' });
      log.append(`unit-${U1}`, 'UnitRenamed', { unitId: U1, name: 'Old name', previousName: 'Bureau', renamedAt: '2026-01-06T00:00:00.000Z' });
      expect(mapInMemory(orgTreeMapping, log.events, { org_units: [stored] }).org_units).toEqual({ upserts: [], deletes: [] });
    });
  });

  describe('when a unit moves and is dissolved', () => {
    it('sets parent and dissolution date, each with its revision', () => {
      const log = new EventLog();
      log.append(`unit-${U1}`, 'UnitRegistered', { unitId: U1, name: 'Bureau', unitType: 'bureau', parentId: null, registeredAt: '2026-01-05T02:00:00.000Z' });
      log.append(`unit-${U1}`, 'UnitRenamed', { unitId: U1, name: 'Bureau', previousName: 'Bureau', renamedAt: '2026-01-06T00:00:00.000Z' });
      log.append(`unit-${U1}`, 'UnitMoved', { unitId: U1, fromParentId: null, toParentId: U2, movedAt: '2026-02-01T00:00:00.000Z' });
      log.append(`unit-${U1}`, 'UnitDissolved', { unitId: U1, dissolvedOn: '2026-06-30', reason: null, dissolvedAt: '2026-06-30T00:00:00.000Z' });
      expect(mapInMemory(orgTreeMapping, log.events, { org_units: [stored] }).org_units!.upserts).toEqual([{ ...stored, parent_id: U2, dissolved_on: '2026-06-30', revision: 3 }]);
    });
  });
});
