import { fold } from '@app/kernel';
import type { EventStore } from '@app/event-store';
import type { Appointment } from '@app/access';
import { memberDecider, memberStream } from './domain/member.decider';

/** A member and all their appointments, folded from the member's stream (for authentication and authorization). */
export async function loadActorAppointments(
  store: EventStore,
  memberId: string,
): Promise<{ member: { memberId: string; name: string; status: string } | null; appointments: Appointment[] }> {
  const state = fold(memberDecider, (await store.readStream(memberStream(memberId))) as never[]);
  if (state.status === 'none') return { member: null, appointments: [] };
  return { member: { memberId: state.memberId, name: state.name, status: state.status }, appointments: [...state.appointments] };
}
