import { Client, type Pool, type PoolClient } from 'pg';
import { fold } from '@app/kernel';
import type { EventStore } from '@app/event-store';
import { applyInSchema, dumpSchema, EventLog, quoteIdent, ReadModels, specMismatches } from '@app/projections';
import { createTestDatabase, TestDatabase } from '@test/support';
import type { Payee } from '../domain/entitlements';
import { PAYOUTS_STREAM, PayoutCommand, PayoutEvent, payeeKey, PayoutsState, payoutsDecider, StatementLine, statementChecksum } from '../domain/payouts.decider';
import { type LedgerFilter, PayoutsService } from '../payouts/payouts.service';
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
 * balances); m-4 (a February line) paid against March, where m-4 has no line: a payee x period row with only a
 * payout; April opened, not closed.
 */
function ledgerLog(): { log: EventLog; events: PayoutEvent[] } {
  const feb = [line('d1', member(1), 10000, '2026-02-03'), line('d2', member(1), 10000, '2026-02-10'), line('d3', member(2), 10000, '2026-02-11'), line('d4', office, 0, '2026-02-12', { points: 26 }), line('d7', member(4), 10000, '2026-02-13')];
  const march = [line('d1', member(1), 15000, '2026-02-03', { policyVersion: 2, eventIds: ['e-d1', 'e-v2'] }), ...feb.slice(1), line('d5', member(3), 10000, '2026-03-04'), line('d6', member(2), 10000, '2026-03-05')];
  const commands = [
    open('2026-02', '2026-02-01', '2026-02-28'),
    close('2026-02', feb),
    pay('2026-02', member(1), 15000, 'BANK-1'),
    open('2026-03', '2026-03-01', '2026-03-31'),
    close('2026-03', march),
    pay('2026-02', member(1), 5000, 'BANK-2'),
    pay('2026-03', member(2), 20000, 'BANK-3'),
    pay('2026-03', member(4), 10000, 'BANK-4'),
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
  /**
   * PayoutsService reading the tables of one schema (as ReadModels.scope points a query at a build), over the one
   * client (pool.connect gives it, release does nothing); `afterQuery` runs after each query the service makes;
   * `buildId`: the scope is that of a build (X-Read-Build).
   */
  const service = (schema: string, afterQuery?: (sql: string) => Promise<void>, buildId?: string) => {
    const query = async (...args: unknown[]) => {
      const result = await (client.query as (...a: unknown[]) => Promise<unknown>)(...args);
      if (afterQuery) await afterQuery(String(args[0]));
      return result;
    };
    const pool = { query, connect: () => Promise.resolve({ query, release: () => undefined }) };
    return new PayoutsService(
      { readStream: () => Promise.reject(new Error('the read side of a closed period does not read the stream')) } as unknown as EventStore,
      pool as unknown as Pool,
      { scope: () => Promise.resolve({ buildId, t: (table: string) => `${quoteIdent(schema)}.${quoteIdent(table)}` }) } as unknown as ReadModels,
    );
  };

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
      expect(statementChecksum(read.statement!)).toBe(recorded.statement!.checksum);
    }
    const march = await service(schema).payeeStatement('2026-03', member(1));
    expect(march!.statement).toMatchObject({ entitledFen: 0, adjustmentsFen: 5000, totalFen: 5000 });
    expect(march!.statement!.adjustments).toEqual([expect.objectContaining({ correctsPeriod: '2026-02', recordedFen: 10000, currentFen: 15000, cause: expect.objectContaining({ kind: 'changed', policyVersion: 2 }) })]);
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
      { payee: member(4), balanceFen: 0 },
      { payee: office, balanceFen: 0 },
    ]);
    // m-4: February entitled, March only a payout (no line of theirs there)
    expect(ledger.rows.filter((r) => r.payee.id === 'm-4').map((r) => [r.periodId, r.totalFen, r.paidFen, r.balanceFen])).toEqual([
      ['2026-02', 10000, 0, 10000],
      ['2026-03', 0, 10000, 0],
    ]);
    expect(ledger.next).toBeNull();
    expect(ledger.periods.map((p) => [p.periodId, p.status, p.totals?.amountFen ?? null])).toEqual([
      ['2026-02', 'closed', 40000],
      ['2026-03', 'closed', 25000],
      ['2026-04', 'open', null],
    ]);
    expect(ledger.position).toBe(String(log.events[log.events.length - 1]!.position));

    // pages of one and of two rows, each continuing from the previous page's next, give the same rows; also filtered
    const paged = async (filter: Omit<LedgerFilter, 'limit' | 'cursor'>, limit: number) => {
      const rows = [];
      let cursor: string | undefined;
      for (let page = 0; page < 30; page++) {
        const p = await service(schema).ledger({ ...filter, limit, cursor });
        rows.push(...p.rows);
        if (p.next === null) break;
        cursor = p.next;
      }
      return rows;
    };
    for (const limit of [1, 2]) {
      expect(await paged({}, limit)).toEqual(expected);
      expect(await paged({ periodId: '2026-03' }, limit)).toEqual(expected.filter((r) => r.periodId === '2026-03'));
      expect(await paged({ payee: member(1) }, limit)).toEqual(expected.filter((r) => r.payee.id === 'm-1'));
    }
    // one payee, one period (the balance after it), one payee with no row
    expect((await service(schema).ledger({ payee: member(1) })).rows).toEqual(expected.filter((r) => r.payee.id === 'm-1'));
    expect((await service(schema).ledger({ periodId: '2026-03' })).rows).toEqual(expected.filter((r) => r.periodId === '2026-03'));
    // a payee and a period together; a payee whose only row of the period is a payout
    expect((await service(schema).ledger({ payee: member(1), periodId: '2026-03' })).rows).toEqual(expected.filter((r) => r.payee.id === 'm-1' && r.periodId === '2026-03'));
    const m4 = await service(schema).ledger({ payee: member(4), periodId: '2026-03' });
    expect([m4.rows, m4.balances]).toEqual([expected.filter((r) => r.payee.id === 'm-4' && r.periodId === '2026-03'), [{ payee: member(4), balanceFen: 0 }]]);
    expect(m4.rows).toHaveLength(1);
    // a period the ledger does not know: no rows, no balances, no next
    const unknown = await service(schema).ledger({ periodId: 'nope' });
    expect([unknown.rows, unknown.balances, unknown.next]).toEqual([[], [], null]);
    // read as a build (X-Read-Build): the build alone answers, an unknown period is undefined (404), an open one has no statement
    const asBuild = service(schema, undefined, 'build-1');
    expect(await asBuild.period('nope')).toBeUndefined();
    expect(await asBuild.payeeStatement('nope', member(1))).toBeUndefined();
    expect(await asBuild.period('2026-04')).toEqual({ periodId: '2026-04', from: '2026-04-01', to: '2026-04-30', status: 'open', preview: false, position: null, buildId: 'build-1', statement: null });
    expect(await asBuild.payeeStatement('2026-04', member(1))).toEqual({ periodId: '2026-04', status: 'open', preview: false, buildId: 'build-1', statement: null });
    const none = await service(schema).ledger({ payee: member(9) });
    expect([none.rows, none.balances]).toEqual([[], [{ payee: member(9), balanceFen: 0 }]]);
    await expect(service(schema).ledger({ cursor: 'bm90LWEtY3Vyc29y' })).rejects.toMatchObject({ code: 'validation-failed' });
    // with periodId the page's payees come from that period's statements and payouts, not from payout_payees
    await client.query(`DELETE FROM ${quoteIdent(schema)}.payout_payees`);
    expect((await service(schema).ledger({ periodId: '2026-03' })).rows).toEqual(expected.filter((r) => r.periodId === '2026-03'));
  });

  it('answers a close the read model has not applied from the stream, with the statement\'s position', async () => {
    const { log, events } = ledgerLog();
    const closeMarch = log.events.findIndex((e) => e.type === 'PayoutPeriodClosed' && (e.data as { periodId: string }).periodId === '2026-03');
    const { schema } = await build([log.events.slice(0, closeMarch)]);
    const lagging = new PayoutsService(
      { readStream: () => Promise.resolve(log.events.filter((e) => e.streamId === PAYOUTS_STREAM)) } as unknown as EventStore,
      client as unknown as Pool,
      { scope: () => Promise.resolve({ t: (table: string) => `${quoteIdent(schema)}.${quoteIdent(table)}` }) } as unknown as ReadModels,
    );
    const read = (await lagging.period('2026-03'))!;
    expect(read).toMatchObject({ status: 'closed', preview: false, position: '100', buildId: null });
    expect(read.statement).toEqual(fold(payoutsDecider, events).periods.find((p) => p.periodId === '2026-03')!.statement);
  });

  it('reads a page, its periods and its head in one snapshot: a batch committed in between is not seen', async () => {
    const { log } = ledgerLog();
    const { schema } = await build([log.events]);
    const before = await service(schema).ledger({});
    const other = new Client({ connectionString: db.url });
    await other.connect();
    try {
      let committed = false;
      // after the page's query, another connection commits what a later batch would: a period and a new head
      const racing = service(schema, async (sql) => {
        if (committed || !sql.includes('page_payees')) return;
        committed = true;
        await other.query(`BEGIN; INSERT INTO ${quoteIdent(schema)}.payout_periods (period_id, from_date, to_date, status, opened_by, opened_at, last_position)
                             VALUES ('2026-05', '2026-05-01', '2026-05-31', 'open', 'fin', now(), 999999);
                           UPDATE ${quoteIdent(schema)}.payout_ledger_head SET position = 999999; COMMIT`);
      });
      const during = await racing.ledger({});
      expect(committed).toBe(true);
      expect(during).toEqual(before);
      expect((await service(schema).ledger({})).position).toBe('999999');
    } finally {
      await other.end();
    }
  });

  it('stores each statement as canonical JSON: events whose data comes back in another key order (jsonb) give the same rows', async () => {
    const { log } = ledgerLog();
    const reordered = (value: unknown): unknown =>
      Array.isArray(value) ? value.map(reordered) : value !== null && typeof value === 'object' ? Object.fromEntries(Object.entries(value).reverse().map(([k, v]) => [k, reordered(v)])) : value;
    const asJsonb = log.events.map((e) => ({ ...e, data: reordered(e.data) as typeof e.data }));
    expect(JSON.stringify(asJsonb[2]!.data)).not.toBe(JSON.stringify(log.events[2]!.data));
    expect((await build([asJsonb])).dump).toEqual((await build([log.events])).dump);
  });
});
