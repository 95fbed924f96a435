import { Controller, Get, Param, Query, Res, StreamableFile } from '@nestjs/common';
import { ApiTags, IntersectionType } from '@nestjs/swagger';
import type { Response } from 'express';
import { InvalidState, RuleViolation } from '@app/kernel';
import { Access } from '@app/access';
import { Endpoint, ReadAt, ReadSelector, UuidParamPipe } from '@app/platform';
import { RewardComparisons } from '../comparisons/comparisons.service';
import { ledgerFilter, LedgerFilterQuery } from '../payouts/payouts.http.controller';
import { PayoutsService } from '../payouts/payouts.service';
import { ExportColumn, MAX_EXPORT_ROWS } from './exports';
import { EXPORT_DOCS, ExportOptionsQuery, sendExport } from './rewards-export.http.controller';

export class LedgerExportQuery extends IntersectionType(LedgerFilterQuery, ExportOptionsQuery) {}

const LEDGER_COLUMNS: ExportColumn[] = [
  { key: 'payeeKind', zh: '对象类型', en: 'Payee kind', kind: 'text', width: 10 },
  { key: 'payeeId', zh: '对象', en: 'Payee', kind: 'text', width: 38 },
  { key: 'periodId', zh: '结算期', en: 'Period', kind: 'text', width: 12 },
  { key: 'from', zh: '起始日', en: 'From', kind: 'date' },
  { key: 'to', zh: '截止日', en: 'To', kind: 'date' },
  { key: 'entitledPoints', zh: '应得积分', en: 'Entitled points', kind: 'int' },
  { key: 'entitledFen', zh: '应得金额(元)', en: 'Entitled (yuan)', kind: 'yuan' },
  { key: 'adjustmentsFen', zh: '调整(元)', en: 'Adjustments (yuan)', kind: 'yuan' },
  { key: 'totalFen', zh: '合计(元)', en: 'Total (yuan)', kind: 'yuan' },
  { key: 'paidFen', zh: '已发放(元)', en: 'Paid (yuan)', kind: 'yuan' },
  { key: 'balanceFen', zh: '余额(元)', en: 'Balance (yuan)', kind: 'yuan' },
];

const DIFF_COLUMNS: ExportColumn[] = [
  { key: 'period', zh: '月份', en: 'Month', kind: 'text', width: 10 },
  { key: 'payeeKind', zh: '对象类型', en: 'Payee kind', kind: 'text', width: 10 },
  { key: 'payeeId', zh: '对象', en: 'Payee', kind: 'text', width: 38 },
  { key: 'beforeFen', zh: '调整前(元)', en: 'Before (yuan)', kind: 'yuan' },
  { key: 'afterFen', zh: '调整后(元)', en: 'After (yuan)', kind: 'yuan' },
  { key: 'deltaFen', zh: '差额(元)', en: 'Delta (yuan)', kind: 'yuan' },
  { key: 'beforePoints', zh: '调整前积分', en: 'Points before', kind: 'int' },
  { key: 'afterPoints', zh: '调整后积分', en: 'Points after', kind: 'int' },
  { key: 'deltaPoints', zh: '积分差', en: 'Delta points', kind: 'int' },
  { key: 'rankBefore', zh: '原名次', en: 'Rank before', kind: 'int' },
  { key: 'rankAfter', zh: '新名次', en: 'Rank after', kind: 'int' },
  { key: 'rules', zh: '所涉规则', en: 'Rules', kind: 'text', width: 60 },
];

/** The ledger and a what-if or recomputation diff as CSV or XLSX (issue 10 item 8), with their JSON endpoints' permissions. */
@ApiTags('rewards')
@Controller('v1')
export class LedgerExportsHttpController {
  constructor(
    private readonly payouts: PayoutsService,
    private readonly comparisons: RewardComparisons,
  ) {}

  @Get('payouts/ledger/export')
  @Access('payouts.read')
  @Endpoint({
    summary: 'The ledger as CSV or XLSX: per payee and closed period, entitled, adjustments, total, paid and balance (yuan); every row of the filter (payeeId, periodId)',
    ...EXPORT_DOCS,
  })
  async ledger(@Query() q: LedgerExportQuery, @ReadAt() read: ReadSelector, @Res({ passthrough: true }) res: Response): Promise<StreamableFile> {
    // one page one row longer than an export holds: more is refused rather than cut
    const ledger = await this.payouts.ledger({ ...ledgerFilter(q), limit: MAX_EXPORT_ROWS }, read);
    if (ledger.next !== null) throw new RuleViolation('export-too-large', `The ledger has more than ${MAX_EXPORT_ROWS} rows`, { limit: MAX_EXPORT_ROWS });
    const rows = ledger.rows.map(({ payee, ...r }) => ({ ...r, payeeKind: payee.kind, payeeId: payee.id }));
    const label = [q.payeeId, q.periodId].filter((x) => x !== undefined).join('-');
    const name = label ? `ledger-${label}` : 'ledger';
    return sendExport(res, { ascii: name, zh: label ? `结算台账-${label}` : '结算台账', buildId: ledger.buildId, table: (lang) => ({ columns: LEDGER_COLUMNS, rows, sheet: lang === 'zh' ? '结算台账' : 'Ledger' }) }, q);
  }

  @Get('rewards/comparisons/:runId/export')
  @Access('rewards.whatif.read')
  @Endpoint({ summary: 'A what-if or recomputation diff as CSV or XLSX: per month and payee, before, after and delta in yuan and points, ranks, rules', ...EXPORT_DOCS, problems: ['not-found', 'comparison-not-done', 'export-too-large'] })
  async diff(@Param('runId', new UuidParamPipe()) runId: string, @Query() q: ExportOptionsQuery, @Res({ passthrough: true }) res: Response): Promise<StreamableFile> {
    const comparison = await this.comparisons.get(runId);
    if (!comparison.diff) throw new InvalidState('comparison-not-done', `Comparison ${runId} is ${comparison.status}: its diff is not there yet`, { runId, status: comparison.status });
    if (comparison.diff.rows.length > MAX_EXPORT_ROWS) throw new RuleViolation('export-too-large', `The diff has ${comparison.diff.rows.length} rows`, { limit: MAX_EXPORT_ROWS, rows: comparison.diff.rows.length });
    const rows = comparison.diff.rows.map((r) => ({
      period: r.period,
      payeeKind: r.payee.kind,
      payeeId: r.payee.id,
      beforeFen: r.before.amountFen,
      afterFen: r.after.amountFen,
      deltaFen: r.deltaFen,
      beforePoints: r.before.points,
      afterPoints: r.after.points,
      deltaPoints: r.deltaPoints,
      rankBefore: r.before.rankByMoney,
      rankAfter: r.after.rankByMoney,
      rules: r.rules.join('; '),
    }));
    const kind = comparison.run.kind;
    return sendExport(res, { ascii: `${kind}-${runId}`, zh: `${kind === 'what-if' ? '试算' : '重算'}-${runId}`, buildId: null, table: (lang) => ({ columns: DIFF_COLUMNS, rows, sheet: lang === 'zh' ? '差异' : 'Diff' }) }, q);
  }
}
