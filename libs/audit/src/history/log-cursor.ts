import { decodeCursorValues, encodeCursorValues } from '@app/platform';

/**
 * The cursor of GET /v1/audit/events, in the lists' convention (docs/api.md, "Lists: cursor paging"; the keyset
 * cursors of libs/reporting/src/read/cursor.ts): the last item's key, JSON in base64url, opaque to clients. The key
 * of the log is the global position, so the cursor is `["<position>"]`.
 */
export function encodeLogCursor(position: bigint): string {
  return encodeCursorValues([position.toString()]);
}

/** The position a cursor names; one this list did not give is 400 validation-failed naming `cursor`. */
export function decodeLogCursor(cursor: string): bigint {
  return BigInt(decodeCursorValues(cursor, 1, (v) => POSITION.test(v))[0]!);
}

/** A position as the API takes it: a decimal string of at most 18 digits (below 2^63). */
export const POSITION = /^(0|[1-9][0-9]{0,17})$/;
