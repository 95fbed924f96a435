import { assertNever, Decider, InvalidState, RuleViolation } from '@app/kernel';
import type { UnitEvent } from './unit.events';

export type UnitCommand =
  | { type: 'RegisterUnit'; unitId: string; name: string; unitType: string; parentId: string | null; parentExists: boolean; now: string }
  | { type: 'RenameUnit'; name: string; now: string };

export type UnitState =
  | { status: 'none' }
  | { status: 'active'; unitId: string; name: string; unitType: string; parentId: string | null };

export const unitDecider: Decider<UnitCommand, UnitState, UnitEvent> = {
  initialState: () => ({ status: 'none' }),

  evolve(state, event) {
    switch (event.type) {
      case 'UnitRegistered':
        return { status: 'active', unitId: event.data.unitId, name: event.data.name, unitType: event.data.unitType, parentId: event.data.parentId };
      case 'UnitRenamed':
        return state.status === 'active' ? { ...state, name: event.data.name } : state;
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
      default:
        return assertNever(command, 'unit command');
    }
  },
};

function registerUnit(command: Extract<UnitCommand, { type: 'RegisterUnit' }>, state: UnitState): UnitEvent[] {
  if (state.status !== 'none') throw new InvalidState('unit-already-registered', `Unit ${command.unitId} is already registered`);
  if (command.parentId !== null && !command.parentExists) {
    throw new RuleViolation('unit-parent-unknown', `Parent unit ${command.parentId} does not exist`, { field: 'parentId' });
  }
  return [
    {
      type: 'UnitRegistered',
      data: { unitId: command.unitId, name: command.name.trim(), unitType: command.unitType, parentId: command.parentId, registeredAt: command.now },
    },
  ];
}

function renameUnit(command: Extract<UnitCommand, { type: 'RenameUnit' }>, state: UnitState): UnitEvent[] {
  if (state.status !== 'active') throw new InvalidState('unit-not-registered', 'The unit is not registered');
  const name = command.name.trim();
  if (name === state.name) return [];
  return [{ type: 'UnitRenamed', data: { unitId: state.unitId, name, previousName: state.name, renamedAt: command.now } }];
}

export const unitStream = (unitId: string): string => `unit-${unitId}`;
