import type { Appointment } from './roles';

/** The authenticated member with the appointments in force at the time of the request. */
export interface Actor {
  readonly memberId: string;
  readonly name: string;
  readonly appointments: readonly Appointment[];
}

/** Implemented by the organization context: folds the member's stream (not a read model). */
export interface ActorLoader {
  load(memberId: string, today: string): Promise<Actor | null>;
}
export const ACTOR_LOADER = Symbol('ACTOR_LOADER');

/** The unit tree, for coverage of 'subtree' and 'oversees' appointments. */
export interface UnitTree {
  /** The unit followed by its ancestors up to the root (empty when the unit is unknown). */
  lineage(unitId: string): Promise<readonly string[]>;
}
export const UNIT_TREE = Symbol('UNIT_TREE');
