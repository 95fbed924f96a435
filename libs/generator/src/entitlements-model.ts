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
  type RewardsEnvironment,
  type StatementLine,
  statementLine,
  withFollowerCount,
} from '@app/rewards';

const ITEM_TYPES = new Set<string>(ITEM_EVENT_TYPES);
const POLICY_TYPES = new Set(['PolicyDrafted', 'PolicyValidated', 'PolicyPublished', 'PolicySuperseded']);

interface Item {
  facts: ItemFacts;
  /** The item's statement lines as last evaluated, and the stamps they were evaluated at (undefined: stale). */
  lines?: StatementLine[];
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
 * An item is evaluated again only when its facts, the policies or units (`stamp`), or one of its channels changed.
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

  observe(event: DomainEvent, eventId: string, recordedAt: string): void {
    const d = event.data as Record<string, unknown>;
    if (ITEM_TYPES.has(event.type)) {
      const id = d.draftId as string;
      const item = this.items.get(id);
      const facts = foldItem(item?.facts, { type: event.type, data: d, eventId });
      if (!facts || facts === item?.facts) return;
      this.items.set(id, { facts });
      return;
    }
    if (POLICY_TYPES.has(event.type)) {
      if (foldPolicyVersions(this.policies, [{ type: event.type, data: d, recordedAt } as unknown as PolicyFoldEvent]).size > 0) this.changed();
      return;
    }
    switch (event.type) {
      case 'UnitRegistered':
        this.unitTypes.set(d.unitId as string, d.unitType as string);
        this.changed();
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

  /** Every current line with a business date from `from` to `to` (both included), as PayoutsService.currentLines reads them. */
  lines(from: string, to: string): StatementLine[] {
    this.env ??= rewardsEnvironment({ timeZone: REWARDS_TIME_ZONE, policies: this.policies.values(), unitTypes: this.unitTypes, channels: this.channels });
    const out: StatementLine[] = [];
    for (const [draftId, item] of this.items) {
      if (item.lines === undefined || !this.fresh(item)) {
        item.lines = entitlementLines(item.facts, this.env).map((l) => statementLine(draftId, l));
        item.evaluatedAt = this.clock;
      }
      for (const line of item.lines) if (from <= line.businessDate && line.businessDate <= to) out.push(line);
    }
    return out;
  }

  private fresh(item: Item): boolean {
    const at = item.evaluatedAt ?? -1;
    if (this.stamp > at) return false;
    for (const p of item.facts.publications) if ((this.channelStamps.get(p.channelId) ?? 0) > at) return false;
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
