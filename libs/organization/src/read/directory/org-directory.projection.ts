import type { RecordedEvent } from '@app/event-store';
import type { ProjectionDefinition } from '@app/projections';
import type { ChannelEvent } from '../../domain/channel.decider';
import type { MemberEvent } from '../../domain/member.events';
import type { OrgConfigEvent } from '../../domain/orgconfig.decider';

/**
 * The member directory (members and their appointments), channels with their follower history, unit types and
 * the publication ladder. Statements are idempotent (ON CONFLICT, revision guards).
 */
export const orgDirectoryProjection: ProjectionDefinition = {
  name: 'org-directory',
  // v2: channels carry their stream revision (the ETag for If-Match on follower counts and retirement)
  version: 2,
  tables: ['members', 'appointments', 'channels', 'channel_follower_counts', 'unit_types', 'publication_levels'],
  eventTypes: [
    'MemberRegistered',
    'MemberDetailsUpdated',
    'MemberStatusChanged',
    'MemberAppointed',
    'AppointmentEnded',
    'ChannelRegistered',
    'FollowerCountRecorded',
    'ChannelRetired',
    'UnitTypeDefined',
    'PublicationLevelsDefined',
  ],
  async setup(client, t) {
    await client.query(`
      CREATE TABLE ${t('members')} (member_id uuid PRIMARY KEY, name text NOT NULL, phone text, email text, status text NOT NULL,
        registered_at timestamptz NOT NULL, revision bigint NOT NULL);
      CREATE TABLE ${t('appointments')} (appointment_id uuid PRIMARY KEY, member_id uuid NOT NULL, role text NOT NULL, unit_id uuid NOT NULL,
        starts_on date NOT NULL, ends_on date, oversees uuid[] NOT NULL);
      CREATE INDEX ON ${t('appointments')} (member_id);
      CREATE INDEX ON ${t('appointments')} (unit_id, role);
      CREATE TABLE ${t('channels')} (channel_id uuid PRIMARY KEY, name text NOT NULL, platform text NOT NULL, handle text NOT NULL,
        owner_unit_id uuid NOT NULL, level_key text NOT NULL, registered_at timestamptz NOT NULL, retired_at timestamptz, revision bigint NOT NULL);
      CREATE TABLE ${t('channel_follower_counts')} (channel_id uuid NOT NULL, revision bigint NOT NULL, count integer NOT NULL, as_of timestamptz NOT NULL,
        PRIMARY KEY (channel_id, revision));
      CREATE TABLE ${t('unit_types')} (key text PRIMARY KEY, name text NOT NULL, description text);
      CREATE TABLE ${t('publication_levels')} (key text PRIMARY KEY, name text NOT NULL, rank integer NOT NULL);
    `);
  },
  async apply(event, { client, t }) {
    const e = event as RecordedEvent & (MemberEvent | ChannelEvent | OrgConfigEvent);
    const rev = event.revision.toString();
    switch (e.type) {
      case 'MemberRegistered':
        await client.query(
          `INSERT INTO ${t('members')} VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING`,
          [e.data.memberId, e.data.name, e.data.phone, e.data.email, e.data.status, e.data.registeredAt, rev],
        );
        return;
      case 'MemberDetailsUpdated':
        await client.query(`UPDATE ${t('members')} SET name = $2, phone = $3, email = $4, revision = $5 WHERE member_id = $1 AND revision < $5`, [
          e.data.memberId,
          e.data.name,
          e.data.phone,
          e.data.email,
          rev,
        ]);
        return;
      case 'MemberStatusChanged':
        await client.query(`UPDATE ${t('members')} SET status = $2, revision = $3 WHERE member_id = $1 AND revision < $3`, [e.data.memberId, e.data.status, rev]);
        return;
      case 'MemberAppointed':
        await client.query(
          `INSERT INTO ${t('appointments')} VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING`,
          [e.data.appointmentId, e.data.memberId, e.data.role, e.data.unitId, e.data.startsOn, e.data.endsOn, e.data.oversees],
        );
        await client.query(`UPDATE ${t('members')} SET revision = $2 WHERE member_id = $1 AND revision < $2`, [e.data.memberId, rev]);
        return;
      case 'AppointmentEnded':
        await client.query(`UPDATE ${t('appointments')} SET ends_on = $2 WHERE appointment_id = $1`, [e.data.appointmentId, e.data.endsOn]);
        await client.query(`UPDATE ${t('members')} SET revision = $2 WHERE member_id = $1 AND revision < $2`, [e.data.memberId, rev]);
        return;
      case 'ChannelRegistered':
        await client.query(
          `INSERT INTO ${t('channels')} (channel_id, name, platform, handle, owner_unit_id, level_key, registered_at, revision) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
           ON CONFLICT DO NOTHING`,
          [e.data.channelId, e.data.name, e.data.platform, e.data.handle, e.data.ownerUnitId, e.data.levelKey, e.data.registeredAt, rev],
        );
        return;
      case 'FollowerCountRecorded':
        await client.query(`INSERT INTO ${t('channel_follower_counts')} VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING`, [e.data.channelId, rev, e.data.count, e.data.asOf]);
        await client.query(`UPDATE ${t('channels')} SET revision = $2 WHERE channel_id = $1 AND revision < $2`, [e.data.channelId, rev]);
        return;
      case 'ChannelRetired':
        await client.query(`UPDATE ${t('channels')} SET retired_at = $2, revision = $3 WHERE channel_id = $1 AND revision < $3`, [e.data.channelId, e.data.retiredAt, rev]);
        return;
      case 'UnitTypeDefined':
        await client.query(
          `INSERT INTO ${t('unit_types')} VALUES ($1, $2, $3) ON CONFLICT (key) DO UPDATE SET name = EXCLUDED.name, description = EXCLUDED.description`,
          [e.data.key, e.data.name, e.data.description],
        );
        return;
      case 'PublicationLevelsDefined':
        await client.query(`DELETE FROM ${t('publication_levels')}`);
        for (const level of e.data.levels) await client.query(`INSERT INTO ${t('publication_levels')} VALUES ($1, $2, $3)`, [level.key, level.name, level.rank]);
        return;
      default:
        return;
    }
  },
};
