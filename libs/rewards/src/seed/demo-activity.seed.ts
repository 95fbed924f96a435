import { AccessPolicy, type Actor, businessDate, inForce, type Permission, type UnitTree } from '@app/access';
import type { CommandRunner } from '@app/event-store';
import { deterministicUuid, fold } from '@app/kernel';
import { channelStream, type DemoOrganization, followersAt, loadActorAppointments, unitDecider, unitStream } from '@app/organization';
import { type DraftContent, draftDecider, type DraftPublished, draftStream, type ReportingPolicy } from '@app/reporting';
import { metricsDecider, metricsStream, type PublicationFacts } from '../domain/metrics.decider';

const DAY = 86_400_000;
const HOUR = 3_600_000;
const MINUTE = 60_000;

type ChannelKey = 'wechat' | 'weibo';
/** The draft decider's commands and state (derived: the reporting context exports the decider, not these types). */
type DraftCommand = Parameters<typeof draftDecider.decide>[0];
type DraftState = ReturnType<typeof draftDecider.initialState>;
type ActingMember = Extract<DraftCommand, { type: 'CreateDraft' }>['actor'];

/** One observation of a publication: days after publication, and reads (WeChat) or reposts (Weibo) as a share of the followers. */
interface DemoObservation {
  readonly day: number;
  readonly share: number;
  /** The platform revises this observation a day later: the same (observedAt, source), this share instead. */
  readonly correctedTo?: number;
}

interface DemoItem {
  readonly key: string;
  readonly unit: string;
  /** Days before the seed's clock date the reporter writes the draft (scaled when the year is younger). */
  readonly daysBack: number;
  readonly title: string;
  readonly destination: 'external' | 'internal';
  readonly publish: Partial<Record<ChannelKey, readonly DemoObservation[]>>;
  /** Levels of the ladder that adopt the item (采用), in order. */
  readonly adoptions: readonly ('district' | 'city' | 'province')[];
  readonly excellentAt?: 'district' | 'city' | 'province';
  readonly instructionAt?: 'district' | 'city' | 'province';
}

/**
 * The demo items (issue 10): a dozen drafts of several units over the two months before the seed's date. Shares are
 * chosen away from the tier boundaries (20%, 40% of followers within 7 days) unless a boundary is the point.
 */
const ITEMS: readonly DemoItem[] = [
  { key: 'item-01', unit: 'office', daysBack: 52, title: '我局召开全市公安机关信息工作推进会', destination: 'external', publish: { wechat: [{ day: 1, share: 0.12 }, { day: 3, share: 0.23 }, { day: 6, share: 0.26 }] }, adoptions: ['district'] },
  {
    key: 'item-02', unit: 'criminal', daysBack: 48, title: '刑侦大队成功破获系列电信网络诈骗案', destination: 'external',
    publish: { wechat: [{ day: 1, share: 0.18 }, { day: 3, share: 0.35 }, { day: 6, share: 0.43 }], weibo: [{ day: 1, share: 0.002 }, { day: 4, share: 0.004 }] },
    adoptions: ['district', 'city'], excellentAt: 'city',
  },
  { key: 'item-03', unit: 'traffic', daysBack: 45, title: '交警大队开展秋季道路交通安全集中整治', destination: 'external', publish: { weibo: [{ day: 1, share: 0.001 }, { day: 3, share: 0.003 }] }, adoptions: [] },
  // the day-8 reading passes 20%, but outside the 7-day window: no tier
  { key: 'item-04', unit: 'security-1', daysBack: 41, title: '治安大队一中队深入辖区开展防范宣传', destination: 'external', publish: { wechat: [{ day: 2, share: 0.08 }, { day: 5, share: 0.15 }, { day: 8, share: 0.24 }] }, adoptions: [] },
  // the platform revises the day-3 count upwards past 20%: the correction decides the tier
  { key: 'item-05', unit: 'publicity', daysBack: 37, title: '宣传科组织开展“警营开放日”活动', destination: 'external', publish: { wechat: [{ day: 1, share: 0.11 }, { day: 3, share: 0.17, correctedTo: 0.21 }] }, adoptions: ['district'] },
  { key: 'item-06', unit: 'command', daysBack: 33, title: '关于进一步规范警情处置流程的建议', destination: 'internal', publish: {}, adoptions: ['district', 'city'], instructionAt: 'city' },
  { key: 'item-07', unit: 'criminal-1', daysBack: 29, title: '刑侦一中队抓获盗窃电动车嫌疑人2名', destination: 'external', publish: { wechat: [{ day: 1, share: 0.05 }, { day: 4, share: 0.11 }] }, adoptions: [] },
  { key: 'item-08', unit: 'tech', daysBack: 24, title: '科技信息化科上线“一网通办”警务服务', destination: 'external', publish: { weibo: [{ day: 1, share: 0.003 }, { day: 2, share: 0.005 }, { day: 5, share: 0.006 }] }, adoptions: [] },
  { key: 'item-09', unit: 'legal', daysBack: 20, title: '法制科推行执法办案“一案一评”制度', destination: 'external', publish: { wechat: [{ day: 1, share: 0.3 }, { day: 3, share: 0.41 }, { day: 6, share: 0.47 }] }, adoptions: ['district', 'city', 'province'] },
  {
    key: 'item-10', unit: 'traffic-1', daysBack: 15, title: '交警一中队护航学生平安上下学', destination: 'external',
    publish: { wechat: [{ day: 1, share: 0.1 }, { day: 3, share: 0.19 }], weibo: [{ day: 2, share: 0.002 }] },
    adoptions: [],
  },
  { key: 'item-11', unit: 'party-publicity', daysBack: 10, title: '党委宣传部举办新媒体运营培训班', destination: 'external', publish: { wechat: [{ day: 1, share: 0.22 }, { day: 3, share: 0.28 }] }, adoptions: ['district'] },
  { key: 'item-12', unit: 'security', daysBack: 5, title: '治安大队开展冬季消防安全检查', destination: 'external', publish: { weibo: [{ day: 1, share: 0.002 }, { day: 3, share: 0.004 }, { day: 6, share: 0.005 }] }, adoptions: [] },
];

const PUBLICATIONS: Record<string, string> = { district: '《区县政务信息》', city: '《某市信息》', province: '《省公安信息》' };

export interface DemoActivityPorts {
  readonly runner: CommandRunner;
  /** The reporting policy adapter (the policies in force give each draft its review chain, as on POST /submit). */
  readonly policy: ReportingPolicy;
  /** The business time zone (appointments in force, office hours). */
  readonly timeZone: string;
}

export interface DemoActivitySummary {
  readonly drafts: number;
  readonly publications: number;
  readonly observations: number;
  readonly adoptions: number;
  readonly excellent: number;
  readonly instructions: number;
  /** Events this run appended (0 when the seed ran before). */
  readonly appended: number;
  /** The business months (YYYY-MM) the items were published or adopted in (as recorded in the log), oldest first. */
  readonly months: readonly string[];
  /** The month with the most publications and adoptions: the one to show a leaderboard for. */
  readonly busiestMonth: string | null;
}

/**
 * Reporting history for the demo institution, so a new user sees a leaderboard and a ledger at once (issue 10):
 * about a dozen drafts by the reporters of several units in the two months before `now`, walked through the review
 * chain the policies in force resolve (each step by a member whose appointment covers the unit, never an author,
 * never twice the same reviewer), signed off, published on the demo WeChat and Weibo channels, observed 2-3 times
 * (tiers reached, one reading past day 7, one correction), adopted at district, city and province level, one rated
 * excellent and one instructed (批示). Every decision is the real decider's, with the permission checked as the API
 * checks it, at business times in order (publication after sign-off, observations after publication, none after
 * `now`). Fixed ids and command ids: seeding twice appends nothing. Needs the demo organisation and its policies.
 */
export async function seedDemoActivity(ports: DemoActivityPorts, demo: DemoOrganization, now: Date): Promise<DemoActivitySummary> {
  const { runner, policy, timeZone } = ports;
  const store = runner.store;
  const id = (...parts: string[]) => deterministicUuid('demo', ...parts);
  const ctx = (key: string, actorId: string) => ({ commandId: `demo-activity:${key}`, actorId, correlationId: 'seed-demo-activity' });
  let appended = 0;
  const count = (r: { events: readonly unknown[]; duplicate: boolean }) => {
    if (!r.duplicate) appended += r.events.length;
  };

  // the unit tree from the unit streams (the write model): the org-tree read model may not have caught up yet
  const parents = new Map<string, string | null>();
  const tree: UnitTree = {
    async lineage(unitId) {
      const out: string[] = [];
      for (let u: string | null = unitId; u !== null && out.length < 64; ) {
        if (!parents.has(u)) {
          const state = fold(unitDecider, (await store.readStream(unitStream(u))) as never[]) as { status: string; parentId?: string | null };
          parents.set(u, state.status === 'none' ? null : (state.parentId ?? null));
        }
        out.push(u);
        u = parents.get(u)!;
      }
      return out;
    },
  };
  const access = new AccessPolicy(tree);
  const actors = new Map<string, Actor>();
  const actorAt = async (memberId: string, at: number): Promise<Actor> => {
    const today = businessDate(new Date(at), timeZone);
    const key = `${memberId}|${today}`;
    if (!actors.has(key)) {
      const { member, appointments } = await loadActorAppointments(store, memberId);
      actors.set(key, { memberId, name: member?.name ?? '', appointments: appointments.filter((a) => inForce(a, today)) });
    }
    return actors.get(key)!;
  };
  /** The member acting on the unit, after the permission check the API makes (403 otherwise). */
  const acting = async (memberId: string, permission: Permission, unitId: string, at: number): Promise<ActingMember> => {
    const actor = await actorAt(memberId, at);
    await access.assert(actor, permission, unitId);
    const { roles, lineage } = await access.coverage(actor, unitId);
    return { memberId, rolesCoveringUnit: roles, unitLineage: lineage };
  };

  const office = demo.byRole.office_reviewer.memberId;
  const followers = new Map<ChannelKey, { asOf: string; count: number }[]>();
  for (const key of ['wechat', 'weibo'] as const) {
    const events = await store.readStream(channelStream(demo.channels[key]!));
    followers.set(key, events.filter((e) => e.type === 'FollowerCountRecorded').map((e) => e.data as { asOf: string; count: number }));
  }
  const iso = (t: number) => new Date(t).toISOString();
  const nowMs = now.getTime();
  // appointments of the demo start on 1 January: in a young year the two months shrink to the days since then
  const yearStart = Date.parse(`${businessDate(now, timeZone).slice(0, 4)}-01-02T00:00:00Z`);
  const scale = Math.min(1, Math.max(0, (nowMs - yearStart) / DAY - 3) / 55);
  const officeHours = (daysBack: number) => {
    // 09:30 on the business day `daysBack` days before now (Asia/Shanghai is UTC+8: 01:30Z)
    const day = businessDate(new Date(nowMs - daysBack * DAY), timeZone);
    return Date.parse(`${day}T01:30:00Z`);
  };

  const summary = { drafts: 0, publications: 0, observations: 0, adoptions: 0, excellent: 0, instructions: 0 };
  const months = new Map<string, number>();
  const month = (t: number) => {
    const m = businessDate(new Date(t), timeZone).slice(0, 7);
    months.set(m, (months.get(m) ?? 0) + 1);
  };

  for (const item of ITEMS) {
    const daysBack = Math.max(1, Math.round(item.daysBack * scale));
    const created = officeHours(daysBack);
    if (scale === 0 || created > nowMs - 2 * HOUR) continue;
    const unitId = demo.units[item.unit]!;
    const author = demo.members.find((m) => m.role === 'reporter' && m.unitId === unitId)!;
    const draftId = id('draft', item.key);
    const stream = draftStream(draftId);
    const content: DraftContent = {
      title: item.title,
      body: `${businessDate(new Date(created - DAY), timeZone)},${item.title}。`,
      contentType: 'general',
      source: 'original',
      originalOutlet: null,
      firstRelease: 'exclusive',
      targetPlatforms: Object.keys(item.publish),
      authors: [author.memberId],
      recommenderId: null,
      eventDate: businessDate(new Date(created - DAY), timeZone),
      importance: 'general',
      destination: item.destination,
      longForm: false,
      attachments: [],
      formFields: {},
    };
    let t = created;
    const step = (minutes: number) => (t += minutes * MINUTE);
    const run = async (key: string, actorId: string, command: DraftCommand | ((state: DraftState) => Promise<DraftCommand>)) => {
      count(await runner.run(stream, draftDecider, command, ctx(`${item.key}:${key}`, actorId)));
    };

    const creator = await acting(author.memberId, 'drafts.create', unitId, t);
    await run('create', author.memberId, { type: 'CreateDraft', draftId, unitId, content, commissionId: null, actor: creator, now: iso(t) });
    step(25);
    const submitter = await acting(author.memberId, 'drafts.write', unitId, t);
    const submittedAt = iso(t);
    const submission = { unitId, unitType: (fold(unitDecider, (await store.readStream(unitStream(unitId))) as never[]) as { unitType: string }).unitType, submittedAt };
    await run('submit', author.memberId, async () => {
      const rules = await policy.evaluateSubmission(content, submission);
      const inForce = await policy.policiesInForce(submission);
      return { type: 'SubmitDraft', ...rules, release: inForce.release, policiesInForce: inForce.policies, actor: submitter, now: submittedAt };
    });
    // the chain the policy resolved, one step after the other (a rerun finds the draft signed off and does nothing)
    for (let guard = 0; guard < 10; guard++) {
      const state = fold(draftDecider, (await store.readStream(stream)) as never[]);
      if (state.status !== 'in_review') break;
      const stepIndex = state.currentStep;
      const chainStep = state.chain!.steps[stepIndex]!;
      step(90 + 40 * stepIndex);
      const approvers = new Set(state.approvals.map((a) => a.reviewerId));
      let reviewer: ActingMember | undefined;
      for (const m of demo.members) {
        if (m.role !== chainStep.role || content.authors.includes(m.memberId) || approvers.has(m.memberId)) continue;
        const candidate = await acting(m.memberId, 'drafts.review', unitId, t).catch(() => undefined);
        if (candidate?.rolesCoveringUnit.includes(chainStep.role)) {
          reviewer = candidate;
          break;
        }
      }
      if (!reviewer) throw new Error(`Demo activity: nobody performs step ${stepIndex} (${chainStep.role}) of ${item.key}`);
      const by = reviewer;
      await run(`approve:${state.round}:${stepIndex}`, by.memberId, {
        type: 'ApproveStep',
        stepIndex,
        comment: chainStep.confidentiality ? null : '同意',
        verdict: chainStep.confidentiality ? 'may_publish' : null,
        actor: by,
        now: iso(t),
      });
    }
    const signedOff = fold(draftDecider, (await store.readStream(stream)) as never[]);
    if (signedOff.status !== 'signed_off') throw new Error(`Demo activity: ${item.key} is ${signedOff.status}, not signed off`);
    summary.drafts++;

    // outcomes, recorded by the office (办公室) after sign-off
    for (const [channelKey, observations] of Object.entries(item.publish) as [ChannelKey, readonly DemoObservation[]][]) {
      step(120);
      if (t > nowMs) break;
      const recorder = await acting(office, 'drafts.record', unitId, t);
      const channelId = demo.channels[channelKey]!;
      const publicationId = id('publication', item.key, channelKey);
      const publishedAt = iso(t);
      await run(`publish:${channelKey}`, office, {
        type: 'RecordPublication',
        publicationId,
        channel: { channelId, levelKey: 'city', platform: channelKey, retired: false },
        url: channelKey === 'wechat' ? `https://mp.weixin.qq.com/s/demo-${item.key}` : `https://weibo.com/pingan_mouchi/demo-${item.key}`,
        publishedAt,
        exclusiveFirstRelease: true,
        actor: recorder,
      });
      summary.publications++;
      // as the metrics handler does: the publication's facts from the draft's stream (a rerun on a later day keeps the first run's)
      const recorded = (await store.readStream(stream)).find((e) => e.type === 'DraftPublished' && (e.data as DraftPublished['data']).publicationId === publicationId)?.data as DraftPublished['data'] | undefined;
      const publication: PublicationFacts = { publicationId, draftId, channelId, platform: channelKey, publishedAt: recorded?.publishedAt ?? publishedAt, retracted: false };
      // the month of the recorded fact: a rerun on a later day names the months the log holds (the demo payout periods)
      month(Date.parse(publication.publishedAt));
      const base = followersAt(followers.get(channelKey)!, publication.publishedAt) ?? 0;
      const measure = (share: number) => {
        const n = Math.round(base * share);
        return channelKey === 'wechat'
          ? { reads: n, reposts: Math.round(n * 0.02), interactions: Math.round(n * 0.05), followers: null }
          : { reads: n * 40, reposts: n, interactions: Math.round(n * 1.5), followers: null };
      };
      const source = channelKey === 'wechat' ? 'wechat-mp-api' : 'weibo-api';
      const observe = async (key: string, observedAt: number, counts: ReturnType<typeof measure>) => {
        const recordedAt = Math.min(observedAt + 40 * MINUTE, nowMs);
        if (observedAt > nowMs) return false;
        const recorder = await acting(office, 'metrics.record', unitId, recordedAt);
        count(
          await runner.run(
            metricsStream(publicationId),
            metricsDecider,
            { type: 'RecordMetrics', publication, observedAt: iso(observedAt), source, counts, recordedBy: recorder.memberId, now: iso(recordedAt) },
            ctx(`${item.key}:metrics:${channelKey}:${key}`, office),
          ),
        );
        summary.observations++;
        return true;
      };
      for (const o of observations) {
        const observedAt = Date.parse(publication.publishedAt) + o.day * DAY;
        const observed = await observe(`day-${o.day}`, observedAt, measure(o.share));
        if (observed && o.correctedTo !== undefined && observedAt + DAY <= nowMs) await observe(`day-${o.day}:corrected`, observedAt, measure(o.correctedTo));
      }
    }
    for (const level of item.adoptions) {
      step(3 * 24 * 60);
      if (t > nowMs) break;
      const recorder = await acting(office, 'drafts.record', unitId, t);
      const issue = `${businessDate(new Date(t), timeZone).slice(0, 4)}年第${10 + summary.adoptions}期`;
      await run(`adopt:${level}`, office, { type: 'RecordAdoption', adoptionId: id('adoption', item.key, level), publicationName: PUBLICATIONS[level]!, levelKey: level, levelExists: true, issue, adoptedAt: iso(t), actor: recorder });
      summary.adoptions++;
      const adoptionId = id('adoption', item.key, level);
      const adopted = (await store.readStream(stream)).find((e) => e.type === 'DraftAdopted' && (e.data as { adoptionId: string }).adoptionId === adoptionId)?.data as { adoptedAt: string } | undefined;
      month(Date.parse(adopted?.adoptedAt ?? iso(t)));
      if (item.excellentAt === level) {
        step(24 * 60);
        await run(`excellent:${level}`, office, { type: 'RateExcellent', levelKey: level, levelExists: true, ratedAt: iso(Math.min(t, nowMs)), actor: recorder });
        summary.excellent++;
      }
      if (item.instructionAt === level) {
        step(24 * 60);
        await run(`instruction:${level}`, office, {
          type: 'RecordInstruction',
          instructionId: id('instruction', item.key, level),
          levelKey: level,
          levelExists: true,
          leader: '市委副书记',
          text: '此建议很好,请市公安局认真研究,抓好落实。',
          instructedAt: iso(Math.min(t, nowMs)),
          actor: recorder,
        });
        summary.instructions++;
      }
    }
  }
  const busiest = [...months].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? 1 : -1))[0];
  return { ...summary, appended, months: [...months.keys()].sort(), busiestMonth: busiest?.[0] ?? null };
}
