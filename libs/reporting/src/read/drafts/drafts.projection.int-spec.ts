import type { PoolClient } from 'pg';
import type { RecordedEvent } from '@app/event-store';
import { applyInSchema, dumpSchema, specMismatches } from '@app/projections';
import { createTestDatabase, TestDatabase } from '@test/support';
import { draftId, reportingHistory } from './drafts.history.fixture';
import { reportingTables } from './drafts.mapping';
import { reportingProjection } from './drafts.projection';
import { draftTimeline } from './drafts.timeline';
import { reportingV2OneEvent } from './drafts.v2.fixture';

type Json = Record<string, unknown>;
/** Rows in the order of their keys (the dumps order by the row's text, which differs between the two shapes). */
const keyOf = (row: Json) => JSON.stringify(['draft_id', 'revision', 'commission_id', 'unit_id'].map((c) => row[c] ?? null));
const sorted = (rows: Json[]) => [...rows].sort((a, b) => (keyOf(a) < keyOf(b) ? -1 : keyOf(a) > keyOf(b) ? 1 : 0));

/**
 * The v3 tables plus each draft's stream (through draftTimeline, as the detail query reads it) in the shape of v2
 * (the one-event SQL fixture): content and chain in drafts, the history and the outcomes' data as tables.
 */
function asV2(dump: Record<string, unknown[]>, events: readonly RecordedEvent[]): Record<string, unknown[]> {
  const iso = (at: unknown) => new Date(at as string).toISOString();
  const v2: Record<string, Json[]> = { ...(dump as Record<string, Json[]>), drafts: [], draft_history: [] };
  const details = new Map<string, ReturnType<typeof draftTimeline>>();
  for (const { step_roles: _r, step_names: _n, author_may_not_review: _a, two_person_check: _t, ...row } of dump.drafts as Json[]) {
    const id = row.draft_id as string;
    const timeline = draftTimeline(events.filter((e) => e.streamId === `draft-${id}` && Number(e.revision) <= (row.revision as number)));
    details.set(id, timeline);
    v2.drafts!.push({ ...row, content: timeline.content, chain: timeline.chain });
    for (const h of timeline.history) v2.draft_history!.push({ draft_id: id, revision: Number(h.revision), event_type: h.type, actor_id: h.actorId, at: h.at, data: h.data });
  }
  v2.register_outcomes = (dump.register_outcomes as Json[]).map((o) => ({
    ...o,
    detail: details.get(o.draft_id as string)!.outcomes.find((x) => x.at === iso(o.at) && x.kind === o.kind)?.detail,
  }));
  return normalised(v2);
}

/** Rows in key order, times as ISO strings. */
function normalised(dump: Record<string, unknown[]>): Record<string, unknown[]> {
  const times = new Set(['at', 'created_at', 'updated_at', 'submitted_at', 'waiting_since', 'deadline', 'signed_off_at']);
  const fix = (row: Json) => Object.fromEntries(Object.entries(row).map(([k, v]) => [k, times.has(k) && typeof v === 'string' ? new Date(v).toISOString() : v]));
  return Object.fromEntries(Object.entries(dump).map(([table, rows]) => [table, sorted((rows as Json[]).map(fix))]));
}

describe('reporting projection, written in bulk', () => {
  let db: TestDatabase;
  let client: PoolClient;
  beforeAll(async () => {
    db = await createTestDatabase({ migrate: false, poolSize: 1 });
    client = await db.pool.connect();
  });
  afterAll(async () => {
    client.release();
    await db.drop();
  });

  const chunks = (events: readonly RecordedEvent[], size: number) => Array.from({ length: Math.ceil(events.length / size) }, (_, i) => events.slice(i * size, i * size + size));

  it('one batch, batches of seven, event by event and the one-event SQL version give the same tables, also when a batch is redelivered', async () => {
    const { events } = reportingHistory(21);
    await applyInSchema(client, reportingProjection, 'rp_batch', [events, events.slice(40, 120)]);
    await applyInSchema(client, reportingProjection, 'rp_sevens', chunks(events, 7));
    await applyInSchema(client, reportingProjection, 'rp_events', chunks(events, 1));
    await applyInSchema(client, reportingV2OneEvent, 'rp_v2', chunks(events, 1));
    const batch = await dumpSchema(client, reportingProjection, 'rp_batch');
    expect(await dumpSchema(client, reportingProjection, 'rp_events')).toEqual(batch);
    expect(await dumpSchema(client, reportingProjection, 'rp_sevens')).toEqual(batch);
    // The one-event SQL version of v2 holds the same information: v3 moved content and chain into tables of their
    // own and keeps the history's data in the log (by position).
    expect(normalised(await dumpSchema(client, reportingV2OneEvent, 'rp_v2'))).toEqual(asV2(batch, events));

    // the three shapes of a draft's life, as the register and the inbox show them
    const drafts = Object.fromEntries((batch.drafts as { draft_id: string }[]).map((d) => [d.draft_id, d as Record<string, unknown>]));
    expect(drafts[draftId(0)]).toMatchObject({ status: 'signed_off', waiting_role: null, approvers: ['head-1', 'secrecy-1', 'office-1'], revision: 9 });
    expect(drafts[draftId(1)]).toMatchObject({ status: 'retracted', title: 'Item 1 (revised)', authors: ['reporter-2'], approvers: ['head-1', 'secrecy-1', 'office-1'], round: 2 });
    expect(drafts[draftId(2)]).toMatchObject({ status: 'rejected', current_step: 2, approvers: ['head-1', 'secrecy-1'] });
    expect((batch.register_outcomes as { draft_id: string; kind: string }[]).filter((o) => o.draft_id === draftId(0)).map((o) => o.kind).sort()).toEqual(['adoption', 'excellent', 'instruction', 'publication']);
    expect((batch.register_entries as { draft_id: string; retracted_at: string | null }[]).filter((r) => r.retracted_at !== null).length).toBe(7);
    expect((batch.commission_units as { first_draft_id: string | null }[]).filter((u) => u.first_draft_id !== null).length).toBe(3);
  }, 60_000);

  it('issues as many statements for 3 drafts as for 90', async () => {
    const counts: number[] = [];
    for (const [i, drafts] of [3, 90].entries()) {
      const { events } = reportingHistory(drafts);
      const schema = `rp_count_${i}`;
      let statements = 0;
      const counting = new Proxy(client, {
        get: (target, prop, receiver) =>
          prop === 'query'
            ? (...args: Parameters<PoolClient['query']>) => {
                statements += 1;
                return (target.query as (...a: unknown[]) => unknown).apply(target, args);
              }
            : Reflect.get(target, prop, receiver),
      });
      await applyInSchema(counting, reportingProjection, schema, []);
      statements = 0;
      await client.query('BEGIN');
      await reportingProjection.applyBatch!(events, { client: counting, t: (table) => `"${schema}"."${table}"`, mode: 'rebuild', buildId: schema, parameters: {} });
      await client.query('COMMIT');
      counts.push(statements);
    }
    // one load per table read (drafts, register entries, commissions, commission units), one upsert per table
    // written (drafts, register entries, outcomes, commissions, commission units)
    expect(counts[1]).toBe(counts[0]);
    expect(counts[0]).toBeLessThanOrEqual(10);
  }, 60_000);

  it('its table specs say what its setup creates', async () => {
    expect(await specMismatches(client, 'rp_batch', Object.values(reportingTables))).toEqual([]);
  });
});
