import type { RecordedEvent } from './event-store.port';

/**
 * An event type declares its current schema version and one upcaster per older version. Stored events are
 * never rewritten: they are upcast on read, step by step, to the current version.
 */
export interface EventSchema {
  readonly type: string;
  readonly currentVersion: number;
  /** upcasters[v] turns a version-v payload into a version-(v+1) payload. */
  readonly upcasters?: Readonly<Record<number, (data: unknown) => unknown>>;
}

export class UpcasterRegistry {
  private readonly schemas = new Map<string, EventSchema>();

  register(...schemas: EventSchema[]): this {
    for (const schema of schemas) {
      for (let v = 1; v < schema.currentVersion; v++) {
        if (!schema.upcasters?.[v]) throw new Error(`${schema.type}: no upcaster from version ${v} to ${v + 1}`);
      }
      this.schemas.set(schema.type, schema);
    }
    return this;
  }

  currentVersion(type: string): number {
    return this.schemas.get(type)?.currentVersion ?? 1;
  }

  upcast<T extends RecordedEvent>(event: T): T {
    const schema = this.schemas.get(event.type);
    const stored = event.metadata.schemaVersion ?? 1;
    if (!schema || stored >= schema.currentVersion) return event;
    let data = event.data;
    for (let v = stored; v < schema.currentVersion; v++) data = schema.upcasters![v]!(data);
    return { ...event, data, metadata: { ...event.metadata, schemaVersion: schema.currentVersion } };
  }
}
