import { Inject, Injectable } from '@nestjs/common';
import { Forbidden } from '@app/kernel';
import { ACCESS_MATRIX, AccessRule, Permission } from './access-matrix';
import { Actor, UNIT_TREE, UnitTree } from './actor';
import { Appointment, Role, ROLE_COVERAGE } from './roles';

export interface AccessDecision {
  readonly allowed: boolean;
  readonly via?: Appointment;
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
