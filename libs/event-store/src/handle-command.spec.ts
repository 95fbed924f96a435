import { Decider, DomainEvent, InvalidState } from '@app/kernel';
import { InMemoryEventStore } from './testing/in-memory-event-store';
import { handleCommand, StaleRevision } from './handle-command';
import { WrongExpectedRevision } from './event-store.port';
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
