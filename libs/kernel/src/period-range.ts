/** Business-date ranges named by a period: the same reading for every context (rewards, credit). */
/**
 * A period name as a date range: `2026-03` (month), `2026-Q1` (quarter), `2026` (year), `2026-03-15` (day).
 * Undefined when the text is none of them.
 */
export function periodRange(period: string): { from: string; to: string } | undefined {
  const pad = (n: number) => String(n).padStart(2, '0');
  const lastDay = (y: number, m: number) => new Date(Date.UTC(y, m, 0)).getUTCDate();
  let m = /^(\d{4})$/.exec(period);
  if (m) return { from: `${m[1]}-01-01`, to: `${m[1]}-12-31` };
  m = /^(\d{4})-Q([1-4])$/.exec(period);
  if (m) {
    const y = Number(m[1]);
    const q = Number(m[2]);
    return { from: `${y}-${pad(q * 3 - 2)}-01`, to: `${y}-${pad(q * 3)}-${lastDay(y, q * 3)}` };
  }
  m = /^(\d{4})-(0[1-9]|1[0-2])$/.exec(period);
  if (m) return { from: `${m[1]}-${m[2]}-01`, to: `${m[1]}-${m[2]}-${lastDay(Number(m[1]), Number(m[2]))}` };
  m = /^(\d{4})-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/.exec(period);
  if (m && lastDay(Number(m[1]), Number(m[2])) >= Number(m[3])) return { from: period, to: period };
  return undefined;
}
