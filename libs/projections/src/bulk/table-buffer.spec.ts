import { tableSpec } from './table';
import { TableBuffer } from './table-buffer';

type Row = { id: string; n: number };
const spec = tableSpec<Row>({ name: 'things', columns: { id: 'text', n: 'int' }, key: ['id'] });
const log = tableSpec<{ id: string; seq: number }>({ name: 'log', columns: { id: 'text', seq: 'int' }, key: ['id', 'seq'], insertOnly: true });

describe('TableBuffer', () => {
  describe('when rows are put, patched and deleted', () => {
    it('reports each key once, with its last state, and deleted keys apart', () => {
      const t = new TableBuffer(spec).seed([
        { id: 'a', n: 1 },
        { id: 'b', n: 1 },
      ]);
      t.patch({ id: 'a' }, { n: 2 });
      t.patch({ id: 'a' }, { n: 3 });
      t.delete({ id: 'b' });
      t.put({ id: 'c', n: 1 });
      t.delete({ id: 'c' });
      t.put({ id: 'b', n: 9 });
      expect(t.changes()).toEqual({ upserts: [{ id: 'a', n: 3 }, { id: 'b', n: 9 }], deletes: [{ id: 'c' }] });
    });

    it('patching an absent row does nothing', () => {
      const t = new TableBuffer(spec).seed([]);
      expect(t.patch({ id: 'x' }, { n: 1 })).toBeUndefined();
      expect(t.changes()).toEqual({ upserts: [], deletes: [] });
    });
  });

  describe('an insert-only table', () => {
    it('keeps the first row of a key and refuses put', () => {
      const t = new TableBuffer(log);
      t.insert({ id: 'a', seq: 1 });
      t.insert({ id: 'a', seq: 1 });
      t.insert({ id: 'a', seq: 2 });
      expect(t.changes().upserts).toEqual([{ id: 'a', seq: 1 }, { id: 'a', seq: 2 }]);
      expect(() => t.put({ id: 'a', seq: 3 })).toThrow('insert-only');
    });
  });

  describe('a read of a row the batch did not ask for', () => {
    it('throws, while an asked-for absent key reads as undefined', () => {
      const t = new TableBuffer(spec);
      t.loaded([{ id: 'a', n: 1 }], [{ id: 'a' }, { id: 'z' }], false);
      expect(t.get({ id: 'a' })).toEqual({ id: 'a', n: 1 });
      expect(t.get({ id: 'z' })).toBeUndefined();
      expect(() => t.get({ id: 'q' })).toThrow('things: row ["q"] was read but not loaded');
    });

    it('a later load does not overwrite what the batch already changed', () => {
      const t = new TableBuffer(spec);
      t.loaded([{ id: 'a', n: 1 }], [], false);
      t.patch({ id: 'a' }, { n: 5 });
      t.loaded([{ id: 'a', n: 1 }], [], false);
      expect(t.get({ id: 'a' })).toEqual({ id: 'a', n: 5 });
    });
  });
});
