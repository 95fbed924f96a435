import { Logger } from '@nestjs/common';
import type { Pool } from 'pg';
import request from 'supertest';
import { FixedClock } from '@app/kernel';
import { EVENT_STORE, EventStore } from '@app/event-store';
import { ProjectionDefinition, ProjectionRuntime, ReactorDefinition, waitForProjections } from '@app/projections';
import { loadConfig, Metrics, PG_POOL } from '@app/platform';
import { TokenService } from '@app/access';
import { Scheduler } from '@app/scheduler';
import { createTestDatabase, TestDatabase } from '@test/support';
import { createApp, StartedApp } from '../../apps/api/src/bootstrap';
import { BOOTSTRAP_ADMIN_ID, BOOTSTRAP_ROOT_UNIT_ID } from '../../apps/api/src/bootstrap-admin';

/**
 * Issue 12 part 8: GET /metrics (Prometheus text format, ops.read) and the correlation id on every log line.
 * The app runs with two test definitions beside the real ones: a projection that logs each UnitRegistered and
 * fails on a unit named 毒… (a dead letter, policy skip), and a reactor whose effect for a unit named 待发… is
 * held until the spec ends (a pending effect). Its log lines are captured from pino's destination.
 */
type LogLine = { msg?: string; correlationId?: string; context?: string; [key: string]: unknown };
const lines: LogLine[] = [];
const logStream = { write: (chunk: string) => void chunk.split('\n').filter(Boolean).forEach((l) => lines.push(JSON.parse(l) as LogLine)) };

const probeLog = new Logger('MetricsProbe');
type UnitData = { unitId: string; name: string };
const probe: ProjectionDefinition = {
  name: 'metrics-probe',
  version: 1,
  tables: [],
  eventTypes: ['UnitRegistered'],
  onError: 'skip',
  async applyBatch(events) {
    for (const e of events) {
      const data = e.data as UnitData;
      probeLog.log({ msg: 'metrics probe applied', unitId: data.unitId });
      if (data.name.startsWith('毒')) throw new Error('poison unit name');
    }
  },
};
let release: () => void = () => undefined;
const held = new Promise<void>((resolve) => (release = resolve));
const reactor: ReactorDefinition = {
  kind: 'reactor',
  name: 'metrics-reactor',
  version: 1,
  tables: [],
  eventTypes: ['UnitRegistered'],
  async apply(event, ctx) {
    const data = event.data as UnitData;
    if (data.name.startsWith('待发')) await ctx.effect(`hold:${data.unitId}`, { task: 'hold', payload: { unitId: data.unitId } });
  },
  effects: {
    hold: async (payload: { unitId: string }) => {
      probeLog.log({ msg: 'metrics effect delivered', unitId: payload.unitId });
      await held;
    },
  },
};

/** The value of one sample of the exposition (labels in the order prom-client writes them), undefined when absent. */
const sample = (text: string, name: string, labels: Record<string, string> = {}): number | undefined => {
  const wanted = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  const line = text.split('\n').find((l) => {
    if (!l.startsWith(`${name}{`) && !l.startsWith(`${name} `)) return false;
    const inner = l.startsWith(`${name}{`) ? l.slice(name.length + 1, l.indexOf('}')).split(',') : [];
    return wanted.length === inner.length && wanted.every((w) => inner.includes(w));
  });
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
};

describe('GET /metrics and correlation ids in the logs', () => {
  let db: TestDatabase;
  let started: StartedApp;
  let http: ReturnType<typeof request>;
  let admin: { Authorization: string };
  let store: EventStore;
  let pool: Pool;
  let settle: () => Promise<void>;
  let clock: FixedClock;
  const scrape = async (correlationId?: string) => {
    const req = http.get('/metrics').set(admin);
    return (await (correlationId ? req.set('X-Correlation-Id', correlationId) : req).expect(200)).text;
  };

  beforeAll(async () => {
    db = await createTestDatabase({ migrate: false, poolSize: 2 });
    clock = new FixedClock(new Date('2026-03-02T01:00:00Z'));
    const config = loadConfig({ ...process.env, DATABASE_URL: db.url, LOG_LEVEL: 'info', AUTH_JWT_SECRET: 'test-secret-for-e2e-specs-only-0123456789', RUN_SCHEDULER: 'false' });
    started = await createApp(config, { clock, projections: [probe, reactor], logStream });
    await started.app.init();
    started.app.flushLogs(); // Nest buffers its Logger's lines until listen(); the spec never listens
    http = request(started.app.getHttpServer());
    admin = { Authorization: `Bearer ${await started.app.get(TokenService).mint(BOOTSTRAP_ADMIN_ID)}` };
    store = started.app.get<EventStore>(EVENT_STORE);
    pool = started.app.get<Pool>(PG_POOL);
    const runtime = started.app.get(ProjectionRuntime);
    settle = () => waitForProjections(pool, store, runtime);
    await http.post('/v1/unit-types').set(admin).send({ key: 'section', name: '科室' }).expect(201);
    await settle();
  }, 60_000);
  afterAll(async () => {
    release();
    await started?.close();
    await db?.drop();
  });

  describe('access', () => {
    it('401 without a token, 403 for a member without ops.read, the text format with it', async () => {
      await http.get('/metrics').expect(401);
      const member = await http.post('/v1/members').set(admin).send({ name: '无权限' }).expect(201);
      const token = await started.app.get(TokenService).mint(member.body.memberId as string);
      const denied = await http.get('/metrics').set('Authorization', `Bearer ${token}`).expect(403);
      expect(denied.body).toMatchObject({ permission: 'ops.read' });
      const ok = await http.get('/metrics').set(admin).expect(200);
      expect(ok.headers['content-type']).toMatch(/^text\/plain;.*version=0\.0\.4/);
      expect(ok.text).toContain('# TYPE baosong_command_duration_seconds histogram');
      expect(ok.text).toContain('process_resident_memory_bytes');
    });
  });

  describe('after some commands', () => {
    let before: string;
    let after: string;
    let headBefore: bigint;
    const unitId = '31111111-2222-4333-8444-555555555555';
    beforeAll(async () => {
      before = await scrape();
      headBefore = await store.headPosition();
      const body = { unitId, name: '法制科', unitType: 'section', parentId: BOOTSTRAP_ROOT_UNIT_ID };
      await http.post('/v1/units').set(admin).set('X-Correlation-Id', 'corr-metrics-ok').set('Idempotency-Key', 'metrics-unit-0001').send(body).expect(201);
      await http.post('/v1/units').set(admin).set('Idempotency-Key', 'metrics-unit-0001').send(body).expect(201); // duplicate
      await http.post('/v1/units').set(admin).send(body).expect(409); // unit-already-registered: rejected
      await http.put(`/v1/units/${unitId}/name`).set(admin).set('If-Match', '"7"').send({ name: '法制大队' }).expect(412); // conflict
      await http.post('/v1/units').set(admin).set('X-Correlation-Id', 'corr-metrics-poison').send({ name: '毒丸科', unitType: 'section', parentId: BOOTSTRAP_ROOT_UNIT_ID }).expect(201);
      await http.post('/v1/units').set(admin).set('X-Correlation-Id', 'corr-metrics-effect').send({ name: '待发科', unitType: 'section', parentId: BOOTSTRAP_ROOT_UNIT_ID }).expect(201);
      await settle();
      await pool.query(
        `INSERT INTO reactor_effects (reactor, effect_key, position, task, payload, status, attempts, last_error) VALUES ('metrics-reactor', 'failed-1', 1, 'hold', '{}', 'failed', 6, 'receiver down')`,
      );
      after = await scrape();
    }, 30_000);

    const delta = (name: string, labels: Record<string, string>) => (sample(after, name, labels) ?? 0) - (sample(before, name, labels) ?? 0);

    it('the command histogram counts each command by type and outcome', () => {
      const count = 'baosong_command_duration_seconds_count';
      expect(delta(count, { command: 'RegisterUnit', outcome: 'ok' })).toBe(3);
      expect(delta(count, { command: 'RegisterUnit', outcome: 'duplicate' })).toBe(1);
      expect(delta(count, { command: 'RegisterUnit', outcome: 'rejected' })).toBe(1);
      expect(delta(count, { command: 'RenameUnit', outcome: 'conflict' })).toBe(1);
      expect(sample(after, 'baosong_command_duration_seconds_bucket', { le: '+Inf', command: 'RegisterUnit', outcome: 'ok' })).toBe(sample(after, count, { command: 'RegisterUnit', outcome: 'ok' }));
    });

    it('events appended equals what the log gained, and the head gauge is the log head', async () => {
      const appended = await store.readAll({ after: headBefore, maxCount: 1000 });
      expect(appended.length).toBeGreaterThanOrEqual(3);
      expect(delta('baosong_events_appended_total', {})).toBe(appended.length);
      expect(sample(after, 'baosong_log_head_position')).toBe(Number(await store.headPosition()));
    });

    it('a lag gauge per build of every projection, equal to GET /v1/ops/projections', async () => {
      const [text, status] = await Promise.all([scrape(), http.get('/v1/ops/projections').set(admin).expect(200)]);
      const all = status.body as { name: string; kind: string; deadLetters: number; builds: { buildId: string; state: string; lagEvents: number; lagSeconds: number; position: string }[] }[];
      expect(all.length).toBeGreaterThan(10);
      for (const p of all) {
        for (const b of p.builds) {
          const labels = { projection: p.name, kind: p.kind, build: b.buildId, state: b.state };
          expect([p.name, sample(text, 'baosong_projection_lag_events', labels)]).toEqual([p.name, b.lagEvents]);
          expect([p.name, sample(text, 'baosong_projection_lag_seconds', labels)]).toEqual([p.name, b.lagSeconds]);
          expect([p.name, sample(text, 'baosong_projection_position', labels)]).toEqual([p.name, Number(b.position)]);
        }
        expect([p.name, sample(text, 'baosong_dead_letters', { projection: p.name })]).toEqual([p.name, p.deadLetters]);
      }
      expect(text.split('\n').filter((l) => l.startsWith('baosong_projection_lag_events{')).length).toBe(all.reduce((n, p) => n + p.builds.length, 0));
    });

    it('the poison event shows as an open dead letter of its projection', () => {
      expect(sample(after, 'baosong_dead_letters', { projection: 'metrics-probe' })).toBe(1);
      expect(sample(after, 'baosong_dead_letters', { projection: 'org-directory' })).toBe(0);
    });

    it('the effect being delivered is backlog, the failed one a failure, per reactor', () => {
      expect(sample(after, 'baosong_effects_backlog', { reactor: 'metrics-reactor' })).toBe(1);
      expect(sample(after, 'baosong_effects_failed', { reactor: 'metrics-reactor' })).toBe(1);
      expect(sample(after, 'baosong_effects_backlog', { reactor: 'incident-reminders' })).toBe(0);
      expect(sample(after, 'baosong_effects_oldest_pending_seconds', { reactor: 'metrics-reactor' })).toBeGreaterThanOrEqual(0);
    });

    it('the scheduler backlog is exposed by kind (nothing due: the clock stands before the first event)', () => {
      for (const kind of ['deadline', 'day', 'month', 'quarter', 'year']) expect(sample(after, 'baosong_scheduler_backlog', { kind })).toBe(0);
    });

    it('lines logged while a projection handles an event, and while its effect is delivered, carry the event\'s correlation id', async () => {
      const applied = lines.filter((l) => l.msg === 'metrics probe applied' && l.unitId === unitId);
      expect(applied.length).toBeGreaterThan(0);
      expect(applied.map((l) => l.correlationId)).toEqual(applied.map(() => 'corr-metrics-ok'));
      const poison = lines.filter((l) => l.msg === 'metrics probe applied' && l.correlationId === 'corr-metrics-poison');
      expect(poison.length).toBeGreaterThan(0);
      for (let i = 0; i < 200 && !lines.some((l) => l.msg === 'metrics effect delivered'); i++) await new Promise((resolve) => setTimeout(resolve, 25));
      expect(lines.filter((l) => l.msg === 'metrics effect delivered').map((l) => l.correlationId)).toEqual(['corr-metrics-effect']);
    });
  });

  describe('when business periods have ended and the scheduler has not run', () => {
    it('the scheduler backlog counts them by kind, and is 0 again once the scheduler has appended them', async () => {
      const [first] = await store.readAll({ after: 0n, maxCount: 1 });
      clock.set(new Date(Date.parse(first!.metadata.recordedAt) + 400 * 86_400_000)); // 400 days after the first event
      const due = await scrape();
      for (const kind of ['day', 'month', 'quarter', 'year']) expect([kind, sample(due, 'baosong_scheduler_backlog', { kind })! > 0]).toEqual([kind, true]);
      expect(sample(due, 'baosong_scheduler_backlog', { kind: 'day' })).toBeGreaterThanOrEqual(399);
      const { periods } = await started.app.get(Scheduler).tick();
      await settle();
      const after = await scrape();
      for (const kind of ['day', 'month', 'quarter', 'year']) expect([kind, sample(after, 'baosong_scheduler_backlog', { kind })]).toEqual([kind, 0]);
      const total = ['day', 'month', 'quarter', 'year'].reduce((n, kind) => n + sample(due, 'baosong_scheduler_backlog', { kind })!, 0);
      expect(periods).toBe(total);
    });
  });

  describe('when a collector fails', () => {
    it('the scrape answers without its metrics, and the line it logs inside the request carries the request\'s correlation id', async () => {
      started.app.get(Metrics).addCollector('broken', (gauge) => {
        gauge('baosong_broken_on_purpose', 'a collector whose query fails');
        return async () => {
          throw new Error('relation "rm.nowhere" does not exist');
        };
      });
      const text = await scrape('corr-metrics-scrape');
      expect(text).not.toContain('baosong_broken_on_purpose');
      expect(sample(text, 'baosong_metrics_collector_failures_total', { collector: 'broken' })).toBe(1);
      expect(sample(text, 'baosong_dead_letters', { projection: 'metrics-probe' })).toBe(1);
      const failed = lines.filter((l) => l.msg === 'metrics collector failed: its metrics are left out of this scrape');
      expect(failed.map((l) => [l.collector, l.correlationId])).toEqual([['broken', 'corr-metrics-scrape']]);
    });
  });

  describe('when a request starts a rebuild', () => {
    it('the rebuild\'s runner does not log with the request\'s correlation id (it runs in the runtime\'s own context)', async () => {
      const from = lines.length;
      await http.post('/v1/ops/projections/metrics-probe/rebuild').set(admin).set('X-Correlation-Id', 'corr-metrics-rebuild').expect(202);
      await settle();
      const rebuilt = lines.slice(from).filter((l) => l.msg === 'metrics probe applied');
      expect(rebuilt.length).toBeGreaterThan(0);
      expect(rebuilt.filter((l) => l.correlationId === 'corr-metrics-rebuild')).toEqual([]);
    });
  });
});
