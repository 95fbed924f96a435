import { Forbidden } from '@app/kernel';
import { AccessPolicy } from './access-policy';
import type { Actor, UnitTree } from './actor';
import type { Appointment, Role } from './roles';

// bureau ─┬─ office
//         ├─ brigade-1 ── squad-1
//         └─ brigade-2
const parents: Record<string, string | null> = { bureau: null, office: 'bureau', 'brigade-1': 'bureau', 'squad-1': 'brigade-1', 'brigade-2': 'bureau' };
const tree: UnitTree = {
  async lineage(unitId) {
    const out: string[] = [];
    for (let u: string | null | undefined = unitId; u; u = parents[u]) out.push(u);
    return out;
  },
};
const appointment = (role: Role, unitId: string, oversees: string[] = []): Appointment => ({
  appointmentId: `${role}@${unitId}`,
  role,
  unitId,
  startsOn: '2026-01-01',
  endsOn: null,
  oversees,
});
const actor = (...appointments: Appointment[]): Actor => ({ memberId: 'm', name: '张三', appointments });
const policy = new AccessPolicy(tree);

describe('AccessPolicy', () => {
  it('everyone with a token may perform reads marked for everyone', async () => {
    expect((await policy.decide(actor(), 'org.read')).allowed).toBe(true);
  });
  it('auditors read everything and write nothing', async () => {
    const auditor = actor(appointment('auditor', 'bureau'));
    expect((await policy.decide(auditor, 'ops.read')).allowed).toBe(true);
    expect((await policy.decide(auditor, 'ops.manage')).allowed).toBe(false);
    expect((await policy.decide(auditor, 'org.manage')).allowed).toBe(false);
  });
  it('administrators manage the organization; others may not', async () => {
    expect((await policy.decide(actor(appointment('administrator', 'bureau')), 'org.manage')).allowed).toBe(true);
    expect((await policy.decide(actor(appointment('reporter', 'office')), 'org.manage')).allowed).toBe(false);
  });
  it('a denial names the permission and the roles that were missing', async () => {
    const error = await policy.assert(actor(appointment('reporter', 'office')), 'members.manage').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Forbidden);
    expect((error as Forbidden).details).toMatchObject({ permission: 'members.manage', requiredRoles: ['administrator'] });
  });
});

describe('coverage of a unit', () => {
  const { covers } = jest.requireActual<typeof import('./access-policy')>('./access-policy');
  it('a unit-level role covers its own unit only', async () => {
    expect(covers(appointment('reporter', 'brigade-1'), 'brigade-1', await tree.lineage('brigade-1'))).toBe(true);
    expect(covers(appointment('reporter', 'brigade-1'), 'squad-1', await tree.lineage('squad-1'))).toBe(false);
    expect(covers(appointment('unit_head', 'office'), 'brigade-2', await tree.lineage('brigade-2'))).toBe(false);
  });
  it('a subtree role covers its unit and every unit below it', async () => {
    expect(covers(appointment('office_reviewer', 'bureau'), 'squad-1', await tree.lineage('squad-1'))).toBe(true);
    expect(covers(appointment('principal_leader', 'brigade-1'), 'brigade-2', await tree.lineage('brigade-2'))).toBe(false);
  });
  it('a leader in charge covers the units overseen and what is below them, not the rest', async () => {
    const leader = appointment('leader_in_charge', 'bureau', ['brigade-1']);
    expect(covers(leader, 'squad-1', await tree.lineage('squad-1'))).toBe(true);
    expect(covers(leader, 'brigade-2', await tree.lineage('brigade-2'))).toBe(false);
  });
  it('institution-wide roles cover everything', async () => {
    expect(covers(appointment('finance', 'office'), 'squad-1', await tree.lineage('squad-1'))).toBe(true);
  });
});
