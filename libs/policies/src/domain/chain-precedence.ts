import type { PolicyDocument, ReviewChainRule } from './policy-document';

/**
 * Which review chain governs a draft when several policies in force prescribe one (docs/adr/0010): never the
 * order of policy ids, always what the policy data declares.
 *
 * 1. Specificity of the chain's organisational scope, most specific first:
 *    - `unit_type` (1): the policy's `scope.unitTypes` or the chain's `when.unitTypes` names unit types;
 *    - `institution` (0): both are `["*"]` (or the chain gives no unit types).
 * 2. The policy's declared `priority` (an integer, default 0): higher first.
 *
 * Two chains that could match the same draft on the same dates with equal specificity and equal priority are a
 * tie; publishing a policy that would create one is refused (see `chainTies`), so resolution never has to guess.
 */
export const SPECIFICITY = { institution: 0, unit_type: 1 } as const;
export type Specificity = keyof typeof SPECIFICITY;

export interface ChainPrecedence {
  readonly specificity: Specificity;
  readonly priority: number;
}

/** A set of values a condition matches: every value (`all`), or the listed ones. */
type Values = 'all' | ReadonlySet<string>;

const valuesOf = (list: readonly string[] | undefined): Values => (!list || list.length === 0 || list.includes('*') ? 'all' : new Set(list));
const intersect = (a: Values, b: Values): Values => (a === 'all' ? b : b === 'all' ? a : new Set([...a].filter((v) => b.has(v))));
const isEmpty = (v: Values): boolean => v !== 'all' && v.size === 0;
const overlap = (a: Values, b: Values): boolean => !isEmpty(intersect(a, b));

/** The unit types a chain of a policy can apply to: the policy's scope narrowed by the chain's condition. */
function chainUnitTypes(policy: PolicyDocument, chain: ReviewChainRule): Values {
  return intersect(valuesOf(policy.scope.unitTypes), valuesOf(chain.when.unitTypes));
}

export function policyPriority(policy: PolicyDocument): number {
  return policy.priority ?? 0;
}

/** The policy's own scope: unit-type specific, or the whole institution (orders policies for other rule families). */
export function policySpecificity(policy: PolicyDocument): Specificity {
  return valuesOf(policy.scope.unitTypes) === 'all' ? 'institution' : 'unit_type';
}

export function chainPrecedence(policy: PolicyDocument, chain: ReviewChainRule): ChainPrecedence {
  return { specificity: chainUnitTypes(policy, chain) === 'all' ? 'institution' : 'unit_type', priority: policyPriority(policy) };
}

/** Negative when `a` takes precedence over `b`, 0 on a tie. */
export function compareChainPrecedence(a: ChainPrecedence, b: ChainPrecedence): number {
  return SPECIFICITY[b.specificity] - SPECIFICITY[a.specificity] || b.priority - a.priority;
}

/** Whether some draft (unit type x content type x importance x destination) could match both chains. */
function chainsOverlap(pa: PolicyDocument, a: ReviewChainRule, pb: PolicyDocument, b: ReviewChainRule): boolean {
  return (
    overlap(chainUnitTypes(pa, a), chainUnitTypes(pb, b)) &&
    overlap(valuesOf(a.when.contentTypes), valuesOf(b.when.contentTypes)) &&
    overlap(valuesOf(a.when.importance), valuesOf(b.when.importance)) &&
    overlap(valuesOf(a.when.destination), valuesOf(b.when.destination))
  );
}

// Effective dates are inclusive YYYY-MM-DD ranges; an open end is the end of time.
type Period = readonly [from: string, to: string];
const END_OF_TIME = '9999-12-31';
const periodOf = (p: PolicyDocument): Period => [p.effectiveFrom, p.effectiveTo ?? END_OF_TIME];
const shiftDay = (date: string, days: number): string => new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

/** What is left of `period` once `cut` is taken out (zero, one or two periods). */
function subtract(period: Period, cut: Period): Period[] {
  const [from, to] = period;
  if (cut[1] < from || cut[0] > to) return [period];
  const left: Period[] = [];
  if (cut[0] > from) left.push([from, shiftDay(cut[0], -1)]);
  if (cut[1] < to) left.push([shiftDay(cut[1], 1), to]);
  return left;
}

/**
 * The dates within `period` on which `version` governs its policy id: a newer published version of the same id
 * governs the dates it covers (PolicySet picks the newest version in force), the older one keeps the rest.
 */
function governedWithin(period: Period, version: PolicyDocument, sameId: readonly PolicyDocument[]): Period[] {
  const own = periodOf(version);
  let left: Period[] = own[1] < period[0] || own[0] > period[1] ? [] : [[own[0] > period[0] ? own[0] : period[0], own[1] < period[1] ? own[1] : period[1]]];
  for (const newer of sameId.filter((d) => d.version > version.version)) left = left.flatMap((p) => subtract(p, periodOf(newer)));
  return left;
}

export interface ChainTie {
  /** The chain of the policy being published. */
  readonly ruleId: string;
  /** The other policy (id and version) and its chain that would tie with it. */
  readonly policyId: string;
  readonly version: number;
  readonly otherRuleId: string;
  readonly specificity: Specificity;
  readonly priority: number;
  /** The first date both would govern. */
  readonly from: string;
}

/**
 * The ties `candidate` would create with the published versions of other policies (`others`, superseded versions
 * included): a chain of each could match the same draft on a date both govern, with the same specificity and the
 * same priority. Versions of the candidate's own id never tie with it (the newer version supersedes).
 */
export function chainTies(candidate: PolicyDocument, others: readonly PolicyDocument[]): ChainTie[] {
  const ties: ChainTie[] = [];
  const chains = candidate.rules.reviewChains ?? [];
  if (chains.length === 0) return ties;
  const byId = new Map<string, PolicyDocument[]>();
  for (const d of others) if (d.id !== candidate.id) byId.set(d.id, [...(byId.get(d.id) ?? []), d]);
  for (const [, versions] of [...byId].sort(([a], [b]) => a.localeCompare(b))) {
    for (const other of [...versions].sort((a, b) => b.version - a.version)) {
      const shared = governedWithin(periodOf(candidate), other, versions);
      if (shared.length === 0) continue;
      for (const chain of chains) {
        const mine = chainPrecedence(candidate, chain);
        for (const otherChain of other.rules.reviewChains ?? []) {
          if (compareChainPrecedence(mine, chainPrecedence(other, otherChain)) !== 0) continue;
          if (!chainsOverlap(candidate, chain, other, otherChain)) continue;
          ties.push({ ruleId: chain.id, policyId: other.id, version: other.version, otherRuleId: otherChain.id, ...mine, from: shared[0]![0] });
        }
      }
    }
  }
  return ties;
}
