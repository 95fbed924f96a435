import { Decider, deterministicUuid, DomainEvent } from '@app/kernel';
import type { EventToAppend, ExpectedRevision, StreamAppend as PortStreamAppend } from '@app/event-store';

/** One command's events for one stream, as handleCommand would append them (expected revision always given). */
export interface StreamAppend extends PortStreamAppend {
  readonly expected: ExpectedRevision;
}

/**
 * The ids of facts that carry their own (the scheduler's BusinessPeriodEnded: one deterministic id, which is also
 * its command, correlation and causation id), instead of ids derived from the ledger's command count.
 */
export interface FactIds {
  readonly commandId: string;
  readonly eventIds: readonly string[];
  readonly correlationId?: string;
  readonly causationId?: string;
}

interface StreamSlot {
  state: unknown;
  /** Revision of the stream's last event; -1n when empty. */
  revision: bigint;
}

/**
 * The write model in memory: each stream's folded state and revision, and the appends the commands produced. It
 * runs the real deciders (decide, then evolve the events into the state) exactly as handleCommand does against a
 * store, and gives each event the metadata handleCommand gives it, with ids derived from the seed: a command's id is
 * deterministic, its events' ids are derived from the command id, the stream and the index (as in handleCommand).
 */
export class Ledger {
  private readonly streams = new Map<string, StreamSlot>();
  private pending: StreamAppend[] = [];
  /** The events of the last command that produced any, with the metadata the store receives (event ids). */
  lastAppended: readonly EventToAppend[] = [];
  private pendingEvents = 0;
  private commands = 0;
  /** Events produced so far (appended or pending). */
  produced = 0;
  /** Commands a decider refused (a generator defect when not 0: the real system would have answered 4xx). */
  readonly refused: { stream: string; command: string; error: string }[] = [];
  readonly countsByType = new Map<string, number>();

  constructor(private readonly namespace: string) {}

  /** A deterministic id for an entity of the generated institution. */
  id(kind: string, ...key: string[]): string {
    return deterministicUuid('baosong-generator', this.namespace, kind, ...key);
  }

  state<S>(stream: string, decider: Pick<Decider<unknown, S, DomainEvent>, 'initialState'>): S {
    return (this.streams.get(stream)?.state as S | undefined) ?? decider.initialState();
  }

  /**
   * Decides a command on a stream and records its events; returns them (empty when the decider decided nothing).
   * A refusal (the decider throws) is recorded in `refused` and returns undefined: nothing is appended.
   */
  run<C extends { type: string }, S, E extends DomainEvent>(stream: string, decider: Decider<C, S, E>, command: C, actorId: string): E[] | undefined {
    const slot = this.streams.get(stream) ?? { state: decider.initialState(), revision: -1n };
    let events: E[];
    try {
      events = decider.decide(command, slot.state as S);
    } catch (error) {
      this.refused.push({ stream, command: command.type, error: error instanceof Error ? error.message : String(error) });
      return undefined;
    }
    this.record(stream, decider, events, actorId);
    return events;
  }

  /**
   * Records events decided elsewhere on a stream whose state `decider` (the stream's owner) folds: the facts the
   * scheduler appends (DeadlineElapsed) are decided on the deadline facts alone, then folded by the owner's evolve.
   * With `ids`, the events take those (and use no command number: the other commands keep their ids).
   */
  record<S, E extends DomainEvent>(stream: string, decider: Pick<Decider<unknown, S, E>, 'initialState' | 'evolve'>, events: readonly E[], actorId: string, ids?: FactIds): void {
    if (events.length === 0) return;
    if (ids && ids.eventIds.length !== events.length) throw new Error(`${events.length} events on ${stream} were given ${ids.eventIds.length} ids`);
    const slot = this.streams.get(stream) ?? { state: decider.initialState(), revision: -1n };
    const commandId = ids?.commandId ?? this.id('command', String(this.commands++));
    const expected: ExpectedRevision = slot.revision < 0n ? 'no_stream' : slot.revision;
    let state = slot.state as S;
    const toAppend: EventToAppend[] = events.map((event, index) => {
      state = decider.evolve(state, event);
      this.countsByType.set(event.type, (this.countsByType.get(event.type) ?? 0) + 1);
      return {
        type: event.type,
        data: event.data,
        metadata: {
          eventId: ids?.eventIds[index] ?? deterministicUuid(commandId, stream, String(index)),
          commandId,
          correlationId: ids?.correlationId ?? commandId,
          causationId: ids?.causationId ?? commandId,
          actorId,
          schemaVersion: 1,
        },
      };
    });
    this.streams.set(stream, { state, revision: slot.revision + BigInt(events.length) });
    this.pending.push({ stream, events: toAppend, expected });
    this.lastAppended = toAppend;
    this.pendingEvents += toAppend.length;
    this.produced += toAppend.length;
  }

  /** Forgets a stream's state (a draft whose story has ended): keeps memory bounded on large histories. */
  forget(stream: string): void {
    this.streams.delete(stream);
  }

  get pendingCount(): number {
    return this.pendingEvents;
  }

  /** The appends produced since the last take, in the order they were decided. */
  take(): StreamAppend[] {
    const out = this.pending;
    this.pending = [];
    this.pendingEvents = 0;
    return out;
  }
}
