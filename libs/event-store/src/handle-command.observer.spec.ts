import { Decider, DomainEvent, InvalidState } from '@app/kernel';
import type { CommandReport } from '@app/platform';
import { InMemoryEventStore } from './testing/in-memory-event-store';
import { handleCommand } from './handle-command';
import { AppendResult, EventToAppend, ExpectedRevision, WrongExpectedRevision } from './event-store.port';

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

class ConflictingStore extends InMemoryEventStore {
  override async appendToStream(stream: string, _events: readonly EventToAppend[], expected: ExpectedRevision = 'any'): Promise<AppendResult> {
    throw new WrongExpectedRevision(stream, expected, 5n);
  }
}

describe('handleCommand with an observer (the command histogram)', () => {
  let store: InMemoryEventStore;
  let reports: CommandReport[];
  const observer = { commandFinished: (r: CommandReport) => void reports.push(r) };
  const run = (command: Cmd | ((s: { total: number }) => Cmd), id: string, extra: object = {}, s: InMemoryEventStore = store) =>
    handleCommand(s, 'counter-1', counter, command, ctx(id, extra), { observer });
  beforeEach(() => {
    store = new InMemoryEventStore();
    reports = [];
  });

  it('reports each command once by its type: ok, then duplicate for the same command id', async () => {
    await run({ type: 'Count', by: 1 }, 'c-1');
    await run({ type: 'Count', by: 1 }, 'c-1');
    expect(reports.map((r) => [r.command, r.outcome])).toEqual([
      ['Count', 'ok'],
      ['Count', 'duplicate'],
    ]);
    expect(reports.every((r) => r.seconds >= 0 && r.seconds < 5)).toBe(true);
  });

  it('a domain error is rejected, a stale If-Match and a lost race are conflicts, anything else an error', async () => {
    await run({ type: 'Count', by: 2 }, 'c-1');
    await expect(run({ type: 'Count', by: 5, limit: 3 }, 'c-2')).rejects.toThrow(InvalidState);
    await expect(run({ type: 'Count', by: 1 }, 'c-3', { expectedRevision: 7n })).rejects.toThrow('revision');
    await expect(run({ type: 'Count', by: 1 }, 'c-4', {}, new ConflictingStore())).rejects.toThrow(WrongExpectedRevision);
    await expect(run(() => { throw new TypeError('bug'); }, 'c-5')).rejects.toThrow(TypeError);
    expect(reports.map((r) => r.outcome)).toEqual(['ok', 'rejected', 'conflict', 'conflict', 'error']);
  });

  it('a command built from the state is named once built, and after its stream when it never is', async () => {
    await run(() => ({ type: 'Count', by: 1 }), 'c-1');
    await expect(run(() => ({ type: 'Count', by: 1 }), 'c-2', { expectedRevision: 9n })).rejects.toThrow('revision');
    expect(reports.map((r) => [r.command, r.outcome])).toEqual([
      ['Count', 'ok'],
      ['unresolved:counter', 'conflict'],
    ]);
  });

  it('an observer that throws never fails the command', async () => {
    const throwing = { commandFinished: () => { throw new Error('metrics down'); } };
    const result = await handleCommand(store, 'counter-1', counter, { type: 'Count', by: 1 }, ctx('c-1'), { observer: throwing });
    expect(result.events).toHaveLength(1);
  });
});
