import type { RecordedEvent } from '@app/event-store';
import type { ProjectionContext } from '../projection';
import { writeBatch } from './batch-writer';
import { Row, TableSpec } from './table';
import { TableBuffer, TableChanges } from './table-buffer';

/** Gives the buffer of a table for the current batch. */
export type TableSource = <R extends Row>(spec: TableSpec<R>) => TableBuffer<R>;

/**
 * The pure part of a bulk projection: which rows a batch needs, and what each event does to them. `apply` sees
 * the rows as the earlier events of the batch left them, so a batch gives what its events one by one give.
 */
export interface BatchMapping<T> {
  tables(table: TableSource): T;
  /** Asks for every row the batch's events read (keys, or conditions: see TableBuffer.want*). */
  want(events: readonly RecordedEvent[], tables: T): void;
  apply(event: RecordedEvent, tables: T): void;
  /**
   * Rows derived from the state the batch's events left (review coverage from the tree and the appointments):
   * after the events, `want` asks for more rows (one more query per table), then `apply` recomputes them.
   */
  readonly finish?: { want(events: readonly RecordedEvent[], tables: T): void; apply(events: readonly RecordedEvent[], tables: T): void };
}

/** applyBatch for a mapping: one load per table, the events in memory in order, one flush. */
export function batchApplier<T>(mapping: BatchMapping<T>): (events: readonly RecordedEvent[], ctx: ProjectionContext) => Promise<void> {
  return (events, ctx) =>
    writeBatch(ctx, async (writer) => {
      const tables = mapping.tables((spec) => writer.table(spec));
      mapping.want(events, tables);
      await writer.load();
      for (const event of events) mapping.apply(event, tables);
      if (mapping.finish) {
        mapping.finish.want(events, tables);
        await writer.load();
        mapping.finish.apply(events, tables);
      }
    });
}

/**
 * For unit specs of a mapping, without a database: `stored` plays the tables; the batch's requests are answered
 * from it as the writer would (keys and column values are honoured, so a row the mapping forgot to ask for still
 * throws; a custom SQL condition loads the whole table), then the events are applied. Answers each table's
 * changes.
 */
export function mapInMemory<T>(mapping: BatchMapping<T>, events: readonly RecordedEvent[], stored: Readonly<Record<string, readonly Row[]>> = {}): Record<string, TableChanges> {
  const buffers = new Map<string, TableBuffer>();
  const tables = mapping.tables(<R extends Row>(spec: TableSpec<R>) => {
    let buffer = buffers.get(spec.name);
    if (!buffer) buffers.set(spec.name, (buffer = new TableBuffer(spec as unknown as TableSpec)));
    return buffer as unknown as TableBuffer<R>;
  });
  const load = (): void => {
    for (const buffer of buffers.values()) {
      if (buffer.hasWants) loadFrom(buffer, stored[buffer.spec.name] ?? []);
    }
  };
  mapping.want(events, tables);
  load();
  for (const event of events) mapping.apply(event, tables);
  if (mapping.finish) {
    mapping.finish.want(events, tables);
    load();
    mapping.finish.apply(events, tables);
  }
  return Object.fromEntries([...buffers].map(([name, buffer]) => [name, buffer.changes()]));
}

/** Answers a buffer's requests from rows in memory, as the writer's query would. */
function loadFrom(buffer: TableBuffer, rows: readonly Row[]): void {
  const { keys, where, sql, all } = buffer.wanted;
  const complete = all || sql.length > 0;
  const asked = new Set(keys.keys());
  const found = rows.filter((row) => complete || asked.has(buffer.keyOf(row)) || where.some((w) => w.values.includes(row[w.column])));
  // Copies, as the writer's query gives fresh rows: a mapping may change the rows it loaded in place.
  buffer.loaded(found.map((row) => ({ ...row })), [...keys.values()], complete);
}

/** The buffers of a record of table specs, under the same names. */
export type Buffers<T extends Record<string, TableSpec<never>>> = { [K in keyof T]: T[K] extends TableSpec<infer R extends Row> ? TableBuffer<R> : never };

/** The buffers of every spec of a record (for BatchMapping.tables). */
export function buffersOf<T extends Record<string, TableSpec<never>>>(specs: T, table: TableSource): Buffers<T> {
  return Object.fromEntries(Object.entries(specs).map(([name, spec]) => [name, table(spec as unknown as TableSpec)])) as Buffers<T>;
}
