import { assertNever, Decider, deterministicUuid, DomainEvent, InvalidState, RuleViolation } from '@app/kernel';

export const PLATFORMS = ['website', 'wechat', 'weibo', 'tieba', 'douyin', 'bulletin', 'newspaper', 'other'] as const;
export type Platform = (typeof PLATFORMS)[number];

/** An official account or outlet items are published on. */
export type ChannelRegistered = DomainEvent<
  'ChannelRegistered',
  { channelId: string; name: string; platform: Platform; handle: string; ownerUnitId: string; levelKey: string; registeredAt: string }
>;
/** Engagement rewards are relative to followers at publication time, so counts are kept over time. */
export type FollowerCountRecorded = DomainEvent<'FollowerCountRecorded', { channelId: string; count: number; asOf: string; recordedAt: string }>;
export type ChannelRetired = DomainEvent<'ChannelRetired', { channelId: string; reason: string | null; retiredAt: string }>;
export type ChannelEvent = ChannelRegistered | FollowerCountRecorded | ChannelRetired;

export type ChannelCommand =
  | {
      type: 'RegisterChannel';
      name: string;
      platform: Platform;
      handle: string;
      ownerUnitId: string;
      owner: { exists: boolean; dissolved: boolean };
      levelKey: string;
      levelExists: boolean;
      now: string;
    }
  | { type: 'RecordFollowerCount'; count: number; asOf: string; now: string }
  | { type: 'RetireChannel'; reason: string | null; now: string };

export type ChannelState = { status: 'none' } | { status: 'active' | 'retired'; channelId: string; counts: readonly { asOf: string; count: number }[] };

/** A channel's id is derived from platform and handle: a duplicate handle is simply an existing stream. */
export function channelIdFor(platform: string, handle: string): string {
  return deterministicUuid('channel', platform, handle.trim().toLowerCase());
}
export const channelStream = (channelId: string): string => `channel-${channelId}`;

export const channelDecider: Decider<ChannelCommand, ChannelState, ChannelEvent> = {
  initialState: () => ({ status: 'none' }),
  evolve(state, event) {
    switch (event.type) {
      case 'ChannelRegistered':
        return { status: 'active', channelId: event.data.channelId, counts: [] };
      case 'FollowerCountRecorded':
        return state.status === 'none' ? state : { ...state, counts: [...state.counts, { asOf: event.data.asOf, count: event.data.count }] };
      case 'ChannelRetired':
        return state.status === 'none' ? state : { ...state, status: 'retired' };
      default:
        return state;
    }
  },
  decide(command, state) {
    switch (command.type) {
      case 'RegisterChannel': {
        if (state.status !== 'none') {
          throw new InvalidState('channel-handle-taken', `A ${command.platform} channel with handle ${command.handle} is already registered`, { field: 'handle' });
        }
        if (!command.owner.exists) throw new RuleViolation('channel-owner-unknown', `Unit ${command.ownerUnitId} does not exist`, { field: 'ownerUnitId' });
        if (command.owner.dissolved) throw new RuleViolation('channel-owner-dissolved', `Unit ${command.ownerUnitId} is dissolved`, { field: 'ownerUnitId' });
        if (!command.levelExists) throw new RuleViolation('publication-level-unknown', `Publication level ${command.levelKey} is not on the ladder`, { field: 'levelKey' });
        const channelId = channelIdFor(command.platform, command.handle);
        return [
          {
            type: 'ChannelRegistered',
            data: { channelId, name: command.name.trim(), platform: command.platform, handle: command.handle.trim(), ownerUnitId: command.ownerUnitId, levelKey: command.levelKey, registeredAt: command.now },
          },
        ];
      }
      case 'RecordFollowerCount': {
        if (state.status === 'none') throw new InvalidState('channel-not-found', 'The channel does not exist');
        if (state.status === 'retired') throw new InvalidState('channel-retired', 'The channel is retired');
        if (state.counts.some((c) => c.asOf === command.asOf && c.count === command.count)) return [];
        return [{ type: 'FollowerCountRecorded', data: { channelId: state.channelId, count: command.count, asOf: command.asOf, recordedAt: command.now } }];
      }
      case 'RetireChannel':
        if (state.status === 'none') throw new InvalidState('channel-not-found', 'The channel does not exist');
        if (state.status === 'retired') return [];
        return [{ type: 'ChannelRetired', data: { channelId: state.channelId, reason: command.reason, retiredAt: command.now } }];
      default:
        return assertNever(command, 'channel command');
    }
  },
};

/** Followers at a moment: the latest count recorded as of that moment (engagement tiers use it). */
export function followersAt(counts: readonly { asOf: string; count: number }[], at: string): number | null {
  let best: { asOf: string; count: number } | null = null;
  for (const c of counts) if (c.asOf <= at && (best === null || c.asOf >= best.asOf)) best = c;
  return best?.count ?? null;
}
