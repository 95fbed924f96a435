import type { RecordedEvent } from '@app/event-store';
import { ERASED, maskPersonal, type PersonalDataErasedData } from '@app/kernel';
import { BatchMapping, batchApplier, Buffers, buffersOf, ProjectionDefinition, tableSpec } from '@app/projections';
import type { ChannelEvent } from '../../domain/channel.decider';
import type { MemberEvent } from '../../domain/member.events';
import type { OrgConfigEvent } from '../../domain/orgconfig.decider';

export type MemberRow = { member_id: string; name: string; phone: string | null; email: string | null; id_card: string | null; status: string; registered_at: string; revision: number };
export type AppointmentRow = { appointment_id: string; member_id: string; role: string; unit_id: string; starts_on: string; ends_on: string | null; oversees: string[] };
export type ChannelRow = {
  channel_id: string;
  name: string;
  platform: string;
  handle: string;
  owner_unit_id: string;
  level_key: string;
  registered_at: string;
  retired_at: string | null;
  revision: number;
};
export type FollowerCountRow = { channel_id: string; revision: number; count: number; as_of: string };
export type UnitTypeRow = { key: string; name: string; description: string | null; revision: number };
export type PublicationLevelRow = { key: string; name: string; rank: number; revision: number };

export const directoryTables = {
  members: tableSpec<MemberRow>({
    name: 'members',
    columns: { member_id: 'uuid', name: 'text', phone: 'text', email: 'text', id_card: 'text', status: 'text', registered_at: 'timestamptz', revision: 'bigint' },
    key: ['member_id'],
  }),
  appointments: tableSpec<AppointmentRow>({
    name: 'appointments',
    columns: { appointment_id: 'uuid', member_id: 'uuid', role: 'text', unit_id: 'uuid', starts_on: 'date', ends_on: 'date', oversees: 'uuid[]' },
    key: ['appointment_id'],
  }),
  channels: tableSpec<ChannelRow>({
    name: 'channels',
    columns: {
      channel_id: 'uuid',
      name: 'text',
      platform: 'text',
      handle: 'text',
      owner_unit_id: 'uuid',
      level_key: 'text',
      registered_at: 'timestamptz',
      retired_at: 'timestamptz',
      revision: 'bigint',
    },
    key: ['channel_id'],
  }),
  followerCounts: tableSpec<FollowerCountRow>({
    name: 'channel_follower_counts',
    columns: { channel_id: 'uuid', revision: 'bigint', count: 'int', as_of: 'timestamptz' },
    key: ['channel_id', 'revision'],
    insertOnly: true,
  }),
  unitTypes: tableSpec<UnitTypeRow>({ name: 'unit_types', columns: { key: 'text', name: 'text', description: 'text', revision: 'bigint' }, key: ['key'] }),
  levels: tableSpec<PublicationLevelRow>({ name: 'publication_levels', columns: { key: 'text', name: 'text', rank: 'int', revision: 'bigint' }, key: ['key'] }),
};

type PersonalDataErased = { type: 'PersonalDataErased'; data: PersonalDataErasedData };
type DirectoryEvent = RecordedEvent & (MemberEvent | ChannelEvent | OrgConfigEvent | PersonalDataErased);

/** Members' personal fields as the directory holds them: masked (clear values are read from the log, audited). */
const masked = (d: { phone: string | null; email: string | null; idCardNumber?: string | null }) => ({
  phone: maskPersonal('phone', d.phone),
  email: maskPersonal('email', d.email),
  id_card: maskPersonal('id-card', d.idCardNumber),
});
type DirectoryTables = Buffers<typeof directoryTables>;

/**
 * The pure part. Member and channel rows carry their stream revision and are only changed by a later one; an
 * appointment's events bump its member's revision (the member's ETag). Unit types and the ladder are replaced
 * by their latest definition (guarded by the orgconfig stream's revision).
 */
export const orgDirectoryMapping: BatchMapping<DirectoryTables> = {
  tables: (table) => buffersOf(directoryTables, table),
  want(events, t) {
    for (const event of events) {
      const e = event as DirectoryEvent;
      switch (e.type) {
        case 'MemberAppointed':
        case 'AppointmentEnded':
          t.appointments.want({ appointment_id: e.data.appointmentId });
          t.members.want({ member_id: e.data.memberId });
          break;
        case 'MemberRegistered':
        case 'MemberDetailsUpdated':
        case 'MemberStatusChanged':
          t.members.want({ member_id: e.data.memberId });
          break;
        case 'PersonalDataErased':
          t.members.want({ member_id: e.data.subjectId });
          break;
        case 'ChannelRegistered':
        case 'FollowerCountRecorded':
        case 'ChannelRetired':
          t.channels.want({ channel_id: e.data.channelId });
          break;
        case 'UnitTypeDefined':
          t.unitTypes.want({ key: e.data.key });
          break;
        case 'PublicationLevelsDefined':
          t.levels.wantAll();
          break;
      }
    }
  },
  apply(event, t) {
    const e = event as DirectoryEvent;
    const revision = Number(event.revision);
    /** A later event of the member's stream: its revision moves, whatever else changes. */
    const member = (memberId: string, changes: Partial<MemberRow> = {}): void => {
      const row = t.members.get({ member_id: memberId });
      if (row && row.revision < revision) t.members.put({ ...row, ...changes, revision });
    };
    const channel = (channelId: string, changes: Partial<ChannelRow> = {}): void => {
      const row = t.channels.get({ channel_id: channelId });
      if (row && row.revision < revision) t.channels.put({ ...row, ...changes, revision });
    };
    switch (e.type) {
      case 'MemberRegistered': {
        const d = e.data;
        if (!t.members.get({ member_id: d.memberId })) {
          t.members.put({ member_id: d.memberId, name: d.name, ...masked(d), status: d.status, registered_at: d.registeredAt, revision });
        }
        return;
      }
      case 'MemberDetailsUpdated':
        return member(e.data.memberId, { name: e.data.name, ...masked(e.data) });
      case 'MemberStatusChanged':
        return member(e.data.memberId, { status: e.data.status });
      case 'PersonalDataErased': {
        // not the member's stream: no revision guard; setting ERASED again is a no-op
        const row = t.members.get({ member_id: e.data.subjectId });
        if (row) t.members.put({ ...row, phone: row.phone && ERASED, email: row.email && ERASED, id_card: row.id_card && ERASED });
        return;
      }
      case 'MemberAppointed': {
        const d = e.data;
        if (!t.appointments.get({ appointment_id: d.appointmentId })) {
          t.appointments.put({ appointment_id: d.appointmentId, member_id: d.memberId, role: d.role, unit_id: d.unitId, starts_on: d.startsOn, ends_on: d.endsOn, oversees: d.oversees });
        }
        return member(d.memberId);
      }
      case 'AppointmentEnded':
        t.appointments.patch({ appointment_id: e.data.appointmentId }, { ends_on: e.data.endsOn });
        return member(e.data.memberId);
      case 'ChannelRegistered': {
        const d = e.data;
        if (!t.channels.get({ channel_id: d.channelId })) {
          t.channels.put({
            channel_id: d.channelId,
            name: d.name,
            platform: d.platform,
            handle: d.handle,
            owner_unit_id: d.ownerUnitId,
            level_key: d.levelKey,
            registered_at: d.registeredAt,
            retired_at: null,
            revision,
          });
        }
        return;
      }
      case 'FollowerCountRecorded':
        t.followerCounts.insert({ channel_id: e.data.channelId, revision, count: e.data.count, as_of: e.data.asOf });
        return channel(e.data.channelId);
      case 'ChannelRetired':
        return channel(e.data.channelId, { retired_at: e.data.retiredAt });
      case 'UnitTypeDefined': {
        const row = t.unitTypes.get({ key: e.data.key });
        if (!row || row.revision < revision) t.unitTypes.put({ key: e.data.key, name: e.data.name, description: e.data.description, revision });
        return;
      }
      case 'PublicationLevelsDefined': {
        // the latest definition replaces the ladder; an older one delivered again leaves it alone
        const levels = t.levels.rows();
        if (levels.some((level) => level.revision >= revision)) return;
        for (const level of levels) t.levels.delete(level);
        for (const level of e.data.levels) t.levels.put({ key: level.key, name: level.name, rank: level.rank, revision });
        return;
      }
      default:
        return;
    }
  },
};

/**
 * The member directory (members and their appointments), channels with their follower history, unit types and
 * the publication ladder, written in bulk.
 */
export const orgDirectoryProjection: ProjectionDefinition = {
  name: 'org-directory',
  // v2: channels carry their stream revision (the ETag for If-Match on follower counts and retirement)
  // v3 (issue 9): written in bulk; unit types and the ladder carry the orgconfig stream's revision, so an older
  // definition delivered again no longer overwrites a later one (new column `revision` on both tables)
  // v4 (issue 12): members' phone and e-mail held masked, the ID-card number (masked) added, erasures applied
  version: 4,
  tables: ['members', 'appointments', 'channels', 'channel_follower_counts', 'unit_types', 'publication_levels'],
  eventTypes: [
    'MemberRegistered',
    'MemberDetailsUpdated',
    'MemberStatusChanged',
    'MemberAppointed',
    'AppointmentEnded',
    'PersonalDataErased',
    'ChannelRegistered',
    'FollowerCountRecorded',
    'ChannelRetired',
    'UnitTypeDefined',
    'PublicationLevelsDefined',
  ],
  async setup(client, t) {
    await client.query(`
      CREATE TABLE ${t('members')} (member_id uuid PRIMARY KEY, name text NOT NULL, phone text, email text, id_card text, status text NOT NULL,
        registered_at timestamptz NOT NULL, revision bigint NOT NULL);
      CREATE TABLE ${t('appointments')} (appointment_id uuid PRIMARY KEY, member_id uuid NOT NULL, role text NOT NULL, unit_id uuid NOT NULL,
        starts_on date NOT NULL, ends_on date, oversees uuid[] NOT NULL);
      CREATE INDEX ON ${t('appointments')} (member_id);
      CREATE INDEX ON ${t('appointments')} (unit_id, role);
      CREATE TABLE ${t('channels')} (channel_id uuid PRIMARY KEY, name text NOT NULL, platform text NOT NULL, handle text NOT NULL,
        owner_unit_id uuid NOT NULL, level_key text NOT NULL, registered_at timestamptz NOT NULL, retired_at timestamptz, revision bigint NOT NULL);
      CREATE TABLE ${t('channel_follower_counts')} (channel_id uuid NOT NULL, revision bigint NOT NULL, count integer NOT NULL, as_of timestamptz NOT NULL,
        PRIMARY KEY (channel_id, revision));
      CREATE TABLE ${t('unit_types')} (key text PRIMARY KEY, name text NOT NULL, description text, revision bigint NOT NULL);
      CREATE TABLE ${t('publication_levels')} (key text PRIMARY KEY, name text NOT NULL, rank integer NOT NULL, revision bigint NOT NULL);
    `);
  },
  applyBatch: batchApplier(orgDirectoryMapping),
};
