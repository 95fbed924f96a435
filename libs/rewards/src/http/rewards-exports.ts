import { Inject, Injectable } from '@nestjs/common';
import type { Pool } from 'pg';
import { RuleViolation } from '@app/kernel';
import { PG_POOL, ReadSelector } from '@app/platform';
import { ReadModels } from '@app/projections';
import { DateRange, LeaderboardOrder, LeaderboardSubject, RewardsQueries } from '../read/rewards.queries';
import { ExportColumn, ExportLang, ExportTable, MAX_EXPORT_ROWS } from './exports';

/** What a download holds: its table in either language, its names, and the build it was read from. */
export interface ExportFile {
  readonly ascii: string;
  readonly zh: string;
  readonly buildId: string | null;
  table(lang: ExportLang): ExportTable;
}

const leaderboardColumns = (subject: LeaderboardSubject): ExportColumn[] => [
  { key: 'rank', zh: '名次', en: 'Rank', kind: 'int', width: 8 },
  subject === 'member' ? { key: 'name', zh: '姓名', en: 'Name', kind: 'text', width: 16 } : { key: 'name', zh: '单位', en: 'Unit', kind: 'text', width: 24 },
  { key: 'points', zh: '积分', en: 'Points', kind: 'int' },
  { key: 'amountFen', zh: '金额（元）', en: 'Amount (yuan)', kind: 'yuan' },
  { key: 'submitted', zh: '报送', en: 'Submitted', kind: 'int' },
  { key: 'adopted', zh: '采用', en: 'Adopted', kind: 'int' },
  { key: 'instructed', zh: '批示', en: 'Instructed', kind: 'int' },
  { key: 'adoptionRate', zh: '采用率', en: 'Adoption rate', kind: 'rate', width: 12 },
  { key: 'items', zh: '奖励稿件', en: 'Items rewarded', kind: 'int' },
  { key: 'lines', zh: '奖励条目', en: 'Lines', kind: 'int' },
  { key: 'id', zh: subject === 'member' ? '人员编号' : '单位编号', en: subject === 'member' ? 'Member id' : 'Unit id', kind: 'text', width: 38 },
];

const STATEMENT_COLUMNS: ExportColumn[] = [
  { key: 'businessDate', zh: '日期', en: 'Date', kind: 'date' },
  { key: 'draftId', zh: '稿件', en: 'Item', kind: 'text', width: 38 },
  { key: 'payeeName', zh: '收款人', en: 'Payee', kind: 'text', width: 16 },
  { key: 'payeeKind', zh: '收款人类型', en: 'Payee kind', kind: 'text', width: 12 },
  { key: 'payeeId', zh: '收款人编号', en: 'Payee id', kind: 'text', width: 38 },
  { key: 'family', zh: '类别', en: 'Family', kind: 'text', width: 12 },
  { key: 'rule', zh: '政策@版本/规则', en: 'Policy@version/rule', kind: 'text', width: 48 },
  { key: 'reason', zh: '事由', en: 'Reason', kind: 'text', width: 24 },
  { key: 'points', zh: '积分', en: 'Points', kind: 'int' },
  { key: 'amountFen', zh: '金额（元）', en: 'Amount (yuan)', kind: 'yuan' },
];

const PAYEE_KIND: Record<ExportLang, Record<string, string>> = { zh: { member: '个人', unit: '单位' }, en: { member: 'member', unit: 'unit' } };

function tooLarge(rows?: number): RuleViolation {
  return new RuleViolation('export-too-large', `An export holds at most ${MAX_EXPORT_ROWS} rows${rows === undefined ? '' : `; this one would hold ${rows}`}: narrow the request or export it in parts`, {
    limit: MAX_EXPORT_ROWS,
    ...(rows === undefined ? {} : { rows }),
  });
}

/**
 * The rows of the exports, read through the JSON endpoints' queries (the same SQL, the same build for
 * X-Read-Build) in one request each, so a file is one consistent read; the limit is raised to MAX_EXPORT_ROWS + 1
 * to tell "all of them" from "too many".
 */
@Injectable()
export class RewardsExports {
  constructor(
    private readonly rewards: RewardsQueries,
    @Inject(PG_POOL) private readonly pool: Pool,
    private readonly readModels: ReadModels,
  ) {}

  async leaderboard(q: { subject: LeaderboardSubject; by: LeaderboardOrder; range: DateRange; limit?: number; label: string }, read?: ReadSelector): Promise<ExportFile> {
    const board = await this.rewards.leaderboard({ subject: q.subject, by: q.by, range: q.range, limit: q.limit ?? MAX_EXPORT_ROWS + 1 }, read);
    if (board.rows.length > MAX_EXPORT_ROWS) throw tooLarge();
    const columns = leaderboardColumns(q.subject);
    return {
      ascii: `leaderboard-${q.subject}-${q.label}`,
      zh: `${q.subject === 'member' ? '个人' : '单位'}积分榜-${q.label}`,
      buildId: board.buildId,
      table: (lang) => ({ sheet: lang === 'zh' ? '积分榜' : 'Leaderboard', columns, rows: board.rows }),
    };
  }

  async statement(
    q: { payeeId?: string; unitId?: string; draftId?: string; family?: string; range: DateRange },
    names: { ascii: string; zh: string; sheet: Record<ExportLang, string> },
    read?: ReadSelector,
  ): Promise<ExportFile> {
    const result = await this.rewards.entitlements({ ...q, limit: MAX_EXPORT_ROWS + 1, offset: 0 }, read);
    if (result.totals.lines > MAX_EXPORT_ROWS) throw tooLarge(result.totals.lines);
    const payees = await this.payeeNames(read);
    return {
      ...names,
      buildId: result.buildId,
      table: (lang) => ({
        sheet: names.sheet[lang],
        columns: STATEMENT_COLUMNS,
        rows: result.lines.map((l) => ({
          businessDate: l.businessDate,
          draftId: l.draftId,
          payeeName: payees.get(`${l.payee.kind}:${l.payee.id}`) ?? null,
          payeeKind: PAYEE_KIND[lang][l.payee.kind] ?? l.payee.kind,
          payeeId: l.payee.id,
          family: l.family,
          rule: `${l.policy.policyId}@${l.policy.version}/${l.policy.ruleId}`,
          reason: l.reason,
          points: l.points,
          amountFen: l.amountFen,
        })),
      }),
    };
  }

  /** Members' and units' names as the rewards read model folded them (the build read, for a what-if). */
  private async payeeNames(read?: ReadSelector): Promise<Map<string, string>> {
    const r = await this.readModels.scope(read === undefined ? undefined : { ...read, minPosition: undefined }, ['reward_members', 'reward_units']);
    const result = await this.pool.query<{ key: string; name: string }>(
      `SELECT 'member:' || member_id AS key, name FROM ${r.t('reward_members')} WHERE name IS NOT NULL
        UNION ALL SELECT 'unit:' || unit_id::text, name FROM ${r.t('reward_units')} WHERE name IS NOT NULL`,
    );
    return new Map(result.rows.map((row) => [row.key, row.name]));
  }
}
