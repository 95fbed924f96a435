import { PolicySet, PolicyVersionRecord, policyVersionKey, publishedPolicyDocuments } from '@app/policies';
import type { RewardsEnvironment } from './entitlements';

/** A channel's follower count as recorded (FollowerCountRecorded): in force from `asOf` until the next one. */
export interface FollowerCount {
  readonly asOf: string;
  readonly count: number;
}

/** What evaluation needs of a channel: the unit that runs it and its follower counts, ordered by asOf. */
export interface ChannelFacts {
  readonly ownerUnitId: string;
  readonly followers: readonly FollowerCount[];
}

/** The follower counts with one more recorded: a later record of the same instant replaces the earlier one. */
export function withFollowerCount(followers: readonly FollowerCount[], asOf: string, count: number): FollowerCount[] {
  const instant = new Date(asOf).toISOString();
  return [...followers.filter((f) => f.asOf !== instant), { asOf: instant, count }].sort((x, y) => (x.asOf < y.asOf ? -1 : 1));
}

/**
 * The environment of evaluation (entitlementLines) from what is folded of the log: the policy versions (published
 * and superseded ones govern their dates), each unit's type, each channel's owner and follower counts. One
 * function for the rewards projection and for whoever else must compute the same lines (the data generator's
 * finance): the same folded facts give the same environment.
 */
export function rewardsEnvironment(input: {
  readonly timeZone: string;
  readonly policies: Iterable<PolicyVersionRecord>;
  readonly unitTypes: ReadonlyMap<string, string>;
  readonly channels: ReadonlyMap<string, ChannelFacts>;
}): RewardsEnvironment {
  const set = new PolicySet(publishedPolicyDocuments(new Map([...input.policies].map((r) => [policyVersionKey(r.policyId, r.version), r]))));
  const cache = new Map<string, ReturnType<PolicySet['inForce']>>();
  return {
    timeZone: input.timeZone,
    inForce(unitType, date) {
      const key = `${unitType}|${date}`;
      let policies = cache.get(key);
      if (!policies) cache.set(key, (policies = set.inForce(unitType, date)));
      return policies;
    },
    unitType: (unitId) => input.unitTypes.get(unitId),
    followersAt(channelId, at) {
      const followers = input.channels.get(channelId)?.followers ?? [];
      const instant = new Date(at).toISOString();
      let count: number | null = null;
      for (const f of followers) if (f.asOf <= instant) count = f.count;
      return count;
    },
    channelOwner: (channelId) => input.channels.get(channelId)?.ownerUnitId,
  };
}
