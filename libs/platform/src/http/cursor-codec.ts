import { ValidationFailed } from '@app/kernel';

/**
 * The lists' cursor (docs/api.md, "Lists: cursor paging"): the last item's key values, JSON in base64url, opaque to
 * clients. One codec for every list: a cursor this list did not give is 400 validation-failed naming `cursor`.
 */
export function encodeCursorValues(values: readonly string[]): string {
  return Buffer.from(JSON.stringify(values), 'utf8').toString('base64url');
}

/** The key values of a cursor: `arity` strings, each accepted by `valid(value, index)`. */
export function decodeCursorValues(cursor: string, arity: number, valid: (value: string, index: number) => boolean): string[] {
  const refused = () => new ValidationFailed([{ field: 'cursor', message: 'cursor must be a `next` value this list returned' }]);
  let values: unknown;
  try {
    values = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw refused();
  }
  if (!Array.isArray(values) || values.length !== arity) throw refused();
  values.forEach((v, i) => {
    if (typeof v !== 'string' || !valid(v, i)) throw refused();
  });
  return values as string[];
}
