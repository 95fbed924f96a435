import Ajv2020 from 'ajv/dist/2020';
import type { PolicyDocument } from './policy-document';
import { POLICY_SCHEMA } from './policy.schema';

export interface PolicyProblem {
  /** JSON pointer into the document, e.g. /rules/reviewChains/0/steps/1/role */
  readonly path: string;
  readonly message: string;
}

const ajv = new Ajv2020({ allErrors: true, strict: false });
const schemaCheck = ajv.compile(POLICY_SCHEMA);

/** Schema errors and the semantic checks a schema cannot express; an empty list means valid. */
export function validatePolicy(document: unknown): PolicyProblem[] {
  if (!schemaCheck(document)) {
    return (schemaCheck.errors ?? []).map((e) => ({
      path: e.instancePath || '/',
      message: e.keyword === 'additionalProperties' ? `unknown property "${(e.params as { additionalProperty: string }).additionalProperty}"` : (e.message ?? 'invalid'),
    }));
  }
  return semanticProblems(document as PolicyDocument);
}

function semanticProblems(p: PolicyDocument): PolicyProblem[] {
  const problems: PolicyProblem[] = [];
  const add = (path: string, message: string) => problems.push({ path, message });
  if (p.effectiveTo && p.effectiveTo < p.effectiveFrom) add('/effectiveTo', 'must not be before effectiveFrom');
  for (const field of ['effectiveFrom', 'effectiveTo'] as const) {
    const value = p[field];
    if (value && Number.isNaN(Date.parse(`${value}T00:00:00Z`))) add(`/${field}`, 'is not a calendar date');
  }
  // rule ids are what provenance names: unique within the document
  const seen = new Map<string, string>();
  const rules = p.rules;
  const withIds: [string, readonly { id: string }[] | undefined][] = [
    ['lengthLimits', rules.lengthLimits],
    ['qualityRules', rules.qualityRules],
    ['reviewChains', rules.reviewChains],
    ['deadlines', rules.deadlines],
    ['itemRewards', rules.itemRewards],
    ['engagementTiers', rules.engagementTiers],
    ['rankingPrizes', rules.rankingPrizes],
    ['quotas', rules.quotas],
    ['penalties', rules.penalties],
  ];
  for (const [family, list] of withIds) {
    list?.forEach((rule, i) => {
      const path = `/rules/${family}/${i}/id`;
      if (seen.has(rule.id)) add(path, `rule id "${rule.id}" is already used at ${seen.get(rule.id)}`);
      else seen.set(rule.id, path);
    });
  }
  const contentTypes = new Set((rules.contentTypes ?? []).map((c) => c.key));
  const checkTypes = (path: string, types: readonly string[] | undefined) =>
    types?.forEach((t, i) => {
      if (t !== '*' && contentTypes.size > 0 && !contentTypes.has(t)) add(`${path}/${i}`, `unknown content type "${t}"`);
    });
  rules.reviewChains?.forEach((chain, i) => {
    checkTypes(`/rules/reviewChains/${i}/when/contentTypes`, chain.when.contentTypes);
    const keys = new Set<string>();
    chain.steps.forEach((step, j) => {
      if (keys.has(step.key)) add(`/rules/reviewChains/${i}/steps/${j}/key`, `step key "${step.key}" appears twice`);
      keys.add(step.key);
    });
    if (chain.rules.confidentialityBeforePublication && !chain.steps.some((s) => s.confidentiality)) {
      add(`/rules/reviewChains/${i}/steps`, 'confidentialityBeforePublication needs a step with confidentiality: true');
    }
  });
  rules.lengthLimits?.forEach((limit, i) => checkTypes(`/rules/lengthLimits/${i}/contentTypes`, limit.contentTypes));
  rules.deadlines?.forEach((d, i) => checkTypes(`/rules/deadlines/${i}/appliesTo/contentTypes`, d.appliesTo.contentTypes));
  rules.itemRewards?.forEach((r, i) => {
    if (r.points === undefined && r.amountFen === undefined) add(`/rules/itemRewards/${i}`, 'needs points or amountFen');
    const len = r.when.length;
    if (len && len.min !== undefined && len.max !== undefined && len.max < len.min) add(`/rules/itemRewards/${i}/when/length/max`, 'must not be below min');
  });
  rules.qualityRules?.forEach((q, i) => {
    if (q.kind === 'forbidden-words' && (!('words' in q) || q.words.length === 0)) add(`/rules/qualityRules/${i}/words`, 'forbidden-words needs words');
    if (q.kind === 'one-event-per-report' && !('maxEvents' in q)) add(`/rules/qualityRules/${i}/maxEvents`, 'one-event-per-report needs maxEvents');
  });
  const quotaIds = new Set((rules.quotas ?? []).map((q) => q.id));
  rules.penalties?.forEach((penalty, i) => {
    if ('quotaId' in penalty && !quotaIds.has(penalty.quotaId)) add(`/rules/penalties/${i}/quotaId`, `no quota "${penalty.quotaId}"`);
    if ((penalty.kind === 'step_schedule' || penalty.kind === 'consecutive_miss_escalation') && !penalty.steps?.length) add(`/rules/penalties/${i}/steps`, 'needs steps');
    if ((penalty.kind === 'per_missing_item' || penalty.kind === 'per_late_report') && penalty.points === undefined) add(`/rules/penalties/${i}/points`, 'needs points');
  });
  if (rules.grading) {
    const total = rules.grading.components.reduce((sum, c) => sum + c.weight, 0);
    if (Math.abs(total - 100) > 1e-9) add('/rules/grading/components', `weights add up to ${total}, not 100`);
    rules.grading.bands.forEach((band, i) => {
      if (i > 0 && band.min >= rules.grading!.bands[i - 1]!.min) add(`/rules/grading/bands/${i}/min`, 'bands are listed from the highest minimum down');
    });
  }
  rules.engagementTiers?.forEach((tier, i) => {
    if (tier.capFen !== undefined && tier.capFen < tier.amountFenPerStep) add(`/rules/engagementTiers/${i}/capFen`, 'is below one step');
  });
  return problems;
}
