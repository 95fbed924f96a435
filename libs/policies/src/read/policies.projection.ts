import type { RecordedEvent } from '@app/event-store';
import type { ProjectionDefinition } from '@app/projections';
import type { PolicyEvent } from '../domain/policy.decider';

/** Every policy version with its status and effective dates; the published ones are the rules in force. */
export const policiesProjection: ProjectionDefinition = {
  name: 'policies',
  version: 1,
  tables: ['policy_versions'],
  eventTypes: ['PolicyDrafted', 'PolicyValidated', 'PolicyPublished', 'PolicySuperseded'],
  async setup(client, t) {
    await client.query(`CREATE TABLE ${t('policy_versions')} (
      policy_id text NOT NULL, version int NOT NULL, title text NOT NULL, source text, status text NOT NULL,
      effective_from date NOT NULL, effective_to date, unit_types text[] NOT NULL, document jsonb NOT NULL,
      problems jsonb, drafted_at timestamptz NOT NULL, published_at timestamptz, retroactive boolean, superseded_by int,
      PRIMARY KEY (policy_id, version))`);
  },
  async apply(event, { client, t }) {
    const e = event as RecordedEvent & PolicyEvent;
    switch (e.type) {
      case 'PolicyDrafted': {
        const d = e.data.document;
        await client.query(
          `INSERT INTO ${t('policy_versions')} (policy_id, version, title, source, status, effective_from, effective_to, unit_types, document, drafted_at)
           VALUES ($1, $2, $3, $4, 'draft', $5, $6, $7, $8, $9)
           ON CONFLICT (policy_id, version) DO UPDATE SET title = EXCLUDED.title, source = EXCLUDED.source, effective_from = EXCLUDED.effective_from,
             effective_to = EXCLUDED.effective_to, unit_types = EXCLUDED.unit_types, document = EXCLUDED.document, problems = NULL`,
          [d.id, d.version, d.title, d.source ?? null, d.effectiveFrom, d.effectiveTo ?? null, d.scope.unitTypes, JSON.stringify(d), e.data.draftedAt],
        );
        return;
      }
      case 'PolicyValidated':
        await client.query(`UPDATE ${t('policy_versions')} SET problems = $3 WHERE policy_id = $1 AND version = $2`, [e.data.policyId, e.data.version, JSON.stringify(e.data.problems)]);
        return;
      case 'PolicyPublished':
        await client.query(`UPDATE ${t('policy_versions')} SET status = 'published', published_at = $3, retroactive = $4 WHERE policy_id = $1 AND version = $2`, [
          e.data.policyId,
          e.data.version,
          e.data.publishedAt,
          e.data.retroactive,
        ]);
        return;
      case 'PolicySuperseded':
        await client.query(`UPDATE ${t('policy_versions')} SET status = 'superseded', superseded_by = $3 WHERE policy_id = $1 AND version = $2`, [
          e.data.policyId,
          e.data.version,
          e.data.supersededBy,
        ]);
        return;
      default:
        return;
    }
  },
};
