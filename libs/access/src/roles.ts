/**
 * Roles a member can be appointed to in a unit (regulations §1). Authorization is computed from the
 * appointments in force at the time of the request, never from claims in the token.
 */
export const ROLES = [
  'reporter', // 信息员
  'unit_head', // 负责人 (初审)
  'leader_in_charge', // 分管领导 (oversees a set of units)
  'principal_leader', // 主要领导 (签发)
  'office_reviewer', // 办公室/宣传部 (复审)
  'confidentiality_reviewer', // 保密审查
  'duty_officer', // 值班
  'finance',
  'auditor',
  'administrator',
] as const;
export type Role = (typeof ROLES)[number];

/**
 * Which units an appointment covers: the unit itself, the unit and everything under it, or the units a leader in
 * charge oversees (and everything under them).
 */
export const ROLE_COVERAGE: Record<Role, 'unit' | 'subtree' | 'oversees' | 'institution'> = {
  reporter: 'unit',
  unit_head: 'unit',
  leader_in_charge: 'oversees',
  principal_leader: 'subtree',
  office_reviewer: 'subtree',
  confidentiality_reviewer: 'subtree',
  duty_officer: 'subtree',
  finance: 'institution',
  auditor: 'institution',
  administrator: 'institution',
};

/** An appointment as authorization sees it. */
export interface Appointment {
  readonly appointmentId: string;
  readonly role: Role;
  readonly unitId: string;
  /** Calendar dates (YYYY-MM-DD, in the business time zone BUSINESS_TIME_ZONE) inclusive. */
  readonly startsOn: string;
  readonly endsOn: string | null;
  readonly oversees: readonly string[];
}

export function inForce(appointment: Appointment, today: string): boolean {
  return appointment.startsOn <= today && (appointment.endsOn === null || appointment.endsOn >= today);
}
