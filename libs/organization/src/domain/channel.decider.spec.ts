import { InvalidState, RuleViolation } from '@app/kernel';
import { spec } from '@app/kernel/testing';
import { ChannelCommand, channelDecider, channelIdFor, ChannelRegistered, ChannelRetired, FollowerCountRecorded, followersAt } from './channel.decider';

const now = '2026-03-02T01:00:00.000Z';
const channelId = channelIdFor('wechat', 'gh_college');
const register: ChannelCommand = {
  type: 'RegisterChannel',
  name: ' 学院微信公众号 ',
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
  data: { channelId, name: '学院微信公众号', platform: 'wechat', handle: 'gh_college', ownerUnitId: 'u1', levelKey: 'unit', registeredAt: now },
};
const counted = (count: number, asOf: string): FollowerCountRecorded => ({ type: 'FollowerCountRecorded', data: { channelId, count, asOf, recordedAt: now } });
const retired: ChannelRetired = { type: 'ChannelRetired', data: { channelId, reason: '账号注销', retiredAt: now } };
const record = (count: number, asOf = '2026-03-01T00:00:00.000Z'): ChannelCommand => ({ type: 'RecordFollowerCount', count, asOf, now });
const retire = (reason: string | null = '账号注销'): ChannelCommand => ({ type: 'RetireChannel', reason, now });

describe('channel decider', () => {
  describe('when not registered', () => {
    it('registers it with an id derived from platform and handle (case and spaces ignored)', () => {
      spec(channelDecider).given([]).when(register).then([registered]);
      expect(channelIdFor('wechat', ' GH_College ')).toBe(channelId);
      expect(channelIdFor('weibo', 'gh_college')).not.toBe(channelId);
    });
    it('refuses an unknown publication level', () => {
      spec(channelDecider).given([]).when({ ...register, levelExists: false } as ChannelCommand).thenThrows(RuleViolation, 'publication-level-unknown');
    });
    it('refuses an unknown or dissolved owner unit', () => {
      spec(channelDecider).given([]).when({ ...register, owner: { exists: false, dissolved: false } } as ChannelCommand).thenThrows(RuleViolation, 'channel-owner-unknown');
      spec(channelDecider).given([]).when({ ...register, owner: { exists: true, dissolved: true } } as ChannelCommand).thenThrows(RuleViolation, 'channel-owner-dissolved');
    });
    it.each<[string, ChannelCommand]>([
      ['RecordFollowerCount', record(1)],
      ['RetireChannel', retire()],
    ])('refuses %s', (_, command) => {
      spec(channelDecider).given([]).when(command).thenThrows(InvalidState, 'channel-not-found');
    });
  });

  describe('when active', () => {
    it('a duplicate handle on the same platform is a conflict', () => {
      spec(channelDecider).given([registered]).when(register).thenThrows(InvalidState, 'channel-handle-taken');
    });
    it('records follower counts over time', () => {
      spec(channelDecider).given([registered]).when(record(12500)).then([counted(12500, '2026-03-01T00:00:00.000Z')]);
      spec(channelDecider)
        .given([registered, counted(12500, '2026-03-01T00:00:00.000Z')])
        .when(record(13000, '2026-04-01T00:00:00.000Z'))
        .then([counted(13000, '2026-04-01T00:00:00.000Z')]);
    });
    it('the same count as of the same moment again changes nothing', () => {
      spec(channelDecider).given([registered, counted(12500, '2026-03-01T00:00:00.000Z')]).when(record(12500)).then([]);
    });
    it('retires it', () => {
      spec(channelDecider).given([registered]).when(retire()).then([retired]);
    });
  });

  describe('when retired', () => {
    it('the handle stays taken', () => {
      spec(channelDecider).given([registered, retired]).when(register).thenThrows(InvalidState, 'channel-handle-taken');
    });
    it('records no more follower counts', () => {
      spec(channelDecider).given([registered, retired]).when(record(1)).thenThrows(InvalidState, 'channel-retired');
    });
    it('retiring again changes nothing', () => {
      spec(channelDecider).given([registered, retired]).when(retire()).then([]);
    });
    it('keeps its follower history', () => {
      spec(channelDecider)
        .given([registered, counted(100, '2026-01-01T00:00:00.000Z'), retired])
        .thenState((s) => expect(s).toEqual({ status: 'retired', channelId, counts: [{ asOf: '2026-01-01T00:00:00.000Z', count: 100 }] }));
    });
  });

  describe('followers at publication time', () => {
    const counts = [
      { asOf: '2026-01-01T00:00:00Z', count: 10000 },
      { asOf: '2026-05-01T00:00:00Z', count: 15000 },
      { asOf: '2026-03-01T00:00:00Z', count: 12000 },
    ];
    it('is the latest count recorded by then, whatever the order of recording', () => {
      expect(followersAt(counts, '2026-04-15T00:00:00Z')).toBe(12000);
      expect(followersAt(counts, '2026-03-01T00:00:00Z')).toBe(12000);
      expect(followersAt(counts, '2026-06-01T00:00:00Z')).toBe(15000);
    });
    it('is unknown before the first count', () => {
      expect(followersAt(counts, '2025-12-31T00:00:00Z')).toBeNull();
    });
  });
});
