import type { EventSchema } from '@app/event-store';

/**
 * Event evolution, the worked example (issue 12 item 4; docs/audit.md "Event evolution"). Version 2 of
 * MemberRegistered and MemberDetailsUpdated always carries `idCardNumber` (string or null); version 1, stored before
 * the field existed, has no such key. Stored events are never rewritten (the hash chain covers them as stored): a
 * version-1 payload is upcast on every read to version 2 with `idCardNumber: null`, so deciders and projections see
 * one shape. New events are stamped version 2 by handleCommand.
 */
const addIdCardNumber = (data: unknown): unknown => {
  const d = data as Record<string, unknown>;
  return 'idCardNumber' in d ? d : { ...d, idCardNumber: null };
};

export const MEMBER_EVENT_SCHEMAS: readonly EventSchema[] = [
  { type: 'MemberRegistered', currentVersion: 2, upcasters: { 1: addIdCardNumber } },
  { type: 'MemberDetailsUpdated', currentVersion: 2, upcasters: { 1: addIdCardNumber } },
];
