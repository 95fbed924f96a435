import { InvalidState, RuleViolation } from '@app/kernel';
import { spec } from '@app/kernel/testing';
import { MemberCommand, memberDecider } from './member.decider';
import type { AppointmentEnded, MemberAppointed, MemberRegistered, MemberStatus, MemberStatusChanged } from './member.events';

const now = '2026-03-02T01:00:00.000Z';
const registered: MemberRegistered = {
  type: 'MemberRegistered',
  data: { memberId: 'm1', name: '张伟', phone: '13800000000', email: null, idCardNumber: null, status: 'active', registeredAt: now },
};
const appointed: MemberAppointed = {
  type: 'MemberAppointed',
  data: { memberId: 'm1', appointmentId: 'a1', role: 'reporter', unitId: 'u1', startsOn: '2026-01-01', endsOn: null, oversees: [], appointedAt: now },
};
const ended: AppointmentEnded = { type: 'AppointmentEnded', data: { memberId: 'm1', appointmentId: 'a1', endsOn: '2026-06-30', endedAt: now } };
const statusChanged = (status: MemberStatus, previousStatus: MemberStatus = 'active', reason: string | null = null): MemberStatusChanged => ({
  type: 'MemberStatusChanged',
  data: { memberId: 'm1', status, previousStatus, reason, changedAt: now },
});

const registerMember: MemberCommand = { type: 'RegisterMember', memberId: 'm1', name: ' 张伟 ', phone: '13800000000', email: null, now };
const update = (name = '张伟', phone: string | null = '13800000000', email: string | null = null): MemberCommand => ({ type: 'UpdateMemberDetails', name, phone, email, now });
const changeStatus = (status: MemberStatus, reason: string | null = null): MemberCommand => ({ type: 'ChangeMemberStatus', status, reason, now });
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
const endAppointment = (endsOn = '2026-06-30', appointmentId = 'a1'): MemberCommand => ({ type: 'EndAppointment', appointmentId, endsOn, now });

describe('member decider', () => {
  describe('when not registered', () => {
    it('registers the member as active (name trimmed)', () => {
      spec(memberDecider).given([]).when(registerMember).then([registered]);
    });
    it.each<[string, MemberCommand]>([
      ['UpdateMemberDetails', update()],
      ['ChangeMemberStatus', changeStatus('left')],
      ['AppointMember', appoint()],
      ['EndAppointment', endAppointment()],
    ])('refuses %s', (_, command) => {
      spec(memberDecider).given([]).when(command).thenThrows(InvalidState, 'member-not-registered');
    });
  });

  describe('when active', () => {
    it('is not registered twice', () => {
      spec(memberDecider).given([registered]).when(registerMember).thenThrows(InvalidState, 'member-already-registered');
    });

    it('updates name and contact details', () => {
      spec(memberDecider)
        .given([registered])
        .when(update(' 张伟 ', '010-12345678', 'zhangwei@example.gov.cn'))
        .then([{ type: 'MemberDetailsUpdated', data: { memberId: 'm1', name: '张伟', phone: '010-12345678', email: 'zhangwei@example.gov.cn', idCardNumber: null, updatedAt: now } }]);
    });
    it('unchanged details change nothing', () => {
      spec(memberDecider).given([registered]).when(update()).then([]);
    });

    it('the ID-card number: checked (GB 11643 check character), kept when left out, cleared with null, upper-cased', () => {
      const withCard = { ...registered, data: { ...registered.data, idCardNumber: '11010519491231002X' } } as typeof registered;
      spec(memberDecider).given([withCard]).when(update()).then([]);
      spec(memberDecider)
        .given([withCard])
        .when({ ...update(), idCardNumber: null } as MemberCommand)
        .then([{ type: 'MemberDetailsUpdated', data: { memberId: 'm1', name: '张伟', phone: '13800000000', email: null, idCardNumber: null, updatedAt: now } }]);
      spec(memberDecider)
        .given([registered])
        .when({ ...update(), idCardNumber: '11010519491231002x' } as MemberCommand)
        .then([{ type: 'MemberDetailsUpdated', data: { memberId: 'm1', name: '张伟', phone: '13800000000', email: null, idCardNumber: '11010519491231002X', updatedAt: now } }]);
      spec(memberDecider).given([registered]).when({ ...update(), idCardNumber: '110105194912310021' } as MemberCommand).thenThrows(RuleViolation, 'id-card-number-invalid');
    });

    it('suspends the member, remembering the previous status and the reason', () => {
      spec(memberDecider).given([registered]).when(changeStatus('suspended', '停职检查')).then([statusChanged('suspended', 'active', '停职检查')]);
    });
    it('a status change to the same status changes nothing', () => {
      spec(memberDecider).given([registered]).when(changeStatus('active')).then([]);
    });

    it('appoints to a role in a unit', () => {
      spec(memberDecider)
        .given([registered])
        .when(appoint({ endsOn: '2026-12-31' }))
        .then([
          {
            type: 'MemberAppointed',
            data: { memberId: 'm1', appointmentId: 'a2', role: 'unit_head', unitId: 'u1', startsOn: '2026-02-01', endsOn: '2026-12-31', oversees: [], appointedAt: now },
          },
        ]);
    });
    it('holds several roles in several units', () => {
      spec(memberDecider)
        .given([registered, appointed])
        .when(appoint({ role: 'duty_officer', unitId: 'u2' }))
        .thenMatches((events) => expect(events).toHaveLength(1));
    });
    it('an appointment may start and end on the same day', () => {
      spec(memberDecider).given([registered]).when(appoint({ startsOn: '2026-05-01', endsOn: '2026-05-01' })).thenMatches((events) => expect(events).toHaveLength(1));
    });
    it('a repeated appointment id changes nothing (idempotent retry)', () => {
      spec(memberDecider).given([registered, appointed]).when(appoint({ appointmentId: 'a1', role: 'reporter', startsOn: '2026-01-01' })).then([]);
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
    it('a leader in charge (分管领导) oversees a set of units, without duplicates', () => {
      spec(memberDecider)
        .given([registered])
        .when(appoint({ role: 'leader_in_charge', unitId: 'bureau', oversees: ['u1', 'u2', 'u1'] }))
        .thenMatches((events) => expect(events[0]).toMatchObject({ type: 'MemberAppointed', data: { role: 'leader_in_charge', oversees: ['u1', 'u2'] } }));
    });
    it('a leader in charge oversees at least one known, active unit; other roles oversee none', () => {
      spec(memberDecider).given([registered]).when(appoint({ role: 'leader_in_charge' })).thenThrows(RuleViolation, 'leader-oversees-nothing');
      spec(memberDecider).given([registered]).when(appoint({ role: 'leader_in_charge', oversees: ['u9'], overseenUnknown: ['u9'] })).thenThrows(RuleViolation, 'overseen-unit-unknown');
      spec(memberDecider).given([registered]).when(appoint({ oversees: ['u2'] })).thenThrows(RuleViolation, 'oversees-only-for-leader-in-charge');
    });
    it('refuses the same role in the same unit over overlapping dates', () => {
      spec(memberDecider).given([registered, appointed]).when(appoint({ role: 'reporter' })).thenThrows(InvalidState, 'appointment-overlaps');
    });
    it('the same role in the same unit again after the first ended is a new appointment', () => {
      spec(memberDecider)
        .given([registered, appointed, ended])
        .when(appoint({ role: 'reporter', startsOn: '2026-07-01' }))
        .thenMatches((events) => expect(events[0]).toMatchObject({ type: 'MemberAppointed', data: { appointmentId: 'a2', startsOn: '2026-07-01' } }));
    });

    it('ends an appointment on a date', () => {
      spec(memberDecider).given([registered, appointed]).when(endAppointment('2026-06-30')).then([ended]);
    });
    it('an appointment may end on the day it started', () => {
      spec(memberDecider).given([registered, appointed]).when(endAppointment('2026-01-01')).thenMatches((events) => expect(events).toHaveLength(1));
    });
    it('refuses an end before the start, an unknown appointment and a malformed date', () => {
      spec(memberDecider).given([registered, appointed]).when(endAppointment('2025-12-31')).thenThrows(RuleViolation, 'appointment-ends-before-start');
      spec(memberDecider).given([registered, appointed]).when(endAppointment('2026-06-30', 'zz')).thenThrows(RuleViolation, 'appointment-unknown');
      spec(memberDecider).given([registered, appointed]).when(endAppointment('30.06.2026')).thenThrows(RuleViolation, 'appointment-date-invalid');
    });
    it('an appointment already ending on or before the date changes nothing; an earlier end shortens it', () => {
      spec(memberDecider).given([registered, appointed, ended]).when(endAppointment('2026-06-30')).then([]);
      spec(memberDecider).given([registered, appointed, ended]).when(endAppointment('2026-09-30')).then([]);
      spec(memberDecider)
        .given([registered, appointed, ended])
        .when(endAppointment('2026-05-31'))
        .then([{ type: 'AppointmentEnded', data: { memberId: 'm1', appointmentId: 'a1', endsOn: '2026-05-31', endedAt: now } }]);
    });
    it('folds appointments with their end dates (what authorization reads)', () => {
      spec(memberDecider)
        .given([registered, appointed, ended])
        .thenState((s) =>
          expect(s).toMatchObject({ status: 'active', appointments: [{ appointmentId: 'a1', role: 'reporter', unitId: 'u1', startsOn: '2026-01-01', endsOn: '2026-06-30', oversees: [] }] }),
        );
    });
  });

  describe('when suspended', () => {
    const suspended = [registered, appointed, statusChanged('suspended')];
    it('refuses new appointments', () => {
      spec(memberDecider).given(suspended).when(appoint()).thenThrows(RuleViolation, 'member-not-active');
    });
    it('is reinstated', () => {
      spec(memberDecider).given(suspended).when(changeStatus('active')).then([statusChanged('active', 'suspended')]);
    });
    it('still has its details updated and appointments ended', () => {
      spec(memberDecider).given(suspended).when(update('张伟', null)).thenMatches((events) => expect(events[0]!.type).toBe('MemberDetailsUpdated'));
      spec(memberDecider).given(suspended).when(endAppointment()).then([ended]);
    });
  });

  describe('when the member has left', () => {
    const left = [registered, appointed, statusChanged('left', 'active', '调离')];
    it('refuses new appointments', () => {
      spec(memberDecider).given(left).when(appoint()).thenThrows(RuleViolation, 'member-not-active');
    });
    it('is not registered again', () => {
      spec(memberDecider).given(left).when(registerMember).thenThrows(InvalidState, 'member-already-registered');
    });
    it('its open appointments can still be ended (the record is kept)', () => {
      spec(memberDecider).given(left).when(endAppointment()).then([ended]);
    });
    it('may come back', () => {
      spec(memberDecider).given(left).when(changeStatus('active')).then([statusChanged('active', 'left')]);
    });
  });
});
