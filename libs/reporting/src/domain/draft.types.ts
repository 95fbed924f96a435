import type { Role } from '@app/access';

export type Importance = 'general' | 'important';
export type Destination = 'internal' | 'external';
export type Source = 'original' | 'repost';
export type FirstRelease = 'exclusive' | 'published_elsewhere';
export type ConfidentialityVerdict = 'may_publish' | 'not_to_publish' | 'refer_to_secrecy_authority';

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
