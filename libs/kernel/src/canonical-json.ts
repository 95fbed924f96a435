/**
 * The canonical JSON text of a value, in the manner of RFC 8785 (JSON Canonicalization Scheme): object members
 * sorted by key (UTF-16 code units, which is what Array.prototype.sort compares), no whitespace, strings and
 * numbers as JSON.stringify writes them (the ECMAScript serialisation RFC 8785 prescribes). Two bodies that
 * differ only in key order or spacing have the same canonical text; any other difference changes it.
 *
 * Iterative, not recursive: a body nested thousands of levels deep must not exhaust the stack here (the request
 * is refused elsewhere, with a 400, never by a RangeError in the fingerprint).
 */
export function canonicalJson(value: unknown): string {
  const out: string[] = [];
  // A work list of values to write and literal text to emit between them, processed last-in first-out.
  const work: ({ text: string } | { value: unknown })[] = [{ value }];
  while (work.length > 0) {
    const item = work.pop()!;
    if ('text' in item) {
      out.push(item.text);
      continue;
    }
    const v = item.value;
    if (v === null || v === undefined || typeof v === 'function' || typeof v === 'symbol') {
      out.push('null');
    } else if (typeof v === 'string' || typeof v === 'boolean') {
      out.push(JSON.stringify(v));
    } else if (typeof v === 'number') {
      out.push(Number.isFinite(v) ? JSON.stringify(v) : 'null');
    } else if (typeof v === 'bigint') {
      out.push(v.toString());
    } else if (Array.isArray(v)) {
      const parts: ({ text: string } | { value: unknown })[] = [{ text: '[' }];
      v.forEach((element, i) => {
        if (i > 0) parts.push({ text: ',' });
        parts.push({ value: element });
      });
      parts.push({ text: ']' });
      for (let i = parts.length - 1; i >= 0; i--) work.push(parts[i]!);
    } else {
      const record = v as Record<string, unknown>;
      const keys = Object.keys(record)
        .filter((k) => record[k] !== undefined)
        .sort();
      const parts: ({ text: string } | { value: unknown })[] = [{ text: '{' }];
      keys.forEach((k, i) => {
        parts.push({ text: `${i > 0 ? ',' : ''}${JSON.stringify(k)}:` });
        parts.push({ value: record[k] });
      });
      parts.push({ text: '}' });
      for (let i = parts.length - 1; i >= 0; i--) work.push(parts[i]!);
    }
  }
  return out.join('');
}
