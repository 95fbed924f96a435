import type { Decider, DomainEvent, PersonalDataErasedData, PersonalDataRevealedData } from '@app/kernel';

export type PersonalDataEvent = DomainEvent<'PersonalDataErased', PersonalDataErasedData> | DomainEvent<'PersonalDataRevealed', PersonalDataRevealedData>;

export type PersonalDataCommand =
  | { type: 'ErasePersonalData'; subjectId: string; reason: string; reference: string | null; now: string }
  | { type: 'RecordReveal'; subjectId: string; fields: readonly string[]; purpose: string; now: string };

export interface PersonalDataState {
  readonly erasedAt: string | null;
  readonly reveals: number;
}

/**
 * The audit trail of one person's personal data (stream `personal-data-<subjectId>`): every erasure and every read of
 * clear values is an event here. A second erasure is a no-op (the first one stands); reads are recorded after an
 * erasure too (they reveal ERASED).
 */
export const personalDataDecider: Decider<PersonalDataCommand, PersonalDataState, PersonalDataEvent> = {
  initialState: () => ({ erasedAt: null, reveals: 0 }),
  evolve(state, event) {
    switch (event.type) {
      case 'PersonalDataErased':
        return { ...state, erasedAt: state.erasedAt ?? event.data.erasedAt };
      case 'PersonalDataRevealed':
        return { ...state, reveals: state.reveals + 1 };
      default:
        return state;
    }
  },
  decide(command, state) {
    switch (command.type) {
      case 'ErasePersonalData':
        if (state.erasedAt) return [];
        return [{ type: 'PersonalDataErased', data: { subjectId: command.subjectId, reason: command.reason, reference: command.reference, erasedAt: command.now } }];
      case 'RecordReveal':
        return [{ type: 'PersonalDataRevealed', data: { subjectId: command.subjectId, fields: [...command.fields], purpose: command.purpose, revealedAt: command.now } }];
    }
  },
};
