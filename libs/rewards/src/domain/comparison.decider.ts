import { assertNever, Decider, DomainEvent, InvalidState } from '@app/kernel';

/**
 * A comparison of two builds of the rewards read model, recorded in the log (who asked, when, for what):
 * - a what-if: the history as it is (before) against the history with draft policy versions treated as
 *   published or published ones ignored (after), both as of the same position;
 * - a recomputation: the read model as of the position just before a version's publication (before) against as
 *   of the publication (after): what publishing it changed.
 */
export const comparisonStream = (runId: string): string => `rewardComparison-${runId}`;

export type ComparisonKind = 'what-if' | 'recomputation';

export interface ComparisonSpec {
  readonly kind: ComparisonKind;
  /** The `policies` build parameter of the after build (what-if). */
  readonly policies: Readonly<Record<string, unknown>> | null;
  /** The version whose publication is compared (recomputation). */
  readonly policy: { readonly policyId: string; readonly version: number; readonly publishedAtPosition: string } | null;
  /** Business dates the diff covers (both included), or null for all. */
  readonly from: string | null;
  readonly to: string | null;
  readonly purpose: string | null;
}

export type RewardComparisonStarted = DomainEvent<
  'RewardComparisonStarted',
  ComparisonSpec & { runId: string; beforeBuildId: string; afterBuildId: string; beforePosition: string; afterPosition: string; requestedBy: string; requestedAt: string }
>;
export type ComparisonEvent = RewardComparisonStarted;

export type ComparisonCommand = {
  readonly type: 'StartComparison';
  readonly runId: string;
  readonly spec: ComparisonSpec;
  readonly builds: { readonly before: string; readonly after: string; readonly beforePosition: string; readonly afterPosition: string };
  readonly actorId: string;
  readonly now: string;
};

export type ComparisonState = { readonly started: RewardComparisonStarted['data'] | null };

export const comparisonDecider: Decider<ComparisonCommand, ComparisonState, ComparisonEvent> = {
  initialState: () => ({ started: null }),
  evolve: (state, event) => (event.type === 'RewardComparisonStarted' ? { started: event.data } : state),
  decide(command, state) {
    switch (command.type) {
      case 'StartComparison':
        if (state.started) throw new InvalidState('comparison-exists', `Comparison ${command.runId} exists`, { runId: command.runId });
        return [
          {
            type: 'RewardComparisonStarted',
            data: {
              ...command.spec,
              runId: command.runId,
              beforeBuildId: command.builds.before,
              afterBuildId: command.builds.after,
              beforePosition: command.builds.beforePosition,
              afterPosition: command.builds.afterPosition,
              requestedBy: command.actorId,
              requestedAt: command.now,
            },
          },
        ];
      default:
        return assertNever(command.type, 'comparison command');
    }
  },
};
