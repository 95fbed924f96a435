import { CommandContext, Decider, DomainError, DomainEvent, deterministicUuid, fold, IdempotencyKeyReused, streamCategory } from '@app/kernel';
import type { CommandObserver, CommandOutcome } from '@app/platform';

export type { CommandContext } from '@app/kernel';
import { EventStore, RecordedEvent, WrongExpectedRevision } from './event-store.port';
import type { UpcasterRegistry } from './upcasting';

/** Builds the command from the folded state (authorization and lookups that depend on the aggregate). */
export type CommandFromState<C, S> = (state: S) => C | Promise<C>;

export interface HandleCommandOptions {
  /** Re-read, re-decide and re-append this many times on a concurrency conflict (only without expectedRevision). */
  readonly retries?: number;
  readonly upcasters?: UpcasterRegistry;
  /** Told how long the command took and how it ended (the metrics registry; see CommandRunner). */
  readonly observer?: CommandObserver;
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
 *
 * Idempotency: a command id already in the stream is answered as a duplicate of its first run, or refused
 * (IdempotencyKeyReused) when those events came from another request (another fingerprint); then the context's
 * Idempotency-Key binding runs (once per request) before anything is decided; and an append that fails because
 * the same command landed meanwhile (a concurrent retry) is answered as the duplicate it is, with or without
 * retries.
 */
export async function handleCommand<C, S, E extends DomainEvent>(
  store: EventStore,
  stream: string,
  decider: Decider<C, S, E>,
  command: C | CommandFromState<C, S>,
  context: CommandContext,
  options: HandleCommandOptions = {},
): Promise<CommandResult<E>> {
  const observer = options.observer;
  if (!observer) return decideAndAppend(store, stream, decider, command, context, options, () => undefined);
  const started = performance.now();
  // A command built from the state is named once it is built; one that never is (answered as a duplicate, a
  // stale If-Match, or refused while being built: 404, 403) is named after its stream: `unresolved:draft`.
  const unresolved = `unresolved:${streamCategory(stream)}`;
  let type = typeof command === 'function' ? unresolved : commandType(command, unresolved);
  const report = (outcome: CommandOutcome) => {
    try {
      observer.commandFinished({ command: type, outcome, seconds: (performance.now() - started) / 1000 });
    } catch {
      // metrics never fail a command
    }
  };
  try {
    const result = await decideAndAppend(store, stream, decider, command, context, options, (resolved) => (type = commandType(resolved, unresolved)));
    report(result.duplicate ? 'duplicate' : 'ok');
    return result;
  } catch (error) {
    report(outcomeOf(error));
    throw error;
  }
}

/** The command label: a decider command's `type` (every decider command is a discriminated union on it). */
function commandType(command: unknown, otherwise: string): string {
  const type = (command as { type?: unknown } | null)?.type;
  return typeof type === 'string' ? type : otherwise;
}

function outcomeOf(error: unknown): CommandOutcome {
  if (error instanceof WrongExpectedRevision || error instanceof StaleRevision) return 'conflict';
  return error instanceof DomainError ? 'rejected' : 'error';
}

async function decideAndAppend<C, S, E extends DomainEvent>(
  store: EventStore,
  stream: string,
  decider: Decider<C, S, E>,
  command: C | CommandFromState<C, S>,
  context: CommandContext,
  options: HandleCommandOptions,
  resolvedAs: (command: C) => void,
): Promise<CommandResult<E>> {
  const retries = context.expectedRevision === undefined ? (options.retries ?? 0) : 0;
  for (let attempt = 0; ; attempt++) {
    const history = await store.readStream(stream);
    const last = history[history.length - 1];
    const revision = last?.revision;

    const duplicate = duplicateOf<E>(stream, history, context);
    if (duplicate) return duplicate;
    // After the scan (a request the log refuses must not take the key), before anything is decided.
    await context.bindIdempotencyKey?.();

    if (context.expectedRevision !== undefined && context.expectedRevision !== revision) {
      throw new StaleRevision(stream, context.expectedRevision, revision);
    }
    const state = fold(decider, history as unknown as E[]);
    // A command may need what only the state knows (the draft's unit, to look up the actor's roles there).
    const resolved = typeof command === 'function' ? await (command as CommandFromState<C, S>)(state) : command;
    resolvedAs(resolved);
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
        ...(context.requestFingerprint === undefined ? {} : { requestFingerprint: context.requestFingerprint }),
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
      // A retry re-reads anyway; its scan finds the command if it landed meanwhile.
      if (error instanceof WrongExpectedRevision && attempt < retries) continue;
      // Whatever the store reported (a revision conflict, a unique violation), if this command's events are in
      // the stream now, a concurrent request with the same command id appended them: that is a duplicate.
      const now = await store.readStream(stream).catch(() => undefined);
      const landed = now && duplicateOf<E>(stream, now, context);
      if (landed) return landed;
      throw error;
    }
  }
}

/** The first run of this command in the stream, answered as a duplicate; undefined when it never ran here. */
function duplicateOf<E extends DomainEvent>(stream: string, history: readonly RecordedEvent[], context: CommandContext): CommandResult<E> | undefined {
  const earlier = history.filter((e) => e.metadata.commandId === context.commandId);
  if (earlier.length === 0) return undefined;
  // The same command id from another request (the key's binding expired, or was lost): never its duplicate.
  const first = earlier[0]!.metadata.requestFingerprint;
  if (context.requestFingerprint !== undefined && first !== undefined && first !== context.requestFingerprint) {
    throw new IdempotencyKeyReused({ stream, firstSeenAt: earlier[0]!.metadata.recordedAt });
  }
  const last = history[history.length - 1]!;
  return {
    stream,
    events: earlier.map((e) => ({ type: e.type, data: e.data }) as E),
    revision: last.revision,
    position: earlier[earlier.length - 1]!.position,
    duplicate: true,
  };
}
