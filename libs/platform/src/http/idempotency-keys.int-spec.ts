import { IdempotencyKeyReused } from '@app/kernel';
import { createTestDatabase, TestDatabase } from '@test/support';
import { IDEMPOTENCY_KEY_RETENTION_DAYS, IdempotencyKeyBinding, IdempotencyKeys } from './idempotency-keys';

describe('IdempotencyKeys (PostgreSQL)', () => {
  let db: TestDatabase;
  let keys: IdempotencyKeys;
  const binding = (over: Partial<IdempotencyKeyBinding> = {}): IdempotencyKeyBinding => ({
    memberId: 'member-a',
    key: 'key-0000001',
    fingerprint: 'v1:approve',
    method: 'POST',
    path: '/v1/drafts/d-1/steps/0/approve',
    commandId: '00000000-0000-5000-8000-000000000001',
    ...over,
  });
  const rows = async (key: string) => (await db.pool.query('SELECT member_id, fingerprint, path FROM idempotency_keys WHERE key = $1 ORDER BY member_id', [key])).rows;

  beforeAll(async () => {
    db = await createTestDatabase({ poolSize: 12 });
    keys = new IdempotencyKeys(db.pool);
  });
  afterAll(async () => {
    await db.drop();
  });

  describe('when the key is new', () => {
    it('binds it to the request, and the same request again goes through', async () => {
      await keys.bind(binding());
      await keys.bind(binding());
      expect(await rows('key-0000001')).toEqual([{ member_id: 'member-a', fingerprint: 'v1:approve', path: '/v1/drafts/d-1/steps/0/approve' }]);
    });
  });

  describe('when the key is bound', () => {
    it('refuses another request with it (422 idempotency-key-reused), naming the first request', async () => {
      await keys.bind(binding({ key: 'key-0000002' }));
      const error = await keys.bind(binding({ key: 'key-0000002', fingerprint: 'v1:return', path: '/v1/drafts/d-1/steps/0/return' })).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(IdempotencyKeyReused);
      expect((error as IdempotencyKeyReused).details).toMatchObject({ field: 'Idempotency-Key', key: 'key-0000002', firstRequest: 'POST /v1/drafts/d-1/steps/0/approve' });
      expect(await rows('key-0000002')).toEqual([expect.objectContaining({ fingerprint: 'v1:approve' })]);
    });
    it('leaves other members free to use the same key for anything', async () => {
      await keys.bind(binding({ key: 'key-0000003' }));
      await keys.bind(binding({ key: 'key-0000003', memberId: 'member-b', fingerprint: 'v1:other' }));
      expect((await rows('key-0000003')).map((r) => r.member_id)).toEqual(['member-a', 'member-b']);
    });
  });

  describe('when requests with one key arrive at once', () => {
    it('ten different requests: exactly one binds the key, nine are refused', async () => {
      const results = await Promise.allSettled(Array.from({ length: 10 }, (_, i) => keys.bind(binding({ key: 'key-0000004', fingerprint: `v1:request-${i}` }))));
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      const refused = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      expect(refused).toHaveLength(9);
      for (const r of refused) expect(r.reason).toBeInstanceOf(IdempotencyKeyReused);
      const [row] = await rows('key-0000004');
      expect(results.findIndex((r) => r.status === 'fulfilled')).toBe(Number(String(row!.fingerprint).split('-')[1]));
    });
    it('ten identical requests: all go through, one binding', async () => {
      const results = await Promise.allSettled(Array.from({ length: 10 }, () => keys.bind(binding({ key: 'key-0000005' }))));
      expect(results.every((r) => r.status === 'fulfilled')).toBe(true);
      expect(await rows('key-0000005')).toHaveLength(1);
    });
  });

  describe(`when a binding is older than its retention (${IDEMPOTENCY_KEY_RETENTION_DAYS} days)`, () => {
    const age = async (key: string, days: number) =>
      db.pool.query(`UPDATE idempotency_keys SET first_seen_at = now() - make_interval(days => $2) WHERE key = $1`, [key, days]);

    it('a new request takes the key over', async () => {
      await keys.bind(binding({ key: 'key-0000006' }));
      await age('key-0000006', IDEMPOTENCY_KEY_RETENTION_DAYS + 1);
      await keys.bind(binding({ key: 'key-0000006', fingerprint: 'v1:later' }));
      expect(await rows('key-0000006')).toEqual([expect.objectContaining({ fingerprint: 'v1:later' })]);
    });
    it('one day short of it, the key is still bound', async () => {
      await keys.bind(binding({ key: 'key-0000007' }));
      await age('key-0000007', IDEMPOTENCY_KEY_RETENTION_DAYS - 1);
      await expect(keys.bind(binding({ key: 'key-0000007', fingerprint: 'v1:later' }))).rejects.toBeInstanceOf(IdempotencyKeyReused);
    });
    it('the purge deletes expired bindings and keeps the others', async () => {
      await keys.bind(binding({ key: 'key-0000008' }));
      await keys.bind(binding({ key: 'key-0000009' }));
      await age('key-0000008', IDEMPOTENCY_KEY_RETENTION_DAYS + 1);
      expect(await keys.purgeExpired()).toBeGreaterThanOrEqual(1);
      expect(await rows('key-0000008')).toEqual([]);
      expect(await rows('key-0000009')).toHaveLength(1);
    });
  });
});
