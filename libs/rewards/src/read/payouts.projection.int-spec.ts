import type { Pool, PoolClient } from 'pg';
import { fold } from '@app/kernel';
import type { EventStore } from '@app/event-store';
import { applyInSchema, dumpSchema, EventLog, quoteIdent, ReadModels, specMismatches } from '@app/projections';
import { createTestDatabase, TestDatabase } from '@test/support';
import type { Payee } from '../domain/entitlements';
import { PAYOUTS_STREAM, PayoutCommand, PayoutEvent, payeeKey, PayoutsState, payoutsDecider, StatementLine, statementChecksum } from '../domain/payouts.decider';
import { PayoutsService } from '../payouts/payouts.service';
import { PAYOUT_TABLES, payoutsProjection } from './payouts.projection';

const now = '2026-04-02T01:00:00.000Z';
const member = (n: number): Payee => ({ kind: 'member', id: `m-${n}` });
const office: Payee = { kind: 'unit', id: 'u-office' };
const line = (draftId: string, payee: Payee, amountFen: number, businessDate: string, extra: Partial<StatementLine> = {}): StatementLine => ({
  draftId,
  lineKey: `item:new-media:wechat-item-100-yuan:${draftId}`,
  payee,
  businessDate,
  points: 0,
  amountFen,
  policyId: 'new-media',
  policyVersion: 1,
  ruleId: 'wechat-item-100-yuan',
  eventIds: [`e-${draftId}`],
  ...extra,
});
const open = (periodId: string, from: string, to: string): PayoutCommand => ({ type: 'OpenPayoutPeriod', periodId, from, to, actorId: 'fin', now });
const close = (periodId: string, currentLines: StatementLine[]): PayoutCommand => ({ type: 'ClosePayoutPeriod', periodId, currentLines, position: '100', actorId: 'fin', now });
const pay = (periodId: string, payee: Payee, amountFen: number, reference: string): PayoutCommand => ({ type: 'RecordPayout', periodId, payee, amountFen, reference, paidOn: '2026-04-05', actorId: 'fin', now });

/**
 * The payout stream as the decider writes it: February (100 yuan to m-1 for each WeChat item, 26 points to the
 * office) closed and partly paid; March closed with a retroactive +50 yuan on one of m-1's February items (the
 * adjustment names version 2); a payment against February recorded after March closed (it lowers both running
 * balances); April opened, not closed.
 */
function ledgerLog(): { log: EventLog; events: PayoutEvent[] } {
  const feb = [line('d1', member(1), 10000, '2026-02-03'), line('d2', member(1), 10000, '2026-02-10'), line('d3', member(2), 10000, '2026-02-11'), line('d4', office, 0, '2026-02-12', { points: 26 })];
  const march = [line('d1', member(1), 15000, '2026-02-03', { policyVersion: 2, eventIds: ['e-d1', 'e-v2'] }), ...feb.slice(1), line('d5', member(3), 10000, '2026-03-04'), line('d6', member(2), 10000, '2026-03-05')];
  const commands = [
    open('2026-02', '2026-02-01', '2026-02-28'),
    close('2026-02', feb),
    pay('2026-02', member(1), 15000, 'BANK-1'),
    open('2026-03', '2026-03-01', '2026-03-31'),
    close('2026-03', march),
    pay('2026-02', member(1), 5000, 'BANK-2'),
    pay('2026-03', member(2), 20000, 'BANK-3'),
    open('2026-04', '2026-04-01', '2026-04-30'),
  ];
  const events: PayoutEvent[] = [];
  const log = new EventLog();
  log.append('unit-x', 'Unrelated', {});
  for (const c of commands) {
    for (const e of payoutsDecider.decide(c, fold(payoutsDecider, events))) {
      events.push(e);
      log.append(PAYOUTS_STREAM, e.type, e.data);
    }
  }
  return { log, events };
}

/** The ledger as PayoutsService computed it before the read model: a fold of the stream (the oracle). */
function foldedLedger(state: PayoutsState) {
  const payees = new Map<string, Payee>();
  for (const p of state.periods) for (const s of p.statement?.payees ?? []) payees.set(payeeKey(s.payee), s.payee);
  for (const paid of state.payouts.values()) payees.set(payeeKey(paid.payee), paid.payee);
  const rows = [];
  for (const payee of [...payees.values()].sort((a, b) => (payeeKey(a) < payeeKey(b) ? -1 : 1))) {
    let balance = 0;
    for (const p of state.periods.filter((x) => x.status === 'closed')) {
      const s = p.statement!.payees.find((x) => payeeKey(x.payee) === payeeKey(payee));
      const paid = [...state.payouts.values()].filter((x) => x.periodId === p.periodId && payeeKey(x.payee) === payeeKey(payee)).reduce((sum, x) => sum + x.amountFen, 0);
      if (!s && paid === 0) continue;
      balance += (s?.totalFen ?? 0) - paid;
      rows.push({ payee, periodId: p.periodId, from: p.from, to: p.to, entitledPoints: s?.entitledPoints ?? 0, entitledFen: s?.entitledFen ?? 0, adjustmentsPoints: s?.adjustmentsPoints ?? 0, adjustmentsFen: s?.adjustmentsFen ?? 0, totalPoints: s?.totalPoints ?? 0, totalFen: s?.totalFen ?? 0, paidFen: paid, balanceFen: balance });
    }
  }
  return rows;
}

const chunks = <T>(items: readonly T[], size: number) => Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, i * size + size));

describe('payouts projection (the payout ledger read model)', () => {
  let db: TestDatabase;
  let client: PoolClient;
  let schemas = 0;
  const build = async (batches: readonly (readonly EventLog['events'][number][])[]) => {
    const schema = `payouts_${++schemas}`;
    await applyInSchema(client, payoutsProjection, schema, batches);
    return { schema, dump: await dumpSchema(client, payoutsProjection, schema) };
  };
  /** PayoutsService reading the tables of one schema (as ReadModels.scope points a query at a build). */
  const service = (schema: string) =>
    new PayoutsService(
      { readStream: () => Promise.reject(new Error('the read side of a closed period does not read the stream')) } as unknown as EventStore,
      client as unknown as Pool,
      { scope: () => Promise.resolve({ t: (table: string) => `${quoteIdent(schema)}.${quoteIdent(table)}` }) } as unknown as ReadModels,
    );

  beforeAll(async () => {
    db = await createTestDatabase({ migrate: false, poolSize: 1 });
    client = await db.pool.connect();
  });
  afterAll(async () => {
    client.release();
    await db.drop();
  });

  it('creates the tables its specs describe', async () => {
    const { schema } = await build([]);
    expect(await specMismatches(client, schema, Object.values(PAYOUT_TABLES))).toEqual([]);
  });

  it('live in any batching, event by event and with a redelivered batch, equals a rebuild in one batch', async () => {
    const { events } = ledgerLog().log;
    const rebuilt = (await build([events])).dump;
    expect((await build(chunks(events, 2))).dump).toEqual(rebuilt);
    expect((await build(chunks(events, 1))).dump).toEqual(rebuilt);
    // a batch delivered again (after later ones) changes nothing
    expect((await build([events.slice(0, 6), events.slice(2), events.slice(4, 7)])).dump).toEqual(rebuilt);
    expect((rebuilt.payout_periods as { period_id: string; status: string }[]).map((p) => [p.period_id, p.status]).sort()).toEqual([
      ['2026-02', 'closed'],
      ['2026-03', 'closed'],
      ['2026-04', 'open'],
    ]);
    expect(rebuilt.payout_ledger_head).toEqual([{ id: 1, position: Number(events[events.length - 1]!.position) }]);
  });

  it('gives each closed statement as recorded: the same payees, lines, adjustments, totals, and a checksum that recomputes', async () => {
    const { log, events } = ledgerLog();
    const { schema } = await build([log.events]);
    const state = fold(payoutsDecider, events);
    for (const recorded of state.periods.filter((p) => p.status === 'closed')) {
      const read = (await service(schema).period(recorded.periodId))!;
      expect(read).toMatchObject({ status: 'closed', preview: false, position: '100' });
      expect(read.statement).toEqual(recorded.statement);
      expect(statementChecksum(read.statement)).toBe(recorded.statement!.checksum);
    }
    const march = await service(schema).payeeStatement('2026-03', member(1));
    expect(march!.statement).toMatchObject({ entitledFen: 0, adjustmentsFen: 5000, totalFen: 5000 });
    expect(march!.statement.adjustments).toEqual([expect.objectContaining({ correctsPeriod: '2026-02', recordedFen: 10000, currentFen: 15000, cause: expect.objectContaining({ kind: 'changed', policyVersion: 2 }) })]);
    // a payee without a line in a closed period has an empty statement, read from the same row lookup
    expect((await service(schema).payeeStatement('2026-02', member(3)))!.statement).toMatchObject({ payee: member(3), totalFen: 0, lines: [] });
  });

  it('answers the ledger the stream fold gave, with one running balance per payee, filtered and in pages', async () => {
    const { log, events } = ledgerLog();
    const { schema } = await build(chunks(log.events, 3));
    const expected = foldedLedger(fold(payoutsDecider, events));
    const ledger = await service(schema).ledger({});
    expect(ledger.rows).toEqual(expected);
    // February 200 yuan, paid 150 + 50 (the second after March closed); March +50 yuan adjustment
    expect(ledger.rows.filter((r) => r.payee.id === 'm-1').map((r) => [r.periodId, r.totalFen, r.paidFen, r.balanceFen])).toEqual([
      ['2026-02', 20000, 20000, 0],
      ['2026-03', 5000, 0, 5000],
    ]);
    expect(ledger.balances).toEqual([
      { payee: member(1), balanceFen: 5000 },
      { payee: member(2), balanceFen: 0 },
      { payee: member(3), balanceFen: 10000 },
      { payee: office, balanceFen: 0 },
    ]);
    expect(ledger.next).toBeNull();
    expect(ledger.periods.map((p) => [p.periodId, p.status, p.totals?.amountFen ?? null])).toEqual([
      ['2026-02', 'closed', 30000],
      ['2026-03', 'closed', 25000],
      ['2026-04', 'open', null],
    ]);
    expect(ledger.position).toBe(String(log.events[log.events.length - 1]!.position));

    // pages of one and of two rows, each continuing from the previous page's next, give the same rows
    for (const limit of [1, 2]) {
      const rows = [];
      let cursor: string | undefined;
      for (let page = 0; page < 20; page++) {
        const p = await service(schema).ledger({ limit, cursor });
        rows.push(...p.rows);
        if (p.next === null) break;
        cursor = p.next;
      }
      expect(rows).toEqual(expected);
    }
    // one payee, one period (the balance after it), one payee with no row
    expect((await service(schema).ledger({ payee: member(1) })).rows).toEqual(expected.filter((r) => r.payee.id === 'm-1'));
    expect((await service(schema).ledger({ periodId: '2026-03' })).rows).toEqual(expected.filter((r) => r.periodId === '2026-03'));
    const none = await service(schema).ledger({ payee: member(9) });
    expect([none.rows, none.balances]).toEqual([[], [{ payee: member(9), balanceFen: 0 }]]);
    await expect(service(schema).ledger({ cursor: 'bm90LWEtY3Vyc29y' })).rejects.toMatchObject({ code: 'validation-failed' });
  });
});
