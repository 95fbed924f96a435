import { DateTime } from 'luxon';
import type { Permission } from '@app/access';
import type { Decider, DomainEvent } from '@app/kernel';
import type { draftDecider } from '@app/reporting';
import { BUSINESS_TIME_ZONE, BusinessTime } from './business-time';
import { FactIds, Ledger } from './ledger';
import { OrganizationModel } from './organization-model';
import { PolicyBook } from './policy-book';
import { Rng } from './random';
import { Scheduler } from './scheduler';

/** Who acts on a draft, as the API's handlers establish it (the decider's ActingMember). */
export type ActingMember = Extract<Parameters<typeof draftDecider.decide>[0], { type: 'CreateDraft' }>['actor'];

export type HistorySize = 'small' | 'medium' | 'large';

/** The shape of an institution and its history for one size (events are approximate: the drafts follow the budget). */
export interface SizePlan {
  readonly targetEvents: number;
  /** Simulated span, from 2025-01-02 (the holiday calendar covers 2025 and 2026, so working days are exact). */
  readonly months: number;
  readonly sections: number;
  readonly brigades: number;
  readonly squadsPerBrigade: number;
  /** 警务室 under each squad: the fourth level of the tree. */
  readonly postsPerSquad: number;
  readonly leadersInCharge: number;
  readonly reportersPerUnit: readonly [number, number];
}

export const SIZES: Readonly<Record<HistorySize, SizePlan>> = {
  small: { targetEvents: 20_000, months: 6, sections: 6, brigades: 3, squadsPerBrigade: 2, postsPerSquad: 1, leadersInCharge: 2, reportersPerUnit: [1, 2] },
  medium: { targetEvents: 200_000, months: 12, sections: 10, brigades: 6, squadsPerBrigade: 3, postsPerSquad: 1, leadersInCharge: 3, reportersPerUnit: [1, 3] },
  large: { targetEvents: 1_000_000, months: 24, sections: 12, brigades: 10, squadsPerBrigade: 4, postsPerSquad: 2, leadersInCharge: 4, reportersPerUnit: [2, 3] },
};

export const HISTORY_START = '2025-01-02';

/** Who does what in the institution, named once they are registered (the organization activity fills it). */
export interface Staff {
  administrator: string;
  officeReviewer: string;
  /** Opens and closes payout periods, records payouts (payouts.activity.ts). */
  finance: string;
  principal: string;
  leaders: string[];
  confidentiality: string[];
  bureauId: string;
  officeUnitId: string;
  publicityUnitId: string;
}

/**
 * Everything an activity works with: the simulated clock, the seeded randomness, the in-memory write model and
 * the institution as its events describe it. `run` is the only way to produce events: it decides the command with
 * the real decider and lets the models observe the events, as projections would.
 */
export class World {
  readonly ledger: Ledger;
  readonly time: BusinessTime;
  readonly clock: Scheduler;
  readonly org = new OrganizationModel();
  readonly policies: PolicyBook;
  readonly start: number;
  readonly end: number;
  readonly staff: Staff = { administrator: '', officeReviewer: '', finance: '', principal: '', leaders: [], confidentiality: [], bureauId: '', officeUnitId: '', publicityUnitId: '' };
  private readonly root: Rng;
  private readonly listeners: ((event: DomainEvent, eventId: string) => void)[] = [];

  constructor(
    readonly seed: string,
    readonly size: HistorySize,
    readonly plan: SizePlan = SIZES[size],
  ) {
    this.root = new Rng(seed, size);
    this.ledger = new Ledger(`${seed}:${size}`);
    this.time = new BusinessTime(HISTORY_START, plan.months);
    this.policies = new PolicyBook(this.time);
    const start = DateTime.fromISO(HISTORY_START, { zone: BUSINESS_TIME_ZONE });
    this.start = start.toMillis();
    this.end = start.plus({ months: plan.months }).toMillis();
    this.clock = new Scheduler(this.start);
  }

  /** An independent random stream for one activity (adding an activity leaves the others' numbers alone). */
  rng(name: string): Rng {
    return this.root.fork(name);
  }

  get now(): number {
    return this.clock.now;
  }

  nowIso(): string {
    return new Date(this.clock.now).toISOString();
  }

  /** Today in the business time zone (appointments in force, the policy in force). */
  today(): string {
    return this.time.date(this.clock.now);
  }

  at(at: number, run: () => void | Promise<void>): void {
    if (at < this.end) this.clock.at(at, run);
  }

  run<C extends { type: string }, S, E extends DomainEvent>(stream: string, decider: Decider<C, S, E>, command: C, actorId: string): E[] | undefined {
    const events = this.ledger.run(stream, decider, command, actorId);
    this.observe(events ?? []);
    return events;
  }

  /**
   * Records facts decided outside the stream's own decider (the scheduler's DeadlineElapsed and BusinessPeriodEnded),
   * folded by its owner; `ids` for facts whose ids are their own (Ledger.record).
   */
  record<S, E extends DomainEvent>(stream: string, owner: Pick<Decider<unknown, S, E>, 'initialState' | 'evolve'>, events: readonly E[], actorId: string, ids?: FactIds): void {
    this.ledger.record(stream, owner, events, actorId, ids);
    this.observe(events);
  }

  private observe(events: readonly DomainEvent[]): void {
    for (const [i, event] of events.entries()) {
      this.org.observe(event);
      this.policies.observe(event);
      const eventId = this.ledger.lastAppended[i]!.metadata.eventId;
      for (const listener of this.listeners) listener(event, eventId);
    }
  }

  /** Lets an activity follow what the others produce (the metrics of a publication follow its DraftPublished), with each event's id. */
  onEvent(listener: (event: DomainEvent, eventId: string) => void): void {
    this.listeners.push(listener);
  }

  /**
   * What the API's guard and handlers establish before a command: the member is active, holds a role the
   * permission needs covering the unit (the real AccessPolicy), and which of their roles cover it. Undefined when
   * the request would be a 401/403.
   */
  async acting(memberId: string, permission: Permission, unitId?: string): Promise<ActingMember | undefined> {
    const actor = this.org.actor(memberId, this.today());
    if (!actor) return undefined;
    const decision = await this.org.access.decide(actor, permission, unitId);
    if (!decision.allowed) {
      this.ledger.refused.push({ stream: unitId ?? '', command: permission, error: `forbidden for ${memberId}` });
      return undefined;
    }
    if (unitId === undefined) return { memberId, rolesCoveringUnit: [], unitLineage: [] };
    const { roles, lineage } = await this.org.access.coverage(actor, unitId);
    return { memberId, rolesCoveringUnit: roles, unitLineage: lineage };
  }
}

/** A kind of activity of the institution: it schedules its first tasks; its tasks run commands and schedule more. */
export interface Activity {
  readonly name: string;
  start(world: World): void;
}
