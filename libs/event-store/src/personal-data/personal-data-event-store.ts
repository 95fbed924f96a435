import { ERASED, PersonalDataDeclaration, PersonalDataRegistry, RuleViolation, valueAtPath } from '@app/kernel';
import type {
  AppendResult,
  EventBatch,
  EventStore,
  EventSubscription,
  EventToAppend,
  ExpectedRevision,
  ReadAllOptions,
  ReadLogOptions,
  ReadStreamOptions,
  RecordedEvent,
  StreamAppend,
  SubscribeOptions,
} from '../event-store.port';
import { isSealed, openField, sealField } from './field-cipher';
import type { PersonalKey, PersonalKeys } from './personal-keys';

/**
 * Envelope encryption of personal fields, around any adapter (docs/audit.md, "Personal data"). On append, the
 * fields an event type declares (PersonalDataRegistry) are sealed with the key of the person the event names
 * (created on first use; an erased person's new data is refused: 422 person-erased). On every read they are
 * opened again, so deciders and projections see clear values; a field of an erased person reads as ERASED (also
 * one stored in clear before its type was declared). The stored events keep their shape and never change, so the
 * hash chain, which covers the stored form, verifies before and after an erasure.
 */
export class PersonalDataEventStore implements EventStore {
  constructor(
    private readonly inner: EventStore,
    private readonly registry: PersonalDataRegistry,
    private readonly keys: PersonalKeys,
  ) {}

  async appendToStream(stream: string, events: readonly EventToAppend[], expected?: ExpectedRevision): Promise<AppendResult> {
    return this.inner.appendToStream(stream, await this.sealAll(events), expected);
  }

  async appendMany(appends: readonly StreamAppend[]): Promise<AppendResult[]> {
    const sealed = await Promise.all(appends.map(async (a) => ({ ...a, events: await this.sealAll(a.events) })));
    return this.inner.appendMany(sealed);
  }

  async readStream(stream: string, options?: ReadStreamOptions): Promise<RecordedEvent[]> {
    return this.openAll(await this.inner.readStream(stream, options));
  }

  async readAll(options?: ReadAllOptions): Promise<RecordedEvent[]> {
    return this.openAll(await this.inner.readAll(options));
  }

  async readLog(options?: ReadLogOptions): Promise<EventBatch> {
    const batch = await this.inner.readLog(options);
    return { events: await this.openAll(batch.events), through: batch.through };
  }

  subscribeToAll(options?: SubscribeOptions): EventSubscription {
    const inner = this.inner.subscribeToAll(options);
    const open = (events: readonly RecordedEvent[]) => this.openAll(events);
    return {
      async *[Symbol.asyncIterator]() {
        for await (const batch of inner) yield await open(batch);
      },
    };
  }

  subscribe(options?: SubscribeOptions): AsyncIterable<EventBatch> {
    const inner = this.inner.subscribe(options);
    const open = (events: readonly RecordedEvent[]) => this.openAll(events);
    return {
      async *[Symbol.asyncIterator]() {
        for await (const batch of inner) yield { events: await open(batch.events), through: batch.through };
      },
    };
  }

  headPosition(): Promise<bigint> {
    return this.inner.headPosition();
  }

  close(): Promise<void> {
    return this.inner.close();
  }

  /** The events as stored, without opening anything (what the audit bundle and the hash chain see). */
  get stored(): EventStore {
    return this.inner;
  }

  private async sealAll(events: readonly EventToAppend[]): Promise<readonly EventToAppend[]> {
    if (!events.some((e) => this.registry.forType(e.type))) return events;
    return Promise.all(events.map((e) => this.seal(e)));
  }

  private async seal(event: EventToAppend): Promise<EventToAppend> {
    const declaration = this.registry.forType(event.type);
    if (!declaration) return event;
    const present = declaration.fields.filter((f) => valueAtPath(event.data, f.path) !== null && valueAtPath(event.data, f.path) !== undefined);
    if (present.length === 0) return event;
    const subject = subjectOf(declaration, event.data);
    if (subject === undefined) throw new Error(`${event.type}: personal fields without a person id at ${declaration.subjectPath}`);
    const key = await this.keys.obtain(subject);
    if ('erased' in key) {
      throw new RuleViolation('person-erased', `The personal data of ${subject} was erased on ${key.erasedAt}: no new personal data of theirs is stored`, {
        subjectId: subject,
        erasedAt: key.erasedAt,
        fields: present.map((f) => f.path),
      });
    }
    const data = structuredClone(event.data) as Record<string, unknown>;
    for (const field of present) {
      const value = valueAtPath(data, field.path);
      if (typeof value !== 'string') throw new Error(`Personal field ${event.type}.${field.path} must be a string (or null), got ${typeof value}`);
      if (isSealed(value)) continue;
      setAtPath(data, field.path, sealField(key.key, subject, field.path, value));
    }
    return { ...event, data };
  }

  private async openAll(events: readonly RecordedEvent[]): Promise<RecordedEvent[]> {
    // each event's declaration and person, once (no person id: nothing was sealed for anyone, left as stored)
    const personal = new Map<RecordedEvent, { declaration: PersonalDataDeclaration; subject: string }>();
    for (const e of events) {
      const declaration = this.registry.forType(e.type);
      const subject = declaration && subjectOf(declaration, e.data);
      if (declaration && subject !== undefined) personal.set(e, { declaration, subject });
    }
    if (personal.size === 0) return events as RecordedEvent[];
    const keys = await this.keys.load([...personal.values()].map((p) => p.subject));
    // a sealed value of a person this process knew no key for: the key may be new (another instance), ask again
    const unknown = [...personal.entries()]
      .filter(([e, p]) => !keys.has(p.subject) && p.declaration.fields.some((f) => isSealed(valueAtPath(e.data, f.path))))
      .map(([, p]) => p.subject);
    if (unknown.length > 0) for (const [s, k] of await this.keys.load(unknown, { fresh: true })) keys.set(s, k);
    return events.map((e) => {
      const p = personal.get(e);
      return p ? open(e, p.declaration, p.subject, keys) : e;
    });
  }
}

function open(event: RecordedEvent, declaration: PersonalDataDeclaration, subject: string, keys: ReadonlyMap<string, PersonalKey>): RecordedEvent {
  const key = keys.get(subject);
  let data: Record<string, unknown> | undefined;
  for (const field of declaration.fields) {
    const value = valueAtPath(event.data, field.path);
    if (value === null || value === undefined) continue;
    let clear: unknown = value;
    if (key && 'erased' in key) clear = ERASED;
    else if (isSealed(value)) {
      try {
        clear = key ? openField(key.key, subject, field.path, value) : ERASED;
      } catch {
        clear = ERASED; // a value sealed with a key this store no longer has (a restored key table): unreadable
      }
    }
    if (clear === value) continue;
    data ??= structuredClone(event.data) as Record<string, unknown>;
    setAtPath(data, field.path, clear);
  }
  return data ? { ...event, data } : event;
}

function subjectOf(declaration: PersonalDataDeclaration, data: unknown): string | undefined {
  const subject = valueAtPath(data, declaration.subjectPath);
  return typeof subject === 'string' && subject !== '' ? subject : undefined;
}

function setAtPath(data: Record<string, unknown>, dotPath: string, value: unknown): void {
  const steps = dotPath.split('.');
  let current: Record<string, unknown> = data;
  for (const step of steps.slice(0, -1)) current = current[step] as Record<string, unknown>;
  current[steps.at(-1)!] = value;
}
