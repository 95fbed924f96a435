import type { ExportColumn, ExportLang, ExportTable } from '@app/rewards';
import { BulletinContent, periodName } from './bulletin-content';

/** The bulletin's unit table as the CSV and XLSX exports write it (libs/rewards/src/http/exports.ts renders it). */
export const BULLETIN_COLUMNS: readonly ExportColumn[] = [
  { key: 'rank', zh: '名次', en: 'Rank', kind: 'int', width: 8 },
  { key: 'unitName', zh: '单位', en: 'Unit', kind: 'text', width: 24 },
  { key: 'points', zh: '积分', en: 'Points', kind: 'int' },
  { key: 'submitted', zh: '报送', en: 'Submitted', kind: 'int' },
  { key: 'adopted', zh: '采用', en: 'Adopted', kind: 'int' },
  { key: 'adoptionRate', zh: '采用率', en: 'Adoption rate', kind: 'rate' },
  { key: 'shortfall', zh: '缺报', en: 'Shortfall', kind: 'int' },
  { key: 'consecutiveMissed', zh: '连续缺报', en: 'Consecutive missed', kind: 'int' },
  { key: 'escalation', zh: '处理', en: 'Escalation', kind: 'text', width: 30 },
  { key: 'lateItems', zh: '迟报信息', en: 'Late items', kind: 'int' },
  { key: 'lateIncidentReports', zh: '迟报事件', en: 'Late incident reports', kind: 'int' },
  { key: 'concealedIncidentReports', zh: '瞒报事件', en: 'Concealed incident reports', kind: 'int' },
  { key: 'score', zh: '得分', en: 'Score', kind: 'text' },
  { key: 'grade', zh: '等次', en: 'Grade', kind: 'text' },
];

export function bulletinTable(content: BulletinContent, lang: ExportLang): ExportTable {
  return {
    columns: BULLETIN_COLUMNS,
    sheet: lang === 'zh' ? `通报-${content.key}` : `Bulletin-${content.key}`,
    rows: content.units.map((u) => ({ ...u, score: u.score === null ? null : String(u.score) })),
  };
}

/** HTML text: & < > " ' escaped (names, titles and the institution come from users). */
export function escapeHtml(text: unknown): string {
  return String(text ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

const dash = (v: number | string | null) => (v === null ? '—' : escapeHtml(v));
const percent = (r: number) => `${(r * 100).toFixed(2)}%`;
const VERDICTS: Record<string, string> = { late: '迟报', concealed: '瞒报', missed: '漏报', on_time: '按时' };
const STEPS: Record<string, string> = { first_report: '首报', written_report: '书面报告', follow_up: '续报', case_report: '案件报告', final_report: '终报' };

/**
 * The printable page (Chinese, A4 via @page): the institution's name and the period in the heading, the units
 * ranked by points, the named shortfalls and the late or concealed reports. Every text from the content is escaped.
 */
export function bulletinHtml(content: BulletinContent, meta: { edition: number | null; issuedAt: string | null; checksum: string }): string {
  const e = escapeHtml;
  const heading = `${content.institution}${periodName(content.period, content.key)}${content.title}`;
  const rows = content.units
    .map(
      (u) =>
        `<tr><td>${u.rank}</td><td class="name">${e(u.unitName)}</td><td>${u.points}</td><td>${u.submitted}</td><td>${u.adopted}</td><td>${percent(u.adoptionRate)}</td>` +
        `<td>${dash(u.shortfall)}</td><td>${dash(u.escalation)}</td><td>${dash(u.lateIncidentReports)}</td><td>${dash(u.concealedIncidentReports)}</td><td>${dash(u.score)}</td><td>${dash(u.grade)}</td></tr>`,
    )
    .join('\n');
  const shortfalls = content.shortfalls.length === 0 ? '<p>无。</p>' : `<ul>${content.shortfalls.map((s) => `<li>${e(s.unitName)}:缺报 ${s.shortfall} 条,连续 ${s.consecutiveMissed} 期${s.escalation ? `,${e(s.escalation)}` : ''}</li>`).join('')}</ul>`;
  const late = content.lateReports.length === 0 ? '<p>无。</p>' : `<ul>${content.lateReports.map((r) => `<li>${e(r.unitName)}《${e(r.title)}》${e(STEPS[r.step] ?? r.step)}${e(VERDICTS[r.verdict] ?? r.verdict)}${r.lateByMinutes > 0 ? ` ${r.lateByMinutes} 分钟` : ''}</li>`).join('')}</ul>`;
  const edition = meta.edition === null ? '(即时生成,未发布)' : `第 ${meta.edition} 版,发布于 ${e(meta.issuedAt)}`;
  return `<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<title>${e(heading)}</title>
<style>
@page { size: A4; margin: 20mm 15mm; }
body { font-family: "SimSun", "Songti SC", "Noto Serif CJK SC", serif; font-size: 12pt; color: #000; }
h1 { font-family: "SimHei", "Heiti SC", "Noto Sans CJK SC", sans-serif; font-size: 20pt; text-align: center; color: #c00; margin: 0 0 6mm; }
.meta { text-align: center; font-size: 10pt; margin-bottom: 6mm; }
table { width: 100%; border-collapse: collapse; page-break-inside: auto; font-size: 10pt; }
tr { page-break-inside: avoid; }
th, td { border: 1px solid #000; padding: 1.5mm 1mm; text-align: center; }
td.name { text-align: left; }
h2 { font-size: 14pt; margin: 6mm 0 2mm; }
footer { margin-top: 8mm; font-size: 8pt; color: #555; word-break: break-all; }
</style>
</head>
<body>
<h1>${e(heading)}</h1>
<p class="meta">统计期间:${e(content.from)} 至 ${e(content.to)}(${content.status === 'final' ? '已结算' : '暂定'})· ${edition}</p>
<h2>一、各单位积分排名</h2>
<table>
<thead><tr><th>名次</th><th>单位</th><th>积分</th><th>报送</th><th>采用</th><th>采用率</th><th>缺报</th><th>处理</th><th>迟报事件</th><th>瞒报事件</th><th>得分</th><th>等次</th></tr></thead>
<tbody>
${rows}
</tbody>
<tfoot><tr><td></td><td class="name">合计</td><td>${content.totals.points}</td><td>${content.totals.submitted}</td><td>${content.totals.adopted}</td><td>${percent(content.totals.adoptionRate)}</td><td colspan="6"></td></tr></tfoot>
</table>
<h2>二、缺报单位</h2>
${shortfalls}
<h2>三、迟报、瞒报情况</h2>
${late}
<footer>依据 ${e(content.policy.policyId)} v${content.policy.policyVersion}(${e(content.policy.ruleId)})· sha256 ${e(meta.checksum)}</footer>
</body>
</html>
`;
}
