import { deterministicUuid, newId } from '@app/kernel';
import { createTestDatabase, TestDatabase } from '@test/support';
import { PostgresEventStore } from './postgres-event-store';

/**
 * The no-gap guarantee: under concurrent appends a subscriber must never skip an event that commits late.
 * 8 writers x 1,000 appends while a subscriber reads: every event exactly once, in position order, and recorded
 * times non-decreasing in position order.
 * WRITERS / APPENDS_PER_WRITER can be raised for a longer run (npm run test:load).
 */
const WRITERS = Number(process.env.WRITERS ?? 8);
const APPENDS_PER_WRITER = Number(process.env.APPENDS_PER_WRITER ?? 1000);

describe('PostgresEventStore under concurrent writers', () => {
  let db: TestDatabase;
  let store: PostgresEventStore;

  beforeAll(async () => {
    db = await createTestDatabase({ poolSize: WRITERS + 4 });
    store = new PostgresEventStore(db.pool, { pollIntervalMs: 50 });
  });
  afterAll(async () => {
    await store.close();
    await db.drop();
  });

  it(`a live subscriber sees all ${WRITERS} x ${APPENDS_PER_WRITER} events exactly once, in position order, recorded times non-decreasing`, async () => {
    const total = WRITERS * APPENDS_PER_WRITER;
    const controller = new AbortController();
    const seen: { position: bigint; stream: string; revision: bigint; recordedAt: string }[] = [];
    const subscriber = (async () => {
      for await (const batch of store.subscribeToAll({ after: 0n, batchSize: 250, signal: controller.signal })) {
        for (const e of batch) seen.push({ position: e.position, stream: e.streamId, revision: e.revision, recordedAt: e.metadata.recordedAt });
        if (seen.length >= total) controller.abort();
      }
    })();

    const writer = async (w: number): Promise<void> => {
      const stream = `load-${w}x${newId().slice(0, 8)}`;
      for (let i = 0; i < APPENDS_PER_WRITER; i++) {
        const commandId = newId();
        await store.appendToStream(
          stream,
          [{ type: 'LoadEvent', data: { w, i }, metadata: { eventId: deterministicUuid(commandId), commandId, correlationId: commandId, causationId: commandId, actorId: 'load', schemaVersion: 1 } }],
          i === 0 ? 'no_stream' : BigInt(i - 1),
        );
      }
    };
    await Promise.all(Array.from({ length: WRITERS }, (_, w) => writer(w)));
    const timeout = setTimeout(() => controller.abort(), 60_000);
    await subscriber;
    clearTimeout(timeout);

    expect(seen).toHaveLength(total);
    // strictly increasing positions: nothing duplicated, nothing out of order
    for (let i = 1; i < seen.length; i++) expect(seen[i]!.position > seen[i - 1]!.position).toBe(true);
    // no gap: positions are exactly 1..total
    expect(seen[0]!.position).toBe(1n);
    expect(seen[seen.length - 1]!.position).toBe(BigInt(total));
    // each writer's stream arrives in revision order
    const lastRevision = new Map<string, bigint>();
    for (const e of seen) {
      expect(e.revision).toBe((lastRevision.get(e.stream) ?? -1n) + 1n);
      lastRevision.set(e.stream, e.revision);
    }
    expect(lastRevision.size).toBe(WRITERS);
    // recorded times never go back in position order (audit reads time in log order), though appends waited
    const earlierThanPrevious = seen.filter((e, i) => i > 0 && Date.parse(e.recordedAt) < Date.parse(seen[i - 1]!.recordedAt));
    expect(earlierThanPrevious.map((e) => `${e.position}: ${e.recordedAt}`)).toEqual([]);
  }, 180_000);
});
