import type { DomainEvent } from '@app/kernel';
import type { Role } from '@app/access';

export type MemberStatus = 'active' | 'suspended' | 'left';

export type MemberRegistered = DomainEvent<
  'MemberRegistered',
  { memberId: string; name: string; phone: string | null; email: string | null; idCardNumber: string | null; status: MemberStatus; registeredAt: string }
>;
export type MemberDetailsUpdated = DomainEvent<'MemberDetailsUpdated', { memberId: string; name: string; phone: string | null; email: string | null; idCardNumber: string | null; updatedAt: string }>;
export type MemberStatusChanged = DomainEvent<'MemberStatusChanged', { memberId: string; status: MemberStatus; previousStatus: MemberStatus; reason: string | null; changedAt: string }>;
export type MemberAppointed = DomainEvent<
  'MemberAppointed',
  { memberId: string; appointmentId: string; role: Role; unitId: string; startsOn: string; endsOn: string | null; oversees: string[]; appointedAt: string }
>;
export type AppointmentEnded = DomainEvent<'AppointmentEnded', { memberId: string; appointmentId: string; endsOn: string; endedAt: string }>;

export type MemberEvent = MemberRegistered | MemberDetailsUpdated | MemberStatusChanged | MemberAppointed | AppointmentEnded;
