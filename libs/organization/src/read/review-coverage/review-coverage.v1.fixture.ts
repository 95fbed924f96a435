import type { PoolClient } from 'pg';
import { ROLE_COVERAGE, Role } from '@app/access';
import type { ProjectionDefinition } from '@app/projections';
import type { AppointmentEnded, MemberAppointed } from '../../domain/member.events';
import type { UnitMoved, UnitRegistered } from '../../domain/unit.events';

/** The only events this projection subscribes to (eventTypes below). */
type CoverageEvent = UnitRegistered | UnitMoved | MemberAppointed | AppointmentEnded;

const rolesCovering = (kind: (typeof ROLE_COVERAGE)[Role]): Role[] =>
  (Object.keys(ROLE_COVERAGE) as Role[]).filter((role) => ROLE_COVERAGE[role] === kind);

/**
 * Answers "who reviews what": one row per (unit, appointment) for every unit an appointment covers (ROLE_COVERAGE:
 * 'unit' = that unit, 'subtree' = the unit and its descendants, 'oversees' = the overseen units and their
 * descendants, 'institution' = every unit), with the appointment's dates so a reader picks the ones in force.
 *
 * The projection keeps its own copy of the tree and of the appointments (a build never reads another
 * projection's tables: each rebuilds on its own schedule). Dissolved units stay covered: they still own items.
 * Recursive queries use UNION, so even a cycle (two concurrent moves) cannot make them loop.
 */
/**
 * The one-event SQL version of review-coverage (v1, before issue 9), kept as the oracle of the bulk version's
 * int-spec: the same log must give the same coverage rows.
 */
export const reviewCoverageV1: ProjectionDefinition = {
  name: 'review-coverage-v1',
  // the rows follow ROLE_COVERAGE (@app/access): bump the version when it changes, and the rows are rebuilt
  version: 1,
  tables: ['review_coverage', 'review_coverage_units', 'review_coverage_appointments'],
  eventTypes: ['UnitRegistered', 'UnitMoved', 'MemberAppointed', 'AppointmentEnded'],
  async setup(client, t) {
    await client.query(`
      CREATE TABLE ${t('review_coverage_units')} (unit_id uuid PRIMARY KEY, parent_id uuid, revision bigint NOT NULL);
      CREATE INDEX ON ${t('review_coverage_units')} (parent_id);
      CREATE TABLE ${t('review_coverage_appointments')} (appointment_id uuid PRIMARY KEY, member_id uuid NOT NULL, role text NOT NULL,
        unit_id uuid NOT NULL, oversees uuid[] NOT NULL, starts_on date NOT NULL, ends_on date);
      CREATE TABLE ${t('review_coverage')} (unit_id uuid NOT NULL, appointment_id uuid NOT NULL, member_id uuid NOT NULL, role text NOT NULL,
        starts_on date NOT NULL, ends_on date, PRIMARY KEY (unit_id, appointment_id));
      CREATE INDEX ON ${t('review_coverage')} (appointment_id);
      CREATE INDEX ON ${t('review_coverage')} (role, unit_id);
      CREATE INDEX ON ${t('review_coverage')} (member_id);
    `);
  },
  async apply(event, { client, t }) {
    const e = event as unknown as CoverageEvent;
    const rev = event.revision.toString();
    switch (e.type) {
      case 'UnitRegistered':
        await client.query(`INSERT INTO ${t('review_coverage_units')} VALUES ($1, $2, $3) ON CONFLICT (unit_id) DO NOTHING`, [e.data.unitId, e.data.parentId, rev]);
        await coverFromAbove(client, t, e.data.unitId);
        // institution-wide appointments cover every unit, including the ones registered after them
        await client.query(
          `INSERT INTO ${t('review_coverage')} SELECT $1, a.appointment_id, a.member_id, a.role, a.starts_on, a.ends_on
             FROM ${t('review_coverage_appointments')} a WHERE a.role = ANY($2) ON CONFLICT DO NOTHING`,
          [e.data.unitId, rolesCovering('institution')],
        );
        return;
      case 'UnitMoved': {
        const moved = await client.query(`UPDATE ${t('review_coverage_units')} SET parent_id = $2, revision = $3 WHERE unit_id = $1 AND revision < $3`, [
          e.data.unitId,
          e.data.toParentId,
          rev,
        ]);
        if (moved.rowCount) await coverFromAbove(client, t, e.data.unitId);
        return;
      }
      case 'MemberAppointed': {
        const a = e.data;
        await client.query(`INSERT INTO ${t('review_coverage_appointments')} VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (appointment_id) DO NOTHING`, [
          a.appointmentId,
          a.memberId,
          a.role,
          a.unitId,
          a.oversees,
          a.startsOn,
          a.endsOn,
        ]);
        await coverAppointment(client, t, a.appointmentId, a.role, ROLE_COVERAGE[a.role] === 'oversees' ? a.oversees : [a.unitId]);
        return;
      }
      case 'AppointmentEnded':
        await client.query(`UPDATE ${t('review_coverage_appointments')} SET ends_on = $2 WHERE appointment_id = $1`, [e.data.appointmentId, e.data.endsOn]);
        await client.query(`UPDATE ${t('review_coverage')} SET ends_on = $2 WHERE appointment_id = $1`, [e.data.appointmentId, e.data.endsOn]);
        return;
    }
  },
};

type Table = (name: string) => string;

/** The units one appointment covers, from scratch (safe to apply twice). */
async function coverAppointment(client: PoolClient, t: Table, appointmentId: string, role: Role, roots: readonly string[]): Promise<void> {
  await client.query(`DELETE FROM ${t('review_coverage')} WHERE appointment_id = $1`, [appointmentId]);
  const kind = ROLE_COVERAGE[role];
  const units =
    kind === 'institution'
      ? `SELECT unit_id FROM ${t('review_coverage_units')}`
      : kind === 'unit'
        ? `SELECT unit_id FROM ${t('review_coverage_units')} WHERE unit_id = ANY($2::uuid[])`
        : `WITH RECURSIVE sub(unit_id) AS (
             SELECT unit_id FROM ${t('review_coverage_units')} WHERE unit_id = ANY($2::uuid[])
             UNION SELECT u.unit_id FROM ${t('review_coverage_units')} u JOIN sub ON u.parent_id = sub.unit_id
           ) SELECT unit_id FROM sub`;
  await client.query(
    `INSERT INTO ${t('review_coverage')}
     SELECT c.unit_id, a.appointment_id, a.member_id, a.role, a.starts_on, a.ends_on
       FROM (${units}) c CROSS JOIN ${t('review_coverage_appointments')} a WHERE a.appointment_id = $1
     ON CONFLICT DO NOTHING`,
    kind === 'institution' ? [appointmentId] : [appointmentId, roots],
  );
}

/**
 * A unit (and everything below it) after a registration or a move: its 'subtree' and 'oversees' coverage comes
 * from its ancestors, which may have changed; coverage by appointments inside the moved subtree does not change.
 */
async function coverFromAbove(client: PoolClient, t: Table, unitId: string): Promise<void> {
  const subtree = `WITH RECURSIVE moved(unit_id) AS (
      SELECT $1::uuid UNION SELECT u.unit_id FROM ${t('review_coverage_units')} u JOIN moved ON u.parent_id = moved.unit_id
    )`;
  const inherited = rolesCovering('subtree').concat(rolesCovering('oversees'));
  await client.query(`${subtree} DELETE FROM ${t('review_coverage')} WHERE unit_id IN (SELECT unit_id FROM moved) AND role = ANY($2)`, [unitId, inherited]);
  await client.query(
    `${subtree}, lineage(unit_id, ancestor) AS (
       SELECT unit_id, unit_id FROM moved
       UNION SELECT l.unit_id, u.parent_id FROM lineage l JOIN ${t('review_coverage_units')} u ON u.unit_id = l.ancestor WHERE u.parent_id IS NOT NULL
     )
     INSERT INTO ${t('review_coverage')}
     SELECT DISTINCT l.unit_id, a.appointment_id, a.member_id, a.role, a.starts_on, a.ends_on
       FROM lineage l JOIN ${t('review_coverage_appointments')} a
         ON (a.role = ANY($2) AND a.unit_id = l.ancestor) OR (a.role = ANY($3) AND l.ancestor = ANY(a.oversees))
     ON CONFLICT DO NOTHING`,
    [unitId, rolesCovering('subtree'), rolesCovering('oversees')],
  );
}
