import { Decider, InvalidState, NotFound } from '@app/kernel';
import type { WebhookEvent } from './notification.events';

export interface WebhooksState {
  readonly active: ReadonlyMap<string, { readonly url: string; readonly secret: string; readonly description: string | null; readonly registeredAt: string }>;
  readonly removed: ReadonlySet<string>;
}

export type WebhookCommand =
  | { type: 'RegisterWebhook'; webhookId: string; url: string; secret: string; description: string | null; by: string; at: string }
  | { type: 'RemoveWebhook'; webhookId: string; by: string; at: string };

/** The outbound webhooks of the deployment (stream `notificationWebhooks`): registered by an administrator, removed once. */
export const webhooksDecider: Decider<WebhookCommand, WebhooksState, WebhookEvent> = {
  initialState: () => ({ active: new Map(), removed: new Set() }),
  evolve(state, event) {
    switch (event.type) {
      case 'WebhookRegistered': {
        const active = new Map(state.active);
        active.set(event.data.webhookId, { url: event.data.url, secret: event.data.secret, description: event.data.description, registeredAt: event.data.registeredAt });
        return { ...state, active };
      }
      case 'WebhookRemoved': {
        const active = new Map(state.active);
        active.delete(event.data.webhookId);
        return { active, removed: new Set([...state.removed, event.data.webhookId]) };
      }
      default:
        return state;
    }
  },
  decide(command, state) {
    switch (command.type) {
      case 'RegisterWebhook':
        if (state.active.has(command.webhookId) || state.removed.has(command.webhookId)) {
          throw new InvalidState('webhook-exists', `A webhook with id ${command.webhookId} already exists`, { webhookId: command.webhookId });
        }
        return [{ type: 'WebhookRegistered', data: { webhookId: command.webhookId, url: command.url, secret: command.secret, description: command.description, registeredBy: command.by, registeredAt: command.at } }];
      case 'RemoveWebhook':
        if (!state.active.has(command.webhookId)) throw new NotFound('Webhook', command.webhookId);
        return [{ type: 'WebhookRemoved', data: { webhookId: command.webhookId, removedBy: command.by, removedAt: command.at } }];
    }
  },
};
