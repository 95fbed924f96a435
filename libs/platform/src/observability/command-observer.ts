/**
 * How a command ended, as the command histogram labels it:
 * ok (decided, events appended or none needed), duplicate (answered from its first run), conflict (a concurrent
 * append or a stale If-Match: 409 wrong-expected-revision, 412), rejected (another domain error: a rule, a state,
 * a permission, a missing entity), error (anything else: a bug, the database).
 */
export type CommandOutcome = 'ok' | 'duplicate' | 'conflict' | 'rejected' | 'error';

export interface CommandReport {
  /** The command's `type` (e.g. `SubmitDraft`); `unresolved:<stream category>` when it was never built (see handleCommand). */
  readonly command: string;
  readonly outcome: CommandOutcome;
  readonly seconds: number;
}

/** Told about every command the CommandRunner runs (the metrics registry is one). Must not throw. */
export interface CommandObserver {
  commandFinished(report: CommandReport): void;
}

export const COMMAND_OBSERVER = Symbol('COMMAND_OBSERVER');
