import { AccessPolicy, Actor, Appointment, covers, inForce, Role } from '@app/access';
import type { RecordedEvent } from '@app/event-store';
import type { DomainEvent } from '@app/kernel';
import type { PublicationLevel } from '@app/organization';

export interface UnitInfo {
  readonly unitId: string;
  name: string;
  readonly unitType: string;
  parentId: string | null;
  active: boolean;
  /** Its reporters write drafts (false for the bureau itself, and for a unit about to be dissolved). */
  reports: boolean;
}

export interface MemberInfo {
  readonly memberId: string;
  name: string;
  status: 'active' | 'suspended' | 'left';
  readonly appointments: Appointment[];
  /** Takes no new drafts: the appointment ends once the drafts in flight are through review. */
  leaving: boolean;
}

export interface ChannelInfo {
  readonly channelId: string;
  readonly name: string;
  readonly platform: string;
  readonly levelKey: string;
  readonly ownerUnitId: string;
  retired: boolean;
  followers: number;
}

/**
 * What the generated institution looks like now, folded from the events the generator produced (never from its
 * own intentions): units and their tree, members and their appointments, channels, the publication ladder. Commands
 * are built from it the way the API's handlers build them from the streams, and access is decided by the real
 * AccessPolicy over this tree.
 */
export class OrganizationModel {
  readonly unitTypes = new Set<string>();
  levels: readonly PublicationLevel[] = [];
  readonly units = new Map<string, UnitInfo>();
  readonly members = new Map<string, MemberInfo>();
  readonly channels = new Map<string, ChannelInfo>();
  private readonly byRole = new Map<Role, Set<string>>();
  readonly access = new AccessPolicy({ lineage: async (unitId) => this.lineage(unitId) });

  observe(event: DomainEvent | RecordedEvent): void {
    const d = event.data as Record<string, never>;
    switch (event.type) {
      case 'UnitTypeDefined':
        this.unitTypes.add(d.key);
        return;
      case 'PublicationLevelsDefined':
        this.levels = d.levels;
        return;
      case 'UnitRegistered':
        this.units.set(d.unitId, { unitId: d.unitId, name: d.name, unitType: d.unitType, parentId: d.parentId, active: true, reports: d.parentId !== null });
        return;
      case 'UnitRenamed':
        this.units.get(d.unitId)!.name = d.name;
        return;
      case 'UnitMoved':
        this.units.get(d.unitId)!.parentId = d.toParentId;
        return;
      case 'UnitDissolved': {
        const u = this.units.get(d.unitId)!;
        u.active = false;
        u.reports = false;
        return;
      }
      case 'MemberRegistered':
        this.members.set(d.memberId, { memberId: d.memberId, name: d.name, status: d.status, appointments: [], leaving: false });
        return;
      case 'MemberDetailsUpdated':
        this.members.get(d.memberId)!.name = d.name;
        return;
      case 'MemberStatusChanged':
        this.members.get(d.memberId)!.status = d.status;
        return;
      case 'MemberAppointed': {
        const m = this.members.get(d.memberId)!;
        const a = event.data as unknown as Appointment;
        m.appointments.push({ appointmentId: a.appointmentId, role: a.role, unitId: a.unitId, startsOn: a.startsOn, endsOn: a.endsOn, oversees: a.oversees });
        const holders = this.byRole.get(a.role) ?? new Set<string>();
        holders.add(d.memberId);
        this.byRole.set(a.role, holders);
        return;
      }
      case 'AppointmentEnded': {
        const m = this.members.get(d.memberId)!;
        const i = m.appointments.findIndex((a) => a.appointmentId === d.appointmentId);
        m.appointments[i] = { ...m.appointments[i]!, endsOn: d.endsOn };
        return;
      }
      case 'ChannelRegistered':
        this.channels.set(d.channelId, { channelId: d.channelId, name: d.name, platform: d.platform, levelKey: d.levelKey, ownerUnitId: d.ownerUnitId, retired: false, followers: 0 });
        return;
      case 'FollowerCountRecorded':
        this.channels.get(d.channelId)!.followers = d.count;
        return;
      case 'ChannelRetired':
        this.channels.get(d.channelId)!.retired = true;
        return;
      default:
        return;
    }
  }

  /** The unit, then its ancestors up to the root (what the org-tree read model answers). */
  lineage(unitId: string): string[] {
    const out: string[] = [];
    for (let u = this.units.get(unitId); u && out.length < 64; u = u.parentId ? this.units.get(u.parentId) : undefined) out.push(u.unitId);
    return out;
  }

  /** The member as the API authenticates them on `today`: active, with the appointments in force (else null). */
  actor(memberId: string, today: string): Actor | null {
    const m = this.members.get(memberId);
    if (!m || m.status !== 'active') return null;
    return { memberId, name: m.name, appointments: m.appointments.filter((a) => inForce(a, today)) };
  }

  /** Active members holding `role` in force on `today` in an appointment that covers the unit. */
  holders(role: Role, unitId: string, today: string): string[] {
    const lineage = this.lineage(unitId);
    const out: string[] = [];
    for (const memberId of this.byRole.get(role) ?? []) {
      const m = this.members.get(memberId)!;
      if (m.status !== 'active') continue;
      if (m.appointments.some((a) => a.role === role && inForce(a, today) && covers(a, unitId, lineage))) out.push(memberId);
    }
    return out;
  }

  /** Reporters of the unit itself who take new drafts. */
  reporters(unitId: string, today: string): string[] {
    return this.holders('reporter', unitId, today).filter((m) => !this.members.get(m)!.leaving);
  }

  reportingUnits(): UnitInfo[] {
    return [...this.units.values()].filter((u) => u.active && u.reports);
  }

  activeChannels(): ChannelInfo[] {
    return [...this.channels.values()].filter((c) => !c.retired);
  }

  levelExists(levelKey: string): boolean {
    return this.levels.some((l) => l.key === levelKey);
  }
}
