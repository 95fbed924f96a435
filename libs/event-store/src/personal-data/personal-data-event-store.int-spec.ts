import { randomBytes } from 'node:crypto';
import { ERASED, PersonalDataRegistry } from '@app/kernel';
import { createTestDatabase, TestDatabase } from '@test/support';
import { PostgresEventStore } from '../postgres/postgres-event-store';
import type { EventToAppend } from '../event-store.port';
import { LocalKeyEncryptionKey } from './key-encryption';
import { PersonalDataEventStore } from './personal-data-event-store';
import { PersonalKeys } from './personal-keys';

let n = 0;
const event = (type: string, data: unknown): EventToAppend => {
  n += 1;
  const id = `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
  return { type, data, metadata: { eventId: id, correlationId: id, causationId: id, commandId: id, actorId: 't', schemaVersion: 1 } };
};

/** Two instances over one database: each its own store, key cache and (same) key-encryption key. */
describe('personal data in the store, two instances', () => {
  let db: TestDatabase;
  let raw: PostgresEventStore;
  let a: PersonalDataEventStore;
  let b: PersonalDataEventStore;
  let keysA: PersonalKeys;
  let keysB: PersonalKeys;

  beforeEach(async () => {
    db = await createTestDatabase();
    raw = new PostgresEventStore(db.pool);
    const registry = new PersonalDataRegistry();
    registry.register([{ eventType: 'Registered', subjectPath: 'who', fields: [{ path: 'phone', kind: 'phone' }] }]);
    const kek = new LocalKeyEncryptionKey(randomBytes(32));
    keysA = new PersonalKeys(db.pool, kek);
    keysB = new PersonalKeys(db.pool, kek);
    a = new PersonalDataEventStore(raw, registry, keysA);
    b = new PersonalDataEventStore(raw, registry, keysB);
  });
  afterEach(async () => {
    await raw.close();
    await db.drop();
  });

  const phoneOf = async (store: PersonalDataEventStore, stream: string) => (await store.readStream(stream)).map((e) => (e.data as { phone: string | null }).phone);

  it('a key another instance created after this one cached "no key" still opens the value (never read as erased)', async () => {
    await a.appendToStream('p-1', [event('Registered', { who: 'p1', phone: null })]);
    expect(await phoneOf(b, 'p-1')).toEqual([null]); // b now knows p1 has no key
    await a.appendToStream('p-1', [event('Registered', { who: 'p1', phone: '13912345678' })]);
    expect(await phoneOf(b, 'p-1')).toEqual([null, '13912345678']);
  });

  it('an erasure on one instance reads erased there at once; events of no person pass; personal fields with no person are refused', async () => {
    await a.appendToStream('p-2', [event('Registered', { who: 'p2', phone: '13912345678' })]);
    expect(await phoneOf(a, 'p-2')).toEqual(['13912345678']);
    await keysA.erase('p2');
    expect(await phoneOf(a, 'p-2')).toEqual([ERASED]);
    await a.appendToStream('p-3', [event('Registered', { phone: null })]);
    expect(await phoneOf(a, 'p-3')).toEqual([null]);
    await expect(a.appendToStream('p-3', [event('Registered', { phone: '13900000000' })])).rejects.toThrow(/without a person id/);
  });
});
