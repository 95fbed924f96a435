import type { PoolClient } from 'pg';
import type { RecordedEvent } from '@app/event-store';
import { applyInSchema, dumpSchema, specMismatches } from '@app/projections';
import { createTestDatabase, TestDatabase } from '@test/support';
import { draftId, reportingHistory } from './drafts.history.fixture';
import { reportingTables } from './drafts.mapping';
import { reportingProjection } from './drafts.projection';
import { reportingV2OneEvent } from './drafts.v2.fixture';

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
    expect(await dumpSchema(client, reportingV2OneEvent, 'rp_v2')).toEqual(batch);

    // the three shapes of a draft's life, as the register and the inbox show them
    const drafts = Object.fromEntries((batch.drafts as { draft_id: string }[]).map((d) => [d.draft_id, d as Record<string, unknown>]));
    expect(drafts[draftId(0)]).toMatchObject({ status: 'signed_off', waiting_role: null, approvers: ['head-1', 'secrecy-1', 'office-1'], revision: 9 });
    expect(drafts[draftId(1)]).toMatchObject({ status: 'retracted', title: 'Item 1 (revised)', authors: ['reporter-2'], approvers: ['head-1', 'secrecy-1', 'office-1'], round: 2 });
    expect(drafts[draftId(2)]).toMatchObject({ status: 'rejected', current_step: 2, approvers: ['head-1', 'secrecy-1'] });
    expect((batch.register_outcomes as { draft_id: string; kind: string }[]).filter((o) => o.draft_id === draftId(0)).map((o) => o.kind).sort()).toEqual(['adoption', 'excellent', 'instruction', 'publication']);
    expect((batch.register_entries as { draft_id: string; retracted_at: string | null }[]).filter((r) => r.retracted_at !== null).length).toBe(7);
    expect((batch.commission_units as { first_draft_id: string | null }[]).filter((u) => u.first_draft_id !== null).length).toBe(3);
    expect((batch.draft_history as unknown[]).length).toBe(events.filter((e) => e.streamId.startsWith('draft-')).length);
  });

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
    // one load per table read (drafts, register entries, commissions, commission units), one upsert per table written
    expect(counts[1]).toBe(counts[0]);
    expect(counts[0]).toBeLessThanOrEqual(10);
  });

  it('its table specs say what its setup creates', async () => {
    expect(await specMismatches(client, 'rp_batch', Object.values(reportingTables))).toEqual([]);
  });
});
