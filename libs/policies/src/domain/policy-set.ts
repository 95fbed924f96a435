import type { PolicyDocument } from './policy-document';
import { CompiledPolicy, compilePolicy } from './compile-policy';

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

  /** Policies in force for a unit type on a business date (YYYY-MM-DD), newest version of each id first. */
  inForce(unitType: string, businessDate: string): CompiledPolicy[] {
    const seen = new Set<string>();
    const result: CompiledPolicy[] = [];
    for (const p of this.compiled) {
      if (seen.has(p.document.id) || !p.appliesTo(unitType, businessDate)) continue;
      seen.add(p.document.id);
      result.push(p);
    }
    return result;
  }

  /** The first policy in force that has a rule of the given family. */
  find(unitType: string, businessDate: string, has: (p: CompiledPolicy) => boolean): CompiledPolicy | undefined {
    return this.inForce(unitType, businessDate).find(has);
  }
}
