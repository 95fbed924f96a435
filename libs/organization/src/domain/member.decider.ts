import { assertNever, Decider, InvalidState, RuleViolation } from '@app/kernel';
import { checkIdCardNumber } from './id-card-number';
import type { Appointment, Role } from '@app/access';
import type { MemberEvent, MemberStatus } from './member.events';

export type MemberCommand =
  | { type: 'RegisterMember'; memberId: string; name: string; phone: string | null; email: string | null; idCardNumber?: string | null; now: string }
  | { type: 'UpdateMemberDetails'; name: string; phone: string | null; email: string | null; idCardNumber?: string | null; now: string }
  | { type: 'ChangeMemberStatus'; status: MemberStatus; reason: string | null; now: string }
  | {
      type: 'AppointMember';
      appointmentId: string;
      role: Role;
      unitId: string;
      startsOn: string;
      endsOn: string | null;
      oversees: string[];
      /** Looked up by the handler from the unit streams. */
      unit: { exists: boolean; dissolved: boolean };
      overseenUnknown: string[];
      now: string;
    }
  | { type: 'EndAppointment'; appointmentId: string; endsOn: string; now: string };

export type MemberState =
  | { status: 'none' }
  | { status: MemberStatus; memberId: string; name: string; phone: string | null; email: string | null; idCardNumber: string | null; appointments: readonly Appointment[] };

export const memberStream = (memberId: string): string => `member-${memberId}`;

const DATE = /^\d{4}-\d{2}-\d{2}$/;

export const memberDecider: Decider<MemberCommand, MemberState, MemberEvent> = {
  initialState: () => ({ status: 'none' }),
  evolve(state, event) {
    switch (event.type) {
      case 'MemberRegistered':
        return { status: event.data.status, memberId: event.data.memberId, name: event.data.name, phone: event.data.phone, email: event.data.email, idCardNumber: event.data.idCardNumber ?? null, appointments: [] };
      case 'MemberDetailsUpdated':
        return state.status === 'none' ? state : { ...state, name: event.data.name, phone: event.data.phone, email: event.data.email, idCardNumber: event.data.idCardNumber ?? null };
      case 'MemberStatusChanged':
        return state.status === 'none' ? state : { ...state, status: event.data.status };
      case 'MemberAppointed': {
        if (state.status === 'none') return state;
        const { appointmentId, role, unitId, startsOn, endsOn, oversees } = event.data;
        return { ...state, appointments: [...state.appointments, { appointmentId, role, unitId, startsOn, endsOn, oversees }] };
      }
      case 'AppointmentEnded':
        return state.status === 'none'
          ? state
          : { ...state, appointments: state.appointments.map((a) => (a.appointmentId === event.data.appointmentId ? { ...a, endsOn: event.data.endsOn } : a)) };
      default:
        return state;
    }
  },
  decide(command, state) {
    switch (command.type) {
      case 'RegisterMember':
        if (state.status !== 'none') throw new InvalidState('member-already-registered', `Member ${command.memberId} is already registered`);
        checkIdCardNumber(command.idCardNumber ?? null);
        return [
          {
            type: 'MemberRegistered',
            data: {
              memberId: command.memberId,
              name: command.name.trim(),
              phone: command.phone,
              email: command.email,
              idCardNumber: command.idCardNumber ? command.idCardNumber.toUpperCase() : null,
              status: 'active',
              registeredAt: command.now,
            },
          },
        ];
      case 'UpdateMemberDetails': {
        const s = existing(state);
        checkIdCardNumber(command.idCardNumber ?? null);
        // left out: kept as it is (a client that predates the field must not clear it); null: cleared
        const idCardNumber = command.idCardNumber === undefined ? s.idCardNumber : command.idCardNumber ? command.idCardNumber.toUpperCase() : null;
        if (s.name === command.name.trim() && s.phone === command.phone && s.email === command.email && s.idCardNumber === idCardNumber) return [];
        return [
          {
            type: 'MemberDetailsUpdated',
            data: { memberId: s.memberId, name: command.name.trim(), phone: command.phone, email: command.email, idCardNumber, updatedAt: command.now },
          },
        ];
      }
      case 'ChangeMemberStatus': {
        const s = existing(state);
        if (s.status === command.status) return [];
        return [{ type: 'MemberStatusChanged', data: { memberId: s.memberId, status: command.status, previousStatus: s.status, reason: command.reason, changedAt: command.now } }];
      }
      case 'AppointMember':
        return appoint(command, existing(state));
      case 'EndAppointment': {
        const s = existing(state);
        const appointment = s.appointments.find((a) => a.appointmentId === command.appointmentId);
        if (!appointment) throw new RuleViolation('appointment-unknown', `Appointment ${command.appointmentId} does not exist`, { field: 'appointmentId' });
        if (!DATE.test(command.endsOn)) throw new RuleViolation('appointment-date-invalid', 'endsOn must be YYYY-MM-DD', { field: 'endsOn' });
        if (command.endsOn < appointment.startsOn) {
          throw new RuleViolation('appointment-ends-before-start', `The appointment starts on ${appointment.startsOn}; it cannot end on ${command.endsOn}`, { field: 'endsOn' });
        }
        if (appointment.endsOn !== null && appointment.endsOn <= command.endsOn) return [];
        return [{ type: 'AppointmentEnded', data: { memberId: s.memberId, appointmentId: command.appointmentId, endsOn: command.endsOn, endedAt: command.now } }];
      }
      default:
        return assertNever(command, 'member command');
    }
  },
};

function existing(state: MemberState): Exclude<MemberState, { status: 'none' }> {
  if (state.status === 'none') throw new InvalidState('member-not-registered', 'The member is not registered');
  return state;
}

function appoint(c: Extract<MemberCommand, { type: 'AppointMember' }>, s: Exclude<MemberState, { status: 'none' }>): MemberEvent[] {
  if (s.status !== 'active') throw new RuleViolation('member-not-active', `The member is ${s.status}: no new appointments`);
  if (!c.unit.exists) throw new RuleViolation('appointment-unit-unknown', `Unit ${c.unitId} does not exist`, { field: 'unitId' });
  if (c.unit.dissolved) throw new RuleViolation('appointment-unit-dissolved', `Unit ${c.unitId} is dissolved`, { field: 'unitId' });
  if (c.endsOn !== null && c.endsOn < c.startsOn) {
    throw new RuleViolation('appointment-ends-before-start', `The appointment cannot end (${c.endsOn}) before it starts (${c.startsOn})`, { field: 'endsOn' });
  }
  if (c.role === 'leader_in_charge' && c.oversees.length === 0) {
    throw new RuleViolation('leader-oversees-nothing', 'A leader in charge (分管领导) oversees at least one unit', { field: 'oversees' });
  }
  if (c.role !== 'leader_in_charge' && c.oversees.length > 0) {
    throw new RuleViolation('oversees-only-for-leader-in-charge', 'Only a leader in charge oversees units', { field: 'oversees' });
  }
  if (c.overseenUnknown.length > 0) {
    throw new RuleViolation('overseen-unit-unknown', `Unknown or dissolved units: ${c.overseenUnknown.join(', ')}`, { field: 'oversees' });
  }
  if (s.appointments.some((a) => a.appointmentId === c.appointmentId)) return [];
  const overlapping = s.appointments.find(
    (a) => a.role === c.role && a.unitId === c.unitId && (a.endsOn === null || a.endsOn >= c.startsOn) && (c.endsOn === null || c.endsOn >= a.startsOn),
  );
  if (overlapping) {
    throw new InvalidState('appointment-overlaps', `The member already holds ${c.role} in this unit from ${overlapping.startsOn}`, { appointmentId: overlapping.appointmentId });
  }
  return [
    {
      type: 'MemberAppointed',
      data: { memberId: s.memberId, appointmentId: c.appointmentId, role: c.role, unitId: c.unitId, startsOn: c.startsOn, endsOn: c.endsOn, oversees: [...new Set(c.oversees)], appointedAt: c.now },
    },
  ];
}
