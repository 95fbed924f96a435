import { Inject, Injectable } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { CLOCK, Clock, CommandContext, ERASED, NotFound, PersonalDataRegistry, personalDataStream, valueAtPath } from '@app/kernel';
import { EVENT_STORE, EventStore, PersonalKeys, runDecider } from '@app/event-store';
import { personalDataDecider } from './personal-data.decider';

/** One stream's latest clear personal values of the person. */
export interface PersonalDataSource {
  readonly streamId: string;
  readonly eventType: string;
  readonly position: bigint;
  readonly fields: Readonly<Record<string, string | null>>;
}

export interface Revealed {
  readonly subjectId: string;
  readonly erased: boolean;
  readonly sources: readonly PersonalDataSource[];
  /** Position of the PersonalDataRevealed event that records this read. */
  readonly recordedAt: bigint | undefined;
}

export interface Erased {
  readonly subjectId: string;
  readonly erasedAt: string;
  /** A key was deleted now (false: the person was already erased, or no personal data of theirs was ever stored). */
  readonly keyDeleted: boolean;
  readonly alreadyErased: boolean;
  readonly position: bigint | undefined;
}

/**
 * Audited reads of clear personal data and erasure (docs/audit.md, "Personal data"). Both are commands on the
 * person's `personal-data-<subjectId>` stream, so the log records who read what, why, and who erased whom.
 */
@Injectable()
export class PersonalDataService {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly registry: PersonalDataRegistry,
    private readonly keys: PersonalKeys,
    private readonly commands: CommandBus,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /**
   * The person's current personal values, per stream (the latest event of each declared type naming them), read
   * through the decrypting store. Scans the events of the declared types (an audited, rare read).
   */
  async current(subjectId: string): Promise<PersonalDataSource[]> {
    const declarations = this.registry.all();
    const types = declarations.map((d) => d.eventType);
    const latest = new Map<string, PersonalDataSource>();
    for (let after = 0n; ; ) {
      const batch = await this.store.readLog({ after, types, maxCount: 1000 });
      for (const e of batch.events) {
        const d = this.registry.forType(e.type)!;
        if (valueAtPath(e.data, d.subjectPath) !== subjectId) continue;
        const previous = latest.get(e.streamId);
        const fields: Record<string, string | null> = { ...(previous?.fields ?? {}) };
        for (const f of d.fields) {
          const v = valueAtPath(e.data, f.path);
          if (v !== undefined) fields[f.path] = (v as string | null) ?? null;
        }
        latest.set(e.streamId, { streamId: e.streamId, eventType: e.type, position: e.position, fields });
      }
      if (batch.through <= after) break;
      after = batch.through;
      if (batch.events.length < 1000) break;
    }
    return [...latest.values()];
  }

  async reveal(subjectId: string, purpose: string, context: CommandContext): Promise<Revealed> {
    const sources = await this.current(subjectId);
    if (sources.length === 0) throw new NotFound('Personal data of', subjectId);
    const fields = [...new Set(sources.flatMap((s) => Object.keys(s.fields)))].sort();
    const result = await runDecider(this.commands, personalDataStream(subjectId), personalDataDecider, { type: 'RecordReveal', subjectId, fields, purpose, now: this.clock.now().toISOString() }, context);
    const erased = sources.some((s) => Object.values(s.fields).includes(ERASED));
    return { subjectId, erased, sources, recordedAt: result.position };
  }

  /** Records the erasure, then deletes the key. Run again after a failure between the two: it deletes the key then. */
  async erase(subjectId: string, reason: string, reference: string | null, context: CommandContext): Promise<Erased> {
    const known = (await this.keys.load([subjectId])).get(subjectId);
    if (!known) {
      const held = await this.current(subjectId);
      if (held.length === 0) throw new NotFound('Personal data of', subjectId);
    }
    const now = this.clock.now().toISOString();
    const result = await runDecider(this.commands, personalDataStream(subjectId), personalDataDecider, { type: 'ErasePersonalData', subjectId, reason, reference, now }, context);
    const keyDeleted = await this.keys.erase(subjectId);
    const erasedEvent = result.events.find((e) => e.type === 'PersonalDataErased');
    const alreadyErased = !erasedEvent && !result.duplicate;
    const erasedAt = erasedEvent ? (erasedEvent.data as { erasedAt: string }).erasedAt : ((await this.erasedAt(subjectId)) ?? now);
    return { subjectId, erasedAt, keyDeleted, alreadyErased, position: result.position };
  }

  private async erasedAt(subjectId: string): Promise<string | undefined> {
    const events = await this.store.readStream(personalDataStream(subjectId));
    const e = events.find((x) => x.type === 'PersonalDataErased');
    return e ? (e.data as { erasedAt: string }).erasedAt : undefined;
  }
}
