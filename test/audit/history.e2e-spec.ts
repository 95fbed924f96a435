import { PostgresEventStore, type RecordedEvent } from '@app/event-store';
import { generateHistory } from '@app/generator';
import { streamCategory } from '@app/kernel';
import type { DemoOrganization } from '@app/organization';
import {
  AuthHeaders,
  createTestDatabase,
  demoAuth,
  draftContent,
  seedDemo,
  seedDemoActivityOf,
  seedDemoIncidentsOf,
  seedDemoPayoutsOf,
  startTestApp,
  TestApp,
} from '@test/support';

/**
 * History APIs (issue 12 part 1) through HTTP, on the demo institution with its reporting history, incidents and
 * payout ledger (what `seed demo` writes), plus two requests of our own with a known correlation id. Every answer
 * is held against an independent computation over what the store's readAll and readStream hold.
 */

type AuditEvent = { streamId: string; revision: string; position: string; type: string; schemaVersion: number; data: unknown; metadata: Record<string, unknown> };

/** An event as the audit API must show it, computed here from the store's own read (not with the API's mapping). */
const view = (e: RecordedEvent): AuditEvent => ({
  streamId: e.streamId,
  revision: e.revision.toString(),
  position: e.position.toString(),
  type: e.type,
  schemaVersion: e.metadata.schemaVersion,
  data: e.data,
  metadata: {
    eventId: e.metadata.eventId,
    actorId: e.metadata.actorId,
    recordedAt: e.metadata.recordedAt,
    correlationId: e.metadata.correlationId,
    causationId: e.metadata.causationId,
    commandId: e.metadata.commandId,
    ...(e.metadata.requestFingerprint === undefined ? {} : { requestFingerprint: e.metadata.requestFingerprint }),
  },
});
const positions = (events: readonly { position: bigint | string }[]) => events.map((e) => e.position.toString());

describe('audit: histories, the global log, a request\'s events (HTTP)', () => {
  let t: TestApp;
  let demo: DemoOrganization;
  let auth: Record<string, AuthHeaders>;
  let auditor: AuthHeaders;
  let log: RecordedEvent[];
  const CORRELATION = 'audit-e2e-draft-0001';
  let draftId: string;

  const get = (path: string, as: AuthHeaders = auditor) => t.http.get(path).set(as);
  const ok = async (path: string, as?: AuthHeaders) => {
    const res = await get(path, as);
    expect({ path, status: res.status, body: res.status === 200 ? undefined : res.body }).toEqual({ path, status: 200, body: undefined });
    return res.body;
  };
  /** Every page of GET /v1/audit/events with this query, following `next`. */
  const pages = async (query: string, limit = 1000): Promise<{ items: AuditEvent[]; requests: number }> => {
    const items: AuditEvent[] = [];
    let cursor: string | null = null;
    let requests = 0;
    do {
      const body = await ok(`/v1/audit/events?${query}${query ? '&' : ''}limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`);
      requests++;
      expect(body.items.length).toBeLessThanOrEqual(limit);
      if (body.next !== null) expect(body.items).toHaveLength(limit);
      items.push(...body.items);
      cursor = body.next;
    } while (cursor !== null && requests < 10_000);
    return { items, requests };
  };

  beforeAll(async () => {
    t = await startTestApp();
    demo = await seedDemo(t);
    const activity = await seedDemoActivityOf(t, demo);
    await seedDemoPayoutsOf(t, demo, activity);
    await seedDemoIncidentsOf(t, demo);
    auth = await demoAuth(t, demo);
    auditor = auth.auditor!;
    // two requests of the reporter under one correlation id: create a draft, then submit it
    const created = await t.http.post('/v1/drafts').set(auth.reporter!).set('X-Correlation-Id', CORRELATION).send({ unitId: demo.units.office, ...draftContent(demo.byRole.reporter.memberId) }).expect(201);
    draftId = created.body.draftId;
    await t.http.post(`/v1/drafts/${draftId}/submit`).set(auth.reporter!).set('X-Correlation-Id', CORRELATION).expect(200);
    await t.http.put(`/v1/units/${demo.units.office}/name`).set(auth.administrator!).set('X-Correlation-Id', 'audit-e2e-rename').send({ name: '办公室（综合科）' }).expect(200);
    await t.settle();
    log = await t.store.readAll({ maxCount: 1_000_000 });
  }, 180_000);
  afterAll(() => t.close());

  describe("an aggregate's history", () => {
    /** The first stream of a category in the log, and its id. */
    const firstOf = (category: string) => {
      const streamId = log.find((e) => streamCategory(e.streamId) === category)!.streamId;
      return { streamId, id: streamId.slice(category.length + 1) };
    };

    it.each([
      ['draft', 'draft'],
      ['incident', 'incident'],
      ['unit', 'unit'],
      ['member', 'member'],
      ['policy', 'policy'],
      ['channel', 'channel'],
      ['publication-metrics', 'metrics'],
    ])('%s: every event of its stream with its metadata, as readStream holds it', async (kind, category) => {
      const { streamId, id } = firstOf(category);
      const stored = await t.store.readStream(streamId);
      expect(stored.length).toBeGreaterThan(0);
      const body = await ok(`/v1/audit/aggregates/${kind}/${id}/events`);
      expect(body).toEqual({ kind, id, streamId, revision: stored[stored.length - 1]!.revision.toString(), events: stored.map(view) });
      for (const e of body.events) expect(Object.keys(e.metadata)).toEqual(expect.arrayContaining(['eventId', 'actorId', 'recordedAt', 'correlationId', 'causationId', 'commandId']));
    });

    it('a draft sent over HTTP shows who sent it, with the request\'s correlation id', async () => {
      const body = await ok(`/v1/audit/aggregates/draft/${draftId}/events`);
      expect(body.events.map((e: AuditEvent) => [e.type, e.metadata.actorId, e.metadata.correlationId])).toEqual([
        ['DraftCreated', demo.byRole.reporter.memberId, CORRELATION],
        ['DraftSubmitted', demo.byRole.reporter.memberId, CORRELATION],
      ]);
    });

    it('payout-period: the events of the payout ledger that name the period', async () => {
      const ledger = await t.store.readStream('payouts');
      const periodId = (ledger.find((e) => e.type === 'PayoutPeriodClosed')!.data as { periodId: string }).periodId;
      const mine = ledger.filter((e) => (e.data as { periodId?: string }).periodId === periodId);
      expect(mine.length).toBeGreaterThan(1);
      expect(mine.length).toBeLessThan(ledger.length);
      const body = await ok(`/v1/audit/aggregates/payout-period/${periodId}/events`);
      expect(body).toMatchObject({ kind: 'payout-period', id: periodId, streamId: 'payouts' });
      expect(body.events).toEqual(mine.map(view));
    });

    it('any stream by its id (the payout ledger, the org configuration)', async () => {
      for (const streamId of ['payouts', 'orgconfig-default']) {
        const body = await ok(`/v1/audit/streams/${streamId}/events`);
        expect(body.events).toEqual((await t.store.readStream(streamId)).map(view));
      }
    });

    it('404 for an aggregate with no events; 400 naming `kind` (with the kinds) or `id`', async () => {
      const missing = await get('/v1/audit/aggregates/draft/00000000-0000-4000-8000-000000000000/events').expect(404);
      expect(missing.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(missing.body).toMatchObject({ type: 'urn:baosong:problem:not-found', resource: 'draft' });
      await get('/v1/audit/streams/nothing-here/events').expect(404);
      const kind = await get(`/v1/audit/aggregates/spaceship/${draftId}/events`).expect(400);
      expect(kind.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(kind.body).toMatchObject({ type: 'urn:baosong:problem:validation-failed', errors: [{ field: 'kind' }] });
      for (const known of ['draft', 'incident', 'unit', 'member', 'policy', 'payout-period']) expect(kind.body.errors[0].message).toContain(known);
      const id = await get('/v1/audit/aggregates/unit/not-a-uuid/events').expect(400);
      expect(id.body).toMatchObject({ errors: [{ field: 'id' }] });
    });
  });

  describe('the global log', () => {
    const narrows = (expected: readonly RecordedEvent[]) => {
      expect(expected.length).toBeGreaterThan(0);
      expect(expected.length).toBeLessThan(log.length);
    };
    const expectPage = async (query: string, expected: readonly RecordedEvent[]) => {
      narrows(expected);
      const { items } = await pages(query);
      expect(positions(items)).toEqual(positions(expected));
      return items;
    };

    it('unfiltered, paged with the cursor: every event once, in position order, with its metadata', async () => {
      const { items, requests } = await pages('', 97);
      expect(requests).toBe(Math.ceil(log.length / 97) + (log.length % 97 === 0 ? 1 : 0));
      expect(items).toEqual(log.map(view));
    });

    it('paged with a filter: the pages hold `limit` matching events each, and together exactly the matching ones', async () => {
      const expected = log.filter((e) => streamCategory(e.streamId) === 'draft');
      const { items, requests } = await pages('category=draft', 7);
      expect(requests).toBeGreaterThan(3);
      expect(items).toEqual(expected.map(view));
    });

    it('by type: repeated or as a comma list', async () => {
      const expected = log.filter((e) => e.type === 'DraftSubmitted' || e.type === 'UnitRegistered');
      await expectPage('type=DraftSubmitted&type=UnitRegistered', expected);
      await expectPage('type=DraftSubmitted,UnitRegistered', expected);
    });

    it('by stream category', async () => {
      await expectPage('category=unit,member', log.filter((e) => ['unit', 'member'].includes(streamCategory(e.streamId))));
      await expectPage('category=payouts', log.filter((e) => e.streamId === 'payouts'));
    });

    it('by actor', async () => {
      await expectPage(`actorId=${demo.byRole.reporter.memberId}`, log.filter((e) => e.metadata.actorId === demo.byRole.reporter.memberId));
      await expectPage(`actorId=${demo.byRole.administrator.memberId}&category=unit`, log.filter((e) => e.metadata.actorId === demo.byRole.administrator.memberId && streamCategory(e.streamId) === 'unit'));
    });

    it('by correlation id', async () => {
      await expectPage(`correlationId=${CORRELATION}`, log.filter((e) => e.metadata.correlationId === CORRELATION));
    });

    it('by recorded time: from (included) and to (excluded)', async () => {
      const from = log[Math.floor(log.length / 3)]!.metadata.recordedAt;
      const to = log[Math.floor((2 * log.length) / 3)]!.metadata.recordedAt;
      const at = (e: RecordedEvent) => Date.parse(e.metadata.recordedAt);
      await expectPage(`from=${from}&to=${to}`, log.filter((e) => at(e) >= Date.parse(from) && at(e) < Date.parse(to)));
      await expectPage(`from=${from}`, log.filter((e) => at(e) >= Date.parse(from)));
      // the same instant with an offset
      const shifted = new Date(Date.parse(to) + 8 * 3600_000).toISOString().replace('Z', '+08:00');
      await expectPage(`to=${encodeURIComponent(shifted)}`, log.filter((e) => at(e) < Date.parse(to)));
    });

    it('by position: after (excluded) and to (included)', async () => {
      const after = log[10]!.position;
      const to = log[50]!.position;
      const items = await expectPage(`afterPosition=${after}&toPosition=${to}`, log.filter((e) => e.position > after && e.position <= to));
      expect(items).toHaveLength(40);
      const body = await ok(`/v1/audit/events?afterPosition=${after}&toPosition=${to}&limit=1000`);
      expect(body).toMatchObject({ next: null, through: to.toString() });
    });

    it('never answers beyond the head, and says how far it read', async () => {
      const head = await t.store.headPosition();
      const body = await ok(`/v1/audit/events?afterPosition=${head}`);
      expect(body).toEqual({ items: [], next: null, through: head.toString() });
    });
  });

  describe("a request's events (correlation id)", () => {
    const summaryOf = (events: readonly RecordedEvent[]) => ({
      events: events.length,
      streams: [...new Set(events.map((e) => e.streamId))],
      eventTypes: [...new Set(events.map((e) => e.type))],
      actors: [...new Set(events.map((e) => e.metadata.actorId))],
      firstPosition: events[0]!.position.toString(),
      lastPosition: events[events.length - 1]!.position.toString(),
      firstRecordedAt: events[0]!.metadata.recordedAt,
      lastRecordedAt: events[events.length - 1]!.metadata.recordedAt,
    });

    it('exactly the events with that correlation id, in position order, with a summary', async () => {
      const expected = log.filter((e) => e.metadata.correlationId === CORRELATION);
      expect(expected.map((e) => e.type)).toEqual(['DraftCreated', 'DraftSubmitted']);
      const body = await ok(`/v1/audit/correlations/${CORRELATION}`);
      expect(body.events).toEqual(expected.map(view));
      expect(body).toMatchObject({ correlationId: CORRELATION, truncated: false, summary: summaryOf(expected) });
      expect(body.summary.commandIds).toHaveLength(2);
    });

    it('the seed request that touched the most streams: every stream it touched', async () => {
      const byCorrelation = new Map<string, RecordedEvent[]>();
      for (const e of log) byCorrelation.set(e.metadata.correlationId, [...(byCorrelation.get(e.metadata.correlationId) ?? []), e]);
      const [correlationId, expected] = [...byCorrelation].sort((a, b) => new Set(b[1].map((e) => e.streamId)).size - new Set(a[1].map((e) => e.streamId)).size)[0]!;
      expect(new Set(expected.map((e) => e.streamId)).size).toBeGreaterThan(1);
      const body = await ok(`/v1/audit/correlations/${encodeURIComponent(correlationId)}`);
      expect(body.events).toEqual(expected.map(view));
      expect(body.summary).toMatchObject(summaryOf(expected));
    });

    it('404 for a correlation id nothing carries; 400 for one that cannot be one', async () => {
      await get('/v1/audit/correlations/no-such-request').expect(404);
      const bad = await get(`/v1/audit/correlations/${encodeURIComponent('a b')}`).expect(400);
      expect(bad.body).toMatchObject({ errors: [{ field: 'correlationId' }] });
    });
  });

  describe('who may read', () => {
    const routes = () => [`/v1/audit/aggregates/draft/${draftId}/events`, '/v1/audit/streams/payouts/events', '/v1/audit/events', `/v1/audit/correlations/${CORRELATION}`];

    it('an auditor and an administrator may; a reporter gets 403 naming audit.read; no token is 401', async () => {
      for (const path of routes()) {
        await ok(path, auditor);
        await ok(path, auth.administrator!);
        const refused = await get(path, auth.reporter!).expect(403);
        expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
        expect(refused.body).toMatchObject({ type: 'urn:baosong:problem:forbidden', permission: 'audit.read' });
        await t.http.get(path).expect(401);
      }
    });
  });

  describe('bad query parameters', () => {
    it.each([
      ['limit=0', 'limit'],
      ['limit=1001', 'limit'],
      ['limit=ten', 'limit'],
      ['type=', 'type'],
      ['type=Draft%20Submitted', 'type'],
      ['category=Draft-x', 'category'],
      ['actorId=a%20b', 'actorId'],
      ['correlationId=', 'correlationId'],
      ['from=yesterday', 'from'],
      ['from=2026-03-01T08:00:00', 'from'],
      ['to=2026-02-30', 'to'],
      ['afterPosition=-1', 'afterPosition'],
      ['afterPosition=1e3', 'afterPosition'],
      ['toPosition=12345678901234567890', 'toPosition'],
      ['cursor=bm90LWEtY3Vyc29y', 'cursor'],
      ['cursor=%2B%2B', 'cursor'],
      ['offset=10', 'offset'],
    ])('%s is 400 problem+json naming %s', async (query, field) => {
      const res = await get(`/v1/audit/events?${query}`);
      expect(res.status).toBe(400);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.body.type).toBe('urn:baosong:problem:validation-failed');
      expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    });
  });
});

/**
 * The port's filtered read on a generated history (the generator's small plan, cut to a few thousand events):
 * every filter against the same computation over readAll, and how long a selective read takes with the indexes of
 * migrations/1763800000010_audit-log-indexes.js (AUDIT_TIMINGS=1 prints them; AUDIT_HISTORY_EVENTS sets the size).
 */
describe('readLog on a generated history (PostgreSQL)', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let store: PostgresEventStore;
  let log: RecordedEvent[];

  beforeAll(async () => {
    db = await createTestDatabase({ poolSize: 2 });
    store = new PostgresEventStore(db.pool);
    await generateHistory({ store, size: 'small', seed: 'audit-history', plan: { targetEvents: Number(process.env.AUDIT_HISTORY_EVENTS ?? 4000), months: 3 } });
    log = await store.readAll({ maxCount: 1_000_000 });
  }, 120_000);
  afterAll(async () => {
    await store.close();
    await db.drop();
  });

  it('each filter answers what the same test over readAll answers', async () => {
    expect(log.length).toBeGreaterThan(Number(process.env.AUDIT_HISTORY_EVENTS ?? 4000) / 2);
    const counts = <K extends string>(key: (e: RecordedEvent) => K) => [...log.reduce((m, e) => m.set(key(e), (m.get(key(e)) ?? 0) + 1), new Map<K, number>())].sort((a, b) => a[1] - b[1]);
    const rareType = counts((e) => e.type)[0]![0];
    const rareCategory = counts((e) => streamCategory(e.streamId))[0]![0];
    const actor = counts((e) => e.metadata.actorId).at(-2)![0];
    const correlation = log[Math.floor(log.length / 2)]!.metadata.correlationId;
    const from = log[Math.floor(log.length / 4)]!.metadata.recordedAt;
    const to = log[Math.floor(log.length / 2)]!.metadata.recordedAt;
    const cases: [string, Parameters<PostgresEventStore['readLog']>[0], (e: RecordedEvent) => boolean][] = [
      ['type', { types: [rareType, 'DraftSubmitted'] }, (e) => e.type === rareType || e.type === 'DraftSubmitted'],
      ['category', { categories: [rareCategory] }, (e) => streamCategory(e.streamId) === rareCategory],
      ['actor', { actorId: actor }, (e) => e.metadata.actorId === actor],
      ['correlation', { correlationId: correlation }, (e) => e.metadata.correlationId === correlation],
      ['time', { recordedFrom: from, recordedTo: to }, (e) => Date.parse(e.metadata.recordedAt) >= Date.parse(from) && Date.parse(e.metadata.recordedAt) < Date.parse(to)],
      ['positions', { after: log[100]!.position, upTo: log[900]!.position }, (e) => e.position > log[100]!.position && e.position <= log[900]!.position],
    ];
    for (const [name, options, test] of cases) {
      const expected = log.filter(test);
      expect({ name, narrows: expected.length > 0 && expected.length < log.length }).toEqual({ name, narrows: true });
      const started = process.hrtime.bigint();
      const read = await store.readLog({ ...options, maxCount: 1_000_000 });
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      expect({ name, positions: positions(read.events) }).toEqual({ name, positions: positions(expected) });
      if (process.env.AUDIT_TIMINGS) process.stdout.write(`readLog ${name}: ${expected.length} of ${log.length} events in ${ms.toFixed(1)} ms\n`);
    }
  }, 60_000);

  it('uses the correlation and actor indexes', async () => {
    const plan = async (where: string, value: string) =>
      JSON.stringify((await db.pool.query(`EXPLAIN (FORMAT JSON) SELECT global_position FROM es_events WHERE ${where} = $1 AND global_position > 0 ORDER BY global_position LIMIT 101`, [value])).rows);
    expect(await plan(`metadata->>'correlationId'`, log[7]!.metadata.correlationId)).toContain('es_events_correlation_idx');
    expect(await plan(`metadata->>'actorId'`, 'nobody')).toContain('es_events_actor_idx');
  });
});
