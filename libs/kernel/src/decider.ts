/**
 * A decider is the pure heart of an aggregate: three functions over discriminated unions.
 * No I/O, no clock: time and anything fetched from elsewhere arrive inside the command.
 */
export interface DomainEvent<TType extends string = string, TData = unknown> {
  readonly type: TType;
  readonly data: TData;
}

export interface Decider<TCommand, TState, TEvent extends DomainEvent> {
  /** State of a stream that has no events yet. */
  initialState(): TState;
  /** Folds one event into the state. Never throws; ignores unknown events. */
  evolve(state: TState, event: TEvent): TState;
  /** Returns the events a command produces, or throws a DomainError when a rule forbids it. */
  decide(command: TCommand, state: TState): TEvent[];
}

export function fold<TState, TEvent extends DomainEvent>(
  decider: Pick<Decider<unknown, TState, TEvent>, 'initialState' | 'evolve'>,
  events: readonly TEvent[],
): TState {
  return events.reduce((state, event) => decider.evolve(state, event), decider.initialState());
}

/** Exhaustiveness guard for `switch` over a discriminated union. */
export function assertNever(value: never, what = 'value'): never {
  throw new Error(`Unhandled ${what}: ${JSON.stringify(value)}`);
}
