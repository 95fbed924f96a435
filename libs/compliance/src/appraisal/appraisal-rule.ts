import type { PolicySet } from '@app/policies';
import type { RuleInForce } from './appraisal.decider';

/**
 * The appraisal rule in force on a business date: the first institution-wide policy (scope unitTypes ["*"]) in
 * force that has one, in precedence order. An appraisal is of a person, not of a unit, so a unit-type-scoped policy
 * does not govern it.
 */
export function appraisalRuleInForce(set: PolicySet, businessDate: string): RuleInForce | null {
  const policy = set.find('*', businessDate, (p) => p.document.rules.appraisal !== undefined);
  if (!policy) return null;
  const rule = policy.document.rules.appraisal!;
  return { rule, policy: { policyId: policy.document.id, policyVersion: policy.document.version, ruleId: rule.id } };
}
