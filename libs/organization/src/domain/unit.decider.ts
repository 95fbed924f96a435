import { assertNever, Decider, InvalidState, RuleViolation } from '@app/kernel';
import type { UnitEvent } from './unit.events';

/** What the handler looked up about another unit (from its stream). */
export interface UnitFacts {
  readonly exists: boolean;
  readonly dissolved: boolean;
}

export type UnitCommand =
  | {
      type: 'RegisterUnit';
      unitId: string;
      name: string;
      unitType: string;
      parentId: string | null;
      parent: UnitFacts;
      unitTypeDefined: boolean;
      now: string;
    }
  | { type: 'RenameUnit'; name: string; now: string }
  | {
      type: 'MoveUnit';
      newParentId: string | null;
      newParent: UnitFacts | null;
      /** The new parent and its ancestors up to the root: moving under oneself or a descendant is a cycle. */
      newParentLineage: readonly string[];
      now: string;
    }
  | { type: 'DissolveUnit'; dissolvedOn: string; reason: string | null; now: string };

export type UnitState =
  | { status: 'none' }
  | { status: 'active' | 'dissolved'; unitId: string; name: string; unitType: string; parentId: string | null };

export const unitDecider: Decider<UnitCommand, UnitState, UnitEvent> = {
  initialState: () => ({ status: 'none' }),

  evolve(state, event) {
    switch (event.type) {
      case 'UnitRegistered':
        return { status: 'active', unitId: event.data.unitId, name: event.data.name, unitType: event.data.unitType, parentId: event.data.parentId };
      case 'UnitRenamed':
        return state.status === 'none' ? state : { ...state, name: event.data.name };
      case 'UnitMoved':
        return state.status === 'none' ? state : { ...state, parentId: event.data.toParentId };
      case 'UnitDissolved':
        return state.status === 'none' ? state : { ...state, status: 'dissolved' };
      default:
        return state;
    }
  },

  decide(command, state) {
    switch (command.type) {
      case 'RegisterUnit':
        return registerUnit(command, state);
      case 'RenameUnit':
        return renameUnit(command, state);
      case 'MoveUnit':
        return moveUnit(command, state);
      case 'DissolveUnit':
        return dissolveUnit(command, state);
      default:
        return assertNever(command, 'unit command');
    }
  },
};

function registerUnit(command: Extract<UnitCommand, { type: 'RegisterUnit' }>, state: UnitState): UnitEvent[] {
  if (state.status !== 'none') throw new InvalidState('unit-already-registered', `Unit ${command.unitId} is already registered`);
  const parent = command.parent;
  if (command.parentId !== null && !parent.exists) {
    throw new RuleViolation('unit-parent-unknown', `Parent unit ${command.parentId} does not exist`, { field: 'parentId' });
  }
  if (command.parentId !== null && parent.dissolved) {
    throw new RuleViolation('unit-parent-dissolved', `Parent unit ${command.parentId} is dissolved`, { field: 'parentId' });
  }
  if (!command.unitTypeDefined) {
    throw new RuleViolation('unit-type-undefined', `Unit type ${command.unitType} is not defined (POST /v1/unit-types)`, { field: 'unitType' });
  }
  return [
    {
      type: 'UnitRegistered',
      data: { unitId: command.unitId, name: command.name.trim(), unitType: command.unitType, parentId: command.parentId, registeredAt: command.now },
    },
  ];
}

type RegisteredUnit = Exclude<UnitState, { status: 'none' }>;

function active(state: UnitState): RegisteredUnit {
  if (state.status === 'none') throw new InvalidState('unit-not-registered', 'The unit is not registered');
  if (state.status === 'dissolved') throw new InvalidState('unit-dissolved', 'The unit is dissolved');
  return state;
}

function renameUnit(command: Extract<UnitCommand, { type: 'RenameUnit' }>, state: UnitState): UnitEvent[] {
  const unit = active(state);
  const name = command.name.trim();
  if (name === unit.name) return [];
  return [{ type: 'UnitRenamed', data: { unitId: unit.unitId, name, previousName: unit.name, renamedAt: command.now } }];
}

function moveUnit(command: Extract<UnitCommand, { type: 'MoveUnit' }>, state: UnitState): UnitEvent[] {
  const unit = active(state);
  if (command.newParentId === unit.parentId) return [];
  if (command.newParentId !== null) {
    if (!command.newParent?.exists) throw new RuleViolation('unit-parent-unknown', `Unit ${command.newParentId} does not exist`, { field: 'parentId' });
    if (command.newParent.dissolved) throw new RuleViolation('unit-parent-dissolved', `Unit ${command.newParentId} is dissolved`, { field: 'parentId' });
    if (command.newParentLineage.includes(unit.unitId)) {
      throw new RuleViolation('unit-move-cycle', 'A unit cannot move under itself or one of its descendants', { field: 'parentId' });
    }
  }
  return [{ type: 'UnitMoved', data: { unitId: unit.unitId, fromParentId: unit.parentId, toParentId: command.newParentId, movedAt: command.now } }];
}

function dissolveUnit(command: Extract<UnitCommand, { type: 'DissolveUnit' }>, state: UnitState): UnitEvent[] {
  const unit = active(state);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(command.dissolvedOn)) throw new RuleViolation('unit-date-invalid', 'dissolvedOn must be YYYY-MM-DD', { field: 'dissolvedOn' });
  return [{ type: 'UnitDissolved', data: { unitId: unit.unitId, dissolvedOn: command.dissolvedOn, reason: command.reason, dissolvedAt: command.now } }];
}

export const unitStream = (unitId: string): string => `unit-${unitId}`;
