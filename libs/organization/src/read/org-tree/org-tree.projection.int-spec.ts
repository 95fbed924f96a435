import type { PoolClient } from 'pg';
import { applyInSchema, dumpSchema, EventLog, specMismatches } from '@app/projections';
import { createTestDatabase, TestDatabase } from '@test/support';
import { orgTreeProjection, orgUnits } from './org-tree.projection';

const unit = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

/** A bureau with two sections and a squad: renamed, moved, dissolved. */
function history(): EventLog {
  const log = new EventLog();
  const register = (n: number, name: string, parent: number | null) =>
    log.append(`unit-${unit(n)}`, 'UnitRegistered', { unitId: unit(n), name, unitType: n === 1 ? 'bureau' : 'section', parentId: parent ? unit(parent) : null, registeredAt: '2026-01-05T02:00:00.000Z' });
  register(1, 'Bureau', null);
  register(2, 'Section A', 1);
  register(3, 'Section B', 1);
  register(4, 'Squad', 2);
  log.append(`unit-${unit(2)}`, 'UnitRenamed', { unitId: unit(2), name: 'Propaganda', previousName: 'Section A', renamedAt: '2026-02-01T00:00:00.000Z' });
  log.append(`unit-${unit(4)}`, 'UnitMoved', { unitId: unit(4), fromParentId: unit(2), toParentId: unit(3), movedAt: '2026-02-02T00:00:00.000Z' });
  log.append(`unit-${unit(3)}`, 'UnitDissolved', { unitId: unit(3), dissolvedOn: '2026-06-30', reason: null, dissolvedAt: '2026-06-30T09:00:00.000Z' });
  log.append(`unit-${unit(2)}`, 'UnitRenamed', { unitId: unit(2), name: 'Publicity', previousName: 'Propaganda', renamedAt: '2026-07-01T00:00:00.000Z' });
  return log;
}

describe('org-tree projection, written in bulk', () => {
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

  it('one batch, batches of three, and event by event give the same tables, also when a batch is redelivered', async () => {
    const { events } = history();
    const chunks = (size: number) => Array.from({ length: Math.ceil(events.length / size) }, (_, i) => events.slice(i * size, i * size + size));
    await applyInSchema(client, orgTreeProjection, 'tree_batch', [events, events.slice(2)]);
    await applyInSchema(client, orgTreeProjection, 'tree_threes', chunks(3));
    await applyInSchema(client, orgTreeProjection, 'tree_events', chunks(1));
    const batch = await dumpSchema(client, orgTreeProjection, 'tree_batch');
    expect(await dumpSchema(client, orgTreeProjection, 'tree_events')).toEqual(batch);
    expect(await dumpSchema(client, orgTreeProjection, 'tree_threes')).toEqual(batch);
    expect(batch.org_units!.map((r) => r as Record<string, unknown>).map(({ name, parent_id, dissolved_on, revision }) => ({ name, parent_id, dissolved_on, revision }))).toEqual([
      { name: 'Bureau', parent_id: null, dissolved_on: null, revision: 0 },
      { name: 'Publicity', parent_id: unit(1), dissolved_on: null, revision: 2 },
      { name: 'Section B', parent_id: unit(1), dissolved_on: '2026-06-30', revision: 1 },
      { name: 'Squad', parent_id: unit(3), dissolved_on: null, revision: 1 },
    ]);
  });

  it('its table spec says what its setup creates', async () => {
    expect(await specMismatches(client, 'tree_batch', [orgUnits])).toEqual([]);
  });
});
