import { createTestDatabase } from '@test/support';
import { eventStoreContract } from '@app/event-store/contract';
import { PostgresEventStore } from './postgres-event-store';

eventStoreContract('PostgreSQL', async () => {
  const db = await createTestDatabase();
  const store = new PostgresEventStore(db.pool, { pollIntervalMs: 200 });
  return {
    store,
    async dispose() {
      await store.close();
      await db.drop();
    },
  };
});
