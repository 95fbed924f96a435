import type { Role } from '@app/access';

export type Importance = 'general' | 'important';
export type Destination = 'internal' | 'external';
export type Source = 'original' | 'repost';
export type FirstRelease = 'exclusive' | 'published_elsewhere';
export type ConfidentialityVerdict = 'may_publish' | 'not_to_publish' | 'refer_to_secrecy_authority';
/** What the secrecy authority (机要和保密局) decides on a referred draft (R7.12): the verdict the referral waited for. */
export type SecrecyAuthorityOutcome = 'may_publish' | 'not_to_publish';

export interface Attachment {
  readonly name: string;
  readonly mediaType: string;
  readonly size: number;
  readonly sha256: string;
  /** Where the storage adapter keeps the bytes. */
  readonly storageKey: string;
}

/** What a reporter writes (信息稿件 and its 报送表 fields). */
export interface DraftContent {
  readonly title: string;
  readonly body: string;
  readonly contentType: string;
  readonly source: Source;
  readonly originalOutlet: string | null;
  readonly firstRelease: FirstRelease;
  readonly targetPlatforms: readonly string[];
  /** Ordered: the first author receives individual rewards. */
  readonly authors: readonly string[];
  readonly recommenderId: string | null;
  /** When the reported event happened (YYYY-MM-DD), for timeliness. */
  readonly eventDate: string | null;
  readonly importance: Importance;
  readonly destination: Destination;
  /** Marked long-form (e.g. a long Weibo post), which lifts the platform's short limit. */
  readonly longForm: boolean;
  readonly attachments: readonly Attachment[];
  /** Further form fields the policy defines (提供信息部门 …). */
  readonly formFields: Readonly<Record<string, string>>;
}

/** One step of a review chain, as the policy in force prescribed it at submission. */
export interface ChainStep {
  readonly key: string;
  readonly name: string;
  readonly role: Role;
  /** A signature (签字) or seal (盖章) is recorded with the approval. */
  readonly signature: 'none' | 'signature' | 'seal';
  /** This step is the confidentiality review (保密审查): its approval carries a verdict. */
  readonly confidentiality: boolean;
}

export interface ChainRules {
  /** No one approves two steps of one draft (R1.32). */
  readonly twoPersonCheck: boolean;
  /** An author never reviews their own draft. */
  readonly authorMayNotReview: boolean;
  /** Nothing is published before a confidentiality verdict "may be published" (R1.27). */
  readonly confidentialityBeforePublication: boolean;
  /** After 退回修改, the chain restarts from its first step, or from the step that returned it. */
  readonly onReturn: 'restart' | 'returning_step';
}

export interface ResolvedChain {
  readonly policyId: string;
  readonly policyVersion: number;
  readonly ruleId: string;
  readonly steps: readonly ChainStep[];
  readonly rules: ChainRules;
}

/** What the policy's checks said about the draft at submission. */
export interface SubmissionCheck {
  /** An incomplete 报送表 makes the item ineligible for rewards; recorded, not dropped. */
  readonly formComplete: boolean;
  readonly missingFields: readonly string[];
  /** Soft rules (hedging words, figures without units): warnings on the draft. */
  readonly warnings: readonly { readonly rule: string; readonly message: string }[];
}

export interface Timeliness {
  readonly policyId: string;
  readonly policyVersion: number;
  readonly ruleId: string;
  /** ISO instant of the deadline, or null when the content type has none or the event date is unknown. */
  readonly deadline: string | null;
  /** Minutes past the deadline at submission (0 when on time). */
  readonly lateByMinutes: number;
  readonly late: boolean;
  readonly unit: 'calendar_days' | 'working_days' | 'hours' | 'minutes' | 'none';
  /** Set when the deadline counted working days in years the policy's calendar does not cover: why (never silent). */
  readonly provisional?: { readonly years: readonly number[]; readonly reason: string } | null;
}

/** An outcome beyond channel publication and public adoption that a policy may also block after "not to publish". */
export type BlockableOutcome = 'adoption' | 'excellent' | 'instruction';

/**
 * What a "not to be published" verdict blocks (R7.10 涉密信息不公开), from the policies in force at submission.
 * Channel publication is always blocked; adoption by a publication listed here as public is a public release and is
 * blocked too; anything else is blocked only when the policy says so.
 */
export interface ReleaseRules {
  /** The policies whose confidentialityRelease rules were combined (provenance for a replay). */
  readonly sources: readonly { readonly policyId: string; readonly policyVersion: number; readonly ruleId: string }[];
  /** Publications that are public (names as the adoption records them, without 《》). */
  readonly publicPublications: readonly string[];
  /** What else "not to be published" blocks: any adoption, excellent ratings, leader instructions. */
  readonly notToPublishAlsoBlocks: readonly BlockableOutcome[];
}

/** No policy said anything: only channel publication is blocked (what drafts submitted before D11 fold to). */
export const NO_RELEASE_RULES: ReleaseRules = { sources: [], publicPublications: [], notToPublishAlsoBlocks: [] };

/** A publication's name as policies list it: trimmed, without the 《》 title marks. */
export function publicationKey(name: string): string {
  return name.trim().replace(/^《(.*)》$/u, '$1').trim();
}

/** Where review resumes after a resubmission, as the decider decided it (projections read this, never re-derive). */
export interface ReviewResumption {
  /** The step that waits for a decision first (0-based, as every step index). */
  readonly stepIndex: number;
  /** The approvals of the earlier round that still count. */
  readonly approvals: readonly { readonly stepIndex: number; readonly reviewerId: string; readonly verdict: ConfidentialityVerdict | null }[];
}

/**
 * What a decision about a member's roles over the draft's unit was based on: the roles, and the unit's lineage
 * (itself, then its ancestors) as the org-tree read model gave it. Recorded so a replay can explain the decision.
 */
export interface Coverage {
  readonly roles: readonly Role[];
  readonly unitLineage: readonly string[];
}

/** A policy version in force that a submission was checked against. */
export interface PolicyRef {
  readonly policyId: string;
  readonly policyVersion: number;
}
