import type { PoolClient } from 'pg';
import { applyInSchema, dumpSchema, EventLog, specMismatches } from '@app/projections';
import { createTestDatabase, TestDatabase } from '@test/support';
import { coverageTables, reviewCoverageProjection } from './review-coverage.projection';
import { reviewCoverageV1 } from './review-coverage.v1.fixture';

const unit = (n: number) => `00000000-0000-4000-8400-${String(n).padStart(12, '0')}`;
const member = (n: number) => `00000000-0000-4000-8100-${String(n).padStart(12, '0')}`;
const appointment = (n: number) => `00000000-0000-4000-8200-${String(n).padStart(12, '0')}`;

/**
 * A bureau (1) with sections 2 and 3, squads 4 and 5 under 2, a team 6 under 4; appointments of every coverage
 * kind; then squad 4 (with its team) moves under section 3, a unit is registered under it after the
 * appointments, two appointments end, and 3 moves under 2.
 */
function history(): EventLog {
  const log = new EventLog();
  const register = (n: number, parent: number | null) =>
    log.append(`unit-${unit(n)}`, 'UnitRegistered', { unitId: unit(n), name: `Unit ${n}`, unitType: 'section', parentId: parent ? unit(parent) : null, registeredAt: '2026-01-05T02:00:00.000Z' });
  const move = (n: number, from: number, to: number) =>
    log.append(`unit-${unit(n)}`, 'UnitMoved', { unitId: unit(n), fromParentId: unit(from), toParentId: unit(to), movedAt: '2026-02-02T00:00:00.000Z' });
  const appoint = (n: number, role: string, at: number, oversees: number[] = [], endsOn: string | null = null) =>
    log.append(`member-${member(n)}`, 'MemberAppointed', {
      memberId: member(n),
      appointmentId: appointment(n),
      role,
      unitId: unit(at),
      startsOn: '2026-01-06',
      endsOn,
      oversees: oversees.map(unit),
      appointedAt: '2026-01-06T00:00:00.000Z',
    });
  const end = (n: number, endsOn: string) => log.append(`member-${member(n)}`, 'AppointmentEnded', { memberId: member(n), appointmentId: appointment(n), endsOn, endedAt: '2026-03-01T00:00:00.000Z' });
  register(1, null);
  register(2, 1);
  register(3, 1);
  register(4, 2);
  register(5, 2);
  register(6, 4);
  appoint(1, 'reporter', 4);
  appoint(2, 'office_reviewer', 2);
  appoint(3, 'leader_in_charge', 1, [4, 3]);
  appoint(4, 'finance', 1, [], '2026-12-31');
  appoint(5, 'unit_head', 6);
  appoint(6, 'principal_leader', 1);
  move(4, 2, 3);
  register(7, 4);
  end(2, '2026-02-28');
  appoint(7, 'duty_officer', 3);
  end(4, '2026-06-30');
  move(3, 1, 2);
  register(8, 3);
  return log;
}

describe('review-coverage projection, written in bulk', () => {
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

  it('one batch, batches of five, event by event and the one-event SQL version give the same coverage, also when a batch is redelivered', async () => {
    const { events } = history();
    const chunks = (size: number) => Array.from({ length: Math.ceil(events.length / size) }, (_, i) => events.slice(i * size, i * size + size));
    await applyInSchema(client, reviewCoverageProjection, 'rc_batch', [events, events.slice(6, 15)]);
    await applyInSchema(client, reviewCoverageProjection, 'rc_fives', chunks(5));
    await applyInSchema(client, reviewCoverageProjection, 'rc_events', chunks(1));
    await applyInSchema(client, reviewCoverageV1, 'rc_v1', chunks(1));
    const batch = await dumpSchema(client, reviewCoverageProjection, 'rc_batch');
    expect(await dumpSchema(client, reviewCoverageProjection, 'rc_events')).toEqual(batch);
    expect(await dumpSchema(client, reviewCoverageProjection, 'rc_fives')).toEqual(batch);
    expect(await dumpSchema(client, reviewCoverageV1, 'rc_v1')).toEqual(batch);

    // who covers what, in the numbers of the history above
    const byAppointment: Record<string, string[]> = {};
    for (const row of batch.review_coverage as { unit_id: string; appointment_id: string; ends_on: string | null }[]) {
      const key = `${Number(row.appointment_id.slice(-3))}${row.ends_on ? ` until ${row.ends_on}` : ''}`;
      (byAppointment[key] ??= []).push(String(Number(row.unit_id.slice(-3))));
    }
    for (const units of Object.values(byAppointment)) units.sort();
    expect(byAppointment).toEqual({
      '1': ['4'], // reporter: its unit only
      '2 until 2026-02-28': ['2', '3', '4', '5', '6', '7', '8'], // office reviewer at 2: 3 moved under 2, with 4 and its team
      '3': ['3', '4', '6', '7', '8'], // leader in charge of 4 and 3
      '4 until 2026-06-30': ['1', '2', '3', '4', '5', '6', '7', '8'], // finance: every unit, also those registered later
      '5': ['6'],
      '6': ['1', '2', '3', '4', '5', '6', '7', '8'],
      '7': ['3', '4', '6', '7', '8'], // duty officer at 3
    });
  });

  it('its table specs say what its setup creates', async () => {
    expect(await specMismatches(client, 'rc_batch', Object.values(coverageTables))).toEqual([]);
  });
});
