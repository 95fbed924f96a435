import { InvalidState, RuleViolation } from '@app/kernel';
import { spec } from '@app/kernel/testing';
import { UnitDissolved, UnitEvent, UnitRegistered } from './unit.events';
import { UnitCommand, unitDecider } from './unit.decider';

const now = '2026-03-01T02:00:00.000Z';
const active = { exists: true, dissolved: false };
const registered: UnitRegistered = {
  type: 'UnitRegistered',
  data: { unitId: 'u1', name: '办公室', unitType: 'section', parentId: 'bureau', registeredAt: now },
};
const dissolved: UnitDissolved = { type: 'UnitDissolved', data: { unitId: 'u1', dissolvedOn: '2026-06-30', reason: null, dissolvedAt: now } };

const register = (extra: Partial<Extract<UnitCommand, { type: 'RegisterUnit' }>> = {}): UnitCommand => ({
  type: 'RegisterUnit',
  unitId: 'u1',
  name: ' 办公室 ',
  unitType: 'section',
  parentId: 'bureau',
  parent: active,
  unitTypeDefined: true,
  now,
  ...extra,
});
const move = (newParentId: string | null, newParentLineage: string[] = newParentId ? [newParentId, 'bureau'] : [], newParent = active): UnitCommand => ({
  type: 'MoveUnit',
  newParentId,
  newParent: newParentId === null ? null : newParent,
  newParentLineage,
  now,
});
const rename = (name: string): UnitCommand => ({ type: 'RenameUnit', name, now });
const dissolve = (dissolvedOn = '2026-06-30'): UnitCommand => ({ type: 'DissolveUnit', dissolvedOn, reason: null, now });
const moved = (from: string | null, to: string | null): UnitEvent => ({ type: 'UnitMoved', data: { unitId: 'u1', fromParentId: from, toParentId: to, movedAt: now } });

describe('unit decider', () => {
  describe('when not registered', () => {
    it('registers it under an existing, active parent (name trimmed)', () => {
      spec(unitDecider).given([]).when(register()).then([registered]);
    });
    it('registers a root (no parent)', () => {
      spec(unitDecider)
        .given([])
        .when(register({ parentId: null, parent: { exists: false, dissolved: false }, unitType: 'bureau' }))
        .then([{ type: 'UnitRegistered', data: { unitId: 'u1', name: '办公室', unitType: 'bureau', parentId: null, registeredAt: now } }]);
    });
    it('refuses a unit type that is not configured (unit types are data, not code)', () => {
      spec(unitDecider).given([]).when(register({ unitType: 'galaxy', unitTypeDefined: false })).thenThrows(RuleViolation, 'unit-type-undefined');
    });
    it('refuses an unknown parent', () => {
      spec(unitDecider).given([]).when(register({ parent: { exists: false, dissolved: false } })).thenThrows(RuleViolation, 'unit-parent-unknown');
    });
    it('refuses a dissolved parent', () => {
      spec(unitDecider).given([]).when(register({ parent: { exists: true, dissolved: true } })).thenThrows(RuleViolation, 'unit-parent-dissolved');
    });
    it.each([
      ['RenameUnit', rename('x')],
      ['MoveUnit', move('p1')],
      ['DissolveUnit', dissolve()],
    ])('refuses %s', (_, command) => {
      spec(unitDecider).given([]).when(command).thenThrows(InvalidState, 'unit-not-registered');
    });
  });

  describe('when active', () => {
    it('refuses a second registration', () => {
      spec(unitDecider).given([registered]).when(register()).thenThrows(InvalidState, 'unit-already-registered');
    });
    it('renames it, remembering the previous name', () => {
      spec(unitDecider)
        .given([registered])
        .when(rename(' 综合办公室 '))
        .then([{ type: 'UnitRenamed', data: { unitId: 'u1', name: '综合办公室', previousName: '办公室', renamedAt: now } }]);
    });
    it('a rename to the same name changes nothing', () => {
      spec(unitDecider).given([registered]).when(rename('办公室')).then([]);
    });
    it('moves under another active unit, recording where from', () => {
      spec(unitDecider).given([registered]).when(move('p1')).then([moved('bureau', 'p1')]);
    });
    it('moves to the top of the tree', () => {
      spec(unitDecider).given([registered]).when(move(null)).then([moved('bureau', null)]);
    });
    it('a move to its current parent changes nothing', () => {
      spec(unitDecider).given([registered]).when(move('bureau', ['bureau'])).then([]);
    });
    it('refuses a move under itself', () => {
      spec(unitDecider).given([registered]).when(move('u1', ['u1', 'bureau'])).thenThrows(RuleViolation, 'unit-move-cycle');
    });
    it('refuses a move under one of its descendants (the new parent lineage contains the unit)', () => {
      spec(unitDecider).given([registered]).when(move('squad', ['squad', 'brigade', 'u1', 'bureau'])).thenThrows(RuleViolation, 'unit-move-cycle');
    });
    it('refuses a move under an unknown or dissolved unit', () => {
      spec(unitDecider).given([registered]).when(move('p1', [], { exists: false, dissolved: false })).thenThrows(RuleViolation, 'unit-parent-unknown');
      spec(unitDecider).given([registered]).when(move('p1', ['p1'], { exists: true, dissolved: true })).thenThrows(RuleViolation, 'unit-parent-dissolved');
    });
    it('folds the parent from the latest move', () => {
      spec(unitDecider)
        .given([registered, moved('bureau', 'p1'), moved('p1', 'p2')])
        .thenState((s) => expect(s).toMatchObject({ status: 'active', parentId: 'p2' }));
    });
    it('dissolves it on a date', () => {
      spec(unitDecider).given([registered]).when(dissolve('2026-06-30')).then([dissolved]);
    });
    it('refuses a dissolution date that is not YYYY-MM-DD', () => {
      spec(unitDecider).given([registered]).when(dissolve('30/06/2026')).thenThrows(RuleViolation, 'unit-date-invalid');
    });
  });

  describe('when dissolved', () => {
    it('keeps its name, type and place: a unit dissolved in June still owns its May items', () => {
      spec(unitDecider)
        .given([registered, dissolved])
        .thenState((s) => expect(s).toEqual({ status: 'dissolved', unitId: 'u1', name: '办公室', unitType: 'section', parentId: 'bureau' }));
    });
    it('refuses a second registration', () => {
      spec(unitDecider).given([registered, dissolved]).when(register()).thenThrows(InvalidState, 'unit-already-registered');
    });
    it.each([
      ['RenameUnit', rename('x')],
      ['MoveUnit', move('p1')],
      ['DissolveUnit', dissolve('2026-07-01')],
    ])('refuses %s', (_, command) => {
      spec(unitDecider).given([registered, dissolved]).when(command).thenThrows(InvalidState, 'unit-dissolved');
    });
  });
});
