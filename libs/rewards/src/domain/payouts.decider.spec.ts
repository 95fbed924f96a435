import { fold } from '@app/kernel';
import { balanceOf, PayoutCommand, PayoutEvent, payoutsDecider, Statement, statementChecksum, StatementLine } from './payouts.decider';

const author = { kind: 'member' as const, id: 'm-author' };
const unit = { kind: 'unit' as const, id: 'u-office' };
const now = '2026-04-02T01:00:00.000Z';
const line = (draftId: string, amountFen: number, businessDate: string, extra: Partial<StatementLine> = {}): StatementLine => ({
  draftId,
  lineKey: `item:new-media@1:wechat-item-100-yuan:${draftId}`,
  payee: author,
  businessDate,
  points: 0,
  amountFen,
  policyId: 'new-media',
  policyVersion: 1,
  ruleId: 'wechat-item-100-yuan',
  eventIds: [`e-${draftId}`],
  ...extra,
});

/** Runs commands in order on the folded stream, as the command runner does; answers every event. */
function run(commands: PayoutCommand[]): PayoutEvent[] {
  const events: PayoutEvent[] = [];
  for (const c of commands) events.push(...payoutsDecider.decide(c, fold(payoutsDecider, events)));
  return events;
}
const open = (periodId: string, from: string, to: string): PayoutCommand => ({ type: 'OpenPayoutPeriod', periodId, from, to, actorId: 'fin', now });
const close = (periodId: string, currentLines: StatementLine[]): PayoutCommand => ({ type: 'ClosePayoutPeriod', periodId, currentLines, position: '100', actorId: 'fin', now });
const pay = (periodId: string, amountFen: number, reference: string, payee = author): PayoutCommand => ({ type: 'RecordPayout', periodId, payee, amountFen, reference, paidOn: '2026-04-05', actorId: 'fin', now });

describe('payout ledger decider', () => {
  it('closes a period with its statement: lines per payee, totals and a checksum', () => {
    const events = run([open('2026-03', '2026-03-01', '2026-03-31'), close('2026-03', [line('d1', 10000, '2026-03-02'), line('d2', 2000, '2026-03-30'), line('d3', 5000, '2026-04-01'), line('d4', 0, '2026-03-03', { points: 26, payee: unit })])]);
    const closed = events[1]!;
    expect(closed.type).toBe('PayoutPeriodClosed');
    const statement = (closed.data as unknown as { statement: { payees: { payee: unknown; totalFen: number; totalPoints: number; lines: unknown[] }[]; totals: unknown; checksum: string } }).statement;
    expect(statement.payees.map((p) => [p.payee, p.totalFen, p.totalPoints, p.lines.length])).toEqual([
      [author, 12000, 0, 2],
      [unit, 0, 26, 1],
    ]);
    expect(statement.totals).toEqual({ points: 26, amountFen: 12000, payees: 2, lines: 3, adjustments: 0 });
    expect(statement.checksum).toMatch(/^[0-9a-f]{64}$/);
    // the state keeps the position the statement was computed at (GET /periods/:id answers it); null while open
    expect(fold(payoutsDecider, events.slice(0, 1)).periods.map((p) => [p.status, p.position])).toEqual([['open', null]]);
    expect(fold(payoutsDecider, events).periods.map((p) => [p.status, p.position])).toEqual([['closed', '100']]);
  });

  it('gives a checksum anyone holding the statement can check: its keys reordered (as jsonb stores them) check the same', () => {
    const events = run([open('2026-03', '2026-03-01', '2026-03-31'), close('2026-03', [line('d1', 10000, '2026-03-02'), line('d4', 0, '2026-03-03', { points: 26, payee: unit })])]);
    const statement = (events[1]!.data as unknown as { statement: Statement }).statement;
    const reordered = (value: unknown): unknown =>
      Array.isArray(value) ? value.map(reordered) : value !== null && typeof value === 'object' ? Object.fromEntries(Object.entries(value).reverse().map(([k, v]) => [k, reordered(v)])) : value;
    const stored = reordered(statement) as Statement;
    expect(JSON.stringify(stored)).not.toBe(JSON.stringify(statement));
    expect(statementChecksum(stored)).toBe(statement.checksum);
    // and any change of an amount changes it
    const altered = { ...stored, totals: { ...stored.totals, amountFen: stored.totals.amountFen + 1 } };
    expect(statementChecksum(altered)).not.toBe(statement.checksum);
  });

  it('a retroactive change after a closed and paid period: an adjustment in the next period names its cause; paid history stays', () => {
    const march = [line('d1', 10000, '2026-03-02'), line('d2', 2000, '2026-03-30')];
    const events = run([open('2026-03', '2026-03-01', '2026-03-31'), close('2026-03', march), pay('2026-03', 12000, 'BANK-0001')]);
    // version 2, effective from March, pays 150 yuan per WeChat item: d1's line changed; d2 retracted; d5 a late adoption dated March
    const changed = line('d1', 15000, '2026-03-02', { policyVersion: 2, eventIds: ['e-d1', 'e-policy-v2'] });
    const late = line('d5', 5000, '2026-03-15', { lineKey: 'item:fees@1:brief-city:ad-5', policyId: 'fees', ruleId: 'brief-city' });
    const april = [line('d6', 10000, '2026-04-03')];
    const all = [...events, ...run([]), ...payoutsDecider.decide(open('2026-04', '2026-04-01', '2026-04-30'), fold(payoutsDecider, events))];
    const closeApril = payoutsDecider.decide(close('2026-04', [changed, late, ...april]), fold(payoutsDecider, all));
    const statement = (closeApril[0]!.data as unknown as { statement: { payees: { totalFen: number; entitledFen: number; adjustmentsFen: number; adjustments: { correctsPeriod: string; deltaFen: number; cause: { kind: string; policyVersion: number; eventIds: readonly string[] } }[] }[] } }).statement;
    const mine = statement.payees[0]!;
    expect(mine.entitledFen).toBe(10000);
    expect(mine.adjustments.map((a) => [a.correctsPeriod, a.deltaFen, a.cause.kind, a.cause.policyVersion])).toEqual([
      ['2026-03', 5000, 'changed', 2],
      ['2026-03', -2000, 'removed', 1],
      ['2026-03', 5000, 'added', 1],
    ]);
    expect(mine.adjustments[0]!.cause.eventIds).toContain('e-policy-v2');
    expect(mine.adjustmentsFen).toBe(8000);
    expect(mine.totalFen).toBe(18000);
    // March's statement and its payout are untouched; the balance is April's total
    const after = fold(payoutsDecider, [...all, ...closeApril]);
    const marchState = after.periods.find((p) => p.periodId === '2026-03')!;
    expect(marchState.statement!.totals.amountFen).toBe(12000);
    expect([...after.payouts.values()].map((p) => p.amountFen)).toEqual([12000]);
    expect(balanceOf(after, author)).toBe(18000);
    // closing May with the same current lines: nothing more to adjust (the adjustments are recorded)
    const may = payoutsDecider.decide(open('2026-05', '2026-05-01', '2026-05-31'), after);
    const closeMay = payoutsDecider.decide(close('2026-05', [changed, late, ...april]), fold(payoutsDecider, [...all, ...closeApril, ...may]));
    expect((closeMay[0]!.data as unknown as { statement: { totals: { adjustments: number; amountFen: number } } }).statement.totals).toMatchObject({ adjustments: 0, amountFen: 0 });
  });

  it('refuses what finance must not do, naming the rule', () => {
    const events = run([open('2026-03', '2026-03-01', '2026-03-31')]);
    const state = fold(payoutsDecider, events);
    expect(() => payoutsDecider.decide(open('2026-03b', '2026-03-15', '2026-04-15'), state)).toThrow(expect.objectContaining({ code: 'payout-period-overlaps' }));
    expect(() => payoutsDecider.decide(open('2026-03', '2026-03-01', '2026-03-30'), state)).toThrow(expect.objectContaining({ code: 'payout-period-exists' }));
    expect(payoutsDecider.decide(open('2026-03', '2026-03-01', '2026-03-31'), state)).toEqual([]);
    expect(() => payoutsDecider.decide(pay('2026-03', 100, 'R1'), state)).toThrow(expect.objectContaining({ code: 'payout-period-not-closed' }));
    expect(() => payoutsDecider.decide(pay('2026-02', 100, 'R1'), state)).toThrow(expect.objectContaining({ code: 'payout-period-unknown' }));
    const withApril = fold(payoutsDecider, [...events, ...payoutsDecider.decide(open('2026-04', '2026-04-01', '2026-04-30'), state)]);
    expect(() => payoutsDecider.decide(close('2026-04', []), withApril)).toThrow(expect.objectContaining({ code: 'payout-period-earlier-open' }));
    const closed = fold(payoutsDecider, run([open('2026-03', '2026-03-01', '2026-03-31'), close('2026-03', [line('d1', 10000, '2026-03-02')])]));
    expect(() => payoutsDecider.decide(close('2026-03', []), closed)).toThrow(expect.objectContaining({ code: 'payout-period-closed' }));
    expect(() => payoutsDecider.decide(pay('2026-03', 10001, 'R1'), closed)).toThrow(expect.objectContaining({ code: 'payout-exceeds-balance' }));
    expect(() => payoutsDecider.decide(pay('2026-03', 0, 'R1'), closed)).toThrow(expect.objectContaining({ code: 'validation-failed' }));
    const paid = fold(payoutsDecider, [...run([open('2026-03', '2026-03-01', '2026-03-31'), close('2026-03', [line('d1', 10000, '2026-03-02')]), pay('2026-03', 6000, 'R1')])]);
    expect(payoutsDecider.decide(pay('2026-03', 6000, 'R1'), paid)).toEqual([]); // the same payout again
    expect(() => payoutsDecider.decide(pay('2026-03', 4000, 'R1'), paid)).toThrow(expect.objectContaining({ code: 'payout-reference-reused' }));
    expect(balanceOf(paid, author)).toBe(4000);
  });
});
