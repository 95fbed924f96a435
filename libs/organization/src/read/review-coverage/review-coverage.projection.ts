import type { RecordedEvent } from '@app/event-store';
import { ROLE_COVERAGE, Role } from '@app/access';
import { BatchMapping, batchApplier, Buffers, buffersOf, ProjectionDefinition, tableSpec } from '@app/projections';
import type { AppointmentEnded, MemberAppointed } from '../../domain/member.events';
import type { UnitMoved, UnitRegistered } from '../../domain/unit.events';

/** The only events this projection subscribes to (eventTypes below). */
type CoverageEvent = UnitRegistered | UnitMoved | MemberAppointed | AppointmentEnded;

export type CoverageUnitRow = { unit_id: string; parent_id: string | null; revision: number };
export type CoverageAppointmentRow = { appointment_id: string; member_id: string; role: string; unit_id: string; oversees: string[]; starts_on: string; ends_on: string | null };
export type CoverageRow = { unit_id: string; appointment_id: string; member_id: string; role: string; starts_on: string; ends_on: string | null };

export const coverageTables = {
  units: tableSpec<CoverageUnitRow>({ name: 'review_coverage_units', columns: { unit_id: 'uuid', parent_id: 'uuid', revision: 'bigint' }, key: ['unit_id'] }),
  appointments: tableSpec<CoverageAppointmentRow>({
    name: 'review_coverage_appointments',
    columns: { appointment_id: 'uuid', member_id: 'uuid', role: 'text', unit_id: 'uuid', oversees: 'uuid[]', starts_on: 'date', ends_on: 'date' },
    key: ['appointment_id'],
  }),
  coverage: tableSpec<CoverageRow>({
    name: 'review_coverage',
    columns: { unit_id: 'uuid', appointment_id: 'uuid', member_id: 'uuid', role: 'text', starts_on: 'date', ends_on: 'date' },
    key: ['unit_id', 'appointment_id'],
  }),
};
type Tables = Buffers<typeof coverageTables>;

const rolesCovering = (kind: (typeof ROLE_COVERAGE)[Role]): Role[] => (Object.keys(ROLE_COVERAGE) as Role[]).filter((role) => ROLE_COVERAGE[role] === kind);
const kindOf = (role: string) => ROLE_COVERAGE[role as Role];
const events = (batch: readonly RecordedEvent[]) => batch as unknown as readonly (RecordedEvent & CoverageEvent)[];

/** The tree as far as the batch loaded it (walks are cycle-safe: two concurrent moves can make one). */
class Tree {
  private readonly parent = new Map<string, string | null>();
  private readonly children = new Map<string, string[]>();

  constructor(units: readonly CoverageUnitRow[]) {
    for (const u of units) {
      this.parent.set(u.unit_id, u.parent_id);
      if (u.parent_id) this.children.set(u.parent_id, [...(this.children.get(u.parent_id) ?? []), u.unit_id]);
    }
  }

  has(unitId: string): boolean {
    return this.parent.has(unitId);
  }

  units(): string[] {
    return [...this.parent.keys()];
  }

  /** The unit and everything below it. */
  subtree(unitId: string): Set<string> {
    const seen = new Set<string>();
    const todo = this.has(unitId) ? [unitId] : [];
    while (todo.length > 0) {
      const u = todo.pop()!;
      if (seen.has(u)) continue;
      seen.add(u);
      todo.push(...(this.children.get(u) ?? []));
    }
    return seen;
  }

  /** The unit and the units above it. */
  lineage(unitId: string): Set<string> {
    const seen = new Set<string>();
    for (let u: string | null | undefined = unitId; u && !seen.has(u); u = this.parent.get(u)) seen.add(u);
    return seen;
  }
}

/** Does this appointment cover this unit? (ROLE_COVERAGE: the unit, its subtree, the overseen subtrees, every unit) */
function covers(a: CoverageAppointmentRow, unitId: string, lineage: Set<string>): boolean {
  switch (kindOf(a.role)) {
    case 'institution':
      return true;
    case 'unit':
      return unitId === a.unit_id;
    case 'subtree':
      return lineage.has(a.unit_id);
    case 'oversees':
      return a.oversees.some((o) => lineage.has(o));
  }
}

/** The units whose coverage a batch may change: below every unit it registered or moved, and the appointments it made. */
function dirty(batch: readonly RecordedEvent[], tree: Tree) {
  const units = new Set<string>();
  const appointed = new Set<string>();
  const ended = new Set<string>();
  for (const e of events(batch)) {
    if (e.type === 'UnitRegistered' || e.type === 'UnitMoved') for (const u of tree.subtree(e.data.unitId)) units.add(u);
    else if (e.type === 'MemberAppointed') appointed.add(e.data.appointmentId);
    else ended.add(e.data.appointmentId);
  }
  return { units, appointed, ended };
}

/**
 * The pure part. The events change the projection's own copy of the tree and of the appointments; the coverage
 * rows are then recomputed from that state for the units whose lineage the batch changed and for the
 * appointments it made, so a batch gives what its events one by one give. AppointmentEnded moves ends_on on
 * the appointment's rows.
 */
export const reviewCoverageMapping: BatchMapping<Tables> = {
  tables: (table) => buffersOf(coverageTables, table),
  want(batch, t) {
    // Every unit the events name, with the stored units below and above them: enough to know the subtree and
    // the lineage of every unit whose coverage can change (a unit moved in by this batch is named by its event).
    const named = new Set<string>();
    let everyUnit = false;
    for (const e of events(batch)) {
      if (e.type === 'UnitRegistered' || e.type === 'UnitMoved') {
        named.add(e.data.unitId);
        const parent = e.type === 'UnitRegistered' ? e.data.parentId : e.data.toParentId;
        if (parent) named.add(parent);
      } else {
        t.appointments.want({ appointment_id: e.data.appointmentId });
        if (e.type === 'MemberAppointed') {
          named.add(e.data.unitId);
          for (const o of e.data.oversees) named.add(o);
          if (kindOf(e.data.role) === 'institution') everyUnit = true;
        }
      }
    }
    if (everyUnit) t.units.wantAll();
    else if (named.size > 0) {
      const ids = [...named];
      t.units.want(...ids.map((unit_id) => ({ unit_id })));
      t.units.wantSql({
        sql: (tbl) => `x.unit_id IN (WITH RECURSIVE
          down(unit_id) AS (SELECT unnest($1::uuid[]) UNION SELECT u.unit_id FROM ${tbl('review_coverage_units')} u JOIN down ON u.parent_id = down.unit_id),
          up(unit_id) AS (SELECT unnest($1::uuid[]) UNION SELECT u.parent_id FROM ${tbl('review_coverage_units')} u JOIN up ON u.unit_id = up.unit_id WHERE u.parent_id IS NOT NULL)
          SELECT unit_id FROM down UNION SELECT unit_id FROM up)`,
        params: [ids],
      });
    }
  },
  apply(event, t) {
    const e = event as RecordedEvent & CoverageEvent;
    const revision = Number(event.revision);
    switch (e.type) {
      case 'UnitRegistered':
        if (!t.units.get({ unit_id: e.data.unitId })) t.units.put({ unit_id: e.data.unitId, parent_id: e.data.parentId, revision });
        return;
      case 'UnitMoved': {
        const row = t.units.get({ unit_id: e.data.unitId });
        if (row && row.revision < revision) t.units.put({ ...row, parent_id: e.data.toParentId, revision });
        return;
      }
      case 'MemberAppointed': {
        const a = e.data;
        if (!t.appointments.get({ appointment_id: a.appointmentId })) {
          t.appointments.put({ appointment_id: a.appointmentId, member_id: a.memberId, role: a.role, unit_id: a.unitId, oversees: a.oversees, starts_on: a.startsOn, ends_on: a.endsOn });
        }
        return;
      }
      case 'AppointmentEnded':
        t.appointments.patch({ appointment_id: e.data.appointmentId }, { ends_on: e.data.endsOn });
        return;
    }
  },
  finish: {
    want(batch, t) {
      const tree = new Tree(t.units.rows());
      const { units, appointed, ended } = dirty(batch, tree);
      if (units.size > 0) {
        // the appointments that can cover a dirty unit: at a unit of its lineage, overseeing one, or institution-wide
        const above = new Set<string>();
        for (const u of units) for (const l of tree.lineage(u)) above.add(l);
        t.appointments.wantWhere('unit_id', [...above]).wantWhere('role', rolesCovering('institution'));
        t.appointments.wantSql({ sql: () => 'x.oversees && $1::uuid[]', params: [[...above]] });
        t.coverage.wantWhere('unit_id', [...units]);
      }
      t.coverage.wantWhere('appointment_id', [...appointed, ...ended]);
    },
    apply(batch, t) {
      const tree = new Tree(t.units.rows());
      const { units, appointed, ended } = dirty(batch, tree);
      const appointments = t.appointments.rows();
      for (const row of t.coverage.rows()) if (units.has(row.unit_id) || appointed.has(row.appointment_id)) t.coverage.delete(row);
      const cover = (unitId: string, a: CoverageAppointmentRow): void => {
        t.coverage.put({ unit_id: unitId, appointment_id: a.appointment_id, member_id: a.member_id, role: a.role, starts_on: a.starts_on, ends_on: a.ends_on });
      };
      for (const unitId of units) {
        const lineage = tree.lineage(unitId);
        for (const a of appointments) if (covers(a, unitId, lineage)) cover(unitId, a);
      }
      for (const id of appointed) {
        const a = t.appointments.get({ appointment_id: id });
        if (!a) continue;
        const kind = kindOf(a.role);
        const roots = kind === 'institution' ? tree.units() : kind === 'oversees' ? a.oversees : [a.unit_id];
        for (const root of roots) for (const unitId of kind === 'unit' || kind === 'institution' ? (tree.has(root) ? [root] : []) : tree.subtree(root)) cover(unitId, a);
      }
      for (const id of ended) {
        const a = t.appointments.get({ appointment_id: id });
        if (!a) continue;
        for (const row of t.coverage.rows()) if (row.appointment_id === id && row.ends_on !== a.ends_on) t.coverage.put({ ...row, ends_on: a.ends_on });
      }
    },
  },
};

/**
 * Answers "who reviews what": one row per (unit, appointment) for every unit an appointment covers (ROLE_COVERAGE:
 * 'unit' = that unit, 'subtree' = the unit and its descendants, 'oversees' = the overseen units and their
 * descendants, 'institution' = every unit), with the appointment's dates so a reader picks the ones in force.
 *
 * The projection keeps its own copy of the tree and of the appointments (a build never reads another
 * projection's tables: each rebuilds on its own schedule). Dissolved units stay covered: they still own items.
 */
export const reviewCoverageProjection: ProjectionDefinition = {
  name: 'review-coverage',
  // the rows follow ROLE_COVERAGE (@app/access): bump the version when it changes, and the rows are rebuilt.
  // v2 (issue 9): written in bulk, coverage recomputed from the folded tree and appointments (the same rows for
  // every log the deciders write; an appointment recorded before its unit now covers it once the unit exists).
  version: 2,
  tables: ['review_coverage', 'review_coverage_units', 'review_coverage_appointments'],
  eventTypes: ['UnitRegistered', 'UnitMoved', 'MemberAppointed', 'AppointmentEnded'],
  async setup(client, t) {
    await client.query(`
      CREATE TABLE ${t('review_coverage_units')} (unit_id uuid PRIMARY KEY, parent_id uuid, revision bigint NOT NULL);
      CREATE INDEX ON ${t('review_coverage_units')} (parent_id);
      CREATE TABLE ${t('review_coverage_appointments')} (appointment_id uuid PRIMARY KEY, member_id uuid NOT NULL, role text NOT NULL,
        unit_id uuid NOT NULL, oversees uuid[] NOT NULL, starts_on date NOT NULL, ends_on date);
      CREATE INDEX ON ${t('review_coverage_appointments')} (unit_id);
      CREATE INDEX ON ${t('review_coverage_appointments')} USING gin (oversees);
      CREATE TABLE ${t('review_coverage')} (unit_id uuid NOT NULL, appointment_id uuid NOT NULL, member_id uuid NOT NULL, role text NOT NULL,
        starts_on date NOT NULL, ends_on date, PRIMARY KEY (unit_id, appointment_id));
      CREATE INDEX ON ${t('review_coverage')} (appointment_id);
      CREATE INDEX ON ${t('review_coverage')} (role, unit_id);
      CREATE INDEX ON ${t('review_coverage')} (member_id);
    `);
  },
  applyBatch: batchApplier(reviewCoverageMapping),
};
