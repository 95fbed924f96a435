import type { ProjectionDefinition } from '../projection';

// Deliberately NOT idempotent (n = n + 1): any event applied twice shows up as a wrong count.
export function counter(version = 1, extra: Partial<ProjectionDefinition> = {}): ProjectionDefinition {
  return {
    name: 'stream-counts',
    version,
    tables: ['stream_counts'],
    async setup(client, t) {
      await client.query(`CREATE TABLE ${t('stream_counts')} (stream_id text PRIMARY KEY, n int NOT NULL${version > 1 ? ', last_type text' : ''})`);
    },
    async apply(event, { client, t }) {
      if (event.type === 'Poison') throw new Error(`cannot digest ${event.streamId}`);
      await client.query(
        `INSERT INTO ${t('stream_counts')} (stream_id, n) VALUES ($1, 1) ON CONFLICT (stream_id) DO UPDATE SET n = ${t('stream_counts')}.n + 1`,
        [event.streamId],
      );
      if (version > 1) await client.query(`UPDATE ${t('stream_counts')} SET last_type = $2 WHERE stream_id = $1`, [event.streamId, event.type]);
    },
    ...extra,
  };
}

