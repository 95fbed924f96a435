import type { Measurement } from './baselines';

export interface Row {
  readonly group: 'baseline' | 'appends' | 'rebuild' | 'rewards' | 'compliance' | 'policy';
  readonly name: string;
  /** A rate measurement, or `value` for a derived figure. */
  readonly m?: Measurement;
  readonly unit?: string;
  readonly value?: string;
  target?: { text: string; met: boolean; ratio?: number };
}

/** A plain-text table: one line per measurement, the target and whether this run met it. */
export function renderTable(rows: readonly Row[]): string {
  const cells = rows.map((r) => [
    r.group,
    r.name,
    r.m ? r.m.count.toLocaleString('en') : '',
    r.m ? (r.m.ms / 1000).toFixed(2) : '',
    r.m ? `${r.m.perSecond.toLocaleString('en')} ${r.unit ?? ''}/s` : (r.value ?? ''),
    r.target ? `${r.target.text}${r.target.ratio !== undefined ? ` (${r.target.ratio.toFixed(2)} x)` : ''}` : '',
    r.target ? (r.target.met ? 'met' : 'NOT MET') : '',
  ]);
  const header = ['group', 'measurement', 'count', 's', 'rate / value', 'target', 'verdict'];
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: string[]) => `| ${c.map((v, i) => (i >= 2 && i <= 4 ? v.padStart(widths[i]!) : v.padEnd(widths[i]!))).join(' | ')} |`;
  return [line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...cells.map(line)].join('\n') + '\n';
}
