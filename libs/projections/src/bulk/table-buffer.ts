import { Row, TableSpec } from './table';

/** The row changes a batch makes to one table, as the flush writes them. */
export interface TableChanges<R extends Row = Row> {
  /** Rows written whole (INSERT ... ON CONFLICT DO UPDATE), for insert-only tables (ON CONFLICT DO NOTHING). */
  readonly upserts: R[];
  /** Keys of rows removed. */
  readonly deletes: Partial<R>[];
}

/** A custom load condition on the table (alias x), with its parameters numbered from $1. */
export interface SqlCondition {
  readonly sql: (t: (table: string) => string) => string;
  readonly params: readonly unknown[];
}

/**
 * One table's rows for one batch, in memory: what the batch loaded, changed by the projection's pure mapping in
 * event order, then written by the flush. It keeps nothing between batches.
 *
 * A read of a row the batch did not ask for throws (instead of answering "absent" and overwriting it later): the
 * mapping must declare what it needs before the load.
 */
export class TableBuffer<R extends Row = Row> {
  private readonly current = new Map<string, R>();
  private readonly known = new Set<string>();
  private readonly dirty = new Set<string>();
  private readonly removed = new Map<string, Partial<R>>();
  private complete = false;
  /** Pending load requests, turned into one query by the writer. */
  readonly wanted = { keys: new Map<string, Partial<R>>(), where: [] as { column: keyof R & string; values: unknown[] }[], sql: [] as SqlCondition[], all: false };

  constructor(readonly spec: TableSpec<R>) {}

  /** The row's key as a map key: a one-column string key as itself (the common case, and cheap), else JSON. */
  keyOf(row: Partial<R>): string {
    const key = this.spec.key;
    if (key.length === 1) {
      const value = row[key[0]!];
      return typeof value === 'string' ? value : `\u0000${JSON.stringify(value ?? null)}`;
    }
    return JSON.stringify(key.map((c) => row[c] ?? null));
  }

  /** Asks for the rows with these keys (present or not: an absent key then reads as undefined). */
  want(...keys: Partial<R>[]): this {
    for (const key of keys) this.wanted.keys.set(this.keyOf(key), key);
    return this;
  }

  /** Asks for the rows whose column is one of these values (rows found are known; other keys are not). */
  wantWhere<C extends keyof R & string>(column: C, values: readonly R[C][]): this {
    if (values.length > 0) this.wanted.where.push({ column, values: [...new Set(values)] });
    return this;
  }

  /** Asks for the rows matching a custom condition on alias x (e.g. a recursive walk of a tree). */
  wantSql(condition: SqlCondition): this {
    this.wanted.sql.push(condition);
    return this;
  }

  /** Asks for the whole table (small tables only: unit types, levels). */
  wantAll(): this {
    this.wanted.all = true;
    return this;
  }

  get hasWants(): boolean {
    return this.wanted.all || this.wanted.keys.size > 0 || this.wanted.where.length > 0 || this.wanted.sql.length > 0;
  }

  /** Rows as the database holds them; `keys` are the keys asked for (known even when absent). */
  loaded(rows: readonly R[], keys: readonly Partial<R>[], all: boolean): void {
    for (const key of keys) this.known.add(this.keyOf(key));
    for (const row of rows) {
      const k = this.keyOf(row);
      this.known.add(k);
      if (!this.current.has(k) && !this.removed.has(k)) this.current.set(k, row);
    }
    if (all) this.complete = true;
    this.wanted.keys.clear();
    this.wanted.where.length = 0;
    this.wanted.sql.length = 0;
    this.wanted.all = false;
  }

  /** For unit specs of a mapping: the table holds exactly these rows, all known. */
  seed(rows: readonly R[]): this {
    this.loaded(rows, [], true);
    return this;
  }

  /** The row with this key, or undefined when the table has none; throws when the batch did not load it. */
  get(key: Partial<R>): R | undefined {
    const k = this.keyOf(key);
    if (!this.complete && !this.known.has(k)) throw new Error(`${this.spec.name}: row ${JSON.stringify(this.spec.key.map((c) => key[c] ?? null))} was read but not loaded`);
    return this.current.get(k);
  }

  /** Every row in memory (loaded or written by this batch). */
  rows(): R[] {
    return [...this.current.values()];
  }

  /** Writes a whole row (creates or replaces it). */
  put(row: R): R {
    if (this.spec.insertOnly) throw new Error(`${this.spec.name} is insert-only: use insert()`);
    const k = this.keyOf(row);
    this.current.set(k, row);
    this.known.add(k);
    this.dirty.add(k);
    this.removed.delete(k);
    return row;
  }

  /** Changes some columns of an existing row; does nothing (and answers undefined) when there is none. */
  patch(key: Partial<R>, changes: Partial<R>): R | undefined {
    const row = this.get(key);
    return row ? this.put({ ...row, ...changes }) : undefined;
  }

  /** Adds a row unless one with its key exists (the first one wins, also against the database's). */
  insert(row: R): void {
    const k = this.keyOf(row);
    if (this.current.has(k)) return;
    this.current.set(k, row);
    this.dirty.add(k);
  }

  delete(key: Partial<R>): void {
    if (this.spec.insertOnly) throw new Error(`${this.spec.name} is insert-only`);
    const k = this.keyOf(key);
    this.known.add(k);
    this.current.delete(k);
    this.dirty.delete(k);
    this.removed.set(k, Object.fromEntries(this.spec.key.map((c) => [c, key[c]])) as Partial<R>);
  }

  /** What the flush writes: every row put or inserted (its last state) and every key deleted. */
  changes(): TableChanges<R> {
    return { upserts: [...this.dirty].map((k) => this.current.get(k)!), deletes: [...this.removed.values()] };
  }
}
