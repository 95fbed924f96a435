import { DateTime } from 'luxon';
import { deterministicUuid } from '@app/kernel';
import type { CommandRunner } from '@app/event-store';
import type { Role } from '@app/access';
import { channelDecider, channelIdFor, channelStream, Platform } from '../domain/channel.decider';
import { memberDecider, memberStream } from '../domain/member.decider';
import { ORG_CONFIG_STREAM, orgConfigDecider } from '../domain/orgconfig.decider';
import { unitDecider, unitStream } from '../domain/unit.decider';

export interface DemoMember {
  readonly memberId: string;
  readonly name: string;
  readonly role: Role;
  readonly unitId: string;
  readonly unitName: string;
}

export interface DemoOrganization {
  readonly units: Record<string, string>;
  readonly channels: Record<string, string>;
  /** One member per role, for the CLI to print tokens. */
  readonly byRole: Record<Role, DemoMember>;
  readonly members: DemoMember[];
}

const id = (...parts: string[]) => deterministicUuid('demo', ...parts);

/**
 * The first day (YYYY-MM-DD, in the institution's time zone) of the demo's history: the first of the month two
 * months before `now`. The demo's reporting, incidents and ended periods are dated from it, and its units are
 * registered on it, so that every month of the demo is a month the units existed in (compliance counts none before).
 */
export function demoHistoryStart(now: Date, timeZone = 'Asia/Shanghai'): string {
  return DateTime.fromJSDate(now, { zone: timeZone }).startOf('month').minus({ months: 2 }).toISODate()!;
}

/**
 * A realistic institution, created through the same deciders as the API: a city police bureau with 8 sections,
 * 3 brigades with 2 squads each, a publicity department with WeChat, Weibo, website and the internal bulletin
 * 《信息专报》, and a full set of appointments. Ids and command ids are fixed: seeding twice changes nothing.
 */
export async function seedDemoOrganization(runner: CommandRunner, now: Date, timeZone = 'Asia/Shanghai'): Promise<DemoOrganization> {
  const at = now.toISOString();
  const year = at.slice(0, 4);
  // the unit types, levels and units exist from the start of the demo's history
  const since = DateTime.fromISO(demoHistoryStart(now, timeZone), { zone: timeZone }).toUTC().toISO()!;
  const ctx = (key: string) => ({ commandId: `demo:${key}`, actorId: 'seed-demo', correlationId: 'seed-demo' });

  const unitTypes: [string, string][] = [
    ['bureau', '局'],
    ['section', '科室'],
    ['brigade', '大队'],
    ['squad', '中队'],
    ['department', '部门'],
    ['publicity-department', '宣传部'],
    ['town', '乡镇'],
  ];
  for (const [key, name] of unitTypes) {
    await runner.run(ORG_CONFIG_STREAM, orgConfigDecider, { type: 'DefineUnitType', key, name, description: null, now: since }, ctx(`unit-type:${key}`));
  }
  await runner.run(
    ORG_CONFIG_STREAM,
    orgConfigDecider,
    {
      type: 'DefinePublicationLevels',
      levels: [
        { key: 'unit', name: '本单位', rank: 10 },
        { key: 'district', name: '区县级', rank: 20 },
        { key: 'city', name: '市级', rank: 30 },
        { key: 'province', name: '省级', rank: 40 },
        { key: 'national', name: '国家级', rank: 50 },
      ],
      now: since,
    },
    ctx('levels'),
  );

  const units: Record<string, string> = {};
  const names: Record<string, string> = {};
  const unit = async (key: string, name: string, unitType: string, parent: string | null) => {
    units[key] = id('unit', key);
    names[units[key]] = name;
    await runner.run(
      unitStream(units[key]),
      unitDecider,
      { type: 'RegisterUnit', unitId: units[key], name, unitType, parentId: parent ? units[parent]! : null, parent: { exists: parent !== null, dissolved: false }, unitTypeDefined: true, now: since },
      ctx(`unit:${key}`),
    );
  };
  await unit('bureau', '某市公安局', 'bureau', null);
  const sections: [string, string][] = [
    ['office', '办公室'],
    ['command', '指挥中心'],
    ['political', '政治处'],
    ['legal', '法制科'],
    ['publicity', '宣传科'],
    ['logistics', '警务保障科'],
    ['tech', '科技信息化科'],
    ['inspection', '督察科'],
  ];
  for (const [key, name] of sections) await unit(key, name, 'section', 'bureau');
  const brigades: [string, string][] = [
    ['criminal', '刑侦大队'],
    ['security', '治安大队'],
    ['traffic', '交警大队'],
  ];
  for (const [key, name] of brigades) {
    await unit(key, name, 'brigade', 'bureau');
    await unit(`${key}-1`, `${name}一中队`, 'squad', key);
    await unit(`${key}-2`, `${name}二中队`, 'squad', key);
  }
  await unit('party-publicity', '党委宣传部', 'publicity-department', 'bureau');

  const channels: Record<string, string> = {};
  const channel = async (key: string, name: string, platform: Platform, handle: string, owner: string, levelKey: string, followers: number[]) => {
    channels[key] = channelIdFor(platform, handle);
    await runner.run(
      channelStream(channels[key]),
      channelDecider,
      { type: 'RegisterChannel', name, platform, handle, ownerUnitId: units[owner]!, owner: { exists: true, dissolved: false }, levelKey, levelExists: true, now: at },
      ctx(`channel:${key}`),
    );
    // follower counts at the start of each quarter: engagement rewards use the count at publication time
    for (const [i, count] of followers.entries()) {
      const asOf = `${year}-${String(1 + 3 * i).padStart(2, '0')}-01T00:00:00.000Z`;
      if (asOf > at) break;
      await runner.run(channelStream(channels[key]), channelDecider, { type: 'RecordFollowerCount', count, asOf, now: at }, ctx(`channel:${key}:followers:${i}`));
    }
  };
  await channel('wechat', '平安某市(微信公众号)', 'wechat', 'gh_pingan_mouchi', 'party-publicity', 'city', [52000, 55800, 61200, 64000]);
  await channel('weibo', '@平安某市(微博)', 'weibo', 'pingan_mouchi', 'party-publicity', 'city', [180000, 183500, 190200, 196000]);
  await channel('website', '某市公安局门户网站', 'website', 'gaj.mouchi.gov.cn', 'office', 'city', []);
  await channel('bulletin', '《信息专报》', 'bulletin', 'xinxi-zhuanbao', 'office', 'unit', []);
  await channel('tieba', '某市公安吧', 'tieba', 'mouchi-gongan', 'party-publicity', 'city', [8000, 8400, 9100, 9600]);

  const members: DemoMember[] = [];
  const person = async (key: string, name: string, role: Role, unitKey: string, oversees: string[] = []) => {
    const memberId = id('member', key);
    await runner.run(memberStream(memberId), memberDecider, { type: 'RegisterMember', memberId, name, phone: null, email: null, now: at }, ctx(`member:${key}`));
    await appoint(key, memberId, role, unitKey, oversees);
    members.push({ memberId, name, role, unitId: units[unitKey]!, unitName: names[units[unitKey]!]! });
    return memberId;
  };
  const appoint = async (key: string, memberId: string, role: Role, unitKey: string, oversees: string[] = []) => {
    await runner.run(
      memberStream(memberId),
      memberDecider,
      {
        type: 'AppointMember',
        appointmentId: id('appointment', key, role, unitKey),
        role,
        unitId: units[unitKey]!,
        startsOn: `${year}-01-01`,
        endsOn: null,
        oversees: oversees.map((u) => units[u]!),
        unit: { exists: true, dissolved: false },
        overseenUnknown: [],
        now: at,
      },
      ctx(`appointment:${key}:${role}:${unitKey}`),
    );
  };

  const surnames = ['王', '李', '张', '刘', '陈', '杨', '赵', '黄', '周', '吴', '徐', '孙', '胡', '朱', '高', '林', '何', '郭', '马', '罗'];
  let n = 0;
  const nameOf = (given: string) => `${surnames[n++ % surnames.length]}${given}`;
  for (const [key] of [...sections, ...brigades, ['party-publicity', ''] as [string, string]]) {
    await person(`reporter-${key}`, nameOf('信息员'), 'reporter', key);
    await person(`head-${key}`, nameOf('科长'), 'unit_head', key);
  }
  for (const [key] of brigades) {
    await person(`reporter-${key}-1`, nameOf('中队信息员'), 'reporter', `${key}-1`);
    await person(`head-${key}-1`, nameOf('中队长'), 'unit_head', `${key}-1`);
  }
  await person('leader-a', '周副局长', 'leader_in_charge', 'bureau', ['office', 'command', 'political', 'legal', 'publicity']);
  await person('leader-b', '吴副局长', 'leader_in_charge', 'bureau', ['criminal', 'security', 'traffic', 'logistics', 'tech', 'inspection', 'party-publicity']);
  await person('principal', '郑局长', 'principal_leader', 'bureau');
  await person('office-reviewer', '孙主任', 'office_reviewer', 'office');
  await appoint('office-reviewer', id('member', 'office-reviewer'), 'office_reviewer', 'bureau');
  await person('secrecy', '钱保密员', 'confidentiality_reviewer', 'bureau');
  await person('duty', '冯值班长', 'duty_officer', 'command');
  await person('finance', '陈会计', 'finance', 'logistics');
  await person('auditor', '褚审计', 'auditor', 'inspection');
  await person('admin', '卫管理员', 'administrator', 'office');

  const byRole = {} as Record<Role, DemoMember>;
  for (const m of members) if (!byRole[m.role]) byRole[m.role] = m;
  return { units, channels, byRole, members };
}
