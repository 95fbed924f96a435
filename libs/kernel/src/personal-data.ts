/**
 * Personal data (PIPL; issue 12 item 5, docs/audit.md "Personal data"). An event type declares which fields of its
 * payload are personal and whose they are; the event store encrypts those fields with the person's own key before
 * they are stored and decrypts them when events are read (envelope encryption: the key store holds one data key per
 * person, outside the log). Erasing a person deletes their key: their fields then read as ERASED everywhere, while
 * the stored events (and so the hash chain) stay exactly as they were.
 *
 * Read models never hold a clear personal value: a projection stores `maskPersonal(kind, value)`; the clear value
 * is read from the log by a role that needs it, and every such read is recorded.
 */

/** What a personal field holds: it decides how the field is masked. */
export type PersonalDataKind = 'phone' | 'email' | 'id-card' | 'name' | 'address' | 'text';

export interface PersonalField {
  /** Dot path into the event's data (`phone`, `subject.idCardNumber`). Absent or null values are left alone. */
  readonly path: string;
  readonly kind: PersonalDataKind;
}

export interface PersonalDataDeclaration {
  readonly eventType: string;
  /** Dot path of the person's id in the data: whose key encrypts the fields (`memberId`, `subject.personId`). */
  readonly subjectPath: string;
  readonly fields: readonly PersonalField[];
}

/** What a personal field reads as once its person is erased (their key deleted). */
export const ERASED = '[erased]';

/** Every event type's personal fields, registered by the contexts that own them (at module init). */
export class PersonalDataRegistry {
  private readonly byType = new Map<string, PersonalDataDeclaration>();

  register(declarations: readonly PersonalDataDeclaration[]): void {
    for (const d of declarations) {
      const known = this.byType.get(d.eventType);
      if (known && JSON.stringify(known) !== JSON.stringify(d)) throw new Error(`Personal data of ${d.eventType} declared twice, differently`);
      if (d.fields.length === 0) throw new Error(`Personal data of ${d.eventType} declares no field`);
      this.byType.set(d.eventType, d);
    }
  }

  forType(eventType: string): PersonalDataDeclaration | undefined {
    return this.byType.get(eventType);
  }

  all(): PersonalDataDeclaration[] {
    return [...this.byType.values()];
  }
}

/**
 * The masked form of a personal value, as read models and logs hold it: enough to recognise it, not enough to use
 * it. Phone 138****5678; e-mail z***@example.gov.cn; ID card 1101**********1234; name 张*（or 张*明）; other text
 * its first character and asterisks. ERASED stays ERASED; null stays null.
 */
export function maskPersonal(kind: PersonalDataKind, value: string | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  if (value === ERASED) return ERASED;
  const chars = [...value];
  const stars = (n: number): string => '*'.repeat(Math.max(1, n));
  switch (kind) {
    case 'phone': {
      if (chars.length <= 7) return `${chars.slice(0, 1).join('')}${stars(chars.length - 1)}`;
      return `${chars.slice(0, 3).join('')}${stars(chars.length - 7)}${chars.slice(-4).join('')}`;
    }
    case 'email': {
      const at = value.lastIndexOf('@');
      if (at <= 0) return maskPersonal('text', value);
      return `${[...value.slice(0, at)][0]}***${value.slice(at)}`;
    }
    case 'id-card': {
      if (chars.length <= 8) return stars(chars.length);
      return `${chars.slice(0, 4).join('')}${stars(chars.length - 8)}${chars.slice(-4).join('')}`;
    }
    case 'name':
      if (chars.length <= 1) return '*';
      if (chars.length === 2) return `${chars[0]}*`;
      return `${chars[0]}${stars(chars.length - 2)}${chars.at(-1)}`;
    case 'address':
    case 'text':
      return `${chars[0] ?? ''}${stars(Math.min(chars.length - 1, 8))}`;
  }
}

/** The value at a dot path of a plain object (undefined when a step is missing). */
export function valueAtPath(data: unknown, dotPath: string): unknown {
  let current: unknown = data;
  for (const step of dotPath.split('.')) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[step];
  }
  return current;
}

/**
 * A person's personal data erased (stream `personal-data-<subjectId>`): their key is deleted right after it is
 * appended. It names the person and why, nothing personal. Projections that hold masked personal fields of the
 * person set them to ERASED on it (after a rebuild the fields read as ERASED anyway).
 */
export interface PersonalDataErasedData {
  readonly subjectId: string;
  readonly reason: string;
  /** Legal ground or request reference (PIPL art. 47), as the administrator recorded it. */
  readonly reference: string | null;
  readonly erasedAt: string;
}
/** Every read of a person's clear personal data (stream `personal-data-<subjectId>`): who, which fields, why. */
export interface PersonalDataRevealedData {
  readonly subjectId: string;
  readonly fields: readonly string[];
  readonly purpose: string;
  readonly revealedAt: string;
}
export const personalDataStream = (subjectId: string): string => `personal-data-${subjectId}`;

/** The payload with its declared personal fields masked (maskPersonal), for anything that shows events to people. */
export function maskPersonalFields<T>(registry: PersonalDataRegistry, eventType: string, data: T): T {
  const declaration = registry.forType(eventType);
  if (!declaration) return data;
  const copy = structuredClone(data) as Record<string, unknown>;
  for (const field of declaration.fields) {
    const steps = field.path.split('.');
    let parent: unknown = copy;
    for (const step of steps.slice(0, -1)) parent = parent !== null && typeof parent === 'object' ? (parent as Record<string, unknown>)[step] : undefined;
    if (parent === null || typeof parent !== 'object') continue;
    const last = steps.at(-1)!;
    const value = (parent as Record<string, unknown>)[last];
    if (typeof value === 'string') (parent as Record<string, unknown>)[last] = maskPersonal(field.kind, value);
  }
  return copy as T;
}
