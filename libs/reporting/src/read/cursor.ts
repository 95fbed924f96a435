import { decodeCursorValues, encodeCursorValues } from '@app/platform';

/**
 * Keyset paging for the reporting lists. A list is ordered by a stable key (an immutable time, then the id as a
 * tie-break); a page is the first `limit` rows after the cursor, with every filter applied in SQL before the
 * limit, so pages are never short while more rows match. The cursor is the last row's key, base64url-encoded:
 * opaque to clients, who pass back the `next` they were given.
 */
export interface CursorPage<T> {
  readonly items: T[];
  /** The cursor of the next page, or null on the last page. */
  readonly next: string | null;
}

export interface CursorRequest {
  readonly limit: number;
  readonly cursor?: string;
}

export interface Keyset {
  /** The sort key, most significant first: SQL expressions of type timestamptz or uuid, never null. */
  readonly columns: readonly { readonly expr: string; readonly type: 'timestamptz' | 'uuid' }[];
  readonly direction: 'ASC' | 'DESC';
}

/** What a query splices in: the key columns to select, the condition after the cursor, the order and the limit. */
export interface KeysetSql {
  readonly select: string;
  readonly after: string;
  readonly orderBy: string;
  readonly limit: string;
  readonly params: unknown[];
}

const KEY_PREFIX = '_k';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;

/** The SQL pieces for one page; `firstParam` is the number of the first placeholder it may use. */
export function keysetSql(keyset: Keyset, page: CursorRequest, firstParam: number): KeysetSql {
  const after = page.cursor === undefined ? null : decodeCursor(page.cursor, keyset);
  const exprs = keyset.columns.map((c) => c.expr);
  const placeholders = keyset.columns.map((c, i) => `$${firstParam + i}::${c.type}`);
  return {
    select: keyset.columns.map((c, i) => `${keyText(c)} AS "${KEY_PREFIX}${i}"`).join(', '),
    after: after ? `(${exprs.join(', ')}) ${keyset.direction === 'ASC' ? '>' : '<'} (${placeholders.join(', ')})` : 'TRUE',
    orderBy: exprs.map((e) => `${e} ${keyset.direction}`).join(', '),
    limit: `$${firstParam + (after ? keyset.columns.length : 0)}`,
    params: [...(after ?? []), page.limit + 1],
  };
}

/** Cuts the extra row that says whether there is a next page, and strips the key columns. */
export function toPage<T>(rows: readonly Record<string, unknown>[], keyset: Keyset, page: CursorRequest): CursorPage<T> {
  const items = rows.slice(0, page.limit);
  const last = items[items.length - 1];
  const next = rows.length > page.limit && last ? encodeCursor(keyset.columns.map((_, i) => String(last[`${KEY_PREFIX}${i}`]))) : null;
  return { items: items.map(stripKeys) as T[], next };
}

export function encodeCursor(values: readonly string[]): string {
  return encodeCursorValues(values);
}

function decodeCursor(cursor: string, keyset: Keyset): string[] {
  return decodeCursorValues(cursor, keyset.columns.length, (v, i) => (keyset.columns[i]!.type === 'uuid' ? UUID.test(v) : validInstant(v)));
}

function validInstant(v: string): boolean {
  if (!INSTANT.test(v)) return false;
  const date = new Date(`${v.slice(0, 23)}Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 23) === v.slice(0, 23);
}

/** The key as text that round-trips exactly (microseconds, UTC). */
function keyText(c: Keyset['columns'][number]): string {
  return c.type === 'timestamptz' ? `to_char(${c.expr} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')` : `${c.expr}::text`;
}

function stripKeys(row: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(row).filter(([k]) => !k.startsWith(KEY_PREFIX)));
}
