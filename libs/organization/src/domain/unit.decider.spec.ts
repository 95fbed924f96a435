import { InvalidState, RuleViolation } from '@app/kernel';
import { spec } from '@app/kernel/testing';
import { UnitRegistered } from './unit.events';
import { unitDecider } from './unit.decider';

const now = '2026-03-01T02:00:00.000Z';
const registered: UnitRegistered = {
  type: 'UnitRegistered',
  data: { unitId: 'u1', name: '办公室', unitType: 'section', parentId: null, registeredAt: now },
};

const moved = (to: string | null) => ({ type: 'UnitMoved' as const, data: { unitId: 'u1', fromParentId: null, toParentId: to, movedAt: now } });
const dissolved = { type: 'UnitDissolved' as const, data: { unitId: 'u1', dissolvedOn: '2026-06-30', reason: null, dissolvedAt: now } };

describe('unit decider', () => {
  describe('moving', () => {
    it('moves under another active unit', () => {
      spec(unitDecider)
        .given([registered])
        .when({ type: 'MoveUnit', newParentId: 'p1', newParent: { exists: true, dissolved: false }, newParentLineage: ['p1', 'root'], now })
        .then([moved('p1')]);
    });
    it('refuses a move under itself or one of its descendants', () => {
      spec(unitDecider)
        .given([registered])
        .when({ type: 'MoveUnit', newParentId: 'child', newParent: { exists: true, dissolved: false }, newParentLineage: ['child', 'u1'], now })
        .thenThrows(RuleViolation, 'unit-move-cycle');
      spec(unitDecider)
        .given([registered])
        .when({ type: 'MoveUnit', newParentId: 'u1', newParent: { exists: true, dissolved: false }, newParentLineage: ['u1'], now })
        .thenThrows(RuleViolation, 'unit-move-cycle');
    });
    it('refuses a dissolved or unknown parent', () => {
      spec(unitDecider)
        .given([registered])
        .when({ type: 'MoveUnit', newParentId: 'p1', newParent: { exists: true, dissolved: true }, newParentLineage: ['p1'], now })
        .thenThrows(RuleViolation, 'unit-parent-dissolved');
      spec(unitDecider)
        .given([registered])
        .when({ type: 'MoveUnit', newParentId: 'p1', newParent: { exists: false, dissolved: false }, newParentLineage: [], now })
        .thenThrows(RuleViolation, 'unit-parent-unknown');
    });
  });

  describe('when dissolved', () => {
    it('keeps its history but refuses renames, moves and a second dissolution', () => {
      spec(unitDecider).given([registered, dissolved]).when({ type: 'RenameUnit', name: 'x', now }).thenThrows(InvalidState, 'unit-dissolved');
      spec(unitDecider).given([registered, dissolved]).when({ type: 'DissolveUnit', dissolvedOn: '2026-07-01', reason: null, now }).thenThrows(InvalidState, 'unit-dissolved');
      spec(unitDecider).given([registered, dissolved]).thenState((s) => expect(s).toMatchObject({ status: 'dissolved', name: '办公室' }));
    });
  });

  describe('registration rules', () => {
    it('refuses an undefined unit type and a dissolved parent', () => {
      spec(unitDecider)
        .given([])
        .when({ type: 'RegisterUnit', unitId: 'u2', name: 'x', unitType: 'galaxy', parentId: null, parent: { exists: false, dissolved: false }, unitTypeDefined: false, now })
        .thenThrows(RuleViolation, 'unit-type-undefined');
      spec(unitDecider)
        .given([])
        .when({ type: 'RegisterUnit', unitId: 'u2', name: 'x', unitType: 'section', parentId: 'p', parent: { exists: true, dissolved: true }, unitTypeDefined: true, now })
        .thenThrows(RuleViolation, 'unit-parent-dissolved');
    });
  });

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
