import type { PoolClient } from 'pg';
import { createTestDatabase, TestDatabase } from '@test/support';
import { BatchWriter, Queryable } from './batch-writer';
import { tableSpec } from './table';

type Item = { item_id: string; name: string; tags: string[]; detail: unknown; at: string; day: string | null; revision: number };
type Mark = { item_id: string; seq: number; note: string };

const items = tableSpec<Item>({
  name: 'items',
  columns: { item_id: 'uuid', name: 'text', tags: 'text[]', detail: 'jsonb', at: 'timestamptz', day: 'date', revision: 'bigint' },
  key: ['item_id'],
});
const marks = tableSpec<Mark>({ name: 'marks', columns: { item_id: 'uuid', seq: 'int', note: 'text' }, key: ['item_id', 'seq'], insertOnly: true });

const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

/** A tiny mapping in the shape of the real ones: "named" events (guarded by revision) and insert-only marks. */
type Change = { item: number; revision: number; name: string };
async function applyChanges(writer: BatchWriter, changes: readonly Change[]): Promise<void> {
  const itemTable = writer.table(items).want(...changes.map((c) => ({ item_id: id(c.item) })));
  const markTable = writer.table(marks);
  await writer.load();
  for (const c of changes) {
    const row = itemTable.get({ item_id: id(c.item) });
    if (!row) itemTable.put({ item_id: id(c.item), name: c.name, tags: [c.name], detail: { n: c.revision }, at: '2026-03-02T01:00:00.000Z', day: '2026-03-02', revision: c.revision });
    else if (row.revision < c.revision) itemTable.put({ ...row, name: c.name, tags: [...row.tags, c.name], detail: { n: c.revision }, revision: c.revision });
    markTable.insert({ item_id: id(c.item), seq: c.revision, note: c.name });
  }
  await writer.flush();
}

describe('BatchWriter', () => {
  let db: TestDatabase;
  let client: PoolClient;
  let statements: string[];
  let counted: Queryable;

  beforeEach(async () => {
    db = await createTestDatabase({ migrate: false, poolSize: 1 });
    client = await db.pool.connect();
    await client.query(`CREATE SCHEMA p; CREATE TABLE p.items (item_id uuid PRIMARY KEY, name text NOT NULL, tags text[] NOT NULL, detail jsonb NOT NULL,
      at timestamptz NOT NULL, day date, revision bigint NOT NULL);
      CREATE TABLE p.marks (item_id uuid NOT NULL, seq int NOT NULL, note text NOT NULL, PRIMARY KEY (item_id, seq));`);
    statements = [];
    counted = {
      query: (sql: string, params?: unknown[]) => {
        statements.push(sql);
        return client.query(sql, params) as never;
      },
    };
  });
  afterEach(async () => {
    client.release();
    await db.drop();
  });

  const writer = () => new BatchWriter(counted, (table) => `p.${table}`);
  const dump = async () => ({
    items: (await client.query('SELECT item_id, name, tags, detail, at, day::text, revision FROM p.items ORDER BY item_id')).rows,
    marks: (await client.query('SELECT * FROM p.marks ORDER BY item_id, seq')).rows,
  });
  const changes = (n: number): Change[] => Array.from({ length: n }, (_, i) => ({ item: i % 7, revision: Math.floor(i / 7), name: `n${i}` }));

  describe('when a batch creates and changes rows', () => {
    it('loads the rows, applies the changes in order and writes every column as it was given', async () => {
      await applyChanges(writer(), [
        { item: 1, revision: 0, name: 'a' },
        { item: 1, revision: 1, name: 'b' },
        { item: 2, revision: 0, name: 'c' },
      ]);
      await applyChanges(writer(), [{ item: 1, revision: 2, name: 'd' }]);
      const { items: rows, marks: markRows } = await dump();
      expect(rows).toEqual([
        { item_id: id(1), name: 'd', tags: ['a', 'b', 'd'], detail: { n: 2 }, at: new Date('2026-03-02T01:00:00Z'), day: '2026-03-02', revision: '2' },
        { item_id: id(2), name: 'c', tags: ['c'], detail: { n: 0 }, at: new Date('2026-03-02T01:00:00Z'), day: '2026-03-02', revision: '0' },
      ]);
      expect(markRows.map((m) => `${m.item_id.slice(-1)}/${m.seq}/${m.note}`)).toEqual(['1/0/a', '1/1/b', '1/2/d', '2/0/c']);
    });

    it('a loaded row read back as JSON round-trips unchanged (dates, arrays, jsonb, bigint)', async () => {
      await applyChanges(writer(), [{ item: 3, revision: 0, name: 'x' }]);
      const before = await dump();
      const w = writer();
      const table = w.table(items).want({ item_id: id(3) });
      await w.load();
      table.put({ ...table.get({ item_id: id(3) })! });
      await w.flush();
      expect(await dump()).toEqual(before);
    });
  });

  describe('when a batch is delivered again', () => {
    it('changes nothing: the revision guards hold and insert-only rows keep the first', async () => {
      const batch = changes(30);
      await applyChanges(writer(), batch);
      const once = await dump();
      await applyChanges(writer(), batch);
      await applyChanges(writer(), batch.slice(10, 20));
      expect(await dump()).toEqual(once);
    });
  });

  describe('statements per batch', () => {
    it('do not grow with the batch size: one load and two inserts for 3 events as for 3,000', async () => {
      const counts: number[] = [];
      for (const n of [3, 300, 3000]) {
        statements = [];
        await client.query('TRUNCATE p.items, p.marks');
        await applyChanges(writer(), changes(n));
        counts.push(statements.length);
      }
      expect(counts).toEqual([3, 3, 3]);
    });

    it('deletes with one statement per table', async () => {
      await applyChanges(writer(), changes(20));
      statements = [];
      const w = writer();
      const table = w.table(items).wantWhere('name', ['n13', 'n14', 'n15', 'n16']);
      await w.load();
      for (const row of table.rows()) table.delete(row);
      await w.flush();
      expect(statements).toHaveLength(2);
      expect((await dump()).items.map((r) => r.name)).toEqual(['n17', 'n18', 'n19']);
    });
  });

  describe('a composite key', () => {
    it('loads the rows asked for, present or absent, in one query', async () => {
      await applyChanges(writer(), changes(10));
      statements = [];
      const w = writer();
      const table = w.table(marks).want({ item_id: id(1), seq: 0 }, { item_id: id(1), seq: 99 });
      await w.load();
      expect(statements).toHaveLength(1);
      expect(table.get({ item_id: id(1), seq: 0 })).toEqual({ item_id: id(1), seq: 0, note: 'n1' });
      expect(table.get({ item_id: id(1), seq: 99 })).toBeUndefined();
    });
  });

  describe('a read the batch did not load', () => {
    it('throws instead of answering "absent"', async () => {
      const w = writer();
      const table = w.table(items).want({ item_id: id(1) });
      await w.load();
      expect(table.get({ item_id: id(1) })).toBeUndefined();
      expect(() => table.get({ item_id: id(2) })).toThrow('items: row ["' + id(2) + '"] was read but not loaded');
    });
  });
});
