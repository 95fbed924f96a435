import { createHash } from 'node:crypto';
import type { DomainEvent } from '@app/kernel';
import { foldPolicyVersions, PolicyFoldEvent, PolicyVersions } from '@app/policies';
import {
  type ChannelFacts,
  type EndedPeriod,
  endedPeriodOf,
  type EntitlementLine,
  entitlementLines,
  foldItem,
  ITEM_EVENT_TYPES,
  type ItemFacts,
  type PeriodEarnings,
  rankingPrizeItemId,
  rankingPrizeLines,
  REWARDS_TIME_ZONE,
  rewardsEnvironment,
  type PayoutsState,
  periodRanked,
  type RewardsEnvironment,
  type StatementLine,
  statementLine,
  withFollowerCount,
} from '@app/rewards';

const ITEM_TYPES = new Set<string>(ITEM_EVENT_TYPES);
const POLICY_TYPES = new Set(['PolicyDrafted', 'PolicyValidated', 'PolicyPublished', 'PolicySuperseded']);

interface Item {
  /** The facts, or undefined while the item is frozen (then `frozen` holds them as JSON). */
  facts?: ItemFacts;
  frozen?: string;
  /** The channels of its publications (what a follower count can reach). */
  channels: readonly string[];
  /** The simulated instant of its last fact. */
  touchedAt: number;
  /** The item's statement lines as last evaluated (a frozen item keeps none: the ledger holds them). */
  lines?: StatementLine[];
  /** What a ranking counts of each of `lines` (kept beside them: a StatementLine has no unit, platform or family). */
  counted?: readonly Counted[];
  /** The model's clock when the lines were last evaluated (undefined: never). */
  evaluatedAt?: number;
  /** The last evaluation's lines as rankings count them (kept across touches and freezing); undefined: never evaluated. */
  seen?: Seen;
}

type Counted = Pick<EntitlementLine, 'family' | 'unitId' | 'platform'>;

/** The business dates of an item's lines (undefined when it has none) and a hash of what rankings count of them. */
interface Seen {
  readonly first?: string;
  readonly last?: string;
  readonly hash: string;
}

/** An ended period of REWARDS_TIME_ZONE, with its prize lines as last awarded; `dirty` until they are awarded again. */
interface Ended {
  readonly period: EndedPeriod;
  dirty: boolean;
  prizes: StatementLine[];
}

/**
 * The entitlement lines of the generated history as the rewards projection would hold them at this point of the
 * log, kept in memory for the generator's finance (payouts.activity.ts), which closes payout periods on them as
 * POST /v1/payouts/periods/:id/close does on the read model. It folds the same facts with the same pure functions
 * the projection uses (foldItem, foldPolicyVersions, withFollowerCount, rewardsEnvironment, entitlementLines), so
 * its lines are the projection's at the same position (apps/api/src/generated-payouts.int-spec.ts checks a
 * generated close against a rewards build as of its position).
 *
 * Ranking prizes: it folds BusinessPeriodEnded of REWARDS_TIME_ZONE into ended periods (their business dates and
 * event id, as the projection's reward_periods), and awards each ended period the prizes rankingPrizeLines gives
 * for the money the period's current lines earned per (unit, payee, platform), filed under rankingPrizeItemId, as
 * awardRankingPrizes does. As the projection replaces a period's prize lines whenever a batch reaches its dates,
 * the model awards a period again whenever what it ranks may have changed: when it ends, when the policies change,
 * and when a re-evaluation changes what rankings count of an item's lines (the hash in `seen`) dated within it. The
 * projection's prizes are those of its current lines at every position (every change that can move them reaches
 * the period), so awarding again more often than it does gives the same lines. The money of a period is summed
 * from the current lines of the items whose lines fall within it, a frozen item's evaluated again from its facts
 * (the recorded lines may be older versions of equal amount, with other event ids, and zero lines are not
 * recorded, while a prize lists the event ids of every line it counted).
 *
 * An item is evaluated again only when its facts, the policies (`stamp`) or one of its channels changed. Memory
 * stays bounded by freezing, after a close, the items untouched for a while whose lines all fall in closed periods:
 * their facts are kept as JSON text (parsed again when they change or must be re-evaluated; the JSON of facts folds
 * to the same lines, the projection keeps them as jsonb) and their lines are not kept at all. While such an item
 * stays as it was, its lines are those the ledger recorded for it (the close that followed its last evaluation
 * recorded them: lines of the period, or adjustments to earlier ones), so the next close is given the recorded ones.
 * Recorded and current differ only where amounts are equal (a zero line is not recorded; an unchanged amount keeps
 * its recorded version), which makes no difference to a statement.
 */
export class EntitlementsModel {
  private readonly items = new Map<string, Item>();
  private readonly policies: PolicyVersions = new Map();
  private readonly unitTypes = new Map<string, string>();
  private readonly channels = new Map<string, ChannelFacts>();
  private readonly channelStamps = new Map<string, number>();
  /** Bumped by every change of the policies or units; a channel's stamp by every change of that channel. */
  private clock = 0;
  private stamp = 0;
  private env: RewardsEnvironment | undefined;
  /** The ended periods (a few hundred over 24 months: days, months, quarters, years), by period and key. */
  private readonly ended = new Map<string, Ended>();

  /** Folds one event of the history; `at` is its simulated instant (epoch ms). */
  observe(event: DomainEvent, eventId: string, recordedAt: string, at: number): void {
    const d = event.data as Record<string, unknown>;
    if (ITEM_TYPES.has(event.type)) {
      const id = d.draftId as string;
      const item = this.items.get(id);
      const before = item ? factsOf(item) : undefined;
      const facts = foldItem(before, { type: event.type, data: d, eventId });
      if (!facts || facts === before) return;
      this.items.set(id, { facts, channels: facts.publications.map((p) => p.channelId), touchedAt: at, seen: item?.seen });
      return;
    }
    if (POLICY_TYPES.has(event.type)) {
      const changed = foldPolicyVersions(this.policies, [{ type: event.type, data: d, recordedAt } as unknown as PolicyFoldEvent]);
      // a draft version changes no line (the projection re-evaluates on the same condition); a version can change
      // the prize rules of ended periods without changing any line: every ended period is awarded again
      if ([...changed].some((key) => this.policies.get(key)!.status !== 'draft' || event.type === 'PolicySuperseded')) {
        this.changed();
        for (const e of this.ended.values()) e.dirty = true;
      }
      return;
    }
    switch (event.type) {
      case 'BusinessPeriodEnded': {
        // as the projection folds it: periods of another time zone are not the rewards' business days
        const period = endedPeriodOf(d as Parameters<typeof endedPeriodOf>[0], eventId, REWARDS_TIME_ZONE);
        if (!period) return;
        this.ended.set(`${period.period}:${period.key}`, { period, dirty: true, prizes: [] });
        return;
      }
      case 'UnitRegistered':
        // a new unit has no items yet: nothing to re-evaluate (the environment reads the map as it is)
        this.unitTypes.set(d.unitId as string, d.unitType as string);
        return;
      case 'ChannelRegistered':
        this.channels.set(d.channelId as string, { ownerUnitId: d.ownerUnitId as string, followers: [] });
        this.channelChanged(d.channelId as string);
        return;
      case 'FollowerCountRecorded': {
        const channel = this.channels.get(d.channelId as string);
        if (!channel) return;
        this.channels.set(d.channelId as string, { ...channel, followers: withFollowerCount(channel.followers, d.asOf as string, d.count as number) });
        this.channelChanged(d.channelId as string);
        return;
      }
      default:
        return;
    }
  }

  /**
   * Every current line with a business date from `from` to `to` (both included), as PayoutsService.currentLines
   * reads them, ranking prizes of the ended periods included; `recorded` is the ledger's (PayoutsState.recorded),
   * which stands for the frozen items' lines.
   */
  lines(from: string, to: string, recorded: PayoutsState['recorded']): StatementLine[] {
    const env = (this.env ??= rewardsEnvironment({ timeZone: REWARDS_TIME_ZONE, policies: this.policies.values(), unitTypes: this.unitTypes, channels: this.channels }));
    const out: StatementLine[] = [];
    const unchanged = new Set<string>();
    const reached: [string, string][] = [];
    for (const [draftId, item] of this.items) {
      let lines = item.lines;
      if (lines === undefined && item.frozen !== undefined && this.fresh(item)) {
        unchanged.add(draftId);
        continue;
      }
      if (lines === undefined || !this.fresh(item)) {
        const evaluated = entitlementLines(factsOf(item), env);
        lines = evaluated.map((l) => statementLine(draftId, l));
        item.evaluatedAt = this.clock;
        if (item.frozen === undefined) {
          item.lines = lines;
          item.counted = evaluated.map(({ family, unitId, platform }) => ({ family, unitId, platform }));
        }
        const seen = seenOf(evaluated);
        if (seen.hash !== item.seen?.hash) {
          // what rankings count changed within the old dates and the new ones
          if (item.seen?.first !== undefined) reached.push([item.seen.first, item.seen.last!]);
          if (seen.first !== undefined) reached.push([seen.first, seen.last!]);
        }
        item.seen = seen;
      }
      for (const line of lines) if (from <= line.businessDate && line.businessDate <= to) out.push(line);
    }
    for (const { line } of recorded.values()) if (unchanged.has(line.draftId) && from <= line.businessDate && line.businessDate <= to) out.push(line);
    this.award(env, merged(reached));
    for (const { prizes } of this.ended.values()) for (const line of prizes) if (from <= line.businessDate && line.businessDate <= to) out.push(line);
    return out;
  }

  /**
   * Awards again the ended periods whose dates `reached` (merged ranges) touches, and those marked dirty, as
   * awardRankingPrizes does: a period no policy ranks (on its last day, for some unit type) has no prizes, without
   * its money being summed (rankingPrizeLines would find no rule); a ranked one the prizes of its current money.
   */
  private award(env: RewardsEnvironment, reached: readonly (readonly [string, string])[]): void {
    let unitTypes: string[] | undefined;
    for (const e of this.ended.values()) {
      const p = e.period;
      if (!e.dirty && !reached.some(([f, t]) => p.to >= f && p.from <= t)) continue;
      e.dirty = false;
      unitTypes ??= [...new Set(this.unitTypes.values())];
      const ranked = periodRanked(p, unitTypes, env);
      e.prizes = ranked ? rankingPrizeLines(p, this.earnings(p, env), env).map((l) => statementLine(rankingPrizeItemId(l.policyId, l.ruleId, p), l)) : [];
    }
  }

  /**
   * The money of a period's lines per (item unit, payee, platform), ranking lines left out, with their event ids
   * (distinct, sorted): what the projection sums from its entitlements for awardRankingPrizes. Every item is
   * evaluated when this runs (lines() did it): a kept item's lines are current, a frozen item's are evaluated again.
   */
  private earnings(period: EndedPeriod, env: RewardsEnvironment): PeriodEarnings[] {
    const sums = new Map<string, { unitId: string; payee: EntitlementLine['payee']; platform: string | null; amountFen: number; eventIds: Set<string> }>();
    const count = (c: Counted, line: Pick<StatementLine, 'payee' | 'businessDate' | 'amountFen' | 'eventIds'>) => {
      if (c.family === 'ranking' || line.businessDate < period.from || line.businessDate > period.to) return;
      const key = `${c.unitId}|${line.payee.kind}|${line.payee.id}|${c.platform ?? ''}|${c.platform === null ? 0 : 1}`;
      let sum = sums.get(key);
      if (!sum) sums.set(key, (sum = { unitId: c.unitId, payee: { kind: line.payee.kind, id: line.payee.id }, platform: c.platform, amountFen: 0, eventIds: new Set() }));
      sum.amountFen += line.amountFen;
      for (const id of line.eventIds) sum.eventIds.add(id);
    };
    for (const item of this.items.values()) {
      const seen = item.seen;
      if (seen?.first === undefined || seen.first > period.to || seen.last! < period.from) continue;
      if (item.lines !== undefined && item.counted !== undefined) item.lines.forEach((line, i) => count(item.counted![i]!, line));
      else for (const line of entitlementLines(factsOf(item), env)) count(line, line);
    }
    return [...sums.values()].map((s) => ({ unitId: s.unitId, payee: s.payee, platform: s.platform, amountFen: s.amountFen, eventIds: [...s.eventIds].sort() }));
  }

  /**
   * After a close through `closedThrough` (a business date): the items untouched since `before` (epoch ms), just
   * evaluated, whose lines all fall on or before it, keep their facts as JSON text and drop their lines.
   */
  freeze(before: number, closedThrough: string): void {
    for (const item of this.items.values()) {
      if (item.facts && item.touchedAt < before && item.lines !== undefined && item.lines.every((l) => l.businessDate <= closedThrough)) {
        item.frozen = JSON.stringify(item.facts);
        item.facts = undefined;
        item.lines = undefined;
        item.counted = undefined;
      }
    }
  }

  private fresh(item: Item): boolean {
    const at = item.evaluatedAt ?? -1;
    if (this.stamp > at) return false;
    for (const channelId of item.channels) if ((this.channelStamps.get(channelId) ?? 0) > at) return false;
    return true;
  }

  private changed(): void {
    this.stamp = ++this.clock;
    this.env = undefined;
  }

  private channelChanged(channelId: string): void {
    this.channelStamps.set(channelId, ++this.clock);
    this.env = undefined;
  }
}

/** The business dates of the lines and a hash of what rankings count of them (money, payee, unit, platform, events). */
function seenOf(lines: readonly EntitlementLine[]): Seen {
  if (lines.length === 0) return { hash: '' };
  let first = lines[0]!.businessDate;
  let last = first;
  for (const l of lines) {
    if (l.businessDate < first) first = l.businessDate;
    if (l.businessDate > last) last = l.businessDate;
  }
  const counted = lines.map((l) => [l.family, l.unitId, l.payee.kind, l.payee.id, l.platform, l.businessDate, l.amountFen, l.eventIds]);
  return { first, last, hash: createHash('sha1').update(JSON.stringify(counted)).digest('base64') };
}

/** Date ranges merged where they overlap or touch (few ranges, whatever the number of items re-evaluated). */
function merged(ranges: [string, string][]): (readonly [string, string])[] {
  ranges.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const out: [string, string][] = [];
  for (const [f, t] of ranges) {
    const last = out[out.length - 1];
    if (last && f <= nextDay(last[1])) {
      if (t > last[1]) last[1] = t;
    } else out.push([f, t]);
  }
  return out;
}

function nextDay(date: string): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
}

/** An item's facts: kept, or parsed from their JSON for this use (a frozen item stays frozen). */
function factsOf(item: Item): ItemFacts {
  return item.facts ?? (JSON.parse(item.frozen!) as ItemFacts);
}
