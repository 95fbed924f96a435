import type { PoolClient } from 'pg';
import { applyInSchema, dumpSchema, EventLog, specMismatches } from '@app/projections';
import { createTestDatabase, TestDatabase } from '@test/support';
import { directoryTables, orgDirectoryProjection } from './org-directory.projection';

const id = (kind: number, n: number) => `00000000-0000-4000-8${kind}00-${String(n).padStart(12, '0')}`;
const member = (n: number) => id(1, n);
const appointment = (n: number) => id(2, n);
const channel = (n: number) => id(3, n);
const unit = (n: number) => id(4, n);

/** Three members with appointments, two channels with follower counts, unit types and a ladder defined twice. */
function history(): EventLog {
  const log = new EventLog();
  const m = (n: number) => `member-${member(n)}`;
  const c = (n: number) => `channel-${channel(n)}`;
  for (const n of [1, 2, 3]) {
    log.append(m(n), 'MemberRegistered', { memberId: member(n), name: `Member ${n}`, phone: n === 1 ? '13800000001' : null, email: null, status: 'active', registeredAt: '2026-01-02T00:00:00.000Z' });
  }
  log.append('orgconfig', 'UnitTypeDefined', { key: 'bureau', name: 'Bureau', description: null, definedAt: '2026-01-01T00:00:00.000Z' });
  log.append('orgconfig', 'UnitTypeDefined', { key: 'squad', name: 'Squad', description: '中队', definedAt: '2026-01-01T00:00:00.000Z' });
  log.append('orgconfig', 'PublicationLevelsDefined', { levels: [{ key: 'county', name: 'County', rank: 1 }, { key: 'city', name: 'City', rank: 2 }], definedAt: '2026-01-01T00:00:00.000Z' });
  log.append(m(1), 'MemberAppointed', { memberId: member(1), appointmentId: appointment(1), role: 'reporter', unitId: unit(1), startsOn: '2026-01-02', endsOn: null, oversees: [], appointedAt: '2026-01-02T00:00:00.000Z' });
  log.append(m(2), 'MemberAppointed', { memberId: member(2), appointmentId: appointment(2), role: 'leader_in_charge', unitId: unit(1), startsOn: '2026-01-02', endsOn: '2026-12-31', oversees: [unit(2), unit(3)], appointedAt: '2026-01-02T00:00:00.000Z' });
  log.append(m(1), 'MemberDetailsUpdated', { memberId: member(1), name: 'Member One', phone: null, email: 'one@example.org', updatedAt: '2026-01-03T00:00:00.000Z' });
  log.append(c(1), 'ChannelRegistered', { channelId: channel(1), name: 'Bureau WeChat', platform: 'wechat', handle: 'bureau', ownerUnitId: unit(1), levelKey: 'county', registeredAt: '2026-01-04T00:00:00.000Z' });
  log.append(c(2), 'ChannelRegistered', { channelId: channel(2), name: 'Bureau Weibo', platform: 'weibo', handle: 'bureau-wb', ownerUnitId: unit(1), levelKey: 'city', registeredAt: '2026-01-04T00:00:00.000Z' });
  log.append(c(1), 'FollowerCountRecorded', { channelId: channel(1), count: 1200, asOf: '2026-01-31T00:00:00.000Z', recordedAt: '2026-02-01T00:00:00.000Z' });
  log.append(c(1), 'FollowerCountRecorded', { channelId: channel(1), count: 1350, asOf: '2026-02-28T00:00:00.000Z', recordedAt: '2026-03-01T00:00:00.000Z' });
  log.append(m(1), 'AppointmentEnded', { memberId: member(1), appointmentId: appointment(1), endsOn: '2026-03-31', endedAt: '2026-03-01T00:00:00.000Z' });
  log.append(m(3), 'MemberStatusChanged', { memberId: member(3), status: 'left', previousStatus: 'active', reason: 'retired', changedAt: '2026-03-02T00:00:00.000Z' });
  log.append(c(2), 'ChannelRetired', { channelId: channel(2), reason: null, retiredAt: '2026-03-05T00:00:00.000Z' });
  log.append('orgconfig', 'UnitTypeDefined', { key: 'bureau', name: 'County bureau', description: '县局', definedAt: '2026-03-06T00:00:00.000Z' });
  log.append('orgconfig', 'PublicationLevelsDefined', { levels: [{ key: 'county', name: 'County', rank: 1 }, { key: 'province', name: 'Province', rank: 3 }], definedAt: '2026-03-06T00:00:00.000Z' });
  return log;
}

describe('org-directory projection, written in bulk', () => {
  let db: TestDatabase;
  let client: PoolClient;
  beforeAll(async () => {
    db = await createTestDatabase({ migrate: false, poolSize: 1 });
    client = await db.pool.connect();
  });
  afterAll(async () => {
    client.release();
    await db.drop();
  });

  it('one batch, batches of four, and event by event give the same tables, also when a batch is redelivered', async () => {
    const { events } = history();
    const chunks = (size: number) => Array.from({ length: Math.ceil(events.length / size) }, (_, i) => events.slice(i * size, i * size + size));
    await applyInSchema(client, orgDirectoryProjection, 'dir_batch', [events, events.slice(5, 12)]);
    await applyInSchema(client, orgDirectoryProjection, 'dir_fours', chunks(4));
    await applyInSchema(client, orgDirectoryProjection, 'dir_events', chunks(1));
    const batch = await dumpSchema(client, orgDirectoryProjection, 'dir_batch');
    expect(await dumpSchema(client, orgDirectoryProjection, 'dir_events')).toEqual(batch);
    expect(await dumpSchema(client, orgDirectoryProjection, 'dir_fours')).toEqual(batch);
    // the rows say what the log says
    const members = batch.members as { name: string; email: string | null; status: string; revision: number }[];
    expect(members.map(({ name, email, status, revision }) => ({ name, email, status, revision })).sort((a, b) => a.name.localeCompare(b.name))).toEqual([
      { name: 'Member 2', email: null, status: 'active', revision: 1 },
      { name: 'Member 3', email: null, status: 'left', revision: 1 },
      { name: 'Member One', email: 'o***@example.org', status: 'active', revision: 3 }, // held masked (issue 12)
    ]);
    expect((batch.appointments as { ends_on: string | null }[]).map((a) => a.ends_on).sort()).toEqual(['2026-03-31', '2026-12-31']);
    const channels = batch.channels as { name: string; revision: number; retired_at: string | null }[];
    expect(Object.fromEntries(channels.map((ch) => [ch.name, [ch.revision, ch.retired_at !== null]]))).toEqual({ 'Bureau WeChat': [2, false], 'Bureau Weibo': [1, true] });
    expect((batch.channel_follower_counts as { count: number }[]).map((f) => f.count).sort()).toEqual([1200, 1350]);
    expect(batch.unit_types).toEqual([
      { key: 'bureau', name: 'County bureau', revision: 3, description: '县局' },
      { key: 'squad', name: 'Squad', revision: 1, description: '中队' },
    ]);
    expect(batch.publication_levels).toEqual([
      { key: 'county', name: 'County', rank: 1, revision: 4 },
      { key: 'province', name: 'Province', rank: 3, revision: 4 },
    ]);
  }, 60_000);

  it('its table specs say what its setup creates', async () => {
    expect(await specMismatches(client, 'dir_batch', Object.values(directoryTables))).toEqual([]);
  });
});
