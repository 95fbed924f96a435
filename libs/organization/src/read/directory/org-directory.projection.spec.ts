import { EventLog, mapInMemory } from '@app/projections';
import { orgDirectoryMapping } from './org-directory.projection';

const M1 = '00000000-0000-4000-8100-000000000001';
const A1 = '00000000-0000-4000-8200-000000000001';
const U1 = '00000000-0000-4000-8400-000000000001';
const member = { member_id: M1, name: 'Li', phone: null, email: null, status: 'active', registered_at: '2026-01-02T00:00:00+00:00', revision: 0 };

describe('org-directory mapping', () => {
  describe('when a member is appointed and the appointment ends', () => {
    it('writes the appointment with its end date and moves the member revision (its ETag) twice', () => {
      const log = new EventLog();
      log.append(`member-${M1}`, 'MemberRegistered', { memberId: M1, name: 'Li', phone: null, email: null, status: 'active', registeredAt: '2026-01-02T00:00:00.000Z' });
      log.append(`member-${M1}`, 'MemberAppointed', { memberId: M1, appointmentId: A1, role: 'reporter', unitId: U1, startsOn: '2026-01-02', endsOn: null, oversees: [], appointedAt: '2026-01-02T00:00:00.000Z' });
      log.append(`member-${M1}`, 'AppointmentEnded', { memberId: M1, appointmentId: A1, endsOn: '2026-03-31', endedAt: '2026-03-01T00:00:00.000Z' });
      const changes = mapInMemory(orgDirectoryMapping, log.events, { members: [member] });
      expect(changes.members).toEqual({ upserts: [{ ...member, revision: 2 }], deletes: [] });
      expect(changes.appointments).toEqual({ upserts: [{ appointment_id: A1, member_id: M1, role: 'reporter', unit_id: U1, starts_on: '2026-01-02', ends_on: '2026-03-31', oversees: [] }], deletes: [] });
    });
  });

  describe('when the ladder is defined again', () => {
    it('replaces every level, and an older definition delivered again changes nothing', () => {
      const log = new EventLog();
      const older = log.append('orgconfig-default', 'PublicationLevelsDefined', { levels: [{ key: 'county', name: 'County', rank: 1 }], definedAt: '2026-01-01T00:00:00.000Z' });
      const latest = log.append('orgconfig-default', 'PublicationLevelsDefined', { levels: [{ key: 'city', name: 'City', rank: 2 }], definedAt: '2026-01-02T00:00:00.000Z' });
      const stored = { publication_levels: [{ key: 'county', name: 'County', rank: 1, revision: 0 }] };
      expect(mapInMemory(orgDirectoryMapping, [latest], stored).publication_levels).toEqual({ upserts: [{ key: 'city', name: 'City', rank: 2, revision: 1 }], deletes: [{ key: 'county' }] });
      const after = { publication_levels: [{ key: 'city', name: 'City', rank: 2, revision: 1 }] };
      expect(mapInMemory(orgDirectoryMapping, [older], after).publication_levels).toEqual({ upserts: [], deletes: [] });
    });
  });

  describe('when a follower count is recorded', () => {
    it('adds the count (insert-only) and moves the channel revision', () => {
      const C1 = '00000000-0000-4000-8300-000000000001';
      const channel = { channel_id: C1, name: 'WeChat', platform: 'wechat', handle: 'x', owner_unit_id: U1, level_key: 'county', registered_at: '2026-01-04T00:00:00+00:00', retired_at: null, revision: 0 };
      const log = new EventLog();
      log.append(`channel-${C1}`, 'ChannelRegistered', {});
      log.append(`channel-${C1}`, 'FollowerCountRecorded', { channelId: C1, count: 1200, asOf: '2026-01-31T00:00:00.000Z', recordedAt: '2026-02-01T00:00:00.000Z' });
      const changes = mapInMemory(orgDirectoryMapping, log.events.slice(1), { channels: [channel] });
      expect(changes.channel_follower_counts!.upserts).toEqual([{ channel_id: C1, revision: 1, count: 1200, as_of: '2026-01-31T00:00:00.000Z' }]);
      expect(changes.channels!.upserts).toEqual([{ ...channel, revision: 1 }]);
    });
  });
});
