import type { Pool } from 'pg';
import type { EventStore } from '@app/event-store';
import type { Clock } from '@app/kernel';

/**
 * What performing a reminder's effects needs (never the reactor's apply, which sees only its event and tables):
 * read models to resolve recipients, the store to append notifications and read the webhooks' secrets, a clock
 * for "right now" (appointments in force, issuedAt) and the business time zone.
 */
export interface ReminderDeps {
  readonly pool: Pool;
  readonly store: EventStore;
  readonly clock: Clock;
  readonly timeZone: string;
  /** How long a webhook receiver may take before the delivery counts as failed (and is retried). */
  readonly webhookTimeoutMs: number;
}

/**
 * The registered projections are a static list (apps/api/src/contexts.ts), so the reactor's effect handlers get
 * their dependencies late: NotificationsModule binds them when the application starts, before the dispatcher runs.
 */
export class ReminderDepsHolder {
  private deps: ReminderDeps | undefined;
  bind(deps: ReminderDeps): void {
    this.deps = deps;
  }
  get(): ReminderDeps {
    if (!this.deps) throw new Error('incident-reminders: NotificationsModule has not bound its dependencies yet');
    return this.deps;
  }
}

export const reminderDeps = new ReminderDepsHolder();
