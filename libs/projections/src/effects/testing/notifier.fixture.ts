import type { EffectDelivery, ReactorDefinition } from '../../projection';
import type { EffectDispatcherOptions } from '../effect-dispatcher';

export interface Notice {
  readonly to: string;
}

/** Fast settings for tests: 3 attempts, backoff from 1 s, expiry after 2 s, checks every 0.5 s / 1 s. */
export const TEST_DISPATCH: EffectDispatcherOptions = {
  retryLimit: 2,
  retryDelaySeconds: 1,
  expireInSeconds: 2,
  pollingIntervalSeconds: 0.5,
  maintenanceIntervalSeconds: 1,
  concurrency: 2,
  drainTimeoutMs: 2000,
};

/**
 * A reactor that asks for one 'notify' effect per X event (key: the event id, payload: "stream/revision") and
 * cannot digest Poison; `perform` is the receiver.
 */
export function notifier(perform: (notice: Notice, delivery: EffectDelivery) => Promise<void>, extra: Partial<ReactorDefinition> = {}): ReactorDefinition {
  return {
    kind: 'reactor',
    name: 'notifier',
    version: 1,
    tables: [],
    startFrom: 'beginning',
    async apply(event, ctx) {
      if (event.type === 'Poison') throw new Error(`cannot digest ${event.streamId}`);
      await ctx.effect(`notify:${event.metadata.eventId}`, { task: 'notify', payload: { to: `${event.streamId}/${event.revision}` } });
    },
    effects: {
      notify: (notice: Notice, delivery: EffectDelivery) => perform(notice, delivery),
    },
    ...extra,
  };
}
