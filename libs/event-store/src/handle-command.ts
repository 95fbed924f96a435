import { CommandContext, Decider, DomainError, DomainEvent, deterministicUuid, fold } from '@app/kernel';

export type { CommandContext } from '@app/kernel';
import { EventStore, RecordedEvent, WrongExpectedRevision } from './event-store.port';
import type { UpcasterRegistry } from './upcasting';

/** Builds the command from the folded state (authorization and lookups that depend on the aggregate). */
export type CommandFromState<C, S> = (state: S) => C | Promise<C>;

export interface HandleCommandOptions {
  /** Re-read, re-decide and re-append this many times on a concurrency conflict (only without expectedRevision). */
  readonly retries?: number;
  readonly upcasters?: UpcasterRegistry;
}

export interface CommandResult<E extends DomainEvent = DomainEvent> {
  readonly stream: string;
  /** The events this command produced (or, for a duplicate, the ones its first run produced). */
  readonly events: readonly E[];
  /** Revision of the stream after the command; undefined when the stream still does not exist. */
  readonly revision: bigint | undefined;
  readonly position: bigint | undefined;
  readonly duplicate: boolean;
}

/** The caller's If-Match does not match the stream's revision: HTTP 412. */
export class StaleRevision extends DomainError {
  constructor(stream: string, expected: bigint, actual: bigint | undefined) {
    super('stale', 'stale-revision', `${stream} is at revision ${actual ?? 'none'}, not ${expected}: reload and retry`, {
      stream,
      expected: expected.toString(),
      actual: actual === undefined ? null : actual.toString(),
    });
  }
}

/**
 * The write path: read the stream, fold, decide, append with the revision that was read. A concurrent append
 * in between is detected by the store (WrongExpectedRevision, HTTP 409) and retried when the caller allows it.
 */
export async function handleCommand<C, S, E extends DomainEvent>(
  store: EventStore,
  stream: string,
  decider: Decider<C, S, E>,
  command: C | CommandFromState<C, S>,
  context: CommandContext,
  options: HandleCommandOptions = {},
): Promise<CommandResult<E>> {
  const retries = context.expectedRevision === undefined ? (options.retries ?? 0) : 0;
  for (let attempt = 0; ; attempt++) {
    const history = await store.readStream(stream);
    const last = history[history.length - 1];
    const revision = last?.revision;

    const earlier = history.filter((e) => e.metadata.commandId === context.commandId);
    if (earlier.length > 0) return duplicateResult(stream, earlier, history);

    if (context.expectedRevision !== undefined && context.expectedRevision !== revision) {
      throw new StaleRevision(stream, context.expectedRevision, revision);
    }
    const state = fold(decider, history as unknown as E[]);
    // A command may need what only the state knows (the draft's unit, to look up the actor's roles there).
    const resolved = typeof command === 'function' ? await (command as CommandFromState<C, S>)(state) : command;
    const produced = decider.decide(resolved, state);
    if (produced.length === 0) {
      return { stream, events: [], revision, position: last?.position, duplicate: false };
    }
    const toAppend = produced.map((event, index) => ({
      type: event.type,
      data: event.data,
      metadata: {
        eventId: deterministicUuid(context.commandId, stream, String(index)),
        commandId: context.commandId,
        correlationId: context.correlationId ?? context.commandId,
        causationId: context.causationId ?? context.commandId,
        actorId: context.actorId,
        schemaVersion: options.upcasters?.currentVersion(event.type) ?? 1,
      },
    }));
    try {
      const result = await store.appendToStream(stream, toAppend, revision ?? 'no_stream');
      return {
        stream,
        events: produced,
        revision: result.nextExpectedRevision,
        position: result.position,
        duplicate: result.duplicate,
      };
    } catch (error) {
      if (error instanceof WrongExpectedRevision && attempt < retries) continue;
      throw error;
    }
  }
}

function duplicateResult<E extends DomainEvent>(
  stream: string,
  earlier: readonly RecordedEvent[],
  history: readonly RecordedEvent[],
): CommandResult<E> {
  const last = history[history.length - 1]!;
  return {
    stream,
    events: earlier.map((e) => ({ type: e.type, data: e.data }) as E),
    revision: last.revision,
    position: earlier[earlier.length - 1]!.position,
    duplicate: true,
  };
}
