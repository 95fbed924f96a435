import type { DraftContent, PolicyRef, ReleaseRules, ResolvedChain, SubmissionCheck, Timeliness } from './draft.types';

/** What the reporting workflow asks of the policy in force (libs/policies answers; see policy-adapter). */
export interface SubmissionContext {
  readonly unitId: string;
  readonly unitType: string;
  /** Business time that selects the policy version: the submission instant. */
  readonly submittedAt: string;
}

export interface SubmissionRules {
  readonly chain: ResolvedChain;
  readonly violations: { rule: string; message: string; field?: string }[];
  readonly check: SubmissionCheck;
  readonly timeliness: Timeliness;
}

/** The policy versions in force for a submission, and what they say a "not to be published" verdict blocks. */
export interface PoliciesInForce {
  readonly policies: readonly PolicyRef[];
  readonly release: ReleaseRules;
}

export interface ReportingPolicy {
  /** Resolves chain, limits, form and timeliness for a submission; throws RuleViolation when no policy applies. */
  evaluateSubmission(content: DraftContent, context: SubmissionContext): Promise<SubmissionRules>;
  /** The policies in force for the submission (recorded with it) and their combined confidentiality-release rules. */
  policiesInForce(context: SubmissionContext): Promise<PoliciesInForce>;
  /** Content types the policy in force knows (for validating drafts at creation). */
  contentTypes(unitType: string, at: string): Promise<readonly string[]>;
}

export const REPORTING_POLICY = Symbol('REPORTING_POLICY');
