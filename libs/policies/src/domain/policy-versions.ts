import type { PolicyDocument } from './policy-document';
import type { PolicyEvent } from './policy.decider';
import { PolicyProblem, validatePolicy } from './validate-policy';

/**
 * Every policy version with its status, folded from the policy events, under a what-if (docs/adr/0016). Pure:
 * the policies projection writes it to its table, and any projection that needs the policies in force (points,
 * as-of and what-if builds of later issues) folds the same events with the same parameters through it.
 */
export interface PolicyVersionRecord {
  readonly policyId: string;
  readonly version: number;
  readonly document: PolicyDocument;
  readonly status: 'draft' | 'published' | 'superseded';
  readonly problems: readonly PolicyProblem[] | null;
  readonly draftedAt: string;
  readonly publishedAt: string | null;
  readonly retroactive: boolean | null;
  readonly supersededBy: number | null;
}

/**
 * The `policies` build parameter:
 * - treatAsPublished: documents (typically drafts) to treat as published for the whole build, from its first
 *   policy event on; each one supersedes the versions of its policy the log published whose period it overlaps,
 *   as publishing it now would, and stays published whatever the log does to its version;
 * - ignoreVersions: published versions to treat as never published: their publication is left out, and so are
 *   the supersessions it caused (the versions it superseded stay published).
 */
export interface PolicyWhatIf {
  readonly treatAsPublished?: readonly PolicyDocument[];
  readonly ignoreVersions?: readonly { readonly policyId: string; readonly version: number }[];
}

export type PolicyVersions = Map<string, PolicyVersionRecord>;

/** A policy event as the fold needs it: its type and data, and when it was recorded (for treated documents). */
export type PolicyFoldEvent = PolicyEvent & { readonly recordedAt: string };

export const policyVersionKey = (policyId: string, version: number): string => `${policyId}\u0000${version}`;

const MAX_TREATED = 20;
const MAX_IGNORED = 200;

/** What is wrong with a `policies` build parameter value; undefined when it is a valid what-if. */
export function checkPolicyWhatIf(value: unknown): string | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return 'expected { treatAsPublished?: PolicyDocument[], ignoreVersions?: { policyId, version }[] }';
  const unknownKeys = Object.keys(value).filter((k) => k !== 'treatAsPublished' && k !== 'ignoreVersions');
  if (unknownKeys.length > 0) return `unknown key ${unknownKeys[0]} (expected treatAsPublished, ignoreVersions)`;
  const { treatAsPublished, ignoreVersions } = value as { treatAsPublished?: unknown; ignoreVersions?: unknown };
  const treated = new Set<string>();
  if (treatAsPublished !== undefined) {
    if (!Array.isArray(treatAsPublished) || treatAsPublished.length > MAX_TREATED) return `treatAsPublished must be an array of at most ${MAX_TREATED} policy documents`;
    const docs: PolicyDocument[] = [];
    for (const [i, doc] of treatAsPublished.entries()) {
      const problems = validatePolicy(doc);
      if (problems.length > 0) return `treatAsPublished.${i}: ${problems[0]!.path} ${problems[0]!.message}`;
      const d = doc as PolicyDocument;
      const key = policyVersionKey(d.id, d.version);
      if (treated.has(key)) return `treatAsPublished.${i}: ${d.id} version ${d.version} is listed twice`;
      const clash = docs.find((o) => o.id === d.id && overlaps(o, d));
      if (clash) return `treatAsPublished.${i}: ${d.id} version ${d.version} overlaps version ${clash.version} of the same policy, also treated as published`;
      treated.add(key);
      docs.push(d);
    }
  }
  if (ignoreVersions !== undefined) {
    if (!Array.isArray(ignoreVersions) || ignoreVersions.length > MAX_IGNORED) return `ignoreVersions must be an array of at most ${MAX_IGNORED} { policyId, version }`;
    for (const [i, v] of ignoreVersions.entries()) {
      const ok =
        v !== null && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).every((k) => k === 'policyId' || k === 'version') &&
        typeof (v as { policyId?: unknown }).policyId === 'string' && /^[a-z0-9][a-z0-9-]{0,99}$/.test((v as { policyId: string }).policyId) &&
        Number.isSafeInteger((v as { version?: unknown }).version) && (v as { version: number }).version >= 1;
      if (!ok) return `ignoreVersions.${i} must be { policyId: a policy id, version: an integer >= 1 }`;
      const { policyId, version } = v as { policyId: string; version: number };
      if (treated.has(policyVersionKey(policyId, version))) return `ignoreVersions.${i}: ${policyId} version ${version} is also treated as published`;
    }
  }
  return undefined;
}

/**
 * Applies policy events (in log order) to the versions, under the what-if; returns the versions it changed (by
 * key). Deterministic: the same events and parameters give the same versions, whatever the batching.
 */
export function foldPolicyVersions(versions: PolicyVersions, events: readonly PolicyFoldEvent[], whatIf: PolicyWhatIf = {}): Set<string> {
  const changed = new Set<string>();
  const treated = new Map((whatIf.treatAsPublished ?? []).map((d) => [policyVersionKey(d.id, d.version), d]));
  const ignored = new Set((whatIf.ignoreVersions ?? []).map((v) => policyVersionKey(v.policyId, v.version)));
  const put = (record: PolicyVersionRecord) => {
    versions.set(policyVersionKey(record.policyId, record.version), record);
    changed.add(policyVersionKey(record.policyId, record.version));
  };
  for (const event of events) {
    if (treated.size > 0) enforceTreated(versions, treated, event.recordedAt, put);
    const key = policyVersionKey(event.data.policyId, event.data.version);
    const existing = versions.get(key);
    switch (event.type) {
      case 'PolicyDrafted': {
        if (treated.has(key)) {
          // the treated document stands for this version; the log only tells when it was drafted
          if (existing) put({ ...existing, draftedAt: event.data.draftedAt });
          break;
        }
        const d = event.data.document;
        put({
          policyId: d.id,
          version: d.version,
          document: d,
          status: existing?.status ?? 'draft',
          problems: null,
          draftedAt: existing?.draftedAt ?? event.data.draftedAt,
          publishedAt: existing?.publishedAt ?? null,
          retroactive: existing?.retroactive ?? null,
          supersededBy: existing?.supersededBy ?? null,
        });
        break;
      }
      case 'PolicyValidated':
        if (existing && !treated.has(key)) put({ ...existing, problems: event.data.problems });
        break;
      case 'PolicyPublished':
        if (!existing || ignored.has(key)) break;
        put({ ...existing, status: treated.has(key) ? existing.status : 'published', publishedAt: event.data.publishedAt, retroactive: event.data.retroactive });
        break;
      case 'PolicySuperseded': {
        // a supersession caused by an ignored publication, or of a version never published here, did not happen
        if (!existing || treated.has(key) || ignored.has(key) || ignored.has(policyVersionKey(event.data.policyId, event.data.supersededBy))) break;
        put({ ...existing, status: 'superseded', supersededBy: event.data.supersededBy });
        break;
      }
      default:
        break;
    }
    if (treated.size > 0) enforceTreated(versions, treated, event.recordedAt, put);
  }
  return changed;
}

/** Treated documents are published, and supersede the published versions of their policy that they overlap. */
function enforceTreated(versions: PolicyVersions, treated: ReadonlyMap<string, PolicyDocument>, at: string, put: (r: PolicyVersionRecord) => void): void {
  for (const [key, d] of treated) {
    const existing = versions.get(key);
    // inserted before the build's first policy event: a log row of this version can only come later
    if (!existing || existing.status !== 'published') {
      put({
        policyId: d.id,
        version: d.version,
        document: d,
        status: 'published',
        problems: null,
        draftedAt: existing?.draftedAt ?? at,
        publishedAt: existing?.publishedAt ?? null,
        retroactive: existing?.retroactive ?? null,
        supersededBy: null,
      });
    }
    for (const other of versions.values()) {
      if (other.policyId === d.id && other.version !== d.version && other.status === 'published' && !treated.has(policyVersionKey(other.policyId, other.version)) && overlaps(other.document, d)) {
        put({ ...other, status: 'superseded', supersededBy: d.version });
      }
    }
  }
}

/** The published versions (superseded ones included: they still govern the dates the newer one does not cover). */
export function publishedPolicyDocuments(versions: PolicyVersions): PolicyDocument[] {
  return [...versions.values()].filter((v) => v.status !== 'draft').map((v) => v.document);
}

function overlaps(a: PolicyDocument, b: PolicyDocument): boolean {
  const aEnd = a.effectiveTo ?? '9999-12-31';
  const bEnd = b.effectiveTo ?? '9999-12-31';
  return a.effectiveFrom <= bEnd && b.effectiveFrom <= aEnd;
}
