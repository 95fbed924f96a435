import type { CompiledPolicy, Line, Payee as PayeeRole } from '@app/policies';
import { businessDate, ItemFacts, PublicationFacts } from './item-facts';

/** Who an entitlement line is for: a member (a person) or a unit (a team, a department). */
export interface Payee {
  readonly kind: 'member' | 'unit';
  readonly id: string;
}

/** `ranking`: a ranking prize of an ended period (ranking-prizes.ts), filed under a synthetic item. */
export type EntitlementFamily = 'item' | 'engagement' | 'adoption' | 'ranking';

/** One amount an item earns under one rule of one policy version, with where it comes from. */
export interface EntitlementLine {
  /** Unique within the item: family, policy, rule and the fact it is for (a new version of the policy changes the line, keeps its key). */
  readonly key: string;
  readonly family: EntitlementFamily;
  readonly payee: Payee;
  /** The item's unit (unit leaderboards count every line of the unit's items). */
  readonly unitId: string;
  /** The platform of the publication the line is for (`bulletin` for an adoption's fee); null when none (ladder points). */
  readonly platform: string | null;
  /** The business date of the fact the line is for (publication, adoption, rating, instruction, submission). */
  readonly businessDate: string;
  readonly points: number;
  readonly amountFen: number;
  readonly reason: string;
  readonly policyId: string;
  readonly policyVersion: number;
  readonly ruleId: string;
  readonly parameters: unknown;
  /** The events the line was computed from. */
  readonly eventIds: readonly string[];
}

/** What evaluation needs besides the item: the policies in force and the organisation, as folded at the position. */
export interface RewardsEnvironment {
  readonly timeZone: string;
  /** Published policies in force for a unit type on a business date (newest version of each id). */
  inForce(unitType: string, businessDate: string): readonly CompiledPolicy[];
  unitType(unitId: string): string | undefined;
  /** The channel's follower count in force at an instant (the last one recorded as of it), null when none. */
  followersAt(channelId: string, at: string): number | null;
  /** The unit that runs a channel (its operating team). */
  channelOwner(channelId: string): string | undefined;
}

const DAY_MS = 86_400_000;
const policyKey = (p: CompiledPolicy) => `${p.document.id}@${p.document.version}`;

/**
 * The entitlement lines of one item at one position: a pure function of the item's facts and the environment.
 * A draft never submitted, or retracted, earns nothing. Every family's numbers come from the policy in force at
 * the business time of the fact the line is for (docs/rewards.md).
 */
export function entitlementLines(facts: ItemFacts, env: RewardsEnvironment): EntitlementLine[] {
  if (!facts.submitted || facts.retracted) return [];
  const unitType = env.unitType(facts.unitId);
  if (unitType === undefined) return [];
  const submitted = facts.submitted;
  const lines: EntitlementLine[] = [];
  const day = (at: string) => businessDate(at, env.timeZone);
  const push = (family: EntitlementFamily, policy: CompiledPolicy, line: Line, subject: string, date: string, eventIds: readonly string[], channelId: string | null, platform: string | null) => {
    const payee = payeeOf(line.payee as PayeeRole, facts, channelId, env);
    if (!payee || (line.points === 0 && line.amountFen === 0)) return;
    lines.push({
      key: `${family}:${policy.document.id}:${line.provenance.ruleId}:${subject}`,
      family,
      payee,
      unitId: facts.unitId,
      platform,
      businessDate: date,
      points: line.points,
      amountFen: line.amountFen,
      reason: line.reason,
      policyId: policy.document.id,
      policyVersion: policy.document.version,
      ruleId: line.provenance.ruleId,
      parameters: line.provenance.parameters,
      eventIds: [...new Set(eventIds)],
    });
  };

  // Per-item amounts (R3.04-R3.05, R3.20-R3.23): each channel publication, and each adoption by a publication
  // (platform "bulletin", with the quality bonus when the item was rated excellent at that level).
  for (const p of facts.publications) {
    const date = day(p.publishedAt);
    for (const policy of env.inForce(unitType, date)) {
      const item = { facts: [p.eventId, submitted.eventId], platform: p.platform, levelKey: p.levelKey, contentType: facts.contentType, source: facts.source, length: facts.length, formComplete: submitted.formComplete, published: true, exclusiveFirstRelease: p.exclusiveFirstRelease, excellent: false };
      for (const line of policy.itemRewards(item)) push('item', policy, line, p.publicationId, date, line.provenance.facts, p.channelId, p.platform);
    }
  }
  for (const a of facts.adoptions) {
    const date = day(a.at);
    const rated = facts.excellent.find((x) => x.levelKey === a.levelKey);
    for (const policy of env.inForce(unitType, date)) {
      const item = { facts: [a.eventId, submitted.eventId, ...(rated ? [rated.eventId] : [])], platform: 'bulletin', levelKey: a.levelKey, contentType: facts.contentType, source: facts.source, length: facts.length, formComplete: submitted.formComplete, published: false, exclusiveFirstRelease: false, excellent: Boolean(rated) };
      for (const line of policy.itemRewards(item)) push('item', policy, line, a.adoptionId, date, line.provenance.facts, null, 'bulletin');
    }
  }

  // Engagement tiers (R3.06-R3.10): the readings of each publication under the policy in force at its
  // publication; the policy pays the best qualifying reading per tier group (no stacking across platforms).
  const byPolicy = new Map<string, { policy: CompiledPolicy; publications: PublicationFacts[] }>();
  for (const p of facts.publications) {
    for (const policy of env.inForce(unitType, day(p.publishedAt))) {
      if (!policy.document.rules.engagementTiers?.length) continue;
      const entry = byPolicy.get(policyKey(policy)) ?? { policy, publications: [] };
      entry.publications.push(p);
      byPolicy.set(policyKey(policy), entry);
    }
  }
  for (const { policy, publications } of byPolicy.values()) {
    const readings = new Map<string, { publication: PublicationFacts; eventId: string }>();
    const input = publications.flatMap((p) => {
      const followers = env.followersAt(p.channelId, p.publishedAt) ?? p.observations.find((o) => o.followers !== null)?.followers ?? null;
      return p.observations.map((o) => {
        const ref = `${p.publicationId}|${o.observedAt}|${o.source}`;
        readings.set(ref, { publication: p, eventId: o.eventId });
        return { ref, platform: p.platform, followersAtPublication: followers, daysSincePublication: (Date.parse(o.observedAt) - Date.parse(p.publishedAt)) / DAY_MS, reads: o.reads, reposts: o.reposts, interactions: o.interactions };
      });
    });
    input.sort((a, b) => (a.ref < b.ref ? -1 : a.ref > b.ref ? 1 : 0));
    for (const line of policy.engagementRewards({ facts: [submitted.eventId], source: facts.source, publications: input })) {
      const reading = readings.get(String(line.basis?.ref));
      if (!reading) continue;
      const p = reading.publication;
      push('engagement', policy, line, p.publicationId, day(p.publishedAt), [p.eventId, reading.eventId, submitted.eventId], p.channelId, p.platform);
    }
  }

  // Points by publication level (R3.15-R3.16): each outcome under the policy in force at its business time.
  type Outcome = { kind: 'submitted' | 'adopted' | 'excellent' | 'instructed'; levelKey: string | null; at: string; eventId: string };
  const outcomes: Outcome[] = [
    { kind: 'submitted', levelKey: null, at: submitted.at, eventId: submitted.eventId } as Outcome,
    ...facts.adoptions.map((a): Outcome => ({ kind: 'adopted', levelKey: a.levelKey, at: a.at, eventId: a.eventId })),
    ...facts.excellent.map((x): Outcome => ({ kind: 'excellent', levelKey: x.levelKey, at: x.at, eventId: x.eventId })),
    ...facts.instructions.map((x): Outcome => ({ kind: 'instructed', levelKey: x.levelKey, at: x.at, eventId: x.eventId })),
  ].sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : a.eventId < b.eventId ? -1 : 1));
  const ladders = new Map<string, { policy: CompiledPolicy; outcomes: Outcome[] }>();
  for (const o of outcomes) {
    for (const policy of env.inForce(unitType, day(o.at))) {
      if (!policy.document.rules.adoptionLadder) continue;
      const entry = ladders.get(policyKey(policy)) ?? { policy, outcomes: [] };
      entry.outcomes.push(o);
      ladders.set(policyKey(policy), entry);
    }
  }
  for (const { policy, outcomes: mine } of ladders.values()) {
    const of = (kind: Outcome['kind']) => mine.filter((o) => o.kind === kind).map((o) => o.levelKey!);
    const lines = policy.adoptionPoints({ facts: [submitted.eventId], submitted: mine.some((o) => o.kind === 'submitted'), adopted: of('adopted'), excellent: of('excellent'), instructed: of('instructed') });
    for (const line of lines) {
      const kind = line.basis?.kind as Outcome['kind'];
      const levelKey = (line.basis?.levelKey as string | null) ?? null;
      // the first outcome of that kind at that level dates the line
      const outcome = mine.find((o) => o.kind === kind && o.levelKey === levelKey);
      if (!outcome) continue;
      push('adoption', policy, line, `${kind}:${levelKey ?? ''}`, day(outcome.at), [outcome.eventId, submitted.eventId], null, null);
    }
  }
  return lines.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

/** R3.13: individual rewards go to the first author; a recommender's (R3.10); the unit's; the channel's team. */
function payeeOf(role: PayeeRole, facts: ItemFacts, channelId: string | null, env: RewardsEnvironment): Payee | undefined {
  switch (role) {
    case 'first_author':
      return facts.authors[0] ? { kind: 'member', id: facts.authors[0] } : undefined;
    case 'recommender':
      return facts.recommenderId ? { kind: 'member', id: facts.recommenderId } : undefined;
    case 'unit':
      return { kind: 'unit', id: facts.unitId };
    case 'operating_team': {
      const owner = channelId ? env.channelOwner(channelId) : undefined;
      return { kind: 'unit', id: owner ?? facts.unitId };
    }
    default:
      return undefined;
  }
}
