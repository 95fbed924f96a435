import type { Pool } from 'pg';
import { DomainError } from '@app/kernel';
import type { ReadModels } from '@app/projections';
import type { RewardsQueries } from '../read/rewards.queries';
import { MAX_EXPORT_ROWS } from './exports';
import { RewardsExports } from './rewards-exports';

const range = { from: '2026-02-01', to: '2026-02-28' };

function exportsOver(rows: { leaderboard: number; lines: number }) {
  const asked: number[] = [];
  const queries = {
    leaderboard: (q: { limit: number }) => {
      asked.push(q.limit);
      return Promise.resolve({ buildId: null, rows: Array.from({ length: Math.min(rows.leaderboard, q.limit) }, (_, i) => ({ rank: i + 1, id: `m${i}` })) });
    },
    entitlements: (q: { limit: number }) => {
      asked.push(q.limit);
      return Promise.resolve({ buildId: null, totals: { lines: rows.lines }, lines: [] });
    },
  } as unknown as RewardsQueries;
  const pool = { query: () => Promise.resolve({ rows: [] }) } as unknown as Pool;
  const readModels = { scope: () => Promise.resolve({ t: (table: string) => table }) } as unknown as ReadModels;
  return { exports: new RewardsExports(queries, pool, readModels), asked };
}

describe('export bounds', () => {
  describe(`when the request matches at most ${MAX_EXPORT_ROWS} rows`, () => {
    it('exports every one of them, asking the query for one more than the bound', async () => {
      const { exports, asked } = exportsOver({ leaderboard: MAX_EXPORT_ROWS, lines: MAX_EXPORT_ROWS });
      const file = await exports.leaderboard({ subject: 'member', by: 'points', range, label: '2026-02' });
      expect(file.table('zh').rows).toHaveLength(MAX_EXPORT_ROWS);
      await exports.statement({ range }, { ascii: 'entitlements-2026-02', zh: '奖励明细-2026-02', sheet: { zh: '奖励明细', en: 'Entitlements' } });
      expect(asked).toEqual([MAX_EXPORT_ROWS + 1, MAX_EXPORT_ROWS + 1]);
    });
  });

  describe('when it matches more', () => {
    it('refuses with 422 export-too-large naming the limit, never a file cut short', async () => {
      const { exports } = exportsOver({ leaderboard: MAX_EXPORT_ROWS + 1, lines: MAX_EXPORT_ROWS + 7 });
      await expect(exports.leaderboard({ subject: 'unit', by: 'money', range, label: '2026-02' })).rejects.toMatchObject({ kind: 'rule_violation', code: 'export-too-large', details: { rule: 'export-too-large', limit: MAX_EXPORT_ROWS } });
      const refused = exports.statement({ range }, { ascii: 'x', zh: 'x', sheet: { zh: 'x', en: 'x' } });
      await expect(refused).rejects.toBeInstanceOf(DomainError);
      await expect(refused).rejects.toMatchObject({ code: 'export-too-large', details: { limit: MAX_EXPORT_ROWS, rows: MAX_EXPORT_ROWS + 7 } });
    });
  });
});
