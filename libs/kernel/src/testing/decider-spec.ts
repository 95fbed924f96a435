import { Decider, DomainEvent, fold } from '../decider';

/**
 * given/when/then for decider specs, no infrastructure:
 *   spec(draftDecider).given([DraftCreated]).when(SubmitDraft).then([DraftSubmitted])
 *   spec(draftDecider).given([]).when(SubmitDraft).thenThrows(InvalidState)
 */
export function spec<C, S, E extends DomainEvent>(decider: Decider<C, S, E>) {
  return {
    given(events: readonly E[]) {
      return {
        when(command: C) {
          const run = () => decider.decide(command, fold(decider, events));
          return {
            then(expected: readonly E[]): void {
              expect(run()).toEqual(expected);
            },
            thenMatches(check: (produced: E[]) => void): void {
              check(run());
            },
            thenThrows(errorType: abstract new (...args: never[]) => Error, code?: string): void {
              let caught: unknown;
              try {
                run();
              } catch (e) {
                caught = e;
              }
              expect(caught).toBeInstanceOf(errorType);
              if (code !== undefined) expect((caught as { code?: string }).code).toBe(code);
            },
          };
        },
        thenState(check: (state: S) => void): void {
          check(fold(decider, events));
        },
      };
    },
  };
}
