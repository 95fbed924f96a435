import type { INestApplication } from '@nestjs/common';
import type { Pool } from 'pg';
import request from 'supertest';
import { FixedClock } from '@app/kernel';
import { EVENT_STORE, EventStore } from '@app/event-store';
import { ProjectionRuntime, waitForProjections } from '@app/projections';
import { loadConfig, PG_POOL } from '@app/platform';
import { createApp } from '../../apps/api/src/bootstrap';
import { createTestDatabase, TestDatabase } from './test-database';

export interface TestApp {
  readonly app: INestApplication;
  readonly http: ReturnType<typeof request>;
  readonly clock: FixedClock;
  readonly store: EventStore;
  readonly pool: Pool;
  /** Waits until every projection has applied everything appended so far (no sleeps). */
  settle(): Promise<void>;
  close(): Promise<void>;
}

/** The whole API on a fresh database, driven over HTTP only. */
export async function startTestApp(): Promise<TestApp> {
  const db: TestDatabase = await createTestDatabase({ migrate: false, poolSize: 2 });
  const clock = new FixedClock(new Date('2026-03-02T01:00:00Z'));
  const started = await createApp(loadConfig({ ...process.env, DATABASE_URL: db.url, LOG_LEVEL: 'silent' }), { clock, logger: false });
  await started.app.init();
  const store = started.app.get<EventStore>(EVENT_STORE);
  const pool = started.app.get<Pool>(PG_POOL);
  const runtime = started.app.get(ProjectionRuntime);
  return {
    app: started.app,
    http: request(started.app.getHttpServer()),
    clock,
    store,
    pool,
    settle: () => waitForProjections(pool, store, runtime),
    async close() {
      await started.close();
      await db.drop();
    },
  };
}
