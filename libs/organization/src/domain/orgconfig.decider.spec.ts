import { RuleViolation } from '@app/kernel';
import { spec } from '@app/kernel/testing';
import { orgConfigDecider } from './orgconfig.decider';

const now = '2026-03-02T01:00:00.000Z';
const ladder = [
  { key: 'unit', name: '本单位', rank: 10 },
  { key: 'district', name: '区县', rank: 20 },
  { key: 'city', name: '市', rank: 30 },
];

describe('org config decider', () => {
  it('defines a unit type; defining it again unchanged records nothing', () => {
    const defined = { type: 'UnitTypeDefined' as const, data: { key: 'brigade', name: '大队', description: null, definedAt: now } };
    spec(orgConfigDecider).given([]).when({ type: 'DefineUnitType', key: 'brigade', name: '大队', description: null, now }).then([defined]);
    spec(orgConfigDecider).given([defined]).when({ type: 'DefineUnitType', key: 'brigade', name: '大队', description: null, now }).then([]);
  });
  it('defines the ladder from the lowest rank up', () => {
    spec(orgConfigDecider).given([]).when({ type: 'DefinePublicationLevels', levels: ladder, now }).then([{ type: 'PublicationLevelsDefined', data: { levels: ladder, definedAt: now } }]);
  });
  it('refuses ranks that do not increase, and duplicate keys', () => {
    spec(orgConfigDecider).given([]).when({ type: 'DefinePublicationLevels', levels: [ladder[1]!, ladder[0]!], now }).thenThrows(RuleViolation, 'level-rank-not-ascending');
    spec(orgConfigDecider).given([]).when({ type: 'DefinePublicationLevels', levels: [ladder[0]!, { ...ladder[1]!, key: 'unit' }], now }).thenThrows(RuleViolation, 'level-key-duplicate');
  });
});
