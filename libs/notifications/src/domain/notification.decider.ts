import { Decider, NotFound } from '@app/kernel';
import type { NotificationEvent } from './notification.events';

/** A member's inbox as the write side needs it: which notifications exist and which are read. */
export interface InboxState {
  readonly notifications: ReadonlyMap<string, { readonly read: boolean }>;
}

export type NotificationCommand = { type: 'MarkNotificationRead'; memberId: string; notificationId: string; readAt: string };

/**
 * The member's inbox (stream `notifications-<memberId>`). Marking read is the member's own act on their own
 * stream: a notification of another member is not in it (404); marking twice appends nothing.
 */
export const inboxDecider: Decider<NotificationCommand, InboxState, NotificationEvent> = {
  initialState: () => ({ notifications: new Map() }),
  evolve(state, event) {
    switch (event.type) {
      case 'NotificationIssued': {
        if (state.notifications.has(event.data.notificationId)) return state;
        const next = new Map(state.notifications);
        next.set(event.data.notificationId, { read: false });
        return { notifications: next };
      }
      case 'NotificationRead': {
        const next = new Map(state.notifications);
        next.set(event.data.notificationId, { read: true });
        return { notifications: next };
      }
      default:
        return state;
    }
  },
  decide(command, state) {
    const found = state.notifications.get(command.notificationId);
    if (!found) throw new NotFound('Notification', command.notificationId);
    if (found.read) return [];
    return [{ type: 'NotificationRead', data: { notificationId: command.notificationId, memberId: command.memberId, readAt: command.readAt } }];
  },
};
