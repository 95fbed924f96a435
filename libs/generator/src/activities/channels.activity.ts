import { channelDecider, channelIdFor, channelStream, Platform } from '@app/organization';
import type { Activity, World } from '../world';
import type { Rng } from '../random';

interface ChannelPlan {
  readonly key: string;
  readonly name: string;
  readonly platform: Platform;
  readonly handle: string;
  readonly levelKey: string;
  /** Followers at the start; null for outlets without followers (website, bulletin). */
  readonly followers: number | null;
}

/**
 * The bureau's official accounts and outlets (WeChat, Weibo, Douyin, website, the internal bulletin 《信息专报》) and
 * one WeChat account per brigade, with follower counts recorded at the start of every month (engagement rewards use
 * the count at publication time); one brigade account is retired half-way.
 */
export const channelsActivity: Activity = {
  name: 'channels',
  start(world) {
    const rng = world.rng('channels');
    world.at(world.time.nextOpen(world.start) + 3_600_000, () => register(world, rng));
  },
};

function register(world: World, rng: Rng): void {
  const admin = world.staff.administrator;
  const plans: (ChannelPlan & { owner: string })[] = [
    { key: 'wechat', name: '平安某市(微信公众号)', platform: 'wechat', handle: 'gh_pingan_mouchi', levelKey: 'city', followers: rng.int(40_000, 60_000), owner: world.staff.publicityUnitId },
    { key: 'weibo', name: '@平安某市', platform: 'weibo', handle: 'pingan_mouchi', levelKey: 'city', followers: rng.int(150_000, 200_000), owner: world.staff.publicityUnitId },
    { key: 'douyin', name: '某市公安(抖音)', platform: 'douyin', handle: 'mouchi_gongan', levelKey: 'city', followers: rng.int(80_000, 120_000), owner: world.staff.publicityUnitId },
    { key: 'website', name: '某市公安局门户网站', platform: 'website', handle: 'gaj.mouchi.gov.cn', levelKey: 'city', followers: null, owner: world.staff.officeUnitId },
    { key: 'bulletin', name: '《信息专报》', platform: 'bulletin', handle: 'xinxi-zhuanbao', levelKey: 'unit', followers: null, owner: world.staff.officeUnitId },
  ];
  for (const unit of world.org.units.values()) {
    if (unit.unitType !== 'brigade') continue;
    plans.push({ key: `wechat-${unit.unitId}`, name: `${unit.name}(微信公众号)`, platform: 'wechat', handle: `gh_${unit.unitId.slice(0, 8)}`, levelKey: 'district', followers: rng.int(3_000, 15_000), owner: unit.unitId });
  }
  const counted: { channelId: string; count: number }[] = [];
  for (const p of plans) {
    const owner = world.org.units.get(p.owner)!;
    world.run(
      channelStream(channelIdFor(p.platform, p.handle)),
      channelDecider,
      {
        type: 'RegisterChannel',
        name: p.name,
        platform: p.platform,
        handle: p.handle,
        ownerUnitId: p.owner,
        owner: { exists: true, dissolved: !owner.active },
        levelKey: p.levelKey,
        levelExists: world.org.levelExists(p.levelKey),
        now: world.nowIso(),
      },
      admin,
    );
    if (p.followers !== null) counted.push({ channelId: channelIdFor(p.platform, p.handle), count: p.followers });
  }
  for (const c of counted) recordFollowers(world, c.channelId, c.count, world.time.startOf(world.today()));
  // monthly counts as of the first of the month, recorded on its first working days
  for (let m = 1; m < world.plan.months; m++) {
    const asOf = world.time.firstOfMonth(world.start, m);
    world.at(world.time.afterWorkingDays(asOf, rng.int(0, 2), rng), () => {
      for (const c of counted) {
        const channel = world.org.channels.get(c.channelId)!;
        if (channel.retired) continue;
        recordFollowers(world, c.channelId, Math.max(0, Math.round(channel.followers * (1 + 0.01 + 0.03 * rng.normal() * 0.5))), asOf);
      }
    });
  }
  const brigadeChannel = counted.find((c) => world.org.channels.get(c.channelId)!.levelKey === 'district');
  if (brigadeChannel) {
    world.at(world.time.afterWorkingDays(world.start + (world.end - world.start) * 0.55, 0, rng), () => {
      world.run(channelStream(brigadeChannel.channelId), channelDecider, { type: 'RetireChannel', reason: '账号合并', now: world.nowIso() }, world.staff.administrator);
    });
  }
}

function recordFollowers(world: World, channelId: string, count: number, asOf: number): void {
  world.run(channelStream(channelId), channelDecider, { type: 'RecordFollowerCount', count, asOf: new Date(asOf).toISOString(), now: world.nowIso() }, world.staff.administrator);
}
