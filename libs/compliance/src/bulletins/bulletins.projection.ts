import type { ProjectionDefinition } from '@app/projections';
import type { BulletinIssued } from './bulletin.decider';

export const BULLETIN_TABLES = ['bulletin_editions', 'bulletin_units'];

/**
 * What the bulletins list (GET /v1/bulletins) and the heading need: every issued edition (without its content,
 * which stays in the stream and is read from there with its checksum verified), and the units' names and parents
 * (the root unit's name is the institution when the bulletin rule names none). Safe to apply twice.
 */
export const bulletinsProjection: ProjectionDefinition = {
  name: 'bulletins',
  version: 1,
  tables: BULLETIN_TABLES,
  eventTypes: ['BulletinIssued', 'UnitRegistered', 'UnitRenamed'],
  async setup(client, t) {
    await client.query(`
      CREATE TABLE ${t('bulletin_editions')} (
        period text NOT NULL, key text NOT NULL, edition int NOT NULL, bulletin_id text NOT NULL, issued_by text NOT NULL,
        issued_at timestamptz NOT NULL, position text NOT NULL, checksum text NOT NULL, title text NOT NULL, units int NOT NULL,
        PRIMARY KEY (period, key, edition));
      CREATE TABLE ${t('bulletin_units')} (unit_id text PRIMARY KEY, parent_id text, name text NOT NULL, registered bigint NOT NULL);
    `);
  },
  async applyBatch(events, { client, t }) {
    for (const e of events) {
      const d = e.data as Record<string, unknown>;
      if (e.type === 'BulletinIssued') {
        const b = d as BulletinIssued['data'];
        await client.query(
          `INSERT INTO ${t('bulletin_editions')} VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT DO NOTHING`,
          [b.period, b.key, b.edition, b.bulletinId, b.issuedBy, b.issuedAt, b.position, b.checksum, b.content.title, b.content.units.length],
        );
      } else if (e.type === 'UnitRegistered') {
        await client.query(`INSERT INTO ${t('bulletin_units')} VALUES ($1, $2, $3, $4) ON CONFLICT (unit_id) DO NOTHING`, [d.unitId, d.parentId ?? null, d.name, e.position.toString()]);
      } else if (e.type === 'UnitRenamed') {
        await client.query(`UPDATE ${t('bulletin_units')} SET name = $2 WHERE unit_id = $1`, [d.unitId, d.name]);
      }
    }
  },
};
