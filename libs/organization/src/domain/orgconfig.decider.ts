import { assertNever, Decider, DomainEvent, RuleViolation } from '@app/kernel';

/**
 * Organization configuration as data (one stream, `orgconfig-default`): unit types (because quotas and review
 * chains differ by unit type) and the ordered publication ladder (本单位 → 区县 → 市 → 省 → 国家 …).
 */
export type UnitTypeDefined = DomainEvent<'UnitTypeDefined', { key: string; name: string; description: string | null; definedAt: string }>;
export type PublicationLevelsDefined = DomainEvent<'PublicationLevelsDefined', { levels: PublicationLevel[]; definedAt: string }>;
export type OrgConfigEvent = UnitTypeDefined | PublicationLevelsDefined;

export interface PublicationLevel {
  readonly key: string;
  readonly name: string;
  /** Higher is further up the ladder. */
  readonly rank: number;
}

export type OrgConfigCommand =
  | { type: 'DefineUnitType'; key: string; name: string; description: string | null; now: string }
  | { type: 'DefinePublicationLevels'; levels: PublicationLevel[]; now: string };

export interface OrgConfigState {
  readonly unitTypes: ReadonlyMap<string, { name: string; description: string | null }>;
  readonly levels: readonly PublicationLevel[];
}

export const ORG_CONFIG_STREAM = 'orgconfig-default';

export const orgConfigDecider: Decider<OrgConfigCommand, OrgConfigState, OrgConfigEvent> = {
  initialState: () => ({ unitTypes: new Map(), levels: [] }),
  evolve(state, event) {
    switch (event.type) {
      case 'UnitTypeDefined':
        return { ...state, unitTypes: new Map(state.unitTypes).set(event.data.key, { name: event.data.name, description: event.data.description }) };
      case 'PublicationLevelsDefined':
        return { ...state, levels: event.data.levels };
      default:
        return state;
    }
  },
  decide(command, state) {
    switch (command.type) {
      case 'DefineUnitType': {
        const existing = state.unitTypes.get(command.key);
        if (existing && existing.name === command.name && existing.description === command.description) return [];
        return [{ type: 'UnitTypeDefined', data: { key: command.key, name: command.name, description: command.description, definedAt: command.now } }];
      }
      case 'DefinePublicationLevels': {
        const keys = new Set<string>();
        command.levels.forEach((level, i) => {
          if (keys.has(level.key)) throw new RuleViolation('level-key-duplicate', `Level ${level.key} appears twice`, { field: `levels[${i}].key` });
          keys.add(level.key);
          if (i > 0 && level.rank <= command.levels[i - 1]!.rank) {
            throw new RuleViolation('level-rank-not-ascending', 'Levels are listed from the lowest rank up, ranks strictly increasing', { field: `levels[${i}].rank` });
          }
        });
        if (JSON.stringify(command.levels) === JSON.stringify(state.levels)) return [];
        return [{ type: 'PublicationLevelsDefined', data: { levels: command.levels, definedAt: command.now } }];
      }
      default:
        return assertNever(command, 'org config command');
    }
  },
};
