import { EventLog, mapInMemory } from '@app/projections';
import { CoverageAppointmentRow, reviewCoverageMapping } from './review-coverage.projection';

const unit = (n: number) => `00000000-0000-4000-8400-${String(n).padStart(12, '0')}`;
const appt = (n: number) => `00000000-0000-4000-8200-${String(n).padStart(12, '0')}`;
const M = '00000000-0000-4000-8100-000000000001';

/** Bureau 1 > section 2 > squad 3; section 4 under 1. */
const tree = [
  { unit_id: unit(1), parent_id: null, revision: 0 },
  { unit_id: unit(2), parent_id: unit(1), revision: 0 },
  { unit_id: unit(3), parent_id: unit(2), revision: 0 },
  { unit_id: unit(4), parent_id: unit(1), revision: 0 },
];
const reviewerAt2: CoverageAppointmentRow = { appointment_id: appt(1), member_id: M, role: 'office_reviewer', unit_id: unit(2), oversees: [], starts_on: '2026-01-06', ends_on: null };
const row = (u: number, a: CoverageAppointmentRow) => ({ unit_id: unit(u), appointment_id: a.appointment_id, member_id: M, role: a.role, starts_on: a.starts_on, ends_on: a.ends_on });
const covered = (changes: ReturnType<typeof mapInMemory>) => changes.review_coverage!.upserts.map((r) => `${Number(String(r.unit_id).slice(-3))}:${Number(String(r.appointment_id).slice(-3))}`).sort();

describe('review-coverage mapping', () => {
  describe('when an office reviewer is appointed at a section', () => {
    it('covers the section and everything below it', () => {
      const log = new EventLog();
      log.append(`member-${M}`, 'MemberAppointed', { memberId: M, appointmentId: appt(1), role: 'office_reviewer', unitId: unit(2), startsOn: '2026-01-06', endsOn: null, oversees: [], appointedAt: '2026-01-06T00:00:00.000Z' });
      expect(covered(mapInMemory(reviewCoverageMapping, log.events, { review_coverage_units: tree }))).toEqual(['2:1', '3:1']);
    });
  });

  describe('when a squad moves out of the reviewer\'s section', () => {
    it('drops its coverage there and takes the coverage of its new place', () => {
      const leader: CoverageAppointmentRow = { appointment_id: appt(2), member_id: M, role: 'leader_in_charge', unit_id: unit(1), oversees: [unit(4)], starts_on: '2026-01-06', ends_on: null };
      const log = new EventLog();
      log.append(`unit-${unit(3)}`, 'UnitRegistered', {});
      log.append(`unit-${unit(3)}`, 'UnitMoved', { unitId: unit(3), fromParentId: unit(2), toParentId: unit(4), movedAt: '2026-02-01T00:00:00.000Z' });
      const changes = mapInMemory(reviewCoverageMapping, log.events.slice(1), {
        review_coverage_units: tree,
        review_coverage_appointments: [reviewerAt2, leader],
        review_coverage: [row(2, reviewerAt2), row(3, reviewerAt2), row(4, leader)],
      });
      expect(changes.review_coverage!.deletes).toEqual([{ unit_id: unit(3), appointment_id: appt(1) }]);
      expect(covered(changes)).toEqual(['3:2']);
      expect(changes.review_coverage_units!.upserts).toEqual([{ unit_id: unit(3), parent_id: unit(4), revision: 1 }]);
    });
  });

  describe('when a unit is registered after an institution-wide appointment', () => {
    it('is covered by it too', () => {
      const finance: CoverageAppointmentRow = { appointment_id: appt(3), member_id: M, role: 'finance', unit_id: unit(1), oversees: [], starts_on: '2026-01-06', ends_on: null };
      const log = new EventLog();
      log.append(`unit-${unit(5)}`, 'UnitRegistered', { unitId: unit(5), name: 'New', unitType: 'squad', parentId: unit(4), registeredAt: '2026-02-01T00:00:00.000Z' });
      const changes = mapInMemory(reviewCoverageMapping, log.events, { review_coverage_units: tree, review_coverage_appointments: [reviewerAt2, finance] });
      expect(covered(changes)).toEqual(['5:3']);
    });
  });

  describe('when an appointment ends', () => {
    it('moves ends_on on every row of it', () => {
      const log = new EventLog();
      log.append(`member-${M}`, 'MemberAppointed', {});
      log.append(`member-${M}`, 'AppointmentEnded', { memberId: M, appointmentId: appt(1), endsOn: '2026-03-31', endedAt: '2026-03-01T00:00:00.000Z' });
      const changes = mapInMemory(reviewCoverageMapping, log.events.slice(1), {
        review_coverage_units: tree,
        review_coverage_appointments: [reviewerAt2],
        review_coverage: [row(2, reviewerAt2), row(3, reviewerAt2)],
      });
      expect(changes.review_coverage!.upserts.map((r) => r.ends_on)).toEqual(['2026-03-31', '2026-03-31']);
      expect(changes.review_coverage_appointments!.upserts).toEqual([{ ...reviewerAt2, ends_on: '2026-03-31' }]);
    });
  });
});
