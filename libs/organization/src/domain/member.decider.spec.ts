import { InvalidState, RuleViolation } from '@app/kernel';
import { spec } from '@app/kernel/testing';
import { MemberCommand, memberDecider } from './member.decider';
import type { MemberAppointed, MemberRegistered, MemberStatusChanged } from './member.events';

const now = '2026-03-02T01:00:00.000Z';
const registered: MemberRegistered = { type: 'MemberRegistered', data: { memberId: 'm1', name: '张伟', phone: null, email: null, status: 'active', registeredAt: now } };
const appointed: MemberAppointed = {
  type: 'MemberAppointed',
  data: { memberId: 'm1', appointmentId: 'a1', role: 'reporter', unitId: 'u1', startsOn: '2026-01-01', endsOn: null, oversees: [], appointedAt: now },
};
const left: MemberStatusChanged = { type: 'MemberStatusChanged', data: { memberId: 'm1', status: 'left', previousStatus: 'active', reason: '调离', changedAt: now } };
const appoint = (extra: Partial<Extract<MemberCommand, { type: 'AppointMember' }>> = {}): MemberCommand => ({
  type: 'AppointMember',
  appointmentId: 'a2',
  role: 'unit_head',
  unitId: 'u1',
  startsOn: '2026-02-01',
  endsOn: null,
  oversees: [],
  unit: { exists: true, dissolved: false },
  overseenUnknown: [],
  now,
  ...extra,
});

describe('member decider', () => {
  describe('when not registered', () => {
    it('registers the member as active', () => {
      spec(memberDecider).given([]).when({ type: 'RegisterMember', memberId: 'm1', name: ' 张伟 ', phone: null, email: null, now }).then([registered]);
    });
    it.each<MemberCommand['type']>(['UpdateMemberDetails', 'ChangeMemberStatus', 'AppointMember', 'EndAppointment'])('refuses %s', (type) => {
      const commands: Record<string, MemberCommand> = {
        UpdateMemberDetails: { type: 'UpdateMemberDetails', name: 'x', phone: null, email: null, now },
        ChangeMemberStatus: { type: 'ChangeMemberStatus', status: 'left', reason: null, now },
        AppointMember: appoint(),
        EndAppointment: { type: 'EndAppointment', appointmentId: 'a1', endsOn: '2026-06-30', now },
      };
      spec(memberDecider).given([]).when(commands[type]!).thenThrows(InvalidState, 'member-not-registered');
    });
  });

  describe('when active', () => {
    it('is not registered twice', () => {
      spec(memberDecider).given([registered]).when({ type: 'RegisterMember', memberId: 'm1', name: 'x', phone: null, email: null, now }).thenThrows(InvalidState, 'member-already-registered');
    });
    it('appoints to a role in a unit', () => {
      spec(memberDecider).given([registered]).when(appoint()).thenMatches((e) => expect(e[0]).toMatchObject({ type: 'MemberAppointed', data: { role: 'unit_head', startsOn: '2026-02-01' } }));
    });
    it('refuses an appointment to a dissolved unit', () => {
      spec(memberDecider).given([registered]).when(appoint({ unit: { exists: true, dissolved: true } })).thenThrows(RuleViolation, 'appointment-unit-dissolved');
    });
    it('refuses an appointment to an unknown unit', () => {
      spec(memberDecider).given([registered]).when(appoint({ unit: { exists: false, dissolved: false } })).thenThrows(RuleViolation, 'appointment-unit-unknown');
    });
    it('refuses an appointment ending before it starts', () => {
      spec(memberDecider).given([registered]).when(appoint({ endsOn: '2026-01-31' })).thenThrows(RuleViolation, 'appointment-ends-before-start');
    });
    it('a leader in charge oversees at least one known unit; other roles oversee none', () => {
      spec(memberDecider).given([registered]).when(appoint({ role: 'leader_in_charge' })).thenThrows(RuleViolation, 'leader-oversees-nothing');
      spec(memberDecider).given([registered]).when(appoint({ role: 'leader_in_charge', oversees: ['u9'], overseenUnknown: ['u9'] })).thenThrows(RuleViolation, 'overseen-unit-unknown');
      spec(memberDecider).given([registered]).when(appoint({ oversees: ['u2'] })).thenThrows(RuleViolation, 'oversees-only-for-leader-in-charge');
    });
    it('refuses the same role in the same unit over overlapping dates', () => {
      spec(memberDecider).given([registered, appointed]).when(appoint({ role: 'reporter' })).thenThrows(InvalidState, 'appointment-overlaps');
    });
    it('ends an appointment, not before it started', () => {
      spec(memberDecider)
        .given([registered, appointed])
        .when({ type: 'EndAppointment', appointmentId: 'a1', endsOn: '2026-06-30', now })
        .then([{ type: 'AppointmentEnded', data: { memberId: 'm1', appointmentId: 'a1', endsOn: '2026-06-30', endedAt: now } }]);
      spec(memberDecider).given([registered, appointed]).when({ type: 'EndAppointment', appointmentId: 'a1', endsOn: '2025-12-31', now }).thenThrows(RuleViolation, 'appointment-ends-before-start');
      spec(memberDecider).given([registered, appointed]).when({ type: 'EndAppointment', appointmentId: 'zz', endsOn: '2026-06-30', now }).thenThrows(RuleViolation, 'appointment-unknown');
    });
    it('a status change to the same status changes nothing', () => {
      spec(memberDecider).given([registered]).when({ type: 'ChangeMemberStatus', status: 'active', reason: null, now }).then([]);
    });
    it('folds appointments with their end dates', () => {
      spec(memberDecider)
        .given([registered, appointed, { type: 'AppointmentEnded', data: { memberId: 'm1', appointmentId: 'a1', endsOn: '2026-06-30', endedAt: now } }])
        .thenState((s) => expect(s.status !== 'none' && s.appointments[0]!.endsOn).toBe('2026-06-30'));
    });
  });

  describe('when the member has left', () => {
    it('refuses new appointments', () => {
      spec(memberDecider).given([registered, left]).when(appoint()).thenThrows(RuleViolation, 'member-not-active');
    });
  });
});
