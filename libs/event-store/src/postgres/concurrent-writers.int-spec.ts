import type { Pool, PoolClient } from 'pg';
import { deterministicUuid, newId } from '@app/kernel';
import { createTestDatabase, TestDatabase } from '@test/support';
import type { EventToAppend, RecordedEvent } from '../event-store.port';
import { PostgresEventStore } from './postgres-event-store';

/**
 * The no-gap guarantee: appends commit concurrently (ADR 0012), and a subscriber must never skip an event that
 * commits late. 8 writers x 1,000 appends while a subscriber reads: every event exactly once, in position order,
 * and recorded times non-decreasing in position order. Then commits forced out of order: a transaction takes its
 * position and stays open while others commit after it; the subscriber waits for it, and passes its hole only
 * when it rolls back.
 * WRITERS / APPENDS_PER_WRITER can be raised for a longer run (npm run test:load).
 */
const WRITERS = Number(process.env.WRITERS ?? 8);
const APPENDS_PER_WRITER = Number(process.env.APPENDS_PER_WRITER ?? 1000);

describe('PostgresEventStore under concurrent writers', () => {
  let db: TestDatabase;
  let store: PostgresEventStore;
  /** How many bounded reads (subscriber reads, headPosition) the store has made. */
  let reads = 0;

  beforeAll(async () => {
    db = await createTestDatabase({ poolSize: WRITERS + 4 });
    store = new PostgresEventStore(countingReads(db.pool, () => reads++), { pollIntervalMs: 50 });
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

  describe('commits out of order', () => {
    const event = (i: number): EventToAppend => {
      const commandId = newId();
      return { type: 'Late', data: { i }, metadata: { eventId: deterministicUuid(commandId), commandId, correlationId: commandId, causationId: commandId, actorId: 'load', schemaVersion: 1 } };
    };
    /** Takes a position in a transaction left open: es_append as the store calls it, on a client of its own. */
    async function openAppend(client: PoolClient, stream: string): Promise<bigint> {
      const e = event(0);
      await client.query('BEGIN');
      const r = await client.query<{ last_position: string }>(
        'SELECT * FROM es_append($1, $2, $3::uuid[], $4::text[], $5::int[], $6::jsonb[], $7::jsonb[])',
        [stream, 'any', [e.metadata.eventId], [e.type], [1], [JSON.stringify(e.data)], [JSON.stringify(e.metadata)]],
      );
      return BigInt(r.rows[0]!.last_position);
    }
    async function waitFor(condition: () => boolean | Promise<boolean>, what: string): Promise<void> {
      const started = Date.now();
      while (!(await condition())) {
        if (Date.now() - started > 20_000) throw new Error(`timed out waiting for ${what}`);
        await new Promise((resolve) => setImmediate(resolve));
      }
    }

    it('es_append refuses a transaction that already has an xid (the position would not follow it) and REPEATABLE READ', async () => {
      const client = await db.pool.connect();
      const e = event(0);
      const args = ['refused-' + newId(), 'any', [e.metadata.eventId], [e.type], [1], [JSON.stringify(e.data)], [JSON.stringify(e.metadata)]];
      const call = 'SELECT * FROM es_append($1, $2, $3::uuid[], $4::text[], $5::int[], $6::jsonb[], $7::jsonb[])';
      try {
        await client.query('BEGIN');
        await client.query('SELECT pg_current_xact_id()');
        await expect(client.query(call, args)).rejects.toMatchObject({ code: 'BS003' });
        await client.query('ROLLBACK');
        await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ');
        await expect(client.query(call, args)).rejects.toMatchObject({ code: 'BS003' });
        await client.query('ROLLBACK');
      } finally {
        client.release();
      }
    });

    it.each(['commits', 'rolls back'] as const)(
      'a subscriber waits at a position whose transaction is still open while later ones commit, then goes on when it %s',
      async (outcome) => {
        const start = await store.headPosition();
        const controller = new AbortController();
        const seen: RecordedEvent[] = [];
        const subscriber = (async () => {
          for await (const batch of store.subscribeToAll({ after: start, signal: controller.signal })) seen.push(...batch);
        })();

        const late = await db.pool.connect();
        try {
          const held = await openAppend(late, `late-${newId()}`);
          // Three writers commit 5 appends each, all at positions above the open one.
          const later = await Promise.all(
            [0, 1, 2].map(async (w) => {
              const stream = `later-${w}-${newId()}`;
              const positions: bigint[] = [];
              for (let i = 0; i < 5; i++) positions.push((await store.appendToStream(stream, [event(i)], i === 0 ? 'no_stream' : BigInt(i - 1))).position);
              return positions;
            }),
          );
          const above = later.flat().sort((a, b) => (a < b ? -1 : 1));
          expect(above[0]! > held).toBe(true);

          // The later events are committed and visible, yet nothing at or beyond the open position is delivered or
          // counted in the head, however often the subscriber reads (its wake-ups came with those commits).
          const visible = await db.pool.query<{ n: string }>('SELECT count(*) AS n FROM es_events WHERE global_position > $1', [String(held)]);
          expect(Number(visible.rows[0]!.n)).toBe(15);
          const readsBefore = reads;
          await waitFor(() => reads >= readsBefore + 5, 'five more reads');
          expect(await store.headPosition()).toBe(held - 1n);
          expect(await store.readAll({ after: held - 1n })).toEqual([]);
          expect(seen.filter((e) => e.position >= held)).toEqual([]);

          if (outcome === 'commits') await late.query('COMMIT');
          else await late.query('ROLLBACK');
          const expected = outcome === 'commits' ? [held, ...above] : above;
          await waitFor(() => seen.length > 0 && seen[seen.length - 1]!.position >= above[above.length - 1]!, 'the later events');
          expect(seen.map((e) => e.position).filter((p) => p >= held)).toEqual(expected);
          expect(await store.headPosition()).toBe(above[above.length - 1]!);
        } finally {
          await late.query('ROLLBACK').catch(() => undefined);
          late.release();
          controller.abort();
          await subscriber;
        }
      },
      60_000,
    );
  });
});

/** The pool, counting the queries that read through es_head() (the bounded reads of subscribers and headPosition). */
function countingReads(pool: Pool, count: () => void): Pool {
  return new Proxy(pool, {
    get(target, property, receiver) {
      if (property !== 'query') return Reflect.get(target, property, receiver) as unknown;
      return (text: unknown, ...rest: unknown[]) => {
        if (typeof text === 'string' && text.includes('es_head()')) count();
        return (target.query as (...args: unknown[]) => unknown).call(target, text, ...rest);
      };
    },
  });
}
