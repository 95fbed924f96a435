import { ChainService } from '@app/audit';
import { EVENT_STORE, PostgresEventStore, UpcasterRegistry, type EventStore } from '@app/event-store';
import { snapshotTables } from '@app/generator';
import { MEMBER_EVENT_SCHEMAS } from '@app/organization';
import { ProjectionRuntime } from '@app/projections';
import { bearer, startTestApp, TestApp } from '@test/support';

/**
 * Event evolution, the worked example (issue 12 item 4; docs/audit.md "Event evolution"): MemberRegistered and
 * MemberDetailsUpdated went to version 2 (idCardNumber always present). Events stored as version 1 before the
 * change are never rewritten: they are upcast on read. This spec stores version-1 events as the old code did
 * (straight into the store, stamped version 1, no idCardNumber), then holds that: every read sees version 2; the
 * directory projects old and new events alike; a rebuild after the change gives the same tables; the stored rows
 * are untouched, so the hash chain, which covers the stored form, still verifies.
 */
describe('event evolution: version 2 of the member events with an upcaster', () => {
  let t: TestApp;
  const OLD = '00000000-0000-4000-8000-0000000e0001';

  beforeAll(async () => {
    t = await startTestApp();
    // what version 1 of the code appended: no idCardNumber, schemaVersion 1 (phone in clear: the type's personal
    // fields were not declared yet either)
    const raw = new PostgresEventStore(t.pool);
    const meta = (n: number) => {
      const id = `00000000-0000-4000-8000-0000000e01${String(n).padStart(2, '0')}`;
      return { eventId: id, correlationId: id, causationId: id, commandId: id, actorId: 'old-code', schemaVersion: 1 };
    };
    await raw.appendToStream(`member-${OLD}`, [
      { type: 'MemberRegistered', data: { memberId: OLD, name: '老成员', phone: '13600000000', email: null, status: 'active', registeredAt: '2025-06-01T00:00:00.000Z' }, metadata: meta(1) },
      { type: 'MemberDetailsUpdated', data: { memberId: OLD, name: '老成员', phone: '13600000001', email: 'old@example.gov.cn', updatedAt: '2025-07-01T00:00:00.000Z' }, metadata: meta(2) },
    ], 'no_stream');
    await raw.close();
    // and one member of the new code, with an ID card number
    await t.http.post('/v1/members').set(bearer(t.adminToken)).send({ name: '新成员', idCardNumber: '11010519491231002X' }).expect(201);
    await t.settle();
  });
  afterAll(async () => t?.close());

  it('the upcaster turns a version-1 payload into version 2, and leaves a version-2 one alone', () => {
    const registry = new UpcasterRegistry().register(...MEMBER_EVENT_SCHEMAS);
    const v1 = { streamId: 'member-x', revision: 0n, position: 1n, type: 'MemberRegistered', data: { memberId: 'x', name: 'n', phone: null, email: null, status: 'active', registeredAt: 'r' }, metadata: { schemaVersion: 1 } as never };
    expect(registry.upcast(v1)).toMatchObject({ data: { ...v1.data, idCardNumber: null }, metadata: { schemaVersion: 2 } });
    const v2 = { ...v1, data: { ...v1.data, idCardNumber: '11010519491231002X' }, metadata: { schemaVersion: 2 } as never };
    expect(registry.upcast(v2)).toBe(v2);
    expect(registry.currentVersion('MemberRegistered')).toBe(2);
  });

  it('every read sees version 2; the stored rows stay version 1 as they were written', async () => {
    const store = t.app.get<EventStore>(EVENT_STORE);
    const events = await store.readStream(`member-${OLD}`);
    expect(events.map((e) => [e.type, e.metadata.schemaVersion, (e.data as { idCardNumber: unknown }).idCardNumber])).toEqual([
      ['MemberRegistered', 2, null],
      ['MemberDetailsUpdated', 2, null],
    ]);
    const { rows } = await t.pool.query<{ schema_version: number; has: boolean }>(`SELECT schema_version, data ? 'idCardNumber' AS has FROM es_events WHERE stream_id = $1 ORDER BY stream_revision`, [`member-${OLD}`]);
    expect(rows).toEqual([{ schema_version: 1, has: false }, { schema_version: 1, has: false }]);
    const fresh = await t.pool.query<{ schema_version: number }>(`SELECT schema_version FROM es_events WHERE event_type = 'MemberRegistered' AND data->>'name' = '新成员'`);
    expect(fresh.rows[0]!.schema_version).toBe(2);
  });

  it('the directory projects old and new events alike, and a rebuild after the change gives the same tables; the chain verifies', async () => {
    const admin = bearer(t.adminToken);
    const old = await t.http.get(`/v1/members/${OLD}`).set(admin).expect(200);
    expect(old.body).toMatchObject({ name: '老成员', phone: '136****0001', email: 'o***@example.gov.cn', idCardNumber: null, revision: '1' });

    const live = async () => (await t.pool.query<{ schema_name: string }>(`SELECT schema_name FROM projection_builds WHERE projection = 'org-directory' AND state = 'live'`)).rows[0]!.schema_name;
    const liveBefore = await live();
    const before = await snapshotTables(t.pool, liveBefore, ['members', 'appointments']);
    const runtime = t.app.get(ProjectionRuntime);
    const buildId = await runtime.requestRebuild('org-directory');
    for (let i = 0; i < 300; i++) {
      const { rows } = await t.pool.query<{ state: string }>('SELECT state FROM projection_builds WHERE build_id = $1', [buildId]);
      if (rows[0]?.state === 'live') break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const schema = await live();
    expect(schema).not.toBe(liveBefore); // the rebuilt build took over
    expect(before.find((tb) => tb.table === 'members')?.rows).toHaveLength(3); // the administrator, the old member, the new one
    expect(await snapshotTables(t.pool, schema, ['members', 'appointments'])).toEqual(before);

    expect(await t.app.get(ChainService).verify()).toMatchObject({ ok: true, breakCount: 0 });
  });
});
