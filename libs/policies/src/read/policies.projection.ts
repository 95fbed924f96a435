import type { RecordedEvent } from '@app/event-store';
import { ProjectionDefinition, tableSpec, writeBatch } from '@app/projections';
import type { PolicyDocument } from '../domain/policy-document';
import type { PolicyEvent } from '../domain/policy.decider';
import type { PolicyProblem } from '../domain/validate-policy';
import { checkPolicyWhatIf, foldPolicyVersions, PolicyVersionRecord, PolicyVersions, PolicyWhatIf, policyVersionKey } from '../domain/policy-versions';

type VersionRow = {
  policy_id: string;
  version: number;
  title: string;
  source: string | null;
  status: string;
  effective_from: string;
  effective_to: string | null;
  unit_types: string[];
  document: PolicyDocument;
  problems: PolicyProblem[] | null;
  drafted_at: string;
  published_at: string | null;
  retroactive: boolean | null;
  superseded_by: number | null;
};

export const POLICY_VERSIONS = tableSpec<VersionRow>({
  name: 'policy_versions',
  columns: {
    policy_id: 'text',
    version: 'int',
    title: 'text',
    source: 'text',
    status: 'text',
    effective_from: 'date',
    effective_to: 'date',
    unit_types: 'text[]',
    document: 'jsonb',
    problems: 'jsonb',
    drafted_at: 'timestamptz',
    published_at: 'timestamptz',
    retroactive: 'boolean',
    superseded_by: 'int',
  },
  key: ['policy_id', 'version'],
});

const fromRow = (r: VersionRow): PolicyVersionRecord => ({
  policyId: r.policy_id,
  version: r.version,
  document: r.document,
  status: r.status as PolicyVersionRecord['status'],
  problems: r.problems,
  draftedAt: r.drafted_at,
  publishedAt: r.published_at,
  retroactive: r.retroactive,
  supersededBy: r.superseded_by,
});

const toRow = (v: PolicyVersionRecord): VersionRow => ({
  policy_id: v.policyId,
  version: v.version,
  title: v.document.title,
  source: v.document.source ?? null,
  status: v.status,
  effective_from: v.document.effectiveFrom,
  effective_to: v.document.effectiveTo ?? null,
  unit_types: [...v.document.scope.unitTypes],
  document: v.document,
  problems: v.problems === null ? null : [...v.problems],
  drafted_at: v.draftedAt,
  published_at: v.publishedAt,
  retroactive: v.retroactive,
  superseded_by: v.supersededBy,
});

/**
 * Every policy version with its status and effective dates; the published ones are the rules in force. The fold
 * is the pure foldPolicyVersions; a shadow build may take the `policies` what-if parameter (docs/adr/0016):
 * documents to treat as published, published versions to treat as never published.
 *
 * A batch loads the whole table (policy versions number in the tens), folds its events in memory and writes the
 * versions it changed with one upsert.
 */
export const policiesProjection: ProjectionDefinition = {
  name: 'policies',
  // the batch fold writes the same rows as the per-event SQL of v1: no rebuild needed
  version: 1,
  tables: ['policy_versions'],
  eventTypes: ['PolicyDrafted', 'PolicyValidated', 'PolicyPublished', 'PolicySuperseded'],
  parameters: { policies: checkPolicyWhatIf },
  async setup(client, t) {
    await client.query(`CREATE TABLE ${t('policy_versions')} (
      policy_id text NOT NULL, version int NOT NULL, title text NOT NULL, source text, status text NOT NULL,
      effective_from date NOT NULL, effective_to date, unit_types text[] NOT NULL, document jsonb NOT NULL,
      problems jsonb, drafted_at timestamptz NOT NULL, published_at timestamptz, retroactive boolean, superseded_by int,
      PRIMARY KEY (policy_id, version))`);
  },
  async applyBatch(events, ctx) {
    const whatIf = (ctx.parameters.policies ?? {}) as PolicyWhatIf;
    await writeBatch(ctx, async (writer) => {
      const table = writer.table(POLICY_VERSIONS).wantAll();
      await writer.load();
      const versions: PolicyVersions = new Map(table.rows().map((r) => [policyVersionKey(r.policy_id, r.version), fromRow(r)]));
      const changed = foldPolicyVersions(
        versions,
        events.map((e) => ({ ...(e as RecordedEvent & PolicyEvent), recordedAt: e.metadata.recordedAt }) as RecordedEvent & PolicyEvent & { recordedAt: string }),
        whatIf,
      );
      for (const key of changed) table.put(toRow(versions.get(key)!));
    });
  },
};
