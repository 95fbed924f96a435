import { Injectable } from '@nestjs/common';
import { RuleViolation } from '@app/kernel';
import { businessDate } from '@app/access';
import { CompiledPolicy, PolicyCatalog } from '@app/policies';
import { type DraftContent, publicationKey } from '../domain/draft.types';
import type { PoliciesInForce, ReportingPolicy, SubmissionContext, SubmissionRules } from '../domain/reporting-policy.port';

/**
 * Answers the workflow's questions from the policies in force for the unit type on the submission's business
 * date: the review chain (first matching rule), content checks (every policy in force), form completeness and
 * the content type's deadline. Nothing here is a constant: change the policy, and the next submission follows.
 */
@Injectable()
export class PolicyEngineReportingPolicy implements ReportingPolicy {
  constructor(private readonly catalog: PolicyCatalog) {}

  async evaluateSubmission(content: DraftContent, ctx: SubmissionContext): Promise<SubmissionRules> {
    const date = businessDate(new Date(ctx.submittedAt));
    const policies = (await this.catalog.published()).inForce(ctx.unitType, date);
    const chainCtx = { unitType: ctx.unitType, contentType: content.contentType, importance: content.importance, destination: content.destination };
    let chainPolicy: CompiledPolicy | undefined;
    let chainRule = null;
    for (const p of policies) {
      chainRule = p.resolveChain(chainCtx);
      if (chainRule) {
        chainPolicy = p;
        break;
      }
    }
    if (!chainPolicy || !chainRule) {
      throw new RuleViolation('no-review-chain', `No policy in force on ${date} gives a review chain for a ${content.importance} ${content.destination} ${content.contentType} item of a ${ctx.unitType}`, {
        unitType: ctx.unitType,
        contentType: content.contentType,
      });
    }

    const facts = { ...content, targetPlatforms: content.targetPlatforms, formFields: content.formFields };
    const checks = policies.map((p) => ({ p, check: p.checkDraft(facts) }));
    const known = policies.some((p) => p.contentTypes().includes(content.contentType));
    const violations = checks.flatMap(({ check }) => check.violations).filter((v) => v.rule !== 'content-type-unknown' || !known);
    const warnings = checks.flatMap(({ check }) => check.warnings);
    const missingFields = [...new Set(checks.flatMap(({ check }) => check.missingFields))];

    const deadlinePolicy = policies.find((p) => p.deadlineRuleFor(content.contentType));
    const submittedAt = new Date(ctx.submittedAt);
    const t = deadlinePolicy?.timeliness(content.contentType, content.eventDate, submittedAt);
    const unit = t?.rule?.deadline.unit;
    return {
      chain: {
        policyId: chainPolicy.document.id,
        policyVersion: chainPolicy.document.version,
        ruleId: chainRule.id,
        steps: chainRule.steps.map((s) => ({ key: s.key, name: s.name, role: s.role, signature: s.signature, confidentiality: s.confidentiality ?? false })),
        rules: chainRule.rules,
      },
      violations: [...violations],
      check: { formComplete: missingFields.length === 0, missingFields, warnings: warnings.map((w) => ({ rule: w.rule, message: w.message })) },
      timeliness: {
        policyId: deadlinePolicy?.document.id ?? '',
        policyVersion: deadlinePolicy?.document.version ?? 0,
        ruleId: t?.rule?.id ?? '',
        deadline: t?.deadline ? t.deadline.toISOString() : null,
        lateByMinutes: t?.lateByMinutes ?? 0,
        late: t?.late ?? false,
        unit: unit === 'calendar_days' || unit === 'working_days' || unit === 'hours' || unit === 'minutes' ? unit : 'none',
      },
    };
  }

  /**
   * Every policy in force combines its confidentialityRelease rule: a publication any of them marks public is
   * public, and an outcome any of them blocks is blocked (the strictest reading of 涉密信息不公开, R7.10). Every list
   * is sorted, so what is recorded does not depend on the order the catalog lists policies in.
   */
  async policiesInForce(ctx: SubmissionContext): Promise<PoliciesInForce> {
    const policies = (await this.catalog.published())
      .inForce(ctx.unitType, businessDate(new Date(ctx.submittedAt)))
      .map((p) => p.document)
      .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : a.version - b.version));
    const withRelease = policies.flatMap((doc) => (doc.rules.confidentialityRelease ? [{ doc, rule: doc.rules.confidentialityRelease }] : []));
    const sorted = <T extends string>(values: T[]) => [...new Set(values)].sort();
    return {
      policies: policies.map((doc) => ({ policyId: doc.id, policyVersion: doc.version })),
      release: {
        sources: withRelease.map(({ doc, rule }) => ({ policyId: doc.id, policyVersion: doc.version, ruleId: rule.id })),
        publicPublications: sorted(withRelease.flatMap(({ rule }) => (rule.publicPublications ?? []).map(publicationKey))),
        notToPublishAlsoBlocks: sorted(withRelease.flatMap(({ rule }) => [...(rule.notToPublishAlsoBlocks ?? [])])),
      },
    };
  }

  async contentTypes(unitType: string, at: string): Promise<readonly string[]> {
    const policies = (await this.catalog.published()).inForce(unitType, businessDate(new Date(at)));
    return [...new Set(policies.flatMap((p) => p.contentTypes()))];
  }
}
