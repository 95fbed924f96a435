import type { PolicyDocument, ReviewChainRule } from './policy-document';
import { CompiledPolicy, compilePolicy } from './compile-policy';
import { ChainPrecedence, chainPrecedence, compareChainPrecedence, policyPriority, policySpecificity, SPECIFICITY } from './chain-precedence';

export interface ChainContext {
  readonly unitType: string;
  readonly contentType: string;
  readonly importance: 'general' | 'important';
  readonly destination: 'internal' | 'external';
}

export interface ResolvedChainRule {
  readonly policy: CompiledPolicy;
  readonly chain: ReviewChainRule;
  readonly precedence: ChainPrecedence;
}

/** The review chain for a draft: the one with precedence, none, or a tie that policy data leaves open. */
export type ChainResolution = { readonly kind: 'resolved'; readonly resolved: ResolvedChainRule } | { readonly kind: 'none' } | { readonly kind: 'tie'; readonly tied: readonly ResolvedChainRule[] };

/**
 * The published policies, compiled once. Which policy applies to a fact is decided by the fact's business time
 * (publication date, incident time, submission date) against effective dates, and by the unit type.
 */
export class PolicySet {
  private readonly compiled: CompiledPolicy[];

  constructor(documents: readonly PolicyDocument[]) {
    // newest version first, so a later version wins where two overlap
    this.compiled = [...documents].sort((a, b) => a.id.localeCompare(b.id) || b.version - a.version).map(compilePolicy);
  }

  /** Every published version (superseded ones included), as stored. */
  documents(): PolicyDocument[] {
    return this.compiled.map((p) => p.document);
  }

  /**
   * Policies in force for a unit type on a business date (YYYY-MM-DD), the newest version of each id, in
   * precedence order: unit-type-scoped policies before institution-wide ones, then higher `priority` first
   * (docs/adr/0010); the id only orders policies that policy data leaves equal.
   */
  inForce(unitType: string, businessDate: string): CompiledPolicy[] {
    const seen = new Set<string>();
    const result: CompiledPolicy[] = [];
    for (const p of this.compiled) {
      if (seen.has(p.document.id) || !p.appliesTo(unitType, businessDate)) continue;
      seen.add(p.document.id);
      result.push(p);
    }
    const rank = (p: CompiledPolicy) => SPECIFICITY[policySpecificity(p.document)];
    return result.sort((a, b) => rank(b) - rank(a) || policyPriority(b.document) - policyPriority(a.document));
  }

  /** The first policy in force (in precedence order) that has a rule of the given family. */
  find(unitType: string, businessDate: string, has: (p: CompiledPolicy) => boolean): CompiledPolicy | undefined {
    return this.inForce(unitType, businessDate).find(has);
  }

  /**
   * The review chain of a draft: each policy in force offers its first matching chain; the most specific scope
   * wins, then the higher priority. Two offers equal on both are a tie (publishing refuses to create one; a tie
   * among policies published before that check is reported, never broken by id).
   */
  resolveChain(businessDate: string, ctx: ChainContext): ChainResolution {
    const offers: ResolvedChainRule[] = [];
    for (const policy of this.inForce(ctx.unitType, businessDate)) {
      const chain = policy.resolveChain(ctx);
      if (chain) offers.push({ policy, chain, precedence: chainPrecedence(policy.document, chain) });
    }
    if (offers.length === 0) return { kind: 'none' };
    offers.sort((a, b) => compareChainPrecedence(a.precedence, b.precedence));
    const tied = offers.filter((o) => compareChainPrecedence(o.precedence, offers[0]!.precedence) === 0);
    return tied.length > 1 ? { kind: 'tie', tied } : { kind: 'resolved', resolved: offers[0]! };
  }
}
