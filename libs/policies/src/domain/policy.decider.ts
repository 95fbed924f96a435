import { assertNever, Decider, DomainEvent, InvalidState, RuleViolation } from '@app/kernel';
import type { PolicyDocument } from './policy-document';
import { PolicyProblem, validatePolicy } from './validate-policy';
import { chainTies } from './chain-precedence';

/** A policy's lifecycle, one stream per policy id (`policy-<id>`), every version in it. */
export type PolicyDrafted = DomainEvent<'PolicyDrafted', { policyId: string; version: number; document: PolicyDocument; draftedBy: string; draftedAt: string }>;
export type PolicyValidated = DomainEvent<'PolicyValidated', { policyId: string; version: number; problems: PolicyProblem[]; validatedAt: string }>;
export type PolicyPublished = DomainEvent<
  'PolicyPublished',
  {
    policyId: string;
    version: number;
    effectiveFrom: string;
    effectiveTo: string | null;
    retroactive: boolean;
    publishedBy: string;
    publishedAt: string;
    /** The other policies' versions the review-chain tie check compared with (from the catalog), so a replay can explain it. */
    checkedAgainst?: { policyId: string; version: number }[];
  }
>;
export type PolicySuperseded = DomainEvent<'PolicySuperseded', { policyId: string; version: number; supersededBy: number; supersededAt: string }>;
export type PolicyEvent = PolicyDrafted | PolicyValidated | PolicyPublished | PolicySuperseded;

export type PolicyCommand =
  | { type: 'DraftPolicy'; document: PolicyDocument; actorId: string; now: string }
  | { type: 'ValidatePolicy'; version: number; now: string }
  | {
      type: 'PublishPolicy';
      version: number;
      actorId: string;
      now: string;
      /**
       * The published versions (superseded ones included) of every other policy, fetched by the handler: a
       * version whose review chains would tie with one of theirs is refused (docs/adr/0010).
       */
      published: readonly PolicyDocument[];
    };

export interface PolicyVersionState {
  readonly version: number;
  readonly document: PolicyDocument;
  readonly status: 'draft' | 'published' | 'superseded';
  readonly problems: PolicyProblem[] | null;
}

export interface PolicyState {
  readonly versions: ReadonlyMap<number, PolicyVersionState>;
}

export const policyStream = (policyId: string): string => `policy-${policyId}`;

export const policyDecider: Decider<PolicyCommand, PolicyState, PolicyEvent> = {
  initialState: () => ({ versions: new Map() }),
  evolve(state, event) {
    const versions = new Map(state.versions);
    switch (event.type) {
      case 'PolicyDrafted':
        versions.set(event.data.version, { version: event.data.version, document: event.data.document, status: 'draft', problems: null });
        return { versions };
      case 'PolicyValidated': {
        const v = versions.get(event.data.version);
        if (v) versions.set(v.version, { ...v, problems: event.data.problems });
        return { versions };
      }
      case 'PolicyPublished': {
        const v = versions.get(event.data.version);
        if (v) versions.set(v.version, { ...v, status: 'published' });
        return { versions };
      }
      case 'PolicySuperseded': {
        const v = versions.get(event.data.version);
        if (v) versions.set(v.version, { ...v, status: 'superseded' });
        return { versions };
      }
      default:
        return state;
    }
  },
  decide(command, state) {
    switch (command.type) {
      case 'DraftPolicy': {
        const { document } = command;
        // the read models and the policy engine rely on a valid document: the decider checks it, not only HTTP
        const problems = validatePolicy(document);
        if (problems.length > 0) throw new RuleViolation('policy-invalid', `${problems.length} problem(s): ${problems[0]!.path} ${problems[0]!.message}`, { problems });
        const existing = state.versions.get(document.version);
        if (existing && existing.status !== 'draft') {
          throw new InvalidState('policy-version-published', `Version ${document.version} of ${document.id} is ${existing.status}: draft a new version`);
        }
        const latest = Math.max(0, ...state.versions.keys());
        if (!existing && document.version !== latest + 1) {
          throw new RuleViolation('policy-version-sequence', `The next version of ${document.id} is ${latest + 1}`, { field: 'version' });
        }
        return [{ type: 'PolicyDrafted', data: { policyId: document.id, version: document.version, document, draftedBy: command.actorId, draftedAt: command.now } }];
      }
      case 'ValidatePolicy': {
        const v = requireVersion(state, command.version);
        return [{ type: 'PolicyValidated', data: { policyId: v.document.id, version: v.version, problems: validatePolicy(v.document), validatedAt: command.now } }];
      }
      case 'PublishPolicy': {
        const v = requireVersion(state, command.version);
        if (v.status !== 'draft') throw new InvalidState('policy-version-published', `Version ${v.version} is already ${v.status}`);
        const problems = validatePolicy(v.document);
        if (problems.length > 0) {
          throw new RuleViolation('policy-invalid', `Version ${v.version} has ${problems.length} problem(s): ${problems[0]!.path} ${problems[0]!.message}`, { problems });
        }
        const d = v.document;
        const ties = chainTies(d, command.published);
        if (ties.length > 0) {
          const t = ties[0]!;
          throw new RuleViolation(
            'policy-chain-tie',
            `Review chain ${t.ruleId} would tie with chain ${t.otherRuleId} of policy ${t.policyId} version ${t.version} from ${t.from} ` +
              `(both ${t.specificity === 'institution' ? 'institution-wide' : 'unit-type scoped'}, priority ${t.priority}): give one a different priority or a narrower scope`,
            { conflictsWith: { policyId: t.policyId, version: t.version, ruleId: t.otherRuleId }, ties },
          );
        }
        const events: PolicyEvent[] = [
          {
            type: 'PolicyPublished',
            data: {
              policyId: d.id,
              version: v.version,
              effectiveFrom: d.effectiveFrom,
              effectiveTo: d.effectiveTo ?? null,
              // effective before it was published: entitlements computed under the old rules get adjustments
              retroactive: d.effectiveFrom < command.now.slice(0, 10),
              publishedBy: command.actorId,
              publishedAt: command.now,
              checkedAgainst: command.published.filter((o) => o.id !== d.id).map((o) => ({ policyId: o.id, version: o.version })),
            },
          },
        ];
        for (const other of state.versions.values()) {
          if (other.status === 'published' && overlaps(other.document, d)) {
            events.push({ type: 'PolicySuperseded', data: { policyId: d.id, version: other.version, supersededBy: v.version, supersededAt: command.now } });
          }
        }
        return events;
      }
      default:
        return assertNever(command, 'policy command');
    }
  },
};

function requireVersion(state: PolicyState, version: number): PolicyVersionState {
  const v = state.versions.get(version);
  if (!v) throw new InvalidState('policy-version-unknown', `No version ${version}`);
  return v;
}

/** A newer version supersedes an older one whose effective period it overlaps. */
function overlaps(a: PolicyDocument, b: PolicyDocument): boolean {
  const aEnd = a.effectiveTo ?? '9999-12-31';
  const bEnd = b.effectiveTo ?? '9999-12-31';
  return a.effectiveFrom <= bEnd && b.effectiveFrom <= aEnd;
}
