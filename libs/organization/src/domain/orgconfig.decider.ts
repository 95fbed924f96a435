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

const KEY = /^[a-z][a-z0-9-]{0,49}$/;
const LEVEL_KEY = /^[a-z][a-z0-9_-]{0,49}$/;
const isText = (value: unknown, max: number) => typeof value === 'string' && value.trim().length >= 1 && value.length <= max;

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
        if (!KEY.test(command.key)) throw new RuleViolation('unit-type-invalid', 'A unit type key is a lowercase key such as brigade', { field: 'key' });
        if (!isText(command.name, 50)) throw new RuleViolation('unit-type-invalid', 'A unit type has a name of 1-50 characters', { field: 'name' });
        const existing = state.unitTypes.get(command.key);
        if (existing && existing.name === command.name && existing.description === command.description) return [];
        return [{ type: 'UnitTypeDefined', data: { key: command.key, name: command.name, description: command.description, definedAt: command.now } }];
      }
      case 'DefinePublicationLevels': {
        if (!Array.isArray(command.levels) || command.levels.length < 1 || command.levels.length > 20) {
          throw new RuleViolation('level-invalid', 'The ladder has 1-20 levels', { field: 'levels' });
        }
        const keys = new Set<string>();
        command.levels.forEach((level, i) => {
          // What is recorded is what the read models rely on: a level always has a key, a name and a rank.
          if (level === null || typeof level !== 'object') throw new RuleViolation('level-invalid', 'A level is an object with key, name and rank', { field: `levels[${i}]` });
          if (typeof level.key !== 'string' || !LEVEL_KEY.test(level.key)) throw new RuleViolation('level-invalid', 'A level key is a lowercase key such as city', { field: `levels[${i}].key` });
          if (!isText(level.name, 50)) throw new RuleViolation('level-invalid', 'A level has a name of 1-50 characters', { field: `levels[${i}].name` });
          if (!Number.isInteger(level.rank) || level.rank < 0 || level.rank > 1000) throw new RuleViolation('level-invalid', 'A level rank is an integer from 0 to 1000', { field: `levels[${i}].rank` });
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
