import { BusinessPeriod, deterministicUuid } from '@app/kernel';
import type { CompiledPolicy, RankingPrizeRule } from '@app/policies';
import type { EntitlementLine, Payee } from './entitlements';
import { businessDate } from './item-facts';

/** A business period that has ended (BusinessPeriodEnded), as business dates in the rewards time zone. */
export interface EndedPeriod {
  readonly period: BusinessPeriod;
  /** 2026-03, 2026-Q1, 2026, 2026-03-15 */
  readonly key: string;
  /** First and last business day of the period, both included. */
  readonly from: string;
  readonly to: string;
  /** The BusinessPeriodEnded event. */
  readonly eventId: string;
}

/**
 * A BusinessPeriodEnded as an ended period of `timeZone`: its first and last business days (the day before its
 * end instant); null for a period of another time zone (not these business days).
 */
export function endedPeriodOf(d: { period: string; key: string; startedAt: string; endedAt: string; timeZone: string }, eventId: string, timeZone: string): EndedPeriod | null {
  if (d.timeZone !== timeZone) return null;
  const from = businessDate(d.startedAt, timeZone);
  const to = businessDate(new Date(Date.parse(d.endedAt) - 1).toISOString(), timeZone);
  return { period: d.period as BusinessPeriod, key: d.key, from, to, eventId };
}

/**
 * The money of the period's entitlement lines, summed per (item unit, payee, platform): what a ranking ranks.
 * Ranking lines themselves are never part of it.
 */
export interface PeriodEarnings {
  readonly unitId: string;
  readonly payee: Payee;
  /** The platform of the publication the lines are for; null for lines of no publication (adoption points). */
  readonly platform: string | null;
  readonly amountFen: number;
  readonly eventIds: readonly string[];
}

/** What ranking needs of the organisation and the policies, as the rewards projection folded them. */
export interface RankingEnvironment {
  inForce(unitType: string, businessDate: string): readonly CompiledPolicy[];
  unitType(unitId: string): string | undefined;
}

/** Whether some policy in force on the period's last day for one of the unit types ranks periods of its kind (else it awards nothing). */
export function periodRanked(period: Pick<EndedPeriod, 'period' | 'to'>, unitTypes: Iterable<string>, env: Pick<RankingEnvironment, 'inForce'>): boolean {
  for (const type of unitTypes) if (env.inForce(type, period.to).some((policy) => policy.document.rules.rankingPrizes?.some((r) => r.period === period.period))) return true;
  return false;
}

/** Line keys of a period's prizes start with this (the projection replaces them all when the standings change). */
export const rankingLineKeyPrefix = (period: Pick<EndedPeriod, 'period' | 'key'>): string => `ranking:${period.period}:${period.key}:`;

/** The synthetic item a rule's prizes for one period are filed under (entitlements.draft_id is a uuid). */
export const rankingPrizeItemId = (policyId: string, ruleId: string, period: Pick<EndedPeriod, 'period' | 'key'>): string =>
  deterministicUuid('ranking-prize', policyId, ruleId, period.period, period.key);

/**
 * The ranking prizes of an ended period (R3.11-R3.12, docs/rewards.md "Ranking prizes"): a pure function of the
 * period, the money its entitlement lines earned and the policies in force on its last day.
 *
 * - Every `rankingPrizes` rule whose `period` is the period's kind, of every policy version in force on the
 *   period's last day for a unit type, ranks the payees of the units of those types.
 * - A payee's standing is the money (fen) of the period's lines: a unit's, every line of its items (as the unit
 *   leaderboard); a member's, the lines paid to the member; only lines for publications on the rule's platforms
 *   when it names platforms. A standing of 0 earns nothing.
 * - Competition ranking (1, 2, 2, 4), as the leaderboard: each payee of a shared rank gets the prize of that rank,
 *   and the next rank skips; ranks past the last prize earn nothing.
 */
export function rankingPrizeLines(period: EndedPeriod, earnings: readonly PeriodEarnings[], env: RankingEnvironment): EntitlementLine[] {
  // The policy versions in force on the last day, with the unit types they are in force for.
  const groups = new Map<string, { policy: CompiledPolicy; unitTypes: Set<string> }>();
  const unitTypes = [...new Set(earnings.map((e) => env.unitType(e.unitId)).filter((t): t is string => t !== undefined))].sort();
  for (const unitType of unitTypes) {
    for (const policy of env.inForce(unitType, period.to)) {
      if (!policy.document.rules.rankingPrizes?.some((r) => r.period === period.period)) continue;
      const key = `${policy.document.id}@${policy.document.version}`;
      const group = groups.get(key) ?? { policy, unitTypes: new Set<string>() };
      group.unitTypes.add(unitType);
      groups.set(key, group);
    }
  }
  const lines: EntitlementLine[] = [];
  for (const { policy, unitTypes: types } of groups.values()) {
    for (const rule of policy.document.rules.rankingPrizes ?? []) {
      if (rule.period !== period.period) continue;
      const counted = earnings.filter((e) => types.has(env.unitType(e.unitId) ?? '') && (!rule.platforms || (e.platform !== null && rule.platforms.includes(e.platform))));
      lines.push(...prizesOf(period, policy, rule, counted));
    }
  }
  return lines.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

interface Standing {
  readonly payee: Payee;
  amountFen: number;
  readonly byUnit: Map<string, number>;
  readonly eventIds: Set<string>;
}

function prizesOf(period: EndedPeriod, policy: CompiledPolicy, rule: RankingPrizeRule, earnings: readonly PeriodEarnings[]): EntitlementLine[] {
  const standings = new Map<string, Standing>();
  for (const e of earnings) {
    const payee: Payee | undefined = rule.scope === 'unit' ? { kind: 'unit', id: e.unitId } : e.payee.kind === 'member' ? e.payee : undefined;
    if (!payee) continue;
    const s = standings.get(payee.id) ?? { payee, amountFen: 0, byUnit: new Map<string, number>(), eventIds: new Set<string>() };
    s.amountFen += e.amountFen;
    s.byUnit.set(e.unitId, (s.byUnit.get(e.unitId) ?? 0) + e.amountFen);
    for (const id of e.eventIds) s.eventIds.add(id);
    standings.set(payee.id, s);
  }
  const ranked = [...standings.values()].filter((s) => s.amountFen > 0).sort((a, b) => b.amountFen - a.amountFen || (a.payee.id < b.payee.id ? -1 : 1));
  const lines: EntitlementLine[] = [];
  for (const s of ranked) {
    // competition rank: one more than the number of payees with a higher standing
    const rank = ranked.findIndex((o) => o.amountFen === s.amountFen) + 1;
    const prize = rule.prizesFen[rank - 1];
    if (prize === undefined || prize <= 0) continue;
    const tied = ranked.filter((o) => o.amountFen === s.amountFen).length;
    lines.push({
      key: `${rankingLineKeyPrefix(period)}${policy.document.id}:${rule.id}:${s.payee.id}`,
      family: 'ranking',
      payee: s.payee,
      unitId: s.payee.kind === 'unit' ? s.payee.id : mainUnit(s.byUnit),
      platform: rule.platforms && rule.platforms.length === 1 ? rule.platforms[0]! : null,
      businessDate: period.to,
      points: 0,
      amountFen: prize,
      reason: `${period.period} ${period.key} ranking${rule.platforms ? ` (${rule.platforms.join(', ')})` : ''}: rank ${rank}${tied > 1 ? ` (shared by ${tied})` : ''} of ${ranked.length}`,
      policyId: policy.document.id,
      policyVersion: policy.document.version,
      ruleId: rule.id,
      parameters: { period: rule.period, periodKey: period.key, scope: rule.scope, platforms: rule.platforms ?? null, prizesFen: rule.prizesFen, rank, tied, standingFen: s.amountFen },
      eventIds: [period.eventId, ...[...s.eventIds].sort()],
    });
  }
  return lines;
}

/** A member's prize is filed under the unit whose items earned the member most of the standing (then the smallest id). */
function mainUnit(byUnit: Map<string, number>): string {
  return [...byUnit.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0]![0];
}
