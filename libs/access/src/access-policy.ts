import { Inject, Injectable } from '@nestjs/common';
import { Forbidden } from '@app/kernel';
import { ACCESS_MATRIX, AccessRule, Permission } from './access-matrix';
import { Actor, UNIT_TREE, UnitTree } from './actor';
import { Appointment, Role, ROLE_COVERAGE } from './roles';

export interface AccessDecision {
  readonly allowed: boolean;
  readonly via?: Appointment;
}

/**
 * Where a member's unit-scoped permissions apply: a unit, a unit and everything below it, or every unit
 * (`unitId` null), with the roles that grant them there.
 */
export interface UnitGrant {
  readonly unitId: string | null;
  readonly covers: 'unit' | 'subtree' | 'institution';
  readonly roles: readonly Role[];
  readonly permissions: readonly Permission[];
}

/** What a member may do: permissions that need no unit, and unit-scoped permissions per unit (GET /v1/me). */
export interface Grants {
  readonly permissions: readonly Permission[];
  readonly units: readonly UnitGrant[];
}

/** Applies ACCESS_MATRIX to an actor (appointments in force) and, for unit-scoped permissions, a target unit. */
@Injectable()
export class AccessPolicy {
  constructor(@Inject(UNIT_TREE) private readonly tree: UnitTree) {}

  rule(permission: Permission): AccessRule {
    return ACCESS_MATRIX[permission];
  }

  async decide(actor: Actor, permission: Permission, unitId?: string): Promise<AccessDecision> {
    const rule: AccessRule = ACCESS_MATRIX[permission];
    if (rule.read && rule.everyone) return { allowed: true };
    if (rule.read) {
      const auditor = actor.appointments.find((a) => a.role === 'auditor');
      if (auditor) return { allowed: true, via: auditor };
    }
    const candidates = actor.appointments.filter((a) => rule.roles.includes(a.role));
    if (candidates.length === 0) return { allowed: false };
    if (rule.scope === 'global' || unitId === undefined) return { allowed: true, via: candidates[0] };
    const lineage = await this.tree.lineage(unitId);
    const via = candidates.find((a) => covers(a, unitId, lineage));
    return via ? { allowed: true, via } : { allowed: false };
  }

  /**
   * Everything `decide` would allow the actor, listed: each global permission it allows, and for each place the
   * actor's appointments cover (ROLE_COVERAGE), the unit-scoped permissions `decide` allows there with only the
   * appointments anchored at that place. Computed by `decide` itself, so it cannot disagree with the guard.
   */
  async grants(actor: Actor): Promise<Grants> {
    const all = Object.keys(ACCESS_MATRIX) as Permission[];
    const global = all.filter((p) => ACCESS_MATRIX[p].scope === 'global');
    const scoped = all.filter((p) => ACCESS_MATRIX[p].scope === 'unit');
    const permissions: Permission[] = [];
    for (const p of global) if ((await this.decide(actor, p)).allowed) permissions.push(p);
    const places = new Map<string, { unitId: string | null; covers: UnitGrant['covers']; appointments: Appointment[] }>();
    const at = (unitId: string | null, covers: UnitGrant['covers'], a: Appointment) => {
      const key = `${covers}:${unitId ?? '*'}`;
      const place = places.get(key) ?? { unitId, covers, appointments: [] };
      place.appointments.push(a);
      places.set(key, place);
    };
    for (const a of actor.appointments) {
      const coverage = ROLE_COVERAGE[a.role];
      if (coverage === 'institution') at(null, 'institution', a);
      else if (coverage === 'oversees') for (const u of a.oversees) at(u, 'subtree', a);
      else at(a.unitId, coverage, a);
    }
    const units: UnitGrant[] = [];
    for (const place of places.values()) {
      const anchored: Actor = { ...actor, appointments: place.appointments };
      const allowed: Permission[] = [];
      for (const p of scoped) if ((await this.decide(anchored, p, place.unitId ?? undefined)).allowed) allowed.push(p);
      units.push({ unitId: place.unitId, covers: place.covers, roles: [...new Set(place.appointments.map((a) => a.role))], permissions: allowed });
    }
    return { permissions, units };
  }

  /** The roles the actor holds (in force) whose appointments cover the unit. */
  async rolesCovering(actor: Actor, unitId: string): Promise<Role[]> {
    return (await this.coverage(actor, unitId)).roles;
  }

  /**
   * The roles covering the unit with the unit lineage they were computed from (read from the org tree read model),
   * so a decision taken on them can record what it used.
   */
  async coverage(actor: Actor, unitId: string): Promise<{ roles: Role[]; lineage: readonly string[] }> {
    const lineage = await this.tree.lineage(unitId);
    return { roles: [...new Set(actor.appointments.filter((a) => covers(a, unitId, lineage)).map((a) => a.role))], lineage };
  }

  /** Throws a 403 naming the roles and the unit that were missing. */
  async assert(actor: Actor, permission: Permission, unitId?: string): Promise<Appointment | undefined> {
    const decision = await this.decide(actor, permission, unitId);
    if (decision.allowed) return decision.via;
    const rule: AccessRule = ACCESS_MATRIX[permission];
    const roles = rule.roles.join(' or ');
    throw new Forbidden(
      unitId !== undefined && rule.scope === 'unit'
        ? `${permission} requires an appointment as ${roles} covering unit ${unitId}`
        : `${permission} requires an appointment as ${roles}`,
      { permission, requiredRoles: rule.roles, ...(rule.scope === 'unit' && unitId !== undefined ? { unitId } : {}) },
    );
  }
}

export function covers(appointment: Appointment, unitId: string, lineage: readonly string[]): boolean {
  switch (ROLE_COVERAGE[appointment.role]) {
    case 'institution':
      return true;
    case 'unit':
      return appointment.unitId === unitId;
    case 'subtree':
      return lineage.includes(appointment.unitId);
    case 'oversees':
      return appointment.oversees.some((u) => lineage.includes(u));
  }
}
