import { canonicalJson } from '@app/kernel';
import type { RecordedEvent } from '@app/event-store';
import { BatchMapping, batchApplier, Buffers, buffersOf, ProjectionDefinition, tableSpec } from '@app/projections';
import { PAYOUT_EVENT_TYPES, PayoutEvent } from '../domain/payouts.decider';

/** A payout period as its events left it; the totals and checksum of its statement once closed. */
export type PayoutPeriodRow = {
  period_id: string;
  from_date: string;
  to_date: string;
  status: 'open' | 'closed';
  opened_by: string;
  opened_at: string;
  /** The log position the statement was computed at (PayoutPeriodClosed.position). */
  statement_position: number | null;
  /** The log position of the PayoutPeriodClosed event itself. */
  closed_position: number | null;
  total_points: number | null;
  total_fen: number | null;
  payees: number | null;
  lines: number | null;
  adjustments: number | null;
  checksum: string | null;
  closed_by: string | null;
  closed_at: string | null;
  /** The position of the last event applied to the row: an event at or below it (a redelivery) changes nothing. */
  last_position: number;
};

/**
 * One payee's part of a closed statement: the totals as columns (the ledger sums them) and the payee's statement
 * (`statement`: the canonical JSON text of the event's PayeeStatement, lines and adjustments included: canonicalJson,
 * keys sorted, so the text depends on the statement alone, not on the key order the event store gives back; the
 * PostgreSQL store returns data from jsonb), so one payee's statement is one row read. `ord` is its place in the
 * statement (the recorded payee order).
 */
export type PayoutStatementRow = {
  period_id: string;
  payee_kind: string;
  payee_id: string;
  ord: number;
  entitled_points: number;
  entitled_fen: number;
  adjustments_points: number;
  adjustments_fen: number;
  total_points: number;
  total_fen: number;
  statement: string;
};

export type PayoutRow = {
  reference: string;
  period_id: string;
  payee_kind: string;
  payee_id: string;
  amount_fen: number;
  paid_on: string;
  recorded_by: string;
  recorded_at: string;
  position: number;
};

/** Every payee with a statement or a payout: the ledger pages through payees by this table's key. */
export type PayoutPayeeRow = { payee_kind: string; payee_id: string };

/** The position of the ledger's last event (what the ledger answers as `position`). */
export type PayoutLedgerHeadRow = { id: number; position: number };

export const PAYOUT_TABLES = {
  periods: tableSpec<PayoutPeriodRow>({
    name: 'payout_periods',
    columns: {
      period_id: 'text',
      from_date: 'date',
      to_date: 'date',
      status: 'text',
      opened_by: 'text',
      opened_at: 'timestamptz',
      statement_position: 'bigint',
      closed_position: 'bigint',
      total_points: 'bigint',
      total_fen: 'bigint',
      payees: 'int',
      lines: 'int',
      adjustments: 'int',
      checksum: 'text',
      closed_by: 'text',
      closed_at: 'timestamptz',
      last_position: 'bigint',
    },
    key: ['period_id'],
  }),
  statements: tableSpec<PayoutStatementRow>({
    name: 'payout_statements',
    columns: {
      period_id: 'text',
      payee_kind: 'text',
      payee_id: 'text',
      ord: 'int',
      entitled_points: 'bigint',
      entitled_fen: 'bigint',
      adjustments_points: 'bigint',
      adjustments_fen: 'bigint',
      total_points: 'bigint',
      total_fen: 'bigint',
      statement: 'text',
    },
    key: ['period_id', 'payee_kind', 'payee_id'],
    // a closed statement is never rewritten
    insertOnly: true,
  }),
  payouts: tableSpec<PayoutRow>({
    name: 'payouts',
    columns: { reference: 'text', period_id: 'text', payee_kind: 'text', payee_id: 'text', amount_fen: 'bigint', paid_on: 'date', recorded_by: 'text', recorded_at: 'timestamptz', position: 'bigint' },
    key: ['reference'],
    // paid history never changes (a reference is recorded once: the decider answers the same payout again with nothing)
    insertOnly: true,
  }),
  payees: tableSpec<PayoutPayeeRow>({ name: 'payout_payees', columns: { payee_kind: 'text', payee_id: 'text' }, key: ['payee_kind', 'payee_id'], insertOnly: true }),
  head: tableSpec<PayoutLedgerHeadRow>({ name: 'payout_ledger_head', columns: { id: 'int', position: 'bigint' }, key: ['id'] }),
};

type Tables = Buffers<typeof PAYOUT_TABLES>;

/** The pure part: periods are loaded by the ids the batch names; statements, payouts and payees are only added. */
export const payoutsMapping: BatchMapping<Tables> = {
  tables: (table) => buffersOf(PAYOUT_TABLES, table),
  want(events, t) {
    const ids = [...new Set(events.map((e) => (e.data as { periodId?: unknown }).periodId).filter((id): id is string => typeof id === 'string'))];
    if (ids.length > 0) t.periods.want(...ids.map((period_id) => ({ period_id })));
    t.head.want({ id: 1 });
  },
  apply(recorded, t) {
    const position = Number(recorded.position);
    const head = t.head.get({ id: 1 });
    if (!head || head.position < position) t.head.put({ id: 1, position });
    const event = recorded as unknown as RecordedEvent & PayoutEvent;
    switch (event.type) {
      case 'PayoutPeriodOpened': {
        const d = event.data;
        if (t.periods.get({ period_id: d.periodId })) return; // opened once (the decider answers the same open with nothing)
        t.periods.put({
          period_id: d.periodId,
          from_date: d.from,
          to_date: d.to,
          status: 'open',
          opened_by: d.openedBy,
          opened_at: d.openedAt,
          statement_position: null,
          closed_position: null,
          total_points: null,
          total_fen: null,
          payees: null,
          lines: null,
          adjustments: null,
          checksum: null,
          closed_by: null,
          closed_at: null,
          last_position: position,
        });
        return;
      }
      case 'PayoutPeriodClosed': {
        const d = event.data;
        const row = t.periods.get({ period_id: d.periodId });
        if (row && row.last_position >= position) return;
        const s = d.statement;
        t.periods.put({
          period_id: d.periodId,
          from_date: d.from,
          to_date: d.to,
          opened_by: row?.opened_by ?? d.closedBy,
          opened_at: row?.opened_at ?? d.closedAt,
          status: 'closed',
          statement_position: Number(d.position),
          closed_position: position,
          total_points: s.totals.points,
          total_fen: s.totals.amountFen,
          payees: s.totals.payees,
          lines: s.totals.lines,
          adjustments: s.totals.adjustments,
          checksum: s.checksum,
          closed_by: d.closedBy,
          closed_at: d.closedAt,
          last_position: position,
        });
        s.payees.forEach((p, ord) => {
          t.statements.insert({
            period_id: d.periodId,
            payee_kind: p.payee.kind,
            payee_id: p.payee.id,
            ord,
            entitled_points: p.entitledPoints,
            entitled_fen: p.entitledFen,
            adjustments_points: p.adjustmentsPoints,
            adjustments_fen: p.adjustmentsFen,
            total_points: p.totalPoints,
            total_fen: p.totalFen,
            statement: canonicalJson(p),
          });
          t.payees.insert({ payee_kind: p.payee.kind, payee_id: p.payee.id });
        });
        return;
      }
      case 'PayoutRecorded': {
        const d = event.data;
        t.payouts.insert({
          reference: d.reference,
          period_id: d.periodId,
          payee_kind: d.payee.kind,
          payee_id: d.payee.id,
          amount_fen: d.amountFen,
          paid_on: d.paidOn,
          recorded_by: d.recordedBy,
          recorded_at: d.recordedAt,
          position,
        });
        t.payees.insert({ payee_kind: d.payee.kind, payee_id: d.payee.id });
        return;
      }
      default:
        return;
    }
  },
};

/**
 * The payout ledger as a read model (docs/rewards.md "Payout periods and the ledger"): the `payouts` stream's
 * periods, closed statements (one row per period and payee, the payee's recorded statement as canonical JSON) and
 * payouts. It folds only those three event types, so its rows at P are a function of the log up to P: no clock, no
 * other projection's tables. The write side (open, close, pay) still decides on the stream fold.
 *
 * Payee ids are compared in the "C" collation, so the ledger lists payees in the order the statements do
 * (`member:…` before `unit:…`, then the id's code points).
 */
/** Payout events per batch (docs/operations.md "Memory"). */
export const MAX_BATCH_EVENTS = 4;

export const payoutsProjection: ProjectionDefinition = {
  name: 'payouts',
  // 2: statements stored as canonical JSON (1 stored JSON.stringify of the event data, in the store's key order)
  version: 2,
  tables: Object.values(PAYOUT_TABLES).map((s) => s.name),
  eventTypes: [...PAYOUT_EVENT_TYPES],
  // a close carries every line of its period (megabytes on a large institution); a rebuild reads only payout
  // events, so without a cap one batch would hold every close of the history (it ran out of a 384 MB heap)
  maxBatchEvents: MAX_BATCH_EVENTS,
  async setup(client, t) {
    await client.query(`
      CREATE TABLE ${t('payout_periods')} (
        period_id text PRIMARY KEY, from_date date NOT NULL, to_date date NOT NULL, status text NOT NULL,
        opened_by text NOT NULL, opened_at timestamptz NOT NULL,
        statement_position bigint, closed_position bigint, total_points bigint, total_fen bigint, payees int, lines int, adjustments int,
        checksum text, closed_by text, closed_at timestamptz, last_position bigint NOT NULL);
      CREATE TABLE ${t('payout_statements')} (
        period_id text NOT NULL, payee_kind text COLLATE "C" NOT NULL, payee_id text COLLATE "C" NOT NULL, ord int NOT NULL,
        entitled_points bigint NOT NULL, entitled_fen bigint NOT NULL, adjustments_points bigint NOT NULL, adjustments_fen bigint NOT NULL,
        total_points bigint NOT NULL, total_fen bigint NOT NULL, statement text NOT NULL,
        PRIMARY KEY (period_id, payee_kind, payee_id));
      -- one payee's ledger and statements
      CREATE INDEX ON ${t('payout_statements')} (payee_kind, payee_id, period_id);
      -- a whole statement in its recorded order
      CREATE INDEX ON ${t('payout_statements')} (period_id, ord);
      CREATE TABLE ${t('payouts')} (
        reference text PRIMARY KEY, period_id text NOT NULL, payee_kind text COLLATE "C" NOT NULL, payee_id text COLLATE "C" NOT NULL,
        amount_fen bigint NOT NULL, paid_on date NOT NULL, recorded_by text NOT NULL, recorded_at timestamptz NOT NULL, position bigint NOT NULL);
      CREATE INDEX ON ${t('payouts')} (payee_kind, payee_id, period_id);
      CREATE INDEX ON ${t('payouts')} (period_id);
      -- the ledger's pages: payees in key order
      CREATE TABLE ${t('payout_payees')} (payee_kind text COLLATE "C" NOT NULL, payee_id text COLLATE "C" NOT NULL, PRIMARY KEY (payee_kind, payee_id));
      CREATE TABLE ${t('payout_ledger_head')} (id int PRIMARY KEY, position bigint NOT NULL);
    `);
  },
  applyBatch: batchApplier(payoutsMapping),
};
