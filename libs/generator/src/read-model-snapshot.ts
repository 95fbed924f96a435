import type { Pool } from 'pg';

/** Every row of one table, each as JSON, in a total order (all columns, as text). */
export interface TableSnapshot {
  readonly table: string;
  readonly columns: readonly string[];
  readonly rows: readonly string[];
}

const IDENT = /^[a-z_][a-z0-9_]*$/;
const q = (name: string) => {
  if (!IDENT.test(name)) throw new Error(`Unsafe identifier ${name}`);
  return `"${name}"`;
};

/** The rows of `tables` in `schema`, ordered by every column (so two builds with the same rows compare equal). */
export async function snapshotTables(pool: Pool, schema: string, tables: readonly string[]): Promise<TableSnapshot[]> {
  const out: TableSnapshot[] = [];
  for (const table of tables) {
    const cols = await pool.query<{ column_name: string }>(
      'SELECT column_name FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2 ORDER BY ordinal_position',
      [schema, table],
    );
    const columns = cols.rows.map((r) => r.column_name);
    if (columns.length === 0) throw new Error(`Table ${schema}.${table} does not exist`);
    const order = columns.map((c) => `${q(c)}::text`).join(', ');
    const rows = await pool.query<{ row: string }>(`SELECT row_to_json(t)::text AS row FROM ${q(schema)}.${q(table)} t ORDER BY ${order}`);
    out.push({ table, columns, rows: rows.rows.map((r) => r.row) });
  }
  return out;
}

/**
 * What differs between two snapshots of the same tables, readably: per table, the rows only one side has (first
 * `limit` of each), and the counts. Empty when they are equal row for row.
 */
export function diffSnapshots(left: readonly TableSnapshot[], right: readonly TableSnapshot[], labels = ['live', 'rebuilt'], limit = 5): string[] {
  const problems: string[] = [];
  for (const l of left) {
    const r = right.find((t) => t.table === l.table);
    if (!r) {
      problems.push(`${l.table}: missing in ${labels[1]}`);
      continue;
    }
    if (l.columns.join(',') !== r.columns.join(',')) problems.push(`${l.table}: columns differ: ${l.columns.join(',')} vs ${r.columns.join(',')}`);
    const count = new Map<string, number>();
    for (const row of l.rows) count.set(row, (count.get(row) ?? 0) + 1);
    for (const row of r.rows) count.set(row, (count.get(row) ?? 0) - 1);
    const onlyLeft = [...count].filter(([, n]) => n > 0).map(([row]) => row);
    const onlyRight = [...count].filter(([, n]) => n < 0).map(([row]) => row);
    if (onlyLeft.length === 0 && onlyRight.length === 0) continue;
    problems.push(
      [
        `${l.table}: ${l.rows.length} rows ${labels[0]}, ${r.rows.length} ${labels[1]}; ${onlyLeft.length} only ${labels[0]}, ${onlyRight.length} only ${labels[1]}`,
        ...onlyLeft.slice(0, limit).map((row) => `  - ${labels[0]}:  ${row}`),
        ...onlyRight.slice(0, limit).map((row) => `  + ${labels[1]}: ${row}`),
      ].join('\n'),
    );
  }
  for (const r of right) if (!left.some((t) => t.table === r.table)) problems.push(`${r.table}: missing in ${labels[0]}`);
  return problems;
}
