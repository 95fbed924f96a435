import type { DomainEvent } from '@app/kernel';
import { foldPolicyVersions, PolicyFoldEvent, PolicyVersions } from '@app/policies';
import {
  type ChannelFacts,
  entitlementLines,
  foldItem,
  ITEM_EVENT_TYPES,
  type ItemFacts,
  REWARDS_TIME_ZONE,
  rewardsEnvironment,
  type PayoutsState,
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
  /** The model's clock when the lines were last evaluated (undefined: never). */
  evaluatedAt?: number;
}

/**
 * The entitlement lines of the generated history as the rewards projection would hold them at this point of the
 * log, kept in memory for the generator's finance (payouts.activity.ts), which closes payout periods on them as
 * POST /v1/payouts/periods/:id/close does on the read model. It folds the same facts with the same pure functions
 * the projection uses (foldItem, foldPolicyVersions, withFollowerCount, rewardsEnvironment, entitlementLines), so
 * its lines are the projection's at the same position (apps/api/src/generated-payouts.int-spec.ts checks a
 * generated close against a rewards build as of its position). Ranking prizes are not computed: the generated
 * history has no BusinessPeriodEnded.
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

  /** Folds one event of the history; `at` is its simulated instant (epoch ms). */
  observe(event: DomainEvent, eventId: string, recordedAt: string, at: number): void {
    const d = event.data as Record<string, unknown>;
    if (ITEM_TYPES.has(event.type)) {
      const id = d.draftId as string;
      const item = this.items.get(id);
      const before = item ? factsOf(item) : undefined;
      const facts = foldItem(before, { type: event.type, data: d, eventId });
      if (!facts || facts === before) return;
      this.items.set(id, { facts, channels: facts.publications.map((p) => p.channelId), touchedAt: at });
      return;
    }
    if (POLICY_TYPES.has(event.type)) {
      const changed = foldPolicyVersions(this.policies, [{ type: event.type, data: d, recordedAt } as unknown as PolicyFoldEvent]);
      // a draft version changes no line (the projection re-evaluates on the same condition)
      if ([...changed].some((key) => this.policies.get(key)!.status !== 'draft' || event.type === 'PolicySuperseded')) this.changed();
      return;
    }
    switch (event.type) {
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
   * reads them; `recorded` is the ledger's (PayoutsState.recorded), which stands for the frozen items' lines.
   */
  lines(from: string, to: string, recorded: PayoutsState['recorded']): StatementLine[] {
    this.env ??= rewardsEnvironment({ timeZone: REWARDS_TIME_ZONE, policies: this.policies.values(), unitTypes: this.unitTypes, channels: this.channels });
    const out: StatementLine[] = [];
    const unchanged = new Set<string>();
    for (const [draftId, item] of this.items) {
      let lines = item.lines;
      if (lines === undefined && item.frozen !== undefined && this.fresh(item)) {
        unchanged.add(draftId);
        continue;
      }
      if (lines === undefined || !this.fresh(item)) {
        lines = entitlementLines(factsOf(item), this.env).map((l) => statementLine(draftId, l));
        item.evaluatedAt = this.clock;
        if (item.frozen === undefined) item.lines = lines;
      }
      for (const line of lines) if (from <= line.businessDate && line.businessDate <= to) out.push(line);
    }
    for (const { line } of recorded.values()) if (unchanged.has(line.draftId) && from <= line.businessDate && line.businessDate <= to) out.push(line);
    return out;
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

/** An item's facts: kept, or parsed from their JSON for this use (a frozen item stays frozen). */
function factsOf(item: Item): ItemFacts {
  return item.facts ?? (JSON.parse(item.frozen!) as ItemFacts);
}
