/**
 * What the batch writer knows of a projection's table: its columns with their PostgreSQL types and its key.
 *
 * Rows travel as JSON both ways (loaded with to_jsonb, written with json_to_recordset), so a row in memory is a
 * plain object of JSON values: timestamps and dates are ISO strings, bigints are numbers, arrays are arrays and
 * jsonb columns are the parsed value. The spec must list every column of the table (its int-spec compares it
 * with the catalogue: see describeTable).
 */
export type ColumnType = 'uuid' | 'text' | 'int' | 'bigint' | 'boolean' | 'date' | 'timestamptz' | 'jsonb' | 'uuid[]' | 'text[]';

export type Row = Record<string, unknown>;

export interface TableSpec<R extends Row = Row> {
  /** The table's name inside the build's schema (what ctx.t() qualifies). */
  readonly name: string;
  readonly columns: { readonly [C in keyof R & string]: ColumnType };
  /** The primary key's columns. */
  readonly key: readonly (keyof R & string)[];
  /**
   * Rows are only ever added, never changed (history, outcomes, follower counts): they need no load, a key seen
   * twice keeps the first row, and the flush inserts with ON CONFLICT DO NOTHING.
   */
  readonly insertOnly?: boolean;
}

/** Declares a table spec with its row type checked against the columns. */
export function tableSpec<R extends Row>(spec: TableSpec<R>): TableSpec<R> {
  return spec;
}

/** The column list of json_to_recordset(...) AS r(<this>) for these columns. */
export function recordsetColumns(spec: TableSpec, columns: readonly string[] = Object.keys(spec.columns)): string {
  return columns.map((c) => `${quote(c)} ${spec.columns[c]}`).join(', ');
}

export function quote(identifier: string): string {
  return `"${identifier.replace(/"/g, '""')}"`;
}
