import type { INestApplication } from '@nestjs/common';
import type { Pool } from 'pg';
import request from 'supertest';
import { FixedClock } from '@app/kernel';
import { EVENT_STORE, EventStore } from '@app/event-store';
import { ProjectionRuntime, waitForProjections } from '@app/projections';
import { loadConfig, PG_POOL } from '@app/platform';
import { TokenService } from '@app/access';
import { createApp } from '../../apps/api/src/bootstrap';
import { BOOTSTRAP_ADMIN_ID, BOOTSTRAP_ROOT_UNIT_ID } from '../../apps/api/src/bootstrap-admin';

const TEST_SECRET = 'test-secret-for-e2e-specs-only-0123456789';
import { createTestDatabase, TestDatabase } from './test-database';

export interface TestApp {
  readonly app: INestApplication;
  readonly http: ReturnType<typeof request>;
  readonly clock: FixedClock;
  readonly store: EventStore;
  readonly pool: Pool;
  /** A bearer token for the bootstrapped administrator. */
  readonly adminToken: string;
  readonly adminId: string;
  readonly rootUnitId: string;
  /** A bearer token for any member id. */
  tokenFor(memberId: string): Promise<string>;
  /** Waits until every projection has applied everything appended so far (no sleeps). */
  settle(): Promise<void>;
  close(): Promise<void>;
}

/**
 * The whole API on a fresh database, driven over HTTP only; `env` adds configuration (e.g. BUSINESS_TIME_ZONE).
 * The scheduler does not run by itself (RUN_SCHEDULER=false, the clock stands still): a spec that needs time facts
 * calls app.get(Scheduler).tick().
 */
export async function startTestApp(options: { env?: Record<string, string> } = {}): Promise<TestApp> {
  const db: TestDatabase = await createTestDatabase({ migrate: false, poolSize: 2 });
  const clock = new FixedClock(new Date('2026-03-02T01:00:00Z'));
  const started = await createApp(loadConfig({ ...process.env, DATABASE_URL: db.url, LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent', AUTH_JWT_SECRET: TEST_SECRET, RUN_SCHEDULER: 'false', ...options.env }), { clock, logger: process.env.TEST_LOG_LEVEL !== undefined });
  await started.app.init();
  const store = started.app.get<EventStore>(EVENT_STORE);
  const pool = started.app.get<Pool>(PG_POOL);
  const runtime = started.app.get(ProjectionRuntime);
  const tokens = started.app.get(TokenService);
  return {
    adminToken: await tokens.mint(BOOTSTRAP_ADMIN_ID),
    adminId: BOOTSTRAP_ADMIN_ID,
    rootUnitId: BOOTSTRAP_ROOT_UNIT_ID,
    tokenFor: (memberId) => tokens.mint(memberId),
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
