import type { Queryable } from './batch-writer';
import { TableSpec } from './table';

const ALIASES: Record<string, string> = { integer: 'int', 'timestamp with time zone': 'timestamptz', 'text[]': 'text[]', 'uuid[]': 'uuid[]' };

/**
 * What differs between a spec and the table a projection's setup created (columns, types, primary key), as
 * readable lines; [] when they agree. Projection int-specs call it so a spec cannot drift from its DDL.
 */
export async function tableSpecMismatches(client: Queryable, schema: string, spec: TableSpec): Promise<string[]> {
  const columns = await client.query<{ name: string; type: string }>(
    `SELECT a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type FROM pg_attribute a
      WHERE a.attrelid = format('%I.%I', $1::text, $2::text)::regclass AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum`,
    [schema, spec.name],
  );
  const key = await client.query<{ name: string }>(
    `SELECT a.attname AS name FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)
      WHERE i.indrelid = format('%I.%I', $1::text, $2::text)::regclass AND i.indisprimary ORDER BY array_position(i.indkey, a.attnum)`,
    [schema, spec.name],
  );
  const problems: string[] = [];
  const actual = new Map(columns.rows.map((c) => [c.name, ALIASES[c.type] ?? c.type]));
  for (const [name, type] of Object.entries(spec.columns)) {
    if (!actual.has(name)) problems.push(`${spec.name}.${name}: in the spec, not in the table`);
    else if (actual.get(name) !== type) problems.push(`${spec.name}.${name}: spec says ${type}, table has ${actual.get(name)}`);
  }
  for (const name of actual.keys()) if (!(name in spec.columns)) problems.push(`${spec.name}.${name}: in the table, not in the spec`);
  const actualKey = key.rows.map((r) => r.name).join(', ');
  if (actualKey !== spec.key.join(', ')) problems.push(`${spec.name}: key (${spec.key.join(', ')}) in the spec, (${actualKey}) in the table`);
  return problems;
}
