import { Injectable } from '@nestjs/common';
import { RuleViolation } from '@app/kernel';
import { BusinessDates } from '@app/access';
import { PolicyCatalog } from '@app/policies';
import { type DraftContent, publicationKey } from '../domain/draft.types';
import type { PoliciesInForce, ReportingPolicy, SubmissionContext, SubmissionRules } from '../domain/reporting-policy.port';

/**
 * Answers the workflow's questions from the policies in force for the unit type on the submission's business
 * date: the review chain (the policy with precedence, then its first matching rule), content checks (every policy in force), form completeness and
 * the content type's deadline. Nothing here is a constant: change the policy, and the next submission follows.
 */
@Injectable()
export class PolicyEngineReportingPolicy implements ReportingPolicy {
  constructor(
    private readonly catalog: PolicyCatalog,
    private readonly dates: BusinessDates,
  ) {}

  async evaluateSubmission(content: DraftContent, ctx: SubmissionContext): Promise<SubmissionRules> {
    const date = this.dates.of(new Date(ctx.submittedAt));
    const set = await this.catalog.published();
    const policies = set.inForce(ctx.unitType, date);
    const chainCtx = { unitType: ctx.unitType, contentType: content.contentType, importance: content.importance, destination: content.destination };
    // precedence is policy data (most specific scope, then priority; docs/adr/0010), never the order of ids
    const resolution = set.resolveChain(date, chainCtx);
    if (resolution.kind === 'none') {
      throw new RuleViolation('no-review-chain', `No policy in force on ${date} gives a review chain for a ${content.importance} ${content.destination} ${content.contentType} item of a ${ctx.unitType}`, {
        unitType: ctx.unitType,
        contentType: content.contentType,
      });
    }
    if (resolution.kind === 'tie') {
      const names = resolution.tied.map((o) => `${o.policy.document.id} v${o.policy.document.version} (${o.chain.id})`);
      throw new RuleViolation('review-chain-tie', `Policies ${names.join(' and ')} prescribe review chains of equal precedence for this draft: an administrator must publish a version that sets their priority`, {
        policies: resolution.tied.map((o) => ({ policyId: o.policy.document.id, version: o.policy.document.version, ruleId: o.chain.id })),
      });
    }
    const { policy: chainPolicy, chain: chainRule } = resolution.resolved;

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
    // a deadline counted without holiday data is recorded as provisional and shown on the draft as a warning
    const provisional = t?.provisional ? { years: t.provisional.years, reason: t.provisional.reason } : null;
    const allWarnings = [...warnings.map((w) => ({ rule: w.rule, message: w.message })), ...(provisional ? [{ rule: 'deadline-provisional', message: `Deadline ${t!.rule!.id} is provisional: ${provisional.reason}` }] : [])];
    return {
      chain: {
        policyId: chainPolicy.document.id,
        policyVersion: chainPolicy.document.version,
        ruleId: chainRule.id,
        steps: chainRule.steps.map((s) => ({ key: s.key, name: s.name, role: s.role, signature: s.signature, confidentiality: s.confidentiality ?? false })),
        rules: chainRule.rules,
      },
      violations: [...violations],
      check: { formComplete: missingFields.length === 0, missingFields, warnings: allWarnings },
      timeliness: {
        policyId: deadlinePolicy?.document.id ?? '',
        policyVersion: deadlinePolicy?.document.version ?? 0,
        ruleId: t?.rule?.id ?? '',
        deadline: t?.deadline ? t.deadline.toISOString() : null,
        lateByMinutes: t?.lateByMinutes ?? 0,
        late: t?.late ?? false,
        unit: unit === 'calendar_days' || unit === 'working_days' || unit === 'hours' || unit === 'minutes' ? unit : 'none',
        provisional,
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
      .inForce(ctx.unitType, this.dates.of(new Date(ctx.submittedAt)))
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
    const policies = (await this.catalog.published()).inForce(unitType, this.dates.of(new Date(at)));
    return [...new Set(policies.flatMap((p) => p.contentTypes()))];
  }
}
