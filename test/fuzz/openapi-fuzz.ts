import fc from 'fast-check';
import type { TestApp } from '@test/support';

/**
 * Request generators built from the served OpenAPI document (/docs-json): every operation it lists is fuzzed, so a
 * new endpoint is fuzzed without touching this file. Bodies follow the documented request schema where there is
 * one (with hostile values mixed in at every level), and are arbitrary JSON where there is none.
 */

type Schema = {
  $ref?: string;
  type?: string;
  format?: string;
  enum?: unknown[];
  example?: unknown;
  items?: Schema;
  properties?: Record<string, Schema>;
  required?: string[];
  allOf?: Schema[];
  oneOf?: Schema[];
  anyOf?: Schema[];
  nullable?: boolean;
  maxLength?: number;
};
interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required?: boolean;
  schema?: Schema;
}
interface OperationObject {
  parameters?: Parameter[];
  requestBody?: { content?: Record<string, { schema?: Schema }> };
}
export interface OpenApiDocument {
  paths: Record<string, Record<string, OperationObject>>;
  components?: { schemas?: Record<string, Schema> };
}

export interface Operation {
  readonly method: string;
  readonly path: string;
  readonly parameters: readonly Parameter[];
  /** The documented media types of the body and their schemas (empty: the operation documents no body). */
  readonly body: ReadonlyArray<{ mediaType: string; schema: Schema | undefined }>;
}

export interface FuzzRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly body: string | Buffer | undefined;
}

const METHODS = new Set(['get', 'post', 'put', 'patch', 'delete']);

export function operations(doc: OpenApiDocument): Operation[] {
  const ops: Operation[] = [];
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(item)) {
      if (!METHODS.has(method)) continue;
      const content = op.requestBody?.content ?? {};
      ops.push({
        method: method.toUpperCase(),
        path,
        parameters: op.parameters ?? [],
        body: Object.entries(content).map(([mediaType, c]) => ({ mediaType, schema: c.schema })),
      });
    }
  }
  return ops;
}

/** Real ids and names the fuzzer uses for parameters and fields, so requests reach deciders, not only 404s. */
export interface Entities {
  readonly byName: Record<string, readonly string[]>;
  /** Any id of a real entity (for fields whose name ends in Id). */
  readonly ids: readonly string[];
  /** Bearer tokens to send (administrator and members of every role). */
  readonly tokens: readonly string[];
  /** Known-good documents for schema-less object bodies (policy documents), mutated by the fuzzer. */
  readonly documents: readonly Record<string, unknown>[];
}

const HOSTILE_STRINGS = [
  '',
  '   ',
  '\t\n',
  '\u3000',
  '\u0000',
  'a\u0000b',
  '\uD800',
  'x\uDFFFy',
  '\uFEFF',
  '\u202Eevil',
  '2026-02-30',
  '2026-02-29',
  '0000-01-01',
  '9999-12-31T23:59:59Z',
  '275760-09-13',
  '2026-13-01',
  '2026-03-01T25:00:00Z',
  '99999999999999999999',
  '9223372036854775808',
  '2147483648',
  '-1',
  '1.5',
  '1e400',
  'NaN',
  'null',
  'true',
  '__proto__',
  'constructor',
  "'; DROP TABLE events; --",
  '%00',
  '../../etc/passwd',
  '00000000-0000-0000-0000-000000000000',
  'ffffffff-ffff-ffff-ffff-ffffffffffff',
  'x'.repeat(5000),
  '报'.repeat(300),
];

export const hostileString: fc.Arbitrary<string> = fc.oneof(
  // what PostgreSQL cannot store, on its own and inside text
  { weight: 2, arbitrary: fc.constantFrom('\u0000', 'a\u0000b', '\uD800', 'x\uDFFFy', '\uDBFF\u0000') },
  { weight: 3, arbitrary: fc.constantFrom(...HOSTILE_STRINGS) },
  { weight: 2, arbitrary: fc.string({ maxLength: 40 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 20 }) },
  { weight: 1, arbitrary: fc.stringMatching(/^[\uD800-\uDFFF\u0000-\u001F]{1,4}$/) },
);

const hostileNumber: fc.Arbitrary<number> = fc.oneof(
  fc.constantFrom(0, -1, 1, 2 ** 31, 2 ** 53, -(2 ** 53), 1e20, 1e308, 0.5, -0),
  fc.integer(),
  fc.double({ noNaN: true }),
);

const nested = (depth: number): unknown => {
  let v: unknown = 1;
  for (let i = 0; i < depth; i++) v = i % 2 ? { a: v } : [v];
  return v;
};

/** Anything JSON can hold, including values no schema expects. */
export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 3, arbitrary: hostileString },
  { weight: 2, arbitrary: hostileNumber },
  { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  { weight: 1, arbitrary: fc.constantFrom(null, true, false, [], {}, [[]], [{}], [null], nested(40), nested(3)) },
);

function resolve(schema: Schema | undefined, doc: OpenApiDocument): Schema {
  if (!schema) return {};
  if (schema.$ref) {
    const name = schema.$ref.replace('#/components/schemas/', '');
    return resolve(doc.components?.schemas?.[name], doc);
  }
  if (schema.allOf) return schema.allOf.reduce<Schema>((acc, s) => {
    const r = resolve(s, doc);
    return { ...acc, ...r, properties: { ...acc.properties, ...r.properties }, required: [...(acc.required ?? []), ...(r.required ?? [])] };
  }, { ...schema, allOf: undefined });
  return schema;
}

/** `plausible`: well-typed values and every required key (to reach the handlers and deciders); `hostile`: anything. */
export type Mode = 'plausible' | 'hostile';

function stringFor(name: string, schema: Schema, entities: Entities, mode: Mode): fc.Arbitrary<string> {
  const plausible: fc.Arbitrary<string>[] = [];
  const known = entities.byName[name] ?? (/Ids?$/.test(name) ? entities.ids : undefined);
  if (known && known.length > 0) plausible.push(fc.constantFrom(...known));
  if (typeof schema.example === 'string') plausible.push(fc.constant(schema.example));
  if (schema.format === 'date' || /(On|Date)$/.test(name)) plausible.push(fc.date({ min: new Date('1990-01-01'), max: new Date('2040-01-01'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10)));
  if (schema.format === 'date-time' || /(At|asOf|deadline|from|to)$/.test(name)) plausible.push(fc.date({ min: new Date('1990-01-01'), max: new Date('2040-01-01'), noInvalidDate: true }).map((d) => d.toISOString()));
  if (schema.format === 'uuid') plausible.push(fc.uuid());
  if (plausible.length === 0 || mode === 'hostile') plausible.push(fc.string({ minLength: 1, maxLength: 30 }));
  return mode === 'plausible' ? fc.oneof(...plausible) : fc.oneof({ weight: 3, arbitrary: fc.oneof(...plausible) }, { weight: 1, arbitrary: hostileString });
}

/** A value for `schema`: mostly well-typed (so requests get past validation), with hostile values at every level. */
export function valueFor(schema: Schema | undefined, doc: OpenApiDocument, entities: Entities, name = '', depth = 0, mode: Mode = 'hostile'): fc.Arbitrary<unknown> {
  const s = resolve(schema, doc);
  const hostile = { weight: 1, arbitrary: hostileValue };
  const typed = (arbitrary: fc.Arbitrary<unknown>) => (mode === 'plausible' ? arbitrary : fc.oneof({ weight: 5, arbitrary }, hostile));
  if (s.enum && s.enum.length > 0) return typed(fc.constantFrom(...s.enum));
  const type: string = s.type ?? (s.properties ? 'object' : s.items ? 'array' : 'any');
  switch (type) {
    case 'string':
      return typed(stringFor(name, s, entities, mode));
    case 'integer':
    case 'number':
      return typed(mode === 'plausible' ? fc.integer({ min: 0, max: 100 }) : fc.oneof(fc.integer({ min: 0, max: 100 }), hostileNumber));
    case 'boolean':
      return typed(fc.boolean());
    case 'array':
      return depth > 4 ? hostileValue : typed(fc.array(valueFor(s.items, doc, entities, name.replace(/s$/, ''), depth + 1, mode), { minLength: mode === 'plausible' ? 1 : 0, maxLength: 4 }));
    case 'object': {
      if (!s.properties || Object.keys(s.properties).length === 0) {
        const docs = entities.documents.map((d) => fc.constant(d));
        const mutated = docs.length > 0 ? [fc.tuple(fc.oneof(...docs), fc.string({ maxLength: 12 }), hostileValue).map(([d, k, v]) => mutate(d, k, v))] : [];
        if (mode === 'plausible' && docs.length > 0) return fc.oneof(...docs);
        return fc.oneof(...docs, ...mutated, fc.dictionary(fc.string({ maxLength: 12 }), fc.jsonValue({ maxDepth: 3 }), { maxKeys: 6 }));
      }
      if (depth > 4) return hostileValue;
      const shape = Object.fromEntries(Object.entries(s.properties).map(([key, prop]) => [key, valueFor(prop, doc, entities, key, depth + 1, mode)]));
      const record = fc.record(shape, { requiredKeys: mode === 'plausible' ? (s.required ?? []).filter((k) => k in shape) : [] });
      if (mode === 'plausible') return record;
      // sometimes a key the DTO does not declare
      return typed(fc.oneof({ weight: 5, arbitrary: record }, { weight: 1, arbitrary: fc.tuple(record, fc.string({ maxLength: 12 }), hostileValue).map(([r, k, v]) => ({ ...r, [k]: v })) }));
    }
    default:
      return hostileValue;
  }
}

/** `value` with the `at`-th of its values (depth-first, the root included) replaced by `replacement`. */
export function replaceOne(value: unknown, at: number, replacement: unknown): unknown {
  const paths: (string | number)[][] = [];
  const walk = (v: unknown, path: (string | number)[]) => {
    paths.push(path);
    if (Array.isArray(v)) v.forEach((item, i) => walk(item, [...path, i]));
    else if (v !== null && typeof v === 'object') for (const [k, item] of Object.entries(v)) walk(item, [...path, k]);
  };
  walk(value, []);
  const path = paths[at % paths.length]!;
  if (path.length === 0) return replacement;
  const copy = JSON.parse(JSON.stringify(value)) as Record<string | number, unknown>;
  let parent = copy;
  for (const key of path.slice(0, -1)) parent = parent[key] as Record<string | number, unknown>;
  parent[path[path.length - 1]!] = replacement;
  return copy;
}

/** A known document with one field (top-level or one level down) replaced by a hostile value. */
function mutate(document: Record<string, unknown>, key: string, value: unknown): Record<string, unknown> {
  const copy = JSON.parse(JSON.stringify(document)) as Record<string, unknown>;
  const keys = Object.keys(copy);
  const target = keys.length > 0 ? keys[key.length % keys.length]! : key;
  const inner = copy[target];
  if (inner && typeof inner === 'object' && !Array.isArray(inner) && key.length % 2 === 1) {
    const innerKeys = Object.keys(inner);
    (inner as Record<string, unknown>)[innerKeys[key.length % Math.max(innerKeys.length, 1)] ?? key] = value;
  } else copy[target] = value;
  return copy;
}

/** `arb` in about one case of `oneIn`, else null. */
const rarely = <T>(arb: fc.Arbitrary<T>, oneIn = 4): fc.Arbitrary<T | null> => fc.oneof({ weight: oneIn - 1, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: arb });

function encode(value: string): string {
  try {
    return encodeURIComponent(value);
  } catch {
    return '%ED%A0%80'; // a lone surrogate cannot be UTF-8: send the bytes a broken client would
  }
}

/** Query strings a client could send: declared parameters with plausible or hostile values, repeated or unknown ones. */
export function queryFor(op: Operation, doc: OpenApiDocument, entities: Entities): fc.Arbitrary<string> {
  const declared = op.parameters.filter((p) => p.in === 'query');
  const pair = (name: string, schema: Schema | undefined) =>
    fc.oneof(
      { weight: 4, arbitrary: fc.oneof(valueFor(schema, doc, entities, name, 0, 'plausible'), valueFor(schema, doc, entities, name)).map((v) => (typeof v === 'string' ? v : JSON.stringify(v) ?? '')) },
      { weight: 1, arbitrary: fc.constantFrom('%00', '%ff', '%', '%E0%A4%A') },
    ).map((v) => `${encode(name)}=${/^%/.test(v) && v.length <= 9 ? v : encode(v)}`);
  const parts = declared.map((p) => fc.option(pair(p.name, p.schema), { freq: 2 }));
  const extra = rarely(fc.tuple(fc.string({ maxLength: 8 }), hostileString).map(([k, v]) => `${encode(k)}=${encode(v)}`), 5);
  const repeated = declared.length > 0 ? rarely(fc.constantFrom(...declared).map((p) => `${encode(p.name)}=a&${encode(p.name)}=b`), 6) : fc.constant(null);
  return fc.tuple(fc.tuple(...parts), extra, repeated).map(([ps, e, r]) => [...ps, e, r].filter((x): x is string => !!x).join('&'));
}

function pathFor(op: Operation, doc: OpenApiDocument, entities: Entities): fc.Arbitrary<string> {
  const names = [...op.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
  const values = names.map((name) => {
    const param = op.parameters.find((p) => p.in === 'path' && p.name === name);
    const known = entities.byName[name];
    const plausible = known && known.length > 0 ? fc.constantFrom(...known) : valueFor(param?.schema, doc, entities, name).map(String);
    return fc.oneof({ weight: 6, arbitrary: plausible }, { weight: 1, arbitrary: hostileString.filter((s) => s.length > 0) });
  });
  return fc.tuple(...values).map((vs) => names.reduce((path, name, i) => path.replace(`{${name}}`, encode(vs[i]!)), op.path));
}

const RAW_BODIES = ['{', '[1,', 'nul', '"just a string"', '{"a":1}{"b":2}', `{"__proto__":{"x":1}}`, `{"a":${'['.repeat(5000)}${']'.repeat(5000)}}`, '\uFEFF{}'];

function bodyFor(op: Operation, doc: OpenApiDocument, entities: Entities): fc.Arbitrary<{ contentType: string | undefined; body: string | Buffer | undefined }> {
  const json = (schema: Schema | undefined) => {
    const plausible = valueFor(schema, doc, entities, '', 0, 'plausible');
    // a plausible body with exactly one value (at any depth) replaced: it reaches the handler but for that value
    const oneHostile = fc.tuple(plausible, fc.nat(), hostileValue).map(([v, at, bad]) => replaceOne(v, at, bad));
    return fc
      .oneof({ weight: 2, arbitrary: plausible }, { weight: 3, arbitrary: oneHostile }, { weight: 1, arbitrary: valueFor(schema, doc, entities) })
      .map((v) => ({ contentType: 'application/json', body: JSON.stringify(v) ?? 'null' }));
  };
  const documented = op.body.map(({ mediaType, schema }) => {
    if (mediaType.includes('json')) return json(schema);
    if (mediaType.includes('yaml')) return fc.oneof(fc.string({ maxLength: 200 }), hostileString).map((text) => ({ contentType: mediaType, body: text }));
    return fc.uint8Array({ maxLength: 4096 }).map((bytes) => ({ contentType: mediaType, body: Buffer.from(bytes) }));
  });
  const fallback = op.body.length === 0 ? [json(undefined), fc.constant({ contentType: undefined, body: undefined })] : [];
  return fc.oneof(
    { weight: 8, arbitrary: fc.oneof(...documented, ...fallback) },
    { weight: 1, arbitrary: fc.constantFrom(...RAW_BODIES).map((body) => ({ contentType: 'application/json', body })) },
    { weight: 1, arbitrary: fc.constantFrom('text/plain', 'application/x-www-form-urlencoded', 'application/json; charset=latin1').map((contentType) => ({ contentType, body: 'a=1' })) },
  );
}

/** One request to `op`: path ids, query, headers and body, with one of `tokens` (default: every token). */
export function requestFor(op: Operation, doc: OpenApiDocument, entities: Entities, tokens: readonly string[] = entities.tokens): fc.Arbitrary<FuzzRequest> {
  const ifMatch = rarely(fc.constantFrom('"0"', '"1"', 'W/"2"', '"99999999999999999999"', '"-1"', 'garbage', '*'));
  const idempotencyKey = rarely(fc.oneof(fc.constantFrom('fuzz-key-0001', 'x', 'a'.repeat(200)), fc.stringMatching(/^[A-Za-z0-9._:-]{8,20}$/)), 3);
  return fc
    .record({
      path: pathFor(op, doc, entities),
      query: queryFor(op, doc, entities),
      body: op.method === 'GET' ? fc.constant({ contentType: undefined, body: undefined }) : bodyFor(op, doc, entities),
      token: fc.constantFrom(...tokens),
      ifMatch,
      idempotencyKey,
    })
    .map(({ path, query, body, token, ifMatch: im, idempotencyKey: key }) => {
      const headers: Record<string, string> = { Authorization: `Bearer ${token}` };
      if (body.contentType) headers['Content-Type'] = body.contentType;
      if (im) headers['If-Match'] = im;
      if (key) headers['Idempotency-Key'] = key;
      return { method: op.method, url: query ? `${path}?${query}` : path, headers, body: body.body };
    });
}

export interface FuzzAnswer {
  readonly status: number;
  readonly contentType: string;
  readonly body: unknown;
}

export async function send(t: TestApp, r: FuzzRequest): Promise<FuzzAnswer> {
  const method = r.method.toLowerCase() as 'get' | 'post' | 'put' | 'patch' | 'delete';
  let req = t.http[method](r.url);
  for (const [k, v] of Object.entries(r.headers)) req = req.set(k, v);
  const res = r.body === undefined ? await req : await req.send(r.body);
  return { status: res.status, contentType: String(res.headers['content-type'] ?? ''), body: res.body };
}

/**
 * The property every request must satisfy: never a 5xx; an error is application/problem+json; a refused request
 * appends nothing (the store's head does not move).
 */
export async function checkRequest(t: TestApp, r: FuzzRequest, tally?: Map<number, number>): Promise<void> {
  const head = await t.store.headPosition();
  const answer = await send(t, r);
  tally?.set(answer.status, (tally.get(answer.status) ?? 0) + 1);
  if (answer.status >= 500) throw new Error(`${r.method} ${r.url} answered ${answer.status}: ${JSON.stringify(answer.body)}`);
  if (answer.status >= 400) {
    if (!answer.contentType.startsWith('application/problem+json')) throw new Error(`${r.method} ${r.url} answered ${answer.status} as ${answer.contentType}`);
    const after = await t.store.headPosition();
    if (after !== head) throw new Error(`${r.method} ${r.url} answered ${answer.status} but appended events (head ${head} -> ${after})`);
  }
}

/** Runs per operation, seed: FUZZ_RUNS (default `short`) and FUZZ_SEED (default fixed) from the environment. */
export function fuzzSettings(short: number): { numRuns: number; seed: number } {
  const runs = Number(process.env.FUZZ_RUNS);
  const seed = Number(process.env.FUZZ_SEED);
  return { numRuns: Number.isInteger(runs) && runs > 0 ? runs : short, seed: Number.isInteger(seed) ? seed : 20261201 };
}

/**
 * The tokens worth fuzzing `op` with: those whose member may call it (a plausible request is not a 403), so the
 * fuzzed requests reach validation and the deciders. Each probe is itself checked like any fuzzed request.
 */
export async function permittedTokens(t: TestApp, op: Operation, doc: OpenApiDocument, entities: Entities, seed: number, tally?: Map<number, number>): Promise<string[]> {
  const permitted: string[] = [];
  for (const token of new Set(entities.tokens)) {
    // a few probes each: one with a foreign unit's id in its path may be a 403 for a member who may call the operation
    for (const probe of fc.sample(requestFor(op, doc, entities, [token]), { numRuns: 3, seed })) {
      const head = await t.store.headPosition();
      const answer = await send(t, probe);
      tally?.set(answer.status, (tally.get(answer.status) ?? 0) + 1);
      if (answer.status >= 500) throw new Error(`${probe.method} ${probe.url} answered ${answer.status}: ${JSON.stringify(answer.body)}`);
      if (answer.status >= 400 && (await t.store.headPosition()) !== head) throw new Error(`${probe.method} ${probe.url} answered ${answer.status} but appended events`);
      if (answer.status !== 403) {
        permitted.push(token);
        break;
      }
    }
  }
  return permitted.length > 0 ? permitted : [...entities.tokens];
}
