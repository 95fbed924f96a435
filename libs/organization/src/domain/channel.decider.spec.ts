import { InvalidState, RuleViolation } from '@app/kernel';
import { spec } from '@app/kernel/testing';
import { ChannelCommand, channelDecider, channelIdFor, ChannelRegistered, followersAt } from './channel.decider';

const now = '2026-03-02T01:00:00.000Z';
const register: ChannelCommand = {
  type: 'RegisterChannel',
  name: '学院微信公众号',
  platform: 'wechat',
  handle: 'gh_college',
  ownerUnitId: 'u1',
  owner: { exists: true, dissolved: false },
  levelKey: 'unit',
  levelExists: true,
  now,
};
const registered: ChannelRegistered = {
  type: 'ChannelRegistered',
  data: { channelId: channelIdFor('wechat', 'gh_college'), name: '学院微信公众号', platform: 'wechat', handle: 'gh_college', ownerUnitId: 'u1', levelKey: 'unit', registeredAt: now },
};

describe('channel decider', () => {
  describe('when not registered', () => {
    it('registers it with an id derived from platform and handle', () => {
      spec(channelDecider).given([]).when(register).then([registered]);
      expect(channelIdFor('wechat', ' GH_College ')).toBe(registered.data.channelId);
    });
    it('refuses an unknown publication level, an unknown or dissolved owner', () => {
      spec(channelDecider).given([]).when({ ...register, levelExists: false } as ChannelCommand).thenThrows(RuleViolation, 'publication-level-unknown');
      spec(channelDecider).given([]).when({ ...register, owner: { exists: false, dissolved: false } } as ChannelCommand).thenThrows(RuleViolation, 'channel-owner-unknown');
      spec(channelDecider).given([]).when({ ...register, owner: { exists: true, dissolved: true } } as ChannelCommand).thenThrows(RuleViolation, 'channel-owner-dissolved');
    });
    it('records no follower count', () => {
      spec(channelDecider).given([]).when({ type: 'RecordFollowerCount', count: 1, asOf: now, now }).thenThrows(InvalidState, 'channel-not-found');
    });
  });
  describe('when registered', () => {
    it('a duplicate handle is a conflict', () => {
      spec(channelDecider).given([registered]).when(register).thenThrows(InvalidState, 'channel-handle-taken');
    });
    it('records follower counts over time', () => {
      spec(channelDecider)
        .given([registered])
        .when({ type: 'RecordFollowerCount', count: 12500, asOf: now, now })
        .then([{ type: 'FollowerCountRecorded', data: { channelId: registered.data.channelId, count: 12500, asOf: now, recordedAt: now } }]);
    });
    it('once retired, records nothing more', () => {
      spec(channelDecider)
        .given([registered, { type: 'ChannelRetired', data: { channelId: registered.data.channelId, reason: null, retiredAt: now } }])
        .when({ type: 'RecordFollowerCount', count: 1, asOf: now, now })
        .thenThrows(InvalidState, 'channel-retired');
    });
  });
  it('followers at publication time: the latest count recorded by then', () => {
    const counts = [
      { asOf: '2026-01-01T00:00:00Z', count: 10000 },
      { asOf: '2026-03-01T00:00:00Z', count: 12000 },
      { asOf: '2026-05-01T00:00:00Z', count: 15000 },
    ];
    expect(followersAt(counts, '2026-04-15T00:00:00Z')).toBe(12000);
    expect(followersAt(counts, '2025-12-31T00:00:00Z')).toBeNull();
  });
});
