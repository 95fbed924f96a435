import { eventStoreContract } from '@app/event-store/contract';
import { EsdbEventStore } from './esdb-event-store';

/**
 * The shared contract against a real EventStoreDB, wherever EVENTSTORE_CONNECTION_STRING points at one
 * (`docker compose up -d eventstore`, then EVENTSTORE_CONNECTION_STRING='esdb://localhost:2113?tls=false').
 * Without a server only the mapping specs (esdb-event-store.spec.ts) run.
 */
const connectionString = process.env.EVENTSTORE_CONNECTION_STRING;

if (connectionString) {
  eventStoreContract(
    'EventStoreDB',
    async () => {
      const store = new EsdbEventStore(connectionString);
      return { store, dispose: () => store.close() };
    },
    // The server checks event ids per stream (see esdb-event-store.spec.ts for the documentation it follows).
    { eventIdScope: 'stream', atomicAppendMany: false },
  );
} else {
  describe('EventStore contract: EventStoreDB', () => {
    it.skip('runs when EVENTSTORE_CONNECTION_STRING is set', () => undefined);
  });
}
