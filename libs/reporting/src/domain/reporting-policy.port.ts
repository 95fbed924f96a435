import type { DraftContent, ResolvedChain, SubmissionCheck, Timeliness } from './draft.types';

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

export interface ReportingPolicy {
  /** Resolves chain, limits, form and timeliness for a submission; throws RuleViolation when no policy applies. */
  evaluateSubmission(content: DraftContent, context: SubmissionContext): Promise<SubmissionRules>;
  /** Content types the policy in force knows (for validating drafts at creation). */
  contentTypes(unitType: string, at: string): Promise<readonly string[]>;
}

export const REPORTING_POLICY = Symbol('REPORTING_POLICY');
