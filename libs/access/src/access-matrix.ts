import type { Role } from './roles';

/**
 * The one declarative place that says who may do what. Every HTTP endpoint names exactly one permission (or is
 * public); test/access/access-matrix.e2e-spec.ts walks every role x every endpoint x own/other unit and fails when
 * an endpoint has no entry.
 *
 * - roles: the roles that grant it (any appointment in force, covering the target unit when scoped).
 * - scope 'unit': the request names a unit (route param, body or query field, or the unit owning the aggregate),
 *   and the granting appointment must cover it. 'global': the role alone is enough.
 * - read: true marks a read; auditors may perform every read and no write; any authenticated member may perform
 *   reads marked `everyone`.
 */
export interface AccessRule {
  readonly roles: readonly Role[];
  readonly scope: 'global' | 'unit';
  readonly read: boolean;
  readonly everyone?: boolean;
  readonly description: string;
}

const admin = (description: string): AccessRule => ({ roles: ['administrator'], scope: 'global', read: false, description });
const everyoneReads = (description: string): AccessRule => ({ roles: [], scope: 'global', read: true, everyone: true, description });
const opsRead = (description: string): AccessRule => ({ roles: ['administrator'], scope: 'global', read: true, description });

export const ACCESS_MATRIX = {
  // organization
  'org.read': everyoneReads('Read the unit tree, members directory, channels, levels, unit types'),
  'org.manage': admin('Register, rename, move, dissolve units; unit types; publication levels'),
  'members.manage': admin('Register members, update their details and status'),
  'appointments.manage': admin('Appoint members to roles and end appointments'),
  'channels.manage': admin('Register channels and record follower counts'),
  // policies
  'policies.read': everyoneReads('Read policies, versions, diffs and the policy schema'),
  'policies.manage': admin('Draft, validate and publish policies'),
  // operations
  'ops.read': opsRead('Projection status and dead letters'),
  'ops.manage': admin('Rebuild projections, retry dead letters'),
} as const satisfies Record<string, AccessRule>;

export type Permission = keyof typeof ACCESS_MATRIX;
