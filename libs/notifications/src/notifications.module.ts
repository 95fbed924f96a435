import { Inject, Module, OnModuleInit } from '@nestjs/common';
import type { Pool } from 'pg';
import { BusinessDates } from '@app/access';
import { EVENT_STORE, EventStore } from '@app/event-store';
import { Clock, CLOCK, PersonalDataRegistry } from '@app/kernel';
import { PG_POOL } from '@app/platform';
import { NotificationsHttpController } from './http/notifications.http.controller';
import { WebhooksHttpController } from './http/webhooks.http.controller';
import { NotificationQueries } from './read/notifications.queries';
import { reminderDeps } from './reminders/reminder-deps';

/** How long a webhook receiver may take (WEBHOOK_TIMEOUT_MS, default 10 s) before the delivery is retried. */
const webhookTimeoutMs = (): number => {
  const n = Number(process.env.WEBHOOK_TIMEOUT_MS ?? 10_000);
  return Number.isInteger(n) && n >= 100 && n <= 120_000 ? n : 10_000;
};

/**
 * Notifications (issue 11 item 3): the members' in-app inboxes, the administrator's outbound webhooks, and the
 * dependencies the incident-reminders reactor's effects need (bound here, before the dispatcher starts).
 */
@Module({
  controllers: [NotificationsHttpController, WebhooksHttpController],
  providers: [NotificationQueries],
})
export class NotificationsModule implements OnModuleInit {
  constructor(
    @Inject(PG_POOL) private readonly pool: Pool,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly dates: BusinessDates,
    private readonly personalData: PersonalDataRegistry,
  ) {}

  onModuleInit(): void {
    // the webhook's shared secret is sealed in the log like personal data (a key per webhook), never stored in clear
    this.personalData.register([{ eventType: 'WebhookRegistered', subjectPath: 'webhookId', fields: [{ path: 'secret', kind: 'text' }] }]);
    reminderDeps.bind({ pool: this.pool, store: this.store, clock: this.clock, timeZone: this.dates.timeZone, webhookTimeoutMs: webhookTimeoutMs() });
  }
}
