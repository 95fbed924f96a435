import { RuleViolation } from '@app/kernel';
import { spec } from '@app/kernel/testing';
import { orgConfigDecider, PublicationLevel, PublicationLevelsDefined, UnitTypeDefined } from './orgconfig.decider';

const now = '2026-03-02T01:00:00.000Z';
const ladder: PublicationLevel[] = [
  { key: 'unit', name: '本单位', rank: 10 },
  { key: 'district', name: '区县', rank: 20 },
  { key: 'city', name: '市', rank: 30 },
];
const brigade: UnitTypeDefined = { type: 'UnitTypeDefined', data: { key: 'brigade', name: '大队', description: null, definedAt: now } };
const ladderDefined: PublicationLevelsDefined = { type: 'PublicationLevelsDefined', data: { levels: ladder, definedAt: now } };

describe('org config decider', () => {
  describe('when nothing is configured', () => {
    it('defines a unit type', () => {
      spec(orgConfigDecider).given([]).when({ type: 'DefineUnitType', key: 'brigade', name: '大队', description: null, now }).then([brigade]);
    });
    it('defines the ladder from the lowest rank up', () => {
      spec(orgConfigDecider).given([]).when({ type: 'DefinePublicationLevels', levels: ladder, now }).then([ladderDefined]);
    });
    it('refuses ranks that do not strictly increase, naming the level', () => {
      spec(orgConfigDecider).given([]).when({ type: 'DefinePublicationLevels', levels: [ladder[1]!, ladder[0]!], now }).thenThrows(RuleViolation, 'level-rank-not-ascending');
      spec(orgConfigDecider)
        .given([])
        .when({ type: 'DefinePublicationLevels', levels: [ladder[0]!, { ...ladder[1]!, rank: 10 }], now })
        .thenThrows(RuleViolation, 'level-rank-not-ascending');
    });
    it('never records a level without a key, a name or an integer rank (the org-directory projection relies on them)', () => {
      const refuse = (levels: unknown[]) =>
        spec(orgConfigDecider).given([]).when({ type: 'DefinePublicationLevels', levels: levels as PublicationLevel[], now }).thenThrows(RuleViolation, 'level-invalid');
      refuse([[]]);
      refuse([{}]);
      refuse([null]);
      refuse([{ name: '市', rank: 1 }]);
      refuse([{ key: 'city', name: '', rank: 1 }]);
      refuse([{ key: 'city', name: '   ', rank: 1 }]);
      refuse([{ key: 'city', name: '市', rank: 1.5 }]);
      refuse([{ key: 'City!', name: '市', rank: 1 }]);
      refuse([]);
    });
    it('never records a unit type without a key or a name', () => {
      spec(orgConfigDecider).given([]).when({ type: 'DefineUnitType', key: '', name: '大队', description: null, now }).thenThrows(RuleViolation, 'unit-type-invalid');
      spec(orgConfigDecider).given([]).when({ type: 'DefineUnitType', key: 'brigade', name: ' ', description: null, now }).thenThrows(RuleViolation, 'unit-type-invalid');
    });
    it('refuses duplicate keys', () => {
      spec(orgConfigDecider).given([]).when({ type: 'DefinePublicationLevels', levels: [ladder[0]!, { ...ladder[1]!, key: 'unit' }], now }).thenThrows(RuleViolation, 'level-key-duplicate');
    });
  });

  describe('when configured', () => {
    it('defining a unit type again unchanged records nothing', () => {
      spec(orgConfigDecider).given([brigade]).when({ type: 'DefineUnitType', key: 'brigade', name: '大队', description: null, now }).then([]);
    });
    it('redefines a unit type (a new name or description) under the same key', () => {
      spec(orgConfigDecider)
        .given([brigade])
        .when({ type: 'DefineUnitType', key: 'brigade', name: '执法大队', description: '综合执法', now })
        .then([{ type: 'UnitTypeDefined', data: { key: 'brigade', name: '执法大队', description: '综合执法', definedAt: now } }]);
    });
    it('keeps every unit type defined', () => {
      spec(orgConfigDecider)
        .given([brigade, { type: 'UnitTypeDefined', data: { key: 'squad', name: '中队', description: null, definedAt: now } }])
        .thenState((s) => expect([...s.unitTypes.keys()].sort()).toEqual(['brigade', 'squad']));
    });
    it('the same ladder again records nothing', () => {
      spec(orgConfigDecider).given([ladderDefined]).when({ type: 'DefinePublicationLevels', levels: ladder, now }).then([]);
    });
    it('replaces the whole ladder', () => {
      const institutionLadder = [...ladder, { key: 'province', name: '省', rank: 40 }, { key: 'national', name: '国家', rank: 50 }];
      spec(orgConfigDecider)
        .given([ladderDefined])
        .when({ type: 'DefinePublicationLevels', levels: institutionLadder, now })
        .then([{ type: 'PublicationLevelsDefined', data: { levels: institutionLadder, definedAt: now } }]);
      spec(orgConfigDecider)
        .given([ladderDefined, { type: 'PublicationLevelsDefined', data: { levels: institutionLadder, definedAt: now } }])
        .thenState((s) => expect(s.levels.map((l) => l.key)).toEqual(['unit', 'district', 'city', 'province', 'national']));
    });
  });
});
