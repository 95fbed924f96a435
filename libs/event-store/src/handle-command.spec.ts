import { Decider, DomainEvent, IdempotencyKeyReused, InvalidState } from '@app/kernel';
import { InMemoryEventStore } from './testing/in-memory-event-store';
import { handleCommand, StaleRevision } from './handle-command';
import { AppendResult, EventToAppend, ExpectedRevision, WrongExpectedRevision } from './event-store.port';
import { UpcasterRegistry } from './upcasting';

type Counted = DomainEvent<'Counted', { by: number }>;
type Cmd = { type: 'Count'; by: number; limit?: number };
const counter: Decider<Cmd, { total: number }, Counted> = {
  initialState: () => ({ total: 0 }),
  evolve: (s, e) => (e.type === 'Counted' ? { total: s.total + e.data.by } : s),
  decide: (c, s) => {
    if (c.limit !== undefined && s.total + c.by > c.limit) throw new InvalidState('over-limit', 'limit reached');
    return c.by === 0 ? [] : [{ type: 'Counted', data: { by: c.by } }];
  },
};
const ctx = (commandId: string, extra: object = {}) => ({ commandId, actorId: 'm-1', correlationId: 'corr', ...extra });

/**
 * Two first appends of one command racing past the stream's row lock: the loser's append fails (PostgreSQL reports
 * a unique violation, translated to WrongExpectedRevision or not) after the winner's events are stored.
 */
class RacingStore extends InMemoryEventStore {
  race: { run: () => Promise<unknown>; error: (stream: string, expected: ExpectedRevision) => Error } | undefined;
  override async appendToStream(stream: string, events: readonly EventToAppend[], expected: ExpectedRevision = 'any'): Promise<AppendResult> {
    const race = this.race;
    if (!race) return super.appendToStream(stream, events, expected);
    this.race = undefined;
    await race.run();
    throw race.error(stream, expected);
  }
}

describe('handleCommand', () => {
  let store: InMemoryEventStore;
  beforeEach(() => {
    store = new InMemoryEventStore();
  });

  describe('when the stream is new', () => {
    it('appends the decided events with full metadata and answers revision 0', async () => {
      const result = await handleCommand(store, 'counter-1', counter, { type: 'Count', by: 2 }, ctx('c1'));
      expect(result).toMatchObject({ revision: 0n, duplicate: false, events: [{ type: 'Counted', data: { by: 2 } }] });
      const [event] = await store.readStream('counter-1');
      expect(event!.metadata).toMatchObject({ commandId: 'c1', actorId: 'm-1', correlationId: 'corr', causationId: 'c1', schemaVersion: 1 });
    });
    it('derives event ids from the command id (the same command gives the same ids)', async () => {
      await handleCommand(store, 'counter-1', counter, { type: 'Count', by: 2 }, ctx('c1'));
      const other = new InMemoryEventStore();
      await handleCommand(other, 'counter-1', counter, { type: 'Count', by: 2 }, ctx('c1'));
      expect((await store.readStream('counter-1'))[0]!.metadata.eventId).toBe((await other.readStream('counter-1'))[0]!.metadata.eventId);
    });
    it('appends nothing when the decider decides nothing', async () => {
      const result = await handleCommand(store, 'counter-1', counter, { type: 'Count', by: 0 }, ctx('c1'));
      expect(result).toMatchObject({ events: [], revision: undefined });
      expect(await store.headPosition()).toBe(0n);
    });
  });

  describe('when the same command id comes again', () => {
    it('appends nothing and reports the first run as a duplicate', async () => {
      await handleCommand(store, 'counter-1', counter, { type: 'Count', by: 2 }, ctx('c1'));
      await handleCommand(store, 'counter-1', counter, { type: 'Count', by: 5 }, ctx('c2'));
      const again = await handleCommand(store, 'counter-1', counter, { type: 'Count', by: 2 }, ctx('c1'));
      expect(again).toMatchObject({ duplicate: true, revision: 1n, events: [{ type: 'Counted', data: { by: 2 } }] });
      expect(await store.readStream('counter-1')).toHaveLength(2);
    });
  });

  describe('when the command id comes with the fingerprint of the request that carried its Idempotency-Key', () => {
    const approve = ctx('k1', { requestFingerprint: 'v1:approve' });
    it('keeps the fingerprint on the events', async () => {
      await handleCommand(store, 'counter-1', counter, { type: 'Count', by: 2 }, approve);
      expect((await store.readStream('counter-1'))[0]!.metadata.requestFingerprint).toBe('v1:approve');
    });
    it('the same id with the same fingerprint is a duplicate of the first run', async () => {
      await handleCommand(store, 'counter-1', counter, { type: 'Count', by: 2 }, approve);
      const again = await handleCommand(store, 'counter-1', counter, { type: 'Count', by: 2 }, approve);
      expect(again).toMatchObject({ duplicate: true, events: [{ type: 'Counted', data: { by: 2 } }] });
    });
    it('the same id with another fingerprint is another request: IdempotencyKeyReused (422), nothing appended', async () => {
      await handleCommand(store, 'counter-1', counter, { type: 'Count', by: 2 }, approve);
      await expect(handleCommand(store, 'counter-1', counter, { type: 'Count', by: 7 }, ctx('k1', { requestFingerprint: 'v1:return' }))).rejects.toBeInstanceOf(
        IdempotencyKeyReused,
      );
      expect(await store.readStream('counter-1')).toHaveLength(1);
    });
    it('binds the key after the stream scan and before deciding; a refused binding decides and appends nothing', async () => {
      const calls: string[] = [];
      const reading = store.readStream.bind(store);
      store.readStream = (stream, options) => {
        calls.push('read');
        return reading(stream, options);
      };
      const bindIdempotencyKey = () => {
        calls.push('bind');
        return Promise.reject(new IdempotencyKeyReused({ key: 'k1' }));
      };
      const command = () => {
        calls.push('decide');
        return { type: 'Count' as const, by: 1 };
      };
      await expect(handleCommand(store, 'counter-1', counter, command, ctx('k1', { bindIdempotencyKey }))).rejects.toBeInstanceOf(IdempotencyKeyReused);
      expect(calls).toEqual(['read', 'bind']);
      expect(await store.headPosition()).toBe(0n);
    });
    it('a request the log refuses does not bind the key (the binding stays with the first request)', async () => {
      await handleCommand(store, 'counter-1', counter, { type: 'Count', by: 2 }, approve);
      let bound = false;
      const other = ctx('k1', { requestFingerprint: 'v1:return', bindIdempotencyKey: () => ((bound = true), Promise.resolve()) });
      await expect(handleCommand(store, 'counter-1', counter, { type: 'Count', by: 7 }, other)).rejects.toBeInstanceOf(IdempotencyKeyReused);
      expect(bound).toBe(false);
    });
  });

  describe('when the same command runs twice at once (a retry racing its original)', () => {
    let racing: RacingStore;
    beforeEach(() => {
      racing = new RacingStore();
    });
    const sameCommandWins = (error: (stream: string, expected: ExpectedRevision) => Error) => {
      racing.race = { run: () => handleCommand(racing, 'counter-1', counter, { type: 'Count', by: 1 }, ctx('k1')), error };
    };
    it('with If-Match (no retry): the loser answers the winner\'s events as a duplicate, not 409', async () => {
      await handleCommand(racing, 'counter-1', counter, { type: 'Count', by: 1 }, ctx('c0'));
      sameCommandWins((stream, expected) => new WrongExpectedRevision(stream, expected, 1n));
      const result = await handleCommand(racing, 'counter-1', counter, { type: 'Count', by: 1 }, ctx('k1', { expectedRevision: 0n }), { retries: 3 });
      expect(result).toMatchObject({ duplicate: true, revision: 1n, events: [{ type: 'Counted', data: { by: 1 } }] });
      expect(await racing.readStream('counter-1')).toHaveLength(2);
    });
    it('on a new stream, whatever error the store raised for the lost race', async () => {
      sameCommandWins(() => new Error('duplicate key value violates unique constraint "es_events_event_id_unique"'));
      const result = await handleCommand(racing, 'counter-1', counter, { type: 'Count', by: 1 }, ctx('k1'));
      expect(result).toMatchObject({ duplicate: true, revision: 0n });
      expect(await racing.readStream('counter-1')).toHaveLength(1);
    });
    it('an error with no trace of the command in the stream is still raised', async () => {
      racing.race = { run: () => handleCommand(racing, 'counter-1', counter, { type: 'Count', by: 1 }, ctx('other')), error: () => new Error('connection lost') };
      await expect(handleCommand(racing, 'counter-1', counter, { type: 'Count', by: 1 }, ctx('k1'))).rejects.toThrow('connection lost');
    });
  });

  describe('with If-Match', () => {
    it('a stale expected revision is a StaleRevision (412) and appends nothing', async () => {
      await handleCommand(store, 'counter-1', counter, { type: 'Count', by: 1 }, ctx('c1'));
      await handleCommand(store, 'counter-1', counter, { type: 'Count', by: 1 }, ctx('c2'));
      await expect(handleCommand(store, 'counter-1', counter, { type: 'Count', by: 1 }, ctx('c3', { expectedRevision: 0n }))).rejects.toBeInstanceOf(StaleRevision);
      expect(await store.readStream('counter-1')).toHaveLength(2);
    });
    it('a concurrent append after the read is a WrongExpectedRevision (409), never retried', async () => {
      await handleCommand(store, 'counter-1', counter, { type: 'Count', by: 1 }, ctx('c1'));
      store.beforeAppend = () => handleCommand(store, 'counter-1', counter, { type: 'Count', by: 1 }, ctx('other')).then(() => undefined);
      await expect(
        handleCommand(store, 'counter-1', counter, { type: 'Count', by: 1 }, ctx('c2', { expectedRevision: 0n }), { retries: 3 }),
      ).rejects.toBeInstanceOf(WrongExpectedRevision);
    });
  });

  describe('without If-Match', () => {
    it('retries a conflict by re-reading and re-deciding, when allowed', async () => {
      store.beforeAppend = () => handleCommand(store, 'counter-1', counter, { type: 'Count', by: 5 }, ctx('other')).then(() => undefined);
      const result = await handleCommand(store, 'counter-1', counter, { type: 'Count', by: 1 }, ctx('c1'), { retries: 1 });
      expect(result.revision).toBe(1n);
    });
    it('the re-decision sees the concurrent change (a rule can now refuse)', async () => {
      store.beforeAppend = () => handleCommand(store, 'counter-1', counter, { type: 'Count', by: 5 }, ctx('other')).then(() => undefined);
      await expect(handleCommand(store, 'counter-1', counter, { type: 'Count', by: 1, limit: 5 }, ctx('c1'), { retries: 1 })).rejects.toBeInstanceOf(InvalidState);
    });
    it('surfaces the conflict when no retry is allowed', async () => {
      store.beforeAppend = () => handleCommand(store, 'counter-1', counter, { type: 'Count', by: 5 }, ctx('other')).then(() => undefined);
      await expect(handleCommand(store, 'counter-1', counter, { type: 'Count', by: 1 }, ctx('c1'))).rejects.toBeInstanceOf(WrongExpectedRevision);
    });
  });

  describe('with a command built from the state', () => {
    it('folds first, then builds the command from the state and decides it', async () => {
      await handleCommand(store, 'counter-1', counter, { type: 'Count', by: 3 }, ctx('c1'));
      const seen: number[] = [];
      const result = await handleCommand(store, 'counter-1', counter, (state) => {
        seen.push(state.total);
        return { type: 'Count', by: state.total };
      }, ctx('c2'));
      expect(seen).toEqual([3]);
      expect(result.events).toEqual([{ type: 'Counted', data: { by: 3 } }]);
    });
  });

  describe('with upcasters', () => {
    it('stamps new events with the current schema version of their type', async () => {
      const upcasters = new UpcasterRegistry().register({ type: 'Counted', currentVersion: 2, upcasters: { 1: (d) => d } });
      await handleCommand(store, 'counter-1', counter, { type: 'Count', by: 1 }, ctx('c1'), { upcasters });
      expect((await store.readStream('counter-1'))[0]!.metadata.schemaVersion).toBe(2);
    });
  });
});
