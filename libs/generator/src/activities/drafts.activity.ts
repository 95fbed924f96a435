import type { Role } from '@app/access';
import { draftDecider, draftStream, publicationKey } from '@app/reporting';
import type { ConfidentialityVerdict } from '@app/reporting';
import { LEADER_TITLES } from '../names';
import type { Rng } from '../random';
import type { Activity, World } from '../world';
import { draftContent, revised } from './content';

/** The draft decider's state (derived: the reporting context exports the decider, not its types). */
type DraftState = ReturnType<typeof draftDecider.initialState>;

/** Events a draft's story produces on average (calibrated on the small history): the daily budget divides by it. */
const EVENTS_PER_DRAFT = 7.5;
/** Events a draft still in review will produce, on average. */
const EVENTS_IN_FLIGHT = 4;
/** No new drafts in the last days of the span, so that most stories end inside it. */
const QUIET_DAYS_AT_END = 15;

/** Adoption up the ladder (采用): each level is reached with this probability once the one below was. */
const LADDER: readonly { levelKey: string; publication: string; p: number }[] = [
  { levelKey: 'unit', publication: '《信息专报》', p: 0.5 },
  { levelKey: 'district', publication: '《区县政务信息》', p: 0.4 },
  { levelKey: 'city', publication: '《某市信息》', p: 0.35 },
  { levelKey: 'province', publication: '《省公安信息》', p: 0.3 },
  { levelKey: 'national', publication: '《公安部信息快报》', p: 0.25 },
];

const UNIT_WEIGHT: Readonly<Record<string, number>> = { section: 1, brigade: 1.5, squad: 1.2, post: 0.6, 'publicity-department': 1 };

interface Story {
  readonly draftId: string;
  readonly stream: string;
  readonly unitId: string;
  readonly authors: readonly string[];
  returns: number;
}

/** Drafts whose story has not ended, per generation (the budget counts what they will still produce). */
const inFlight = new WeakMap<World, { n: number }>();

/**
 * The reporting workflow, day by day: reporters (信息员) write drafts, edit and submit them (报送); the policy in
 * force picks the review chain and checks form and timeliness; reviewers approve, return (退回修改) or reject; the
 * confidentiality review gives its verdict or refers the draft to the secrecy authority, whose answer comes days
 * later; after sign-off (签发) the office records publications on channels, adoptions (采用) up the ladder,
 * excellent ratings and leader instructions (批示), and now and then a retraction. The number of drafts a day
 * follows the size's event budget.
 */
/**
 * Event types outside the reporting budget (the metrics and payouts activities follow what the drafts produce; the
 * calendar's BusinessPeriodEnded follow the span).
 */
export const OUTSIDE_REPORTING_BUDGET: readonly string[] = ['MetricsRecorded', 'PayoutPeriodOpened', 'PayoutPeriodClosed', 'PayoutRecorded', 'BusinessPeriodEnded'];

export const draftsActivity: Activity = {
  name: 'drafts',
  start(world) {
    const rng = world.rng('drafts');
    inFlight.set(world, { n: 0 });
    const lastDay = world.end - QUIET_DAYS_AT_END * 86_400_000;
    const days = world.time.workingDaysBetween(world.start + 86_400_000, lastDay);
    days.forEach((day, index) => {
      world.at(day + 7 * 3_600_000, () => {
        // the budget is the reporting history's: the metrics observations and finance's payouts come on top of it (so drafts keep their shape)
        const reporting = world.ledger.produced - OUTSIDE_REPORTING_BUDGET.reduce((n, type) => n + (world.ledger.countsByType.get(type) ?? 0), 0);
        const remaining = world.plan.targetEvents - reporting - inFlight.get(world)!.n * EVENTS_IN_FLIGHT;
        const mean = Math.max(0, remaining) / EVENTS_PER_DRAFT / (days.length - index);
        const units = world.org.reportingUnits();
        const n = rng.poisson(mean);
        for (let i = 0; i < n; i++) {
          const unit = rng.weighted(units.map((u) => [u, UNIT_WEIGHT[u.unitType] ?? 1] as const));
          world.at(world.time.duringOfficeHours(day, rng), () => createDraft(world, rng, unit.unitId, null));
        }
      });
    });
  },
};

/** A reporter of the unit writes a draft (for a commission when `commissionId` is set) and submits it. */
export async function createDraft(world: World, rng: Rng, unitId: string, commissionId: string | null): Promise<void> {
  const unit = world.org.units.get(unitId);
  if (!unit?.active || !unit.reports) return;
  const reporters = world.org.reporters(unitId, world.today());
  if (reporters.length === 0) return;
  const creator = rng.pick(reporters);
  const coauthor = reporters.length > 1 && rng.chance(0.15) ? rng.pick(reporters.filter((r) => r !== creator)) : undefined;
  const authors = coauthor ? [creator, coauthor] : [creator];
  const acting = await world.acting(creator, 'drafts.create', unitId);
  if (!acting) return;
  const contentTypes = await world.policies.reporting.contentTypes(unit.unitType, world.nowIso());
  const content = draftContent(rng, {
    unitName: unit.name,
    authors,
    contentTypes,
    today: (daysBack) => world.time.date(world.now - daysBack * 86_400_000),
  });
  const draftId = world.ledger.id('draft', String(world.ledger.produced));
  const stream = draftStream(draftId);
  const created = world.run(stream, draftDecider, { type: 'CreateDraft', draftId, unitId, content, commissionId, actor: acting, now: world.nowIso() }, creator);
  if (!created) return;
  inFlight.get(world)!.n++;
  const story: Story = { draftId, stream, unitId, authors, returns: 0 };
  if (rng.chance(0.3)) {
    world.at(world.time.afterWorkingMinutes(world.now, rng.int(10, 180)), () => edit(world, rng, story, () => scheduleSubmit(world, rng, story)));
  } else {
    scheduleSubmit(world, rng, story);
  }
}

function state(world: World, story: Story): DraftState {
  return world.ledger.state(story.stream, draftDecider);
}

function finish(world: World, story: Story): void {
  world.ledger.forget(story.stream);
  inFlight.get(world)!.n--;
}

async function edit(world: World, rng: Rng, story: Story, then: () => void): Promise<void> {
  const s = state(world, story);
  const author = await firstAllowedAuthor(world, story, 'drafts.write');
  if (!author || !s.content) return finish(world, story);
  world.run(story.stream, draftDecider, { type: 'EditDraft', content: revised(rng, s.content), actor: author, now: world.nowIso() }, author.memberId);
  then();
}

async function firstAllowedAuthor(world: World, story: Story, permission: 'drafts.write') {
  for (const memberId of story.authors) {
    const acting = world.org.actor(memberId, world.today()) && world.org.holders('reporter', story.unitId, world.today()).includes(memberId) ? await world.acting(memberId, permission, story.unitId) : undefined;
    if (acting) return acting;
  }
  return undefined;
}

function scheduleSubmit(world: World, rng: Rng, story: Story): void {
  world.at(world.time.afterWorkingMinutes(world.now, rng.int(20, 240)), () => submit(world, rng, story));
}

async function submit(world: World, rng: Rng, story: Story): Promise<void> {
  const unit = world.org.units.get(story.unitId)!;
  const s = state(world, story);
  const author = await firstAllowedAuthor(world, story, 'drafts.write');
  // the API refuses a dissolved unit's submission (draft-unit-dissolved); an author who left cannot submit
  if (!unit.active || !author || !s.content) return finish(world, story);
  const now = world.nowIso();
  const ctx = { unitId: unit.unitId, unitType: unit.unitType, submittedAt: now };
  const rules = await world.policies.reporting.evaluateSubmission(s.content, ctx);
  const inForce = await world.policies.reporting.policiesInForce(ctx);
  const events = world.run(story.stream, draftDecider, { type: 'SubmitDraft', ...rules, release: inForce.release, policiesInForce: inForce.policies, actor: author, now }, author.memberId);
  if (!events) return finish(world, story);
  afterDecision(world, rng, story);
}

/** What comes after a decision: the next step, the secrecy authority's answer, the outcomes, or the end. */
function afterDecision(world: World, rng: Rng, story: Story): void {
  const s = state(world, story);
  switch (s.status) {
    case 'in_review':
      world.at(world.time.afterWorkingMinutes(world.now, rng.int(30, 900)), () => review(world, rng, story));
      return;
    case 'referred':
      world.at(world.time.afterWorkingDays(world.now, rng.int(3, 10), rng), () => secrecyAnswer(world, rng, story));
      return;
    case 'returned':
      world.at(world.time.afterWorkingMinutes(world.now, rng.int(60, 1200)), () => edit(world, rng, story, () => scheduleSubmit(world, rng, story)));
      return;
    case 'signed_off':
      world.at(world.time.afterWorkingMinutes(world.now, rng.int(30, 1200)), () => outcomes(world, rng, story));
      return;
    case 'draft':
    case 'none':
    case 'rejected':
    case 'retracted':
      finish(world, story);
      return;
  }
}

/** Members who may perform the waiting step: its role covering the unit, not an author, not an earlier approver. */
function performers(world: World, story: Story, s: DraftState, role: Role): string[] {
  const approvers = new Set(s.approvals.map((a) => a.reviewerId));
  const rules = s.chain!.rules;
  return world.org
    .holders(role, story.unitId, world.today())
    .filter((m) => !(rules.authorMayNotReview && (story.authors.includes(m) || s.createdBy === m)) && !(rules.twoPersonCheck && approvers.has(m)));
}

async function review(world: World, rng: Rng, story: Story): Promise<void> {
  const s = state(world, story);
  if (s.status !== 'in_review') return finish(world, story);
  const stepIndex = s.currentStep;
  const step = s.chain!.steps[stepIndex]!;
  const candidates = performers(world, story, s, step.role);
  // nobody can perform the step (a vacancy): the draft waits, as it would in the inbox
  if (candidates.length === 0) return finish(world, story);
  const reviewer = rng.pick(candidates);
  const actor = await world.acting(reviewer, 'drafts.review', story.unitId);
  if (!actor) return finish(world, story);
  const now = world.nowIso();
  const roll = rng.next();
  if (roll < 0.02) {
    world.run(story.stream, draftDecider, { type: 'RejectDraft', stepIndex, reason: rng.pick(['内容与本单位职责无关', '信息价值不高', '重复报送']), actor, now }, reviewer);
  } else if (roll < 0.1 && story.returns < 2) {
    story.returns++;
    world.run(story.stream, draftDecider, { type: 'ReturnForRevision', stepIndex, comments: rng.pick(['请补充具体数据', '标题不够精炼,请修改', '请核实事件时间', '请删除不确切表述']), actor, now }, reviewer);
  } else {
    let verdict: ConfidentialityVerdict | null = null;
    if (step.confidentiality) {
      const internal = s.content?.destination === 'internal';
      verdict = rng.weighted<ConfidentialityVerdict>([
        ['may_publish', internal ? 75 : 93],
        ['not_to_publish', internal ? 20 : 4],
        ['refer_to_secrecy_authority', 3],
      ]);
    }
    world.run(story.stream, draftDecider, { type: 'ApproveStep', stepIndex, comment: rng.chance(0.3) ? '同意' : null, verdict, actor, now }, reviewer);
  }
  afterDecision(world, rng, story);
}

async function secrecyAnswer(world: World, rng: Rng, story: Story): Promise<void> {
  const s = state(world, story);
  if (s.status !== 'referred') return finish(world, story);
  const step = s.chain!.steps[s.currentStep]!;
  const candidates = performers(world, story, s, step.role);
  if (candidates.length === 0) return finish(world, story);
  const recorder = rng.pick(candidates);
  const actor = await world.acting(recorder, 'drafts.review', story.unitId);
  if (!actor) return finish(world, story);
  const year = world.today().slice(0, 4);
  world.run(
    story.stream,
    draftDecider,
    {
      type: 'RecordSecrecyAuthorityAnswer',
      stepIndex: s.currentStep,
      outcome: rng.chance(0.8) ? 'may_publish' : 'not_to_publish',
      reference: rng.chance(0.7) ? `机保〔${year}〕${rng.int(1, 300)}号` : null,
      answeredOn: world.today(),
      comment: null,
      actor,
      now: world.nowIso(),
    },
    recorder,
  );
  afterDecision(world, rng, story);
}

/** The outcomes of a signed-off draft, one after the other: publications, adoptions up the ladder, ratings, instructions. */
async function outcomes(world: World, rng: Rng, story: Story): Promise<void> {
  const s = state(world, story);
  const office = world.staff.officeReviewer;
  const actor = await world.acting(office, 'drafts.record', story.unitId);
  if (s.status !== 'signed_off' || !actor) return finish(world, story);
  const steps: (() => void)[] = [];
  const blocking = s.verdicts.some((v) => v !== 'may_publish');
  const publishable = !blocking && (!s.chain!.rules.confidentialityBeforePublication || s.verdicts.includes('may_publish'));
  if (publishable && s.content?.destination === 'external') {
    const channels = world.org.activeChannels().filter((c) => c.platform !== 'bulletin');
    const preferred = channels.filter((c) => s.content!.targetPlatforms.includes(c.platform));
    for (const channel of rng.sample(preferred.length > 0 ? preferred : channels, rng.int(1, 2))) {
      steps.push(() => {
        const current = world.org.channels.get(channel.channelId)!;
        if (current.retired) return;
        const publicationId = world.ledger.id('publication', story.draftId, channel.channelId);
        world.run(
          story.stream,
          draftDecider,
          {
            type: 'RecordPublication',
            publicationId,
            channel: { channelId: current.channelId, levelKey: current.levelKey, platform: current.platform, retired: current.retired },
            url: `https://${current.platform}.example.cn/${publicationId.slice(0, 8)}`,
            publishedAt: world.nowIso(),
            exclusiveFirstRelease: s.content!.firstRelease === 'exclusive',
            actor,
          },
          office,
        );
      });
    }
  }
  const adoptionBlocked = blocking && s.release.notToPublishAlsoBlocks.includes('adoption');
  for (const level of LADDER) {
    if (adoptionBlocked || !rng.chance(level.p)) break;
    const publicAdoption = blocking && s.release.publicPublications.includes(publicationKey(level.publication));
    if (publicAdoption) break;
    steps.push(() => {
      const issue = `${world.today().slice(0, 4)}年第${rng.int(1, 80)}期`;
      const adoptedAt = world.nowIso();
      const levelExists = world.org.levelExists(level.levelKey);
      world.run(story.stream, draftDecider, { type: 'RecordAdoption', adoptionId: world.ledger.id('adoption', story.draftId, level.levelKey), publicationName: level.publication, levelKey: level.levelKey, levelExists, issue, adoptedAt, actor }, office);
    });
    if (rng.chance(0.12) && !(blocking && s.release.notToPublishAlsoBlocks.includes('excellent'))) {
      steps.push(() => world.run(story.stream, draftDecider, { type: 'RateExcellent', levelKey: level.levelKey, levelExists: world.org.levelExists(level.levelKey), ratedAt: world.nowIso(), actor }, office));
    }
    if (rng.chance(0.06) && !(blocking && s.release.notToPublishAlsoBlocks.includes('instruction'))) {
      steps.push(() =>
        world.run(
          story.stream,
          draftDecider,
          {
            type: 'RecordInstruction',
            instructionId: world.ledger.id('instruction', story.draftId, level.levelKey),
            levelKey: level.levelKey,
            levelExists: world.org.levelExists(level.levelKey),
            leader: rng.pick(LEADER_TITLES),
            text: rng.pick(['此信息很好,请各地借鉴。', '请市公安局认真研究,抓好落实。', '做法值得肯定,请总结推广。']),
            instructedAt: world.nowIso(),
            actor,
          },
          office,
        ),
      );
    }
  }
  if (rng.chance(0.004)) {
    steps.push(() => world.run(story.stream, draftDecider, { type: 'RetractDraft', reason: '内容有误,撤回', actor, now: world.nowIso() }, office));
  }
  const next = (i: number) => {
    if (i >= steps.length) return finish(world, story);
    world.at(world.time.afterWorkingMinutes(world.now, rng.int(30, 2400)), () => {
      steps[i]!();
      next(i + 1);
    });
  };
  next(0);
}
