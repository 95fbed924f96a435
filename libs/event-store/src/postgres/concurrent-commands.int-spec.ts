import { Decider, DomainEvent, newId } from '@app/kernel';
import { createTestDatabase, TestDatabase } from '@test/support';
import { CommandResult, handleCommand } from '../handle-command';
import { PostgresEventStore } from './postgres-event-store';

/**
 * The command path against PostgreSQL when a client sends the same command (same command id) twice at once, as a
 * client retrying after a timeout does: one run appends, the other answers `duplicate: true` with the same
 * revision, and the stream holds one copy. Without retries (retries: 0), so no re-read hides a conflict, and with
 * an expected revision (If-Match), where the command path never retries. 50 pairs each, all at once.
 */
type Counted = DomainEvent<'Counted', { by: number }>;
type Count = { type: 'Count'; by: number };
const counter: Decider<Count, { total: number }, Counted> = {
  initialState: () => ({ total: 0 }),
  evolve: (s, e) => ({ total: s.total + e.data.by }),
  decide: (c) => [
    { type: 'Counted', data: { by: c.by } },
    { type: 'Counted', data: { by: c.by } },
  ],
};

const PAIRS = 50;

describe('handleCommand on PostgreSQL: the same command id twice at once', () => {
  let db: TestDatabase;
  let store: PostgresEventStore;

  beforeAll(async () => {
    db = await createTestDatabase({ poolSize: 20 });
    store = new PostgresEventStore(db.pool, { pollIntervalMs: 200 });
  });
  afterAll(async () => {
    await store.close();
    await db.drop();
  });

  /** Sends one command twice at once and checks: both answered, exactly one duplicate, one copy stored. */
  async function twiceAtOnce(stream: string, expectedRevision: bigint | undefined, before: number): Promise<void> {
    const context = { commandId: newId(), actorId: 'member-1', correlationId: 'corr-1', expectedRevision };
    const send = (): Promise<CommandResult<Counted>> => handleCommand(store, stream, counter, { type: 'Count', by: 1 }, context, { retries: 0 });
    const outcomes = await Promise.allSettled([send(), send()]);
    expect(outcomes.map((o) => (o.status === 'rejected' ? String(o.reason) : 'ok'))).toEqual(['ok', 'ok']);
    const [a, b] = outcomes.map((o) => (o as PromiseFulfilledResult<CommandResult<Counted>>).value);
    expect([a!.duplicate, b!.duplicate].sort()).toEqual([false, true]);
    expect(a!.revision).toBe(BigInt(before + 1));
    expect(b!.revision).toBe(BigInt(before + 1));
    expect(a!.events).toEqual(b!.events);
    expect(await store.readStream(stream)).toHaveLength(before + 2);
  }

  async function pairs(run: () => Promise<void>): Promise<void> {
    const outcomes = await Promise.allSettled(Array.from({ length: PAIRS }, run));
    const failed = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
    if (failed.length > 0) throw failed[0]!.reason;
  }

  it(`to a new stream, without an expected revision: one append and one duplicate (${PAIRS} pairs)`, async () => {
    await pairs(() => twiceAtOnce(`counter-${newId()}`, undefined, 0));
  }, 60_000);

  it(`to an existing stream, with an expected revision (If-Match): one append and one duplicate (${PAIRS} pairs)`, async () => {
    await pairs(async () => {
      const stream = `counter-${newId()}`;
      await handleCommand(store, stream, { ...counter, decide: (c) => [{ type: 'Counted', data: { by: c.by } }] }, { type: 'Count', by: 1 }, {
        commandId: newId(),
        actorId: 'member-1',
      });
      await twiceAtOnce(stream, 0n, 1);
    });
  }, 60_000);
});
