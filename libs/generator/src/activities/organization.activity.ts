import type { Role } from '@app/access';
import { memberDecider, memberStream, ORG_CONFIG_STREAM, orgConfigDecider, unitDecider, unitStream } from '@app/organization';
import { BRIGADE_NAMES, ORDINALS, personName, PLACES, SECTION_NAMES } from '../names';
import type { Rng } from '../random';
import type { Activity, World } from '../world';

const SYSTEM = 'system';

export const UNIT_TYPES: readonly [string, string][] = [
  ['bureau', '局'],
  ['section', '科室'],
  ['brigade', '大队'],
  ['squad', '中队'],
  ['post', '警务室'],
  ['publicity-department', '宣传部'],
];

export const PUBLICATION_LEVELS = [
  { key: 'unit', name: '本单位', rank: 10 },
  { key: 'district', name: '区县级', rank: 20 },
  { key: 'city', name: '市级', rank: 30 },
  { key: 'province', name: '省级', rank: 40 },
  { key: 'national', name: '国家级', rank: 50 },
];

/**
 * The institution and its changes: unit types and the publication ladder, a city bureau with sections, brigades,
 * squads and 警务室 (four levels), its staff with their appointments; then, month by month, reporters who leave
 * and are replaced, a unit head who changes, a renamed section, a squad moved to another brigade and a 警务室
 * dissolved after it stops reporting.
 */
export const organizationActivity: Activity = {
  name: 'organization',
  start(world) {
    const rng = world.rng('organization');
    world.at(world.time.nextOpen(world.start), () => setUp(world, rng));
    const months = world.plan.months;
    for (let m = 1; m < months; m++) {
      const monthStart = world.time.firstOfMonth(world.start, m);
      world.at(world.time.afterWorkingDays(monthStart, rng.int(1, 10), rng), () => monthlyChanges(world, rng));
    }
    world.at(world.time.afterWorkingDays(world.start + (world.end - world.start) * 0.4, 0, rng), () => reorganize(world, rng));
  },
};

function setUp(world: World, rng: Rng): void {
  const now = world.nowIso();
  for (const [key, name] of UNIT_TYPES) {
    world.run(ORG_CONFIG_STREAM, orgConfigDecider, { type: 'DefineUnitType', key, name, description: null, now }, SYSTEM);
  }
  world.run(ORG_CONFIG_STREAM, orgConfigDecider, { type: 'DefinePublicationLevels', levels: PUBLICATION_LEVELS, now }, SYSTEM);

  const plan = world.plan;
  const bureau = registerUnit(world, 'bureau', '某市公安局', 'bureau', null, SYSTEM);
  world.staff.bureauId = bureau;
  // the administrator first: every later organization command is theirs
  const admin = registerMember(world, rng, 'administrator', SYSTEM);
  world.staff.administrator = admin;
  const sections = SECTION_NAMES.slice(0, plan.sections).map((name, i) => registerUnit(world, `section-${i}`, name, 'section', bureau, admin));
  world.staff.officeUnitId = sections[0]!;
  appoint(world, admin, 'administrator', sections[0]!, [], SYSTEM);
  const topLevel = [...sections];
  for (let b = 0; b < plan.brigades; b++) {
    const brigadeName = BRIGADE_NAMES[b % BRIGADE_NAMES.length]!;
    const brigade = registerUnit(world, `brigade-${b}`, brigadeName, 'brigade', bureau, admin);
    topLevel.push(brigade);
    for (let s = 0; s < plan.squadsPerBrigade; s++) {
      const squad = registerUnit(world, `squad-${b}-${s}`, `${brigadeName}${ORDINALS[s]}中队`, 'squad', brigade, admin);
      for (let p = 0; p < plan.postsPerSquad; p++) {
        registerUnit(world, `post-${b}-${s}-${p}`, `${PLACES[(b * 7 + s * 3 + p) % PLACES.length]}警务室`, 'post', squad, admin);
      }
    }
  }
  const publicity = registerUnit(world, 'publicity', '党委宣传部', 'publicity-department', bureau, admin);
  world.staff.publicityUnitId = publicity;
  topLevel.push(publicity);

  // every reporting unit: its 信息员 and its head (初审)
  for (const unit of world.org.reportingUnits()) {
    const [min, max] = plan.reportersPerUnit;
    const n = unit.unitType === 'post' ? 1 : rng.int(min, max);
    for (let i = 0; i < n; i++) appoint(world, registerMember(world, rng, `reporter-${unit.unitId}-${i}`, admin), 'reporter', unit.unitId, [], admin);
    appoint(world, registerMember(world, rng, `head-${unit.unitId}`, admin), 'unit_head', unit.unitId, [], admin);
  }
  // the bureau's leaders: each leader in charge (分管领导) oversees a share of the top-level units
  for (let l = 0; l < plan.leadersInCharge; l++) {
    const oversees = topLevel.filter((_, i) => i % plan.leadersInCharge === l);
    const leader = registerMember(world, rng, `leader-${l}`, admin);
    appoint(world, leader, 'leader_in_charge', bureau, oversees, admin);
    world.staff.leaders.push(leader);
  }
  world.staff.principal = registerMember(world, rng, 'principal', admin);
  appoint(world, world.staff.principal, 'principal_leader', bureau, [], admin);
  world.staff.officeReviewer = registerMember(world, rng, 'office-reviewer', admin);
  appoint(world, world.staff.officeReviewer, 'office_reviewer', sections[0]!, [], admin);
  appoint(world, world.staff.officeReviewer, 'office_reviewer', bureau, [], admin);
  for (let c = 0; c < 2; c++) {
    const reviewer = registerMember(world, rng, `confidentiality-${c}`, admin);
    appoint(world, reviewer, 'confidentiality_reviewer', bureau, [], admin);
    world.staff.confidentiality.push(reviewer);
  }
  const single: [string, Role, string][] = [
    ['duty', 'duty_officer', sections[1] ?? bureau],
    ['finance', 'finance', sections[Math.min(5, sections.length - 1)]!],
    ['auditor', 'auditor', sections[sections.length - 1]!],
  ];
  for (const [key, role, unitId] of single) {
    const memberId = registerMember(world, rng, key, admin);
    appoint(world, memberId, role, unitId, [], admin);
    if (role === 'finance') world.staff.finance = memberId;
  }
}

export function registerUnit(world: World, key: string, name: string, unitType: string, parentId: string | null, actorId: string): string {
  const unitId = world.ledger.id('unit', key);
  const parent = parentId ? world.org.units.get(parentId) : undefined;
  world.run(
    unitStream(unitId),
    unitDecider,
    {
      type: 'RegisterUnit',
      unitId,
      name,
      unitType,
      parentId,
      parent: { exists: parent !== undefined, dissolved: parent ? !parent.active : false },
      unitTypeDefined: world.org.unitTypes.has(unitType),
      now: world.nowIso(),
    },
    actorId,
  );
  return unitId;
}

export function registerMember(world: World, rng: Rng, key: string, actorId: string): string {
  const memberId = world.ledger.id('member', key);
  const phone = rng.chance(0.8) ? `13${rng.int(0, 9)}${String(rng.int(0, 99_999_999)).padStart(8, '0')}` : null;
  world.run(memberStream(memberId), memberDecider, { type: 'RegisterMember', memberId, name: personName(rng), phone, email: null, now: world.nowIso() }, actorId);
  return memberId;
}

export function appoint(world: World, memberId: string, role: Role, unitId: string, oversees: string[], actorId: string): void {
  const unit = world.org.units.get(unitId);
  const m = world.org.members.get(memberId)!;
  world.run(
    memberStream(memberId),
    memberDecider,
    {
      type: 'AppointMember',
      appointmentId: world.ledger.id('appointment', memberId, role, unitId, String(m.appointments.length)),
      role,
      unitId,
      startsOn: world.today(),
      endsOn: null,
      oversees,
      unit: { exists: unit !== undefined, dissolved: unit ? !unit.active : false },
      overseenUnknown: oversees.filter((u) => !world.org.units.get(u)?.active),
      now: world.nowIso(),
    },
    actorId,
  );
}

function endAppointments(world: World, memberId: string, unitId: string | null): void {
  const m = world.org.members.get(memberId)!;
  for (const a of m.appointments) {
    if (a.endsOn !== null || (unitId !== null && a.unitId !== unitId)) continue;
    world.run(memberStream(memberId), memberDecider, { type: 'EndAppointment', appointmentId: a.appointmentId, endsOn: world.today(), now: world.nowIso() }, world.staff.administrator);
  }
}

/** Drafts in flight get through review before their reporter leaves: the appointment ends this long after. */
const LEAVING_NOTICE_DAYS = 45;

function monthlyChanges(world: World, rng: Rng): void {
  const admin = world.staff.administrator;
  const today = world.today();
  const units = world.org.reportingUnits();
  // reporters who move on: no new drafts, then their appointment ends and they leave; a successor is appointed now
  const leaving = Math.max(1, Math.round(units.length * 0.04));
  for (const unit of rng.sample(units, leaving)) {
    const reporters = world.org.reporters(unit.unitId, today);
    if (reporters.length === 0) continue;
    const reporter = rng.pick(reporters);
    world.org.members.get(reporter)!.leaving = true;
    const successor = registerMember(world, rng, `reporter-${unit.unitId}-${world.ledger.produced}`, admin);
    appoint(world, successor, 'reporter', unit.unitId, [], admin);
    world.at(world.time.afterWorkingDays(world.now, LEAVING_NOTICE_DAYS, rng), () => {
      endAppointments(world, reporter, null);
      world.run(memberStream(reporter), memberDecider, { type: 'ChangeMemberStatus', status: 'left', reason: '调离', now: world.nowIso() }, admin);
    });
  }
  // a unit head is replaced (both hold the role for the handover day)
  if (rng.chance(0.3)) {
    const unit = rng.pick(units);
    const heads = world.org.holders('unit_head', unit.unitId, today).filter((h) => world.org.members.get(h)!.appointments.some((a) => a.role === 'unit_head' && a.unitId === unit.unitId));
    const successor = registerMember(world, rng, `head-${unit.unitId}-${world.ledger.produced}`, admin);
    appoint(world, successor, 'unit_head', unit.unitId, [], admin);
    for (const head of heads) endAppointments(world, head, unit.unitId);
  }
  // members update their contact details
  for (const m of rng.sample([...world.org.members.values()].filter((x) => x.status === 'active'), 2)) {
    world.run(
      memberStream(m.memberId),
      memberDecider,
      { type: 'UpdateMemberDetails', name: m.name, phone: `13${rng.int(0, 9)}${String(rng.int(0, 99_999_999)).padStart(8, '0')}`, email: null, now: world.nowIso() },
      admin,
    );
  }
}

/** Mid-history reorganization: a section renamed, a squad moved to another brigade, a 警务室 closed. */
function reorganize(world: World, rng: Rng): void {
  const admin = world.staff.administrator;
  const units = [...world.org.units.values()];
  const section = units.find((u) => u.unitType === 'section' && u.active && u.unitId !== world.staff.officeUnitId);
  if (section) world.run(unitStream(section.unitId), unitDecider, { type: 'RenameUnit', name: `${section.name}(合署)`, now: world.nowIso() }, admin);
  const brigades = units.filter((u) => u.unitType === 'brigade' && u.active);
  const squad = units.find((u) => u.unitType === 'squad' && u.active);
  const target = brigades.find((b) => squad && b.unitId !== squad.parentId);
  if (squad && target) {
    world.run(
      unitStream(squad.unitId),
      unitDecider,
      { type: 'MoveUnit', newParentId: target.unitId, newParent: { exists: true, dissolved: false }, newParentLineage: world.org.lineage(target.unitId), now: world.nowIso() },
      admin,
    );
  }
  const post = rng.pick(units.filter((u) => u.unitType === 'post' && u.active));
  // it stops reporting now; its staff leave and it is dissolved once its drafts are through
  post.reports = false;
  world.at(world.time.afterWorkingDays(world.now, LEAVING_NOTICE_DAYS, rng), () => {
    for (const m of world.org.members.values()) if (m.appointments.some((a) => a.unitId === post.unitId && a.endsOn === null)) endAppointments(world, m.memberId, post.unitId);
    world.run(unitStream(post.unitId), unitDecider, { type: 'DissolveUnit', dissolvedOn: world.today(), reason: '机构调整', now: world.nowIso() }, admin);
  });
}
