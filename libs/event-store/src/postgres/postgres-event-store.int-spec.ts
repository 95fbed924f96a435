import { deterministicUuid, newId } from '@app/kernel';
import { createTestDatabase } from '@test/support';
import { eventStoreContract } from '@app/event-store/contract';
import type { EventToAppend } from '../event-store.port';
import { PostgresEventStore } from './postgres-event-store';

eventStoreContract('PostgreSQL', async () => {
  const db = await createTestDatabase();
  const store = new PostgresEventStore(db.pool, { pollIntervalMs: 200 });
  return {
    store,
    async dispose() {
      await store.close();
      await db.drop();
    },
  };
});

describe('PostgreSQL readLog before a hole', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let store: PostgresEventStore;
  beforeAll(async () => {
    db = await createTestDatabase({ poolSize: 4 });
    store = new PostgresEventStore(db.pool, { pollIntervalMs: 200 });
  });
  afterAll(async () => {
    await store.close();
    await db.drop();
  });
  const event = (type: string): EventToAppend => {
    const commandId = newId();
    return { type, data: {}, metadata: { eventId: deterministicUuid(commandId), commandId, correlationId: 'late-corr', causationId: commandId, actorId: 'auditor-test', schemaVersion: 1 } };
  };

  it('stops below a position still in flight, so paging on from `through` gets the late commit', async () => {
    await store.appendToStream('audit-early', [event('Early')]);
    const start = await store.headPosition();
    // a transaction takes the next position and stays open while a later append commits above it
    const client = await db.pool.connect();
    const late = event('Late');
    await client.query('BEGIN');
    const held = BigInt(
      (
        await client.query<{ last_position: string }>('SELECT * FROM es_append($1, $2, $3::uuid[], $4::text[], $5::int[], $6::jsonb[], $7::jsonb[])', [
          'audit-late',
          'any',
          [late.metadata.eventId],
          [late.type],
          [1],
          [JSON.stringify(late.data)],
          [JSON.stringify(late.metadata)],
        ])
      ).rows[0]!.last_position,
    );
    const after = await store.appendToStream('audit-after', [event('After')]);
    expect(after.position > held).toBe(true);
    const before = await store.readLog({ after: start, correlationId: 'late-corr' });
    expect(before).toEqual({ events: [], through: start });
    await client.query('COMMIT');
    client.release();
    const next = await store.readLog({ after: before.through, correlationId: 'late-corr' });
    expect(next.events.map((e) => [e.type, e.position])).toEqual([
      ['Late', held],
      ['After', after.position],
    ]);
  });
});
