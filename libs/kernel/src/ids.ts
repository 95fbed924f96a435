import { createHash, randomUUID } from 'node:crypto';

export function newId(): string {
  return randomUUID();
}

/** RFC 4122 version-5 style UUID from a name: the same input always gives the same id. */
export function deterministicUuid(...parts: readonly string[]): string {
  const hash = createHash('sha1').update(parts.join('\u0000')).digest();
  const b = Buffer.from(hash.subarray(0, 16));
  b[6] = (b[6]! & 0x0f) | 0x50;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export function isUuid(value: string): boolean {
  return UUID.test(value);
}

/** Stream names are `category-id`, so category reads work in both stores. */
export function streamName(category: string, id: string): string {
  if (!/^[a-z][a-zA-Z0-9_]*$/.test(category)) throw new Error(`Invalid stream category ${category}`);
  return `${category}-${id}`;
}

export function streamCategory(stream: string): string {
  const i = stream.indexOf('-');
  return i < 0 ? stream : stream.slice(0, i);
}

export function streamId(stream: string): string {
  const i = stream.indexOf('-');
  return i < 0 ? '' : stream.slice(i + 1);
}
