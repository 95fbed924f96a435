import { deterministicUuid, newId } from '@app/kernel';
import { AppendResult, EventBatch, EventIdReused, EventStore, EventToAppend, ExpectedRevision, RecordedEvent, WrongExpectedRevision } from '../event-store.port';

export interface EventStoreContractOptions {
  /**
   * Where an event id must be unique. 'log' (the default; PostgreSQL, in memory): an id already stored in another
   * stream is refused with EventIdReused. 'stream' (EventStoreDB, whose idempotence check "is based on the EventId
   * and stream. It is possible to reuse an EventId across streams", per its documentation): the append to the
   * other stream is an ordinary append. Our ids are derived from the command id AND the stream
   * (handleCommand), so only a caller that builds its own ids can meet the difference.
   */
  readonly eventIdScope?: 'log' | 'stream';
  /**
   * Whether appendMany is all or nothing (PostgreSQL, in memory: true, the default). EventStoreDB has no
   * transaction across streams: its appendMany appends one after the other, so a failure keeps the appends before
   * it, and the contract checks exactly that.
   */
  readonly atomicAppendMany?: boolean;
}

/**
 * The contract every EventStore adapter passes. Call it from an adapter's spec with a factory that gives a
 * store on an empty (or at least isolated) log; stream names are unique per test so a shared server works too.
 */
export function eventStoreContract(
  name: string,
  open: () => Promise<{ store: EventStore; dispose(): Promise<void> }>,
  options: EventStoreContractOptions = {},
): void {
  const eventIdScope = options.eventIdScope ?? 'log';
  const atomicAppendMany = options.atomicAppendMany ?? true;
  describe(`EventStore contract: ${name}`, () => {
    let store: EventStore;
    let dispose: () => Promise<void>;

    beforeAll(async () => {
      ({ store, dispose } = await open());
    });
    afterAll(async () => {
      await dispose();
    });

    const stream = (category = 'contract') => `${category}-${newId().replace(/-/g, '')}`;
    const event = (type: string, data: unknown, commandId = newId(), index = 0): EventToAppend => ({
      type,
      data,
      metadata: {
        eventId: deterministicUuid(commandId, String(index)),
        commandId,
        correlationId: 'corr-1',
        causationId: 'cause-1',
        actorId: 'member-1',
        schemaVersion: 1,
      },
    });

    describe('when the stream does not exist', () => {
      it('reads as empty', async () => {
        expect(await store.readStream(stream())).toEqual([]);
      });
      it('appends with no_stream and starts at revision 0', async () => {
        const s = stream();
        const result = await store.appendToStream(s, [event('A', { n: 1 }), event('B', { n: 2 }, newId())], 'no_stream');
        expect(result.nextExpectedRevision).toBe(1n);
        expect(result.duplicate).toBe(false);
        const read = await store.readStream(s);
        expect(read.map((e) => [e.type, e.revision, e.data])).toEqual([
          ['A', 0n, { n: 1 }],
          ['B', 1n, { n: 2 }],
        ]);
      });
      it('refuses stream_exists and a revision', async () => {
        await expect(store.appendToStream(stream(), [event('A', {})], 'stream_exists')).rejects.toBeInstanceOf(WrongExpectedRevision);
        await expect(store.appendToStream(stream(), [event('A', {})], 0n)).rejects.toBeInstanceOf(WrongExpectedRevision);
      });
      it('accepts any', async () => {
        const result = await store.appendToStream(stream(), [event('A', {})], 'any');
        expect(result.nextExpectedRevision).toBe(0n);
      });
    });

    describe('when the stream exists', () => {
      let s: string;
      beforeEach(async () => {
        s = stream();
        await store.appendToStream(s, [event('A', { n: 1 })], 'no_stream');
      });
      it('appends at the expected revision', async () => {
        const result = await store.appendToStream(s, [event('B', {})], 0n);
        expect(result.nextExpectedRevision).toBe(1n);
      });
      it('refuses a stale revision with a typed conflict naming the actual revision', async () => {
        await store.appendToStream(s, [event('B', {})], 0n);
        const error = await store.appendToStream(s, [event('C', {})], 0n).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(WrongExpectedRevision);
        expect((error as WrongExpectedRevision).actual).toBe(1n);
        expect((error as WrongExpectedRevision).kind).toBe('conflict');
      });
      it('refuses no_stream', async () => {
        await expect(store.appendToStream(s, [event('B', {})], 'no_stream')).rejects.toBeInstanceOf(WrongExpectedRevision);
      });
      it('accepts stream_exists', async () => {
        await expect(store.appendToStream(s, [event('B', {})], 'stream_exists')).resolves.toMatchObject({ nextExpectedRevision: 1n });
      });
      it('reads from a revision with a max count', async () => {
        await store.appendToStream(s, [event('B', {}), event('C', {}, newId()), event('D', {}, newId())], 0n);
        const read = await store.readStream(s, { fromRevision: 1n, maxCount: 2 });
        expect(read.map((e) => e.type)).toEqual(['B', 'C']);
      });
    });

    describe('metadata', () => {
      it('keeps every field and stamps recordedAt', async () => {
        const s = stream();
        const e = event('A', { x: 'y' });
        const before = Date.now();
        await store.appendToStream(s, [e], 'no_stream');
        const [read] = await store.readStream(s);
        expect(read!.metadata).toMatchObject({ ...e.metadata });
        const recordedAt = Date.parse(read!.metadata.recordedAt);
        expect(recordedAt).toBeGreaterThanOrEqual(before - 5000);
        expect(recordedAt).toBeLessThanOrEqual(Date.now() + 5000);
      });
    });

    describe('idempotency', () => {
      it('a retried append with the same event ids writes nothing and says so', async () => {
        const s = stream();
        const commandId = newId();
        const events = [event('A', {}, commandId, 0), event('B', {}, commandId, 1)];
        const first = await store.appendToStream(s, events, 'no_stream');
        const again = await store.appendToStream(s, events, 'no_stream');
        expect(again.duplicate).toBe(true);
        expect(again.nextExpectedRevision).toBe(first.nextExpectedRevision);
        expect(await store.readStream(s)).toHaveLength(2);
      });
    });

    describe('event ids', () => {
      // A retry whose decision changed: the same command (same ids) at the same expected revision, more events.
      it.each([
        ['to a new stream (no_stream)', false],
        ['at a revision', true],
      ])('refuses an append some (not all) of whose ids are already stored, %s, and writes nothing', async (_, existing) => {
        const s = stream();
        const commandId = newId();
        if (existing) await store.appendToStream(s, [event('Seed', {})], 'no_stream');
        const expected = existing ? 0n : 'no_stream';
        await store.appendToStream(s, [event('A', {}, commandId, 0)], expected);
        const error = await store.appendToStream(s, [event('A', {}, commandId, 0), event('B', {}, commandId, 1)], expected).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(EventIdReused);
        expect((await store.readStream(s)).map((e) => e.type)).toEqual(existing ? ['Seed', 'A'] : ['A']);
      });
      if (eventIdScope === 'log') {
        it('refuses ids already stored in another stream, and writes nothing', async () => {
          const first = stream();
          const second = stream();
          const commandId = newId();
          await store.appendToStream(first, [event('A', {}, commandId, 0)], 'no_stream');
          const error = await store.appendToStream(second, [event('A', {}, commandId, 0)], 'any').catch((e: unknown) => e);
          expect(error).toBeInstanceOf(EventIdReused);
          expect(await store.readStream(second)).toEqual([]);
        });
        it('the same ids appended at once to two streams: one lands, the other is EventIdReused (50 pairs)', async () => {
          const outcomes = await Promise.all(
            Array.from({ length: 50 }, async () => {
              const commandId = newId();
              const [a, b] = [stream(), stream()];
              const results = await Promise.allSettled([a, b].map((s) => store.appendToStream(s, [event('A', {}, commandId, 0)], 'no_stream')));
              const refused = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected').map((r) => r.reason as unknown);
              const stored = (await store.readStream(a)).length + (await store.readStream(b)).length;
              return { landed: results.length - refused.length, reused: refused.filter((e) => e instanceof EventIdReused).length, stored };
            }),
          );
          expect(outcomes.filter((o) => o.landed !== 1 || o.reused !== 1 || o.stored !== 1)).toEqual([]);
        }, 60_000);
      } else {
        it('scopes event ids to a stream: the same ids in another stream are an ordinary append', async () => {
          const first = stream();
          const second = stream();
          const commandId = newId();
          await store.appendToStream(first, [event('A', {}, commandId, 0)], 'no_stream');
          await expect(store.appendToStream(second, [event('A', {}, commandId, 0)], 'no_stream')).resolves.toMatchObject({ duplicate: false });
          expect(await store.readStream(second)).toHaveLength(1);
        });
      }
    });

    describe('concurrent appends', () => {
      const PAIRS = 50;
      /**
       * Runs PAIRS pairs, all at once: the appends queue behind each other in the store, which widens the window
       * in which the two appends of a pair overlap (run one pair at a time, a race shows up in a few pairs only).
       * Every pair must pass; the first failure is rethrown.
       */
      const pairs = async (run: (pair: number) => Promise<void>): Promise<void> => {
        const outcomes = await Promise.allSettled(Array.from({ length: PAIRS }, (_, pair) => run(pair)));
        const failed = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
        if (failed.length > 0) throw failed[0]!.reason;
      };

      it(`two appends with \`any\` to a new stream never conflict and both land (${PAIRS} pairs)`, async () => {
        await pairs(async (pair) => {
          const s = stream();
          const outcomes = await Promise.allSettled([
            store.appendToStream(s, [event('A', { pair })], 'any'),
            store.appendToStream(s, [event('B', { pair })], 'any'),
          ]);
          expect(outcomes.map((o) => (o.status === 'rejected' ? String(o.reason) : 'ok'))).toEqual(['ok', 'ok']);
          const read = await store.readStream(s);
          expect(read.map((e) => e.revision)).toEqual([0n, 1n]);
          expect(read.map((e) => e.type).sort()).toEqual(['A', 'B']);
        });
      }, 60_000);

      /** The same events appended twice at once: exactly one append and one duplicate answer, one copy stored. */
      async function sameIdsTwiceAtOnce(s: string, expected: ExpectedRevision, before: number): Promise<void> {
        const commandId = newId();
        const events = [event('A', {}, commandId, 0), event('B', {}, commandId, 1)];
        const outcomes = await Promise.allSettled([store.appendToStream(s, events, expected), store.appendToStream(s, events, expected)]);
        expect(outcomes.map((o) => (o.status === 'rejected' ? String(o.reason) : 'ok'))).toEqual(['ok', 'ok']);
        const [a, b] = outcomes.map((o) => (o as PromiseFulfilledResult<AppendResult>).value);
        expect([a!.duplicate, b!.duplicate].sort()).toEqual([false, true]);
        expect(a!.nextExpectedRevision).toBe(BigInt(before + 1));
        expect(b!.nextExpectedRevision).toBe(BigInt(before + 1));
        expect(a!.position).toBe(b!.position);
        const read = await store.readStream(s);
        expect(read.map((e) => e.type)).toEqual([...Array.from({ length: before }, () => 'Seed'), 'A', 'B']);
      }

      it.each(['any', 'no_stream'] as const)(
        `the same event ids appended twice at once to a new stream (%s) give one append and one duplicate (${PAIRS} pairs)`,
        async (expected) => {
          await pairs(() => sameIdsTwiceAtOnce(stream(), expected, 0));
        },
        60_000,
      );

      it(`the same event ids appended twice at once at a revision give one append and one duplicate (${PAIRS} pairs)`, async () => {
        await pairs(async () => {
          const s = stream();
          await store.appendToStream(s, [event('Seed', {})], 'no_stream');
          await sameIdsTwiceAtOnce(s, 0n, 1);
        });
      }, 60_000);
    });

    describe('the global log', () => {
      it('readAll returns events after a position, in increasing position order', async () => {
        const head = await store.headPosition();
        const a = stream();
        const b = stream();
        await store.appendToStream(a, [event('A1', {})], 'no_stream');
        await store.appendToStream(b, [event('B1', {})], 'no_stream');
        await store.appendToStream(a, [event('A2', {})], 0n);
        const read = (await store.readAll({ after: head, maxCount: 1000 })).filter((e) => e.streamId === a || e.streamId === b);
        expect(read.map((e) => e.type)).toEqual(['A1', 'B1', 'A2']);
        const positions = read.map((e) => e.position);
        expect([...positions].sort((x, y) => (x < y ? -1 : 1))).toEqual(positions);
        expect(await store.headPosition()).toBeGreaterThanOrEqual(positions[2]!);
      });
      it('readAll pages in batches', async () => {
        const head = await store.headPosition();
        const s = stream();
        await store.appendToStream(s, [1, 2, 3, 4, 5].map((n) => event(`E${n}`, {}, newId())), 'no_stream');
        const page1 = await store.readAll({ after: head, maxCount: 2 });
        const page2 = await store.readAll({ after: page1[1]!.position, maxCount: 2 });
        expect(page1).toHaveLength(2);
        expect(page2[0]!.position > page1[1]!.position).toBe(true);
      });
    });

    describe('subscribeToAll', () => {
      it('catches up from a position, then delivers live appends', async () => {
        const head = await store.headPosition();
        const s = stream();
        await store.appendToStream(s, [event('Before', {})], 'no_stream');
        const controller = new AbortController();
        const seen: RecordedEvent[] = [];
        const done = (async () => {
          for await (const batch of store.subscribeToAll({ after: head, signal: controller.signal })) {
            seen.push(...batch.filter((e) => e.streamId === s));
            if (seen.length >= 2) controller.abort();
          }
        })();
        await waitUntil(() => seen.length >= 1);
        await store.appendToStream(s, [event('After', {})], 0n);
        await done;
        expect(seen.map((e) => e.type)).toEqual(['Before', 'After']);
      });
    });

    describe('appendMany', () => {
      it('appends to several streams, one result per append in order, positions increasing', async () => {
        const [a, b] = [stream(), stream()];
        await store.appendToStream(b, [event('Seed', {})], 'no_stream');
        const results = await store.appendMany([
          { stream: a, events: [event('A1', {}), event('A2', {}, newId())], expected: 'no_stream' },
          { stream: b, events: [event('B1', {})], expected: 0n },
        ]);
        expect(results.map((r) => [r.nextExpectedRevision, r.duplicate])).toEqual([
          [1n, false],
          [1n, false],
        ]);
        expect(results[1]!.position > results[0]!.position).toBe(true);
        expect((await store.readStream(a)).map((e) => e.type)).toEqual(['A1', 'A2']);
        const readB = await store.readStream(b);
        expect(readB.map((e) => e.type)).toEqual(['Seed', 'B1']);
        expect(readB[1]!.position).toBe(results[1]!.position);
      });

      it('lets a later append to the same stream see the earlier one', async () => {
        const s = stream();
        const results = await store.appendMany([
          { stream: s, events: [event('A', {})], expected: 'no_stream' },
          { stream: s, events: [event('B', {})], expected: 0n },
        ]);
        expect(results.map((r) => r.nextExpectedRevision)).toEqual([0n, 1n]);
        expect((await store.readStream(s)).map((e) => e.type)).toEqual(['A', 'B']);
      });

      it('answers a retry with the same event ids as duplicates and writes nothing', async () => {
        const [a, b] = [stream(), stream()];
        const appends = [
          { stream: a, events: [event('A', {})], expected: 'no_stream' as const },
          { stream: b, events: [event('B', {})], expected: 'no_stream' as const },
        ];
        const first = await store.appendMany(appends);
        const again = await store.appendMany(appends);
        expect(again.map((r) => r.duplicate)).toEqual([true, true]);
        expect(again.map((r) => r.position)).toEqual(first.map((r) => r.position));
        expect(await store.readStream(a)).toHaveLength(1);
        expect(await store.readStream(b)).toHaveLength(1);
      });

      it(
        atomicAppendMany
          ? 'is all or nothing: a stale expected revision in one append writes none of them'
          : 'is NOT atomic on this store: a stale expected revision keeps the appends before it',
        async () => {
          const [a, b, c] = [stream(), stream(), stream()];
          await store.appendToStream(b, [event('Seed', {})], 'no_stream');
          const head = await store.headPosition();
          const error = await store
            .appendMany([
              { stream: a, events: [event('A', {})], expected: 'no_stream' },
              { stream: b, events: [event('B', {})], expected: 5n },
              { stream: c, events: [event('C', {})], expected: 'no_stream' },
            ])
            .catch((e: unknown) => e);
          expect(error).toBeInstanceOf(WrongExpectedRevision);
          expect((error as WrongExpectedRevision).stream).toBe(b);
          expect((await store.readStream(a)).map((e) => e.type)).toEqual(atomicAppendMany ? [] : ['A']);
          expect((await store.readStream(b)).map((e) => e.type)).toEqual(['Seed']);
          expect(await store.readStream(c)).toEqual([]);
          if (atomicAppendMany) {
            // nothing of the failed call is visible in the log either
            expect((await store.readAll({ after: head, maxCount: 1000 })).filter((e) => [a, b, c].includes(e.streamId))).toEqual([]);
          }
        },
      );

      if (atomicAppendMany && eventIdScope === 'log') {
        it('is all or nothing: event ids already stored elsewhere in one append write none of them', async () => {
          const [a, b, other] = [stream(), stream(), stream()];
          const commandId = newId();
          await store.appendToStream(other, [event('X', {}, commandId, 0)], 'no_stream');
          const error = await store
            .appendMany([
              { stream: a, events: [event('A', {})], expected: 'no_stream' },
              { stream: b, events: [event('X', {}, commandId, 0)], expected: 'no_stream' },
            ])
            .catch((e: unknown) => e);
          expect(error).toBeInstanceOf(EventIdReused);
          expect(await store.readStream(a)).toEqual([]);
          expect(await store.readStream(b)).toEqual([]);
        });
      }

      it('two calls over the same streams in opposite orders, at once, both land (20 pairs)', async () => {
        const outcomes = await Promise.allSettled(
          Array.from({ length: 20 }, async () => {
            const [a, b] = [stream(), stream()];
            await Promise.all([
              store.appendMany([
                { stream: a, events: [event('A', {})] },
                { stream: b, events: [event('B', {})] },
              ]),
              store.appendMany([
                { stream: b, events: [event('B', {})] },
                { stream: a, events: [event('A', {})] },
              ]),
            ]);
            expect((await store.readStream(a)).map((e) => e.revision)).toEqual([0n, 1n]);
            expect((await store.readStream(b)).map((e) => e.revision)).toEqual([0n, 1n]);
          }),
        );
        const failed = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
        expect(failed.map((f) => String(f.reason))).toEqual([]);
      }, 60_000);
    });

    describe('readLog: the log filtered and paged', () => {
      /** Values no other test uses, so a shared server's other events never match. */
      const tagged = () => {
        const tag = newId().replace(/-/g, '').slice(0, 12);
        return { tag, category: `audit${tag}`, other: `auditOther${tag}`, actor: `actor-${tag}`, otherActor: `actor2-${tag}`, correlation: `corr-${tag}`, otherCorrelation: `corr2-${tag}` };
      };
      const logged = (type: string, actorId: string, correlationId: string): EventToAppend => {
        const commandId = newId();
        return { type, data: { type }, metadata: { eventId: deterministicUuid(commandId, '0'), commandId, correlationId, causationId: commandId, actorId, schemaVersion: 1 } };
      };
      const pause = () => new Promise((resolve) => setTimeout(resolve, 5));

      /** Six events in four streams of two categories, by two actors, for two requests, at distinct milliseconds. */
      async function history() {
        const t = tagged();
        const head = await store.headPosition();
        const a = stream(t.category);
        const b = stream(t.category);
        const c = stream(t.other);
        await store.appendToStream(a, [logged(`Opened${t.tag}`, t.actor, t.correlation)], 'no_stream');
        await pause();
        await store.appendToStream(c, [logged(`Opened${t.tag}`, t.otherActor, t.correlation)], 'no_stream');
        await pause();
        await store.appendToStream(b, [logged(`Opened${t.tag}`, t.actor, t.otherCorrelation)], 'no_stream');
        await pause();
        await store.appendToStream(a, [logged(`Changed${t.tag}`, t.otherActor, t.otherCorrelation)], 0n);
        await pause();
        await store.appendToStream(c, [logged(`Changed${t.tag}`, t.actor, t.correlation)], 0n);
        await pause();
        await store.appendToStream(b, [logged(`Closed${t.tag}`, t.otherActor, t.otherCorrelation)], 0n);
        const mine = (await store.readAll({ after: head, maxCount: 10_000 })).filter((e) => [a, b, c].includes(e.streamId));
        expect(mine).toHaveLength(6);
        return { ...t, head, mine, streams: { a, b, c } };
      }
      const positions = (events: readonly RecordedEvent[]) => events.map((e) => e.position);

      it('each filter narrows the log to exactly the events it names, in position order, with their metadata', async () => {
        const h = await history();
        const ofCategory = h.mine.filter((e) => e.streamId.startsWith(`${h.category}-`));
        const read = await store.readLog({ after: h.head, categories: [h.category] });
        expect(read.events).toEqual(ofCategory);
        expect(ofCategory).toHaveLength(4);
        expect(positions((await store.readLog({ after: h.head, categories: [h.category, h.other] })).events)).toEqual(positions(h.mine));
        expect(positions((await store.readLog({ after: h.head, types: [`Opened${h.tag}`] })).events)).toEqual(positions(h.mine.filter((e) => e.type === `Opened${h.tag}`)));
        expect(positions((await store.readLog({ after: h.head, types: [`Changed${h.tag}`, `Closed${h.tag}`] })).events)).toEqual(positions(h.mine.slice(3)));
        expect(positions((await store.readLog({ after: h.head, actorId: h.actor })).events)).toEqual(positions(h.mine.filter((e) => e.metadata.actorId === h.actor)));
        expect(positions((await store.readLog({ after: h.head, correlationId: h.correlation })).events)).toEqual(positions([h.mine[0]!, h.mine[1]!, h.mine[4]!]));
        // from 0: a correlation id is found wherever it is in the log
        expect(positions((await store.readLog({ correlationId: h.otherCorrelation })).events)).toEqual(positions([h.mine[2]!, h.mine[3]!, h.mine[5]!]));
        // filters combine (and)
        expect(positions((await store.readLog({ after: h.head, actorId: h.actor, categories: [h.category] })).events)).toEqual(positions([h.mine[0]!, h.mine[2]!]));
        // an empty list matches nothing; a value nobody used matches nothing
        expect((await store.readLog({ after: h.head, types: [] })).events).toEqual([]);
        expect((await store.readLog({ after: h.head, categories: [] })).events).toEqual([]);
        expect((await store.readLog({ after: h.head, actorId: `nobody-${h.tag}` })).events).toEqual([]);
      });

      it('a time range keeps the events recorded at or after `recordedFrom` and before `recordedTo`', async () => {
        const h = await history();
        const from = h.mine[2]!.metadata.recordedAt;
        const to = h.mine[4]!.metadata.recordedAt;
        expect(Date.parse(from) < Date.parse(to)).toBe(true);
        const expected = h.mine.filter((e) => Date.parse(e.metadata.recordedAt) >= Date.parse(from) && Date.parse(e.metadata.recordedAt) < Date.parse(to));
        expect(expected.length).toBeGreaterThan(0);
        const range = await store.readLog({ after: h.head, categories: [h.category, h.other], recordedFrom: from, recordedTo: to });
        expect(positions(range.events)).toEqual(positions(expected));
        const since = await store.readLog({ after: h.head, categories: [h.category, h.other], recordedFrom: from });
        expect(positions(since.events)).toEqual(positions(h.mine.filter((e) => Date.parse(e.metadata.recordedAt) >= Date.parse(from))));
      });

      it('a position range keeps the events strictly after `after` and at or before `upTo`; `through` stops at `upTo`', async () => {
        const h = await history();
        const [, second, , fourth] = h.mine;
        const read = await store.readLog({ after: second!.position, upTo: fourth!.position, categories: [h.category, h.other] });
        expect(positions(read.events)).toEqual(positions(h.mine.slice(2, 4)));
        expect(read.through).toBe(fourth!.position);
        expect((await store.readLog({ after: fourth!.position, upTo: second!.position })).events).toEqual([]);
      });

      it('pages with maxCount: `through` is the last event of a full page; paging on from it gives every event once, in order', async () => {
        const h = await history();
        const seen: RecordedEvent[] = [];
        let after = h.head;
        for (let page = 0; page < 10; page++) {
          const read = await store.readLog({ after, maxCount: 2, categories: [h.category, h.other] });
          for (const e of read.events) expect(e.position > after && e.position <= read.through).toBe(true);
          seen.push(...read.events);
          if (read.events.length === 2) expect(read.through).toBe(read.events[1]!.position);
          if (read.events.length < 2) {
            expect(read.through >= h.mine[5]!.position).toBe(true);
            break;
          }
          after = read.through;
        }
        expect(seen).toEqual(h.mine);
      });

      it('reads to the head by default and never past it', async () => {
        const h = await history();
        const read = await store.readLog({ after: h.head, categories: [h.category] });
        const head = await store.headPosition();
        expect(read.through >= h.mine[5]!.position && read.through <= head).toBe(true);
        expect(await store.readLog({ after: head })).toEqual({ events: [], through: head });
      });
    });

    describe('filtering by event type', () => {
      /** Event types no other test appends, so a shared server's other events never match. */
      const types = () => {
        const tag = newId().replace(/-/g, '').slice(0, 12);
        return { rare: `Rare${tag}`, common: `Common${tag}`, never: `Never${tag}` };
      };

      it('readAll returns only the asked types, in position order', async () => {
        const { rare, common } = types();
        const head = await store.headPosition();
        const s = stream();
        await store.appendToStream(s, [event(rare, { n: 1 }), event(common, {}, newId()), event(rare, { n: 2 }, newId()), event(common, {}, newId())], 'no_stream');
        const read = await store.readAll({ after: head, types: [rare], maxCount: 1000 });
        expect(read.map((e) => [e.type, e.data])).toEqual([
          [rare, { n: 1 }],
          [rare, { n: 2 }],
        ]);
        expect(await store.readAll({ after: head, types: [], maxCount: 1000 })).toEqual([]);
        expect((await store.readAll({ after: head, types: [rare, common], maxCount: 1000 })).filter((e) => e.streamId === s)).toHaveLength(4);
      });

      it('subscribe delivers only the asked types; `through` never decreases and covers each batch', async () => {
        const { rare, common } = types();
        const head = await store.headPosition();
        const s = stream();
        await store.appendToStream(s, [event(common, {}), event(rare, { n: 1 }, newId()), event(common, {}, newId())], 'no_stream');
        const controller = new AbortController();
        const batches: EventBatch[] = [];
        const seen: RecordedEvent[] = [];
        const done = (async () => {
          for await (const batch of store.subscribe({ after: head, types: [rare], batchSize: 2, signal: controller.signal })) {
            batches.push(batch);
            seen.push(...batch.events);
            if (seen.length >= 2) controller.abort();
          }
        })();
        await waitUntil(() => seen.length >= 1);
        const live = await store.appendToStream(s, [event(common, {}), event(rare, { n: 2 }, newId())], 2n);
        await done;
        expect(seen.map((e) => [e.type, e.data])).toEqual([
          [rare, { n: 1 }],
          [rare, { n: 2 }],
        ]);
        expect(seen[1]!.position).toBe(live.position);
        let previous = head;
        for (const batch of batches) {
          expect(batch.through >= previous).toBe(true);
          for (const e of batch.events) expect(e.position <= batch.through && e.position > previous).toBe(true);
          previous = batch.through;
        }
      });

      it('subscribe moves `through` past events of other types, with empty batches', async () => {
        const { common, never } = types();
        const head = await store.headPosition();
        const s = stream();
        const controller = new AbortController();
        const batches: EventBatch[] = [];
        const done = (async () => {
          for await (const batch of store.subscribe({ after: head, types: [never], signal: controller.signal })) batches.push(batch);
        })();
        const first = await store.appendToStream(s, [event(common, {})], 'no_stream');
        await store.appendToStream(s, Array.from({ length: 40 }, (_, i) => event(common, { i }, newId())), 0n);
        await waitUntil(() => batches.some((b) => b.through >= first.position)).finally(() => controller.abort());
        await done;
        expect(batches.flatMap((b) => b.events)).toEqual([]);
        expect(batches[batches.length - 1]!.through >= first.position).toBe(true);
      });

      it('subscribe without types delivers every event, with `through` at the last one of each batch', async () => {
        const head = await store.headPosition();
        const s = stream();
        await store.appendToStream(s, [event('A', {}), event('B', {}, newId()), event('C', {}, newId())], 'no_stream');
        const controller = new AbortController();
        const mine: RecordedEvent[] = [];
        const done = (async () => {
          for await (const batch of store.subscribe({ after: head, batchSize: 2, signal: controller.signal })) {
            if (batch.events.length > 0) expect(batch.through).toBe(batch.events[batch.events.length - 1]!.position);
            mine.push(...batch.events.filter((e) => e.streamId === s));
            if (mine.length >= 3) controller.abort();
          }
        })();
        await done;
        expect(mine.map((e) => e.type)).toEqual(['A', 'B', 'C']);
      });
    });
  });
}

async function waitUntil(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > timeoutMs) throw new Error('condition not met in time');
    await new Promise((resolve) => setImmediate(resolve));
  }
}
