import { InvalidState, RuleViolation } from '@app/kernel';
import { spec } from '@app/kernel/testing';
import { UnitRegistered } from './unit.events';
import { unitDecider } from './unit.decider';

const now = '2026-03-01T02:00:00.000Z';
const registered: UnitRegistered = {
  type: 'UnitRegistered',
  data: { unitId: 'u1', name: '办公室', unitType: 'section', parentId: null, registeredAt: now },
};

describe('unit decider', () => {
  describe('when the unit does not exist', () => {
    it('registers it under an existing parent', () => {
      spec(unitDecider)
        .given([])
        .when({ type: 'RegisterUnit', unitId: 'u2', name: ' 一大队 ', unitType: 'brigade', parentId: 'u1', parent: { exists: true, dissolved: false }, unitTypeDefined: true, now })
        .then([{ type: 'UnitRegistered', data: { unitId: 'u2', name: '一大队', unitType: 'brigade', parentId: 'u1', registeredAt: now } }]);
    });
    it('refuses an unknown parent', () => {
      spec(unitDecider)
        .given([])
        .when({ type: 'RegisterUnit', unitId: 'u2', name: 'x', unitType: 'brigade', parentId: 'nope', parent: { exists: false, dissolved: false }, unitTypeDefined: true, now })
        .thenThrows(RuleViolation, 'unit-parent-unknown');
    });
    it('refuses a rename', () => {
      spec(unitDecider).given([]).when({ type: 'RenameUnit', name: 'x', now }).thenThrows(InvalidState, 'unit-not-registered');
    });
  });

  describe('when registered', () => {
    it('refuses a second registration', () => {
      spec(unitDecider)
        .given([registered])
        .when({ type: 'RegisterUnit', unitId: 'u1', name: 'x', unitType: 'section', parentId: null, parent: { exists: false, dissolved: false }, unitTypeDefined: true, now })
        .thenThrows(InvalidState, 'unit-already-registered');
    });
    it('renames it, remembering the previous name', () => {
      spec(unitDecider)
        .given([registered])
        .when({ type: 'RenameUnit', name: '综合办公室', now })
        .then([{ type: 'UnitRenamed', data: { unitId: 'u1', name: '综合办公室', previousName: '办公室', renamedAt: now } }]);
    });
    it('a rename to the same name changes nothing', () => {
      spec(unitDecider).given([registered]).when({ type: 'RenameUnit', name: '办公室', now }).then([]);
    });
  });
});
