import { isProblemCode, PROBLEM_TYPE_PREFIX } from '@app/kernel';
import { routeHandlers } from '@app/platform';
import { startTestApp, TestApp } from '../support';

/**
 * Walks the served OpenAPI document: every operation documents its request (bodies with constraints, parameters
 * with formats and bounds, the command headers), a success response with a schema, and its problem responses
 * (application/problem+json, types from the catalogue). A new operation that lacks any of these fails here.
 */
type Schema = Record<string, any>;
interface Op {
  method: string;
  path: string;
  op: Schema;
}

/** Mutating operations that are not commands (they take no @CommandCtx(), so no Idempotency-Key): each says why. */
const NOT_COMMANDS: Record<string, string> = {
  PoliciesHttpController_validate: 'a dry run: nothing is stored',
  AttachmentsHttpController_upload: 'content-addressed: the same bytes give the same SHA-256',
  ProjectionsHttpController_rebuild: 'an operations request to the projection runtime, not an event',
  ProjectionsHttpController_retry: 'an operations request on a dead letter, not an event',
  ProjectionsHttpController_skip: 'an operations request on a dead letter (recorded in projection_skipped_events with who and why), not an event',
  BuildsHttpController_start: 'an operations request to the projection runtime (a shadow build), not an event',
  BuildsHttpController_drop: 'an operations request to the projection runtime (drops a shadow build), not an event',
  EffectsHttpController_retry: 'an operations request on a failed reactor effect (the dispatcher performs it again), not an event',
  ChainHttpController_checkpoint: 'signs a checkpoint of the hash chain (es_chain_checkpoints and the checkpoint file), not an event: the chain covers the events',
};

const ID_PARAMETER = /(^id$|Id$)/;

let t: TestApp;
let doc: Schema;
let ops: Op[];

function resolve(schema: Schema | undefined): Schema | undefined {
  if (!schema?.$ref) return schema;
  return doc.components.schemas[String(schema.$ref).replace('#/components/schemas/', '')];
}

/** Every (path, schema) reachable from a schema, components resolved once. */
function walk(schema: Schema | undefined, at: string, seen = new Set<Schema>(), out: [string, Schema][] = []): [string, Schema][] {
  const s = resolve(schema);
  if (!s || seen.has(s)) return out;
  seen.add(s);
  out.push([at, s]);
  for (const [k, v] of Object.entries(s.properties ?? {})) walk(v as Schema, `${at}.${k}`, seen, out);
  if (s.items) walk(s.items, `${at}[]`, seen, out);
  for (const key of ['allOf', 'oneOf', 'anyOf']) for (const [i, sub] of (s[key] ?? []).entries()) walk(sub, `${at}/${key}${i}`, seen, out);
  if (typeof s.additionalProperties === 'object') walk(s.additionalProperties, `${at}{}`, seen, out);
  return out;
}

const bareObject = (s: Schema) => s.type === 'object' && !s.properties && s.additionalProperties === undefined && !s.allOf && !s.oneOf && !s.anyOf;
const untyped = (s: Schema) => !s.type && !s.$ref && !s.allOf && !s.oneOf && !s.anyOf && !s.enum;

beforeAll(async () => {
  t = await startTestApp();
  doc = (await t.http.get('/docs-json').expect(200)).body;
  ops = Object.entries(doc.paths as Record<string, Schema>).flatMap(([path, item]) =>
    Object.entries(item).map(([method, op]) => ({ method, path, op: op as Schema })),
  );
});
afterAll(() => t.close());

const failures = (check: (o: Op) => string[]) => ops.flatMap((o) => check(o).map((f) => `${o.method.toUpperCase()} ${o.path}: ${f}`));

describe('the OpenAPI document', () => {
  it('lists the operations of every controller method', () => {
    const ids = new Set(ops.map((o) => o.op.operationId));
    expect(ops.length).toBeGreaterThanOrEqual(60);
    expect(routeHandlers(t.app).map((h) => h.operationId).filter((id) => !ids.has(id))).toEqual([]);
  });

  it('gives every operation a summary and a 2xx response with a schema', () => {
    expect(
      failures(({ op }) => {
        const out: string[] = [];
        if (!op.summary) out.push('no summary');
        const ok = Object.entries(op.responses as Schema).filter(([status]) => /^2\d\d$/.test(status));
        if (ok.length === 0) out.push('no 2xx response');
        for (const [status, r] of ok) {
          const content = Object.values((r as Schema).content ?? {}) as Schema[];
          if (content.length === 0 || content.some((c) => !c.schema)) out.push(`${status} has no schema`);
          for (const c of content) for (const [at, s] of walk(c.schema, `${status}`)) if (bareObject(s) || untyped(s)) out.push(`${at} is ${bareObject(s) ? 'a bare object' : 'untyped'}`);
          for (const c of content) {
            const s = resolve(c.schema);
            if (s?.type === 'object' && s.properties && !(s.required?.length > 0)) out.push(`${status} names no required property`);
          }
        }
        return out;
      }),
    ).toEqual([]);
  });

  it('documents the problem responses of every operation as application/problem+json with catalogue types', () => {
    const problemRef = '#/components/schemas/ProblemDocument';
    expect(doc.components.schemas.ProblemDocument?.required).toEqual(expect.arrayContaining(['type', 'title', 'status', 'detail', 'instance']));
    expect(
      failures(({ op }) => {
        const out: string[] = [];
        const statuses = Object.keys(op.responses);
        // only health is public; everything else needs the bearer token and can answer 401 and 403
        const isPublic = op.tags?.includes('health') === true;
        if (!isPublic && !(op.security as Schema[] | undefined)?.some((s) => 'bearer' in s)) out.push('no bearer security requirement');
        for (const required of ['500', ...(isPublic ? [] : ['401', '403'])]) if (!statuses.includes(required)) out.push(`no ${required}`);
        if (((op.parameters ?? []) as Schema[]).some((p) => p.in !== 'header') || op.requestBody) if (!statuses.includes('400')) out.push('no 400');
        if ((op.parameters ?? []).some((p: Schema) => p.name === 'If-Match') && !statuses.includes('412')) out.push('If-Match without 412');
        for (const [status, r] of Object.entries(op.responses as Record<string, Schema>)) {
          if (Number(status) < 400) continue;
          const schema = r.content?.['application/problem+json']?.schema;
          if (!schema) {
            out.push(`${status} is not application/problem+json`);
            continue;
          }
          if (schema.allOf?.[0]?.$ref !== problemRef) out.push(`${status} does not use the Problem schema`);
          const typeSchema = schema.allOf?.[1]?.properties?.type;
          const types: string[] = typeSchema?.enum ?? typeSchema?.anyOf?.[0]?.enum ?? [];
          if (types.length === 0) out.push(`${status} names no problem type`);
          for (const type of types) if (!type.startsWith(PROBLEM_TYPE_PREFIX) || !isProblemCode(type.slice(PROBLEM_TYPE_PREFIX.length))) out.push(`${status}: ${type} is not in the catalogue`);
        }
        return out;
      }),
    ).toEqual([]);
  });

  it('gives every id parameter and id property format uuid (or a pattern), every parameter a type, integers bounds', () => {
    expect(
      failures(({ op }) => {
        const out: string[] = [];
        for (const p of (op.parameters ?? []) as Schema[]) {
          if (!p.schema?.type) out.push(`parameter ${p.name} has no type`);
          if (ID_PARAMETER.test(p.name) && p.schema?.format !== 'uuid' && !p.schema?.pattern && p.schema?.type !== 'integer') out.push(`parameter ${p.name} is neither a uuid nor constrained`);
          if (p.in === 'query' && p.schema?.type === 'integer' && p.schema.minimum === undefined) out.push(`query ${p.name} has no minimum`);
          if (p.in === 'query' && p.schema?.type === 'string' && !p.schema.format && !p.schema.enum && !p.schema.pattern && p.schema.maxLength === undefined) out.push(`query ${p.name} is an unbounded string`);
        }
        return out;
      }),
    ).toEqual([]);
  });

  it('constrains every request body: strings bounded, ids uuid, no bare object, required listed', () => {
    expect(
      failures(({ op }) => {
        if (!op.requestBody) return [];
        const out: string[] = [];
        for (const [media, c] of Object.entries(op.requestBody.content as Record<string, Schema>)) {
          if (!c.schema) out.push(`${media} body has no schema`);
          if (media !== 'application/json') continue;
          for (const [at, s] of walk(c.schema, 'body')) {
            if (bareObject(s)) out.push(`${at} is a bare object`);
            if (untyped(s)) out.push(`${at} is untyped`);
            if (s.type === 'string' && !s.format && !s.enum && !s.pattern && s.maxLength === undefined) out.push(`${at} is an unbounded string`);
            if (s.type === 'array' && s.maxItems === undefined) out.push(`${at} is an unbounded array`);
            const name = at.split('.').pop()!.replace('[]', '');
            if (ID_PARAMETER.test(name) && s.type === 'string' && s.format !== 'uuid' && !s.pattern) out.push(`${at} is an id without format uuid`);
            if (ID_PARAMETER.test(name) && s.type === 'array' && resolve(s.items)?.format !== 'uuid') out.push(`${at} holds ids without format uuid`);
          }
        }
        return out;
      }),
    ).toEqual([]);
  });

  it('declares Idempotency-Key and If-Match on every command, and every mutating operation is a command or says why not', () => {
    const commands = new Set(routeHandlers(t.app).filter((h) => h.takesCommandContext).map((h) => h.operationId));
    expect(
      failures(({ method, op }) => {
        const headers = ((op.parameters ?? []) as Schema[]).filter((p) => p.in === 'header').map((p) => p.name);
        const id = op.operationId as string;
        const out: string[] = [];
        const isCommand = commands.has(id);
        if (isCommand && !(headers.includes('Idempotency-Key') && headers.includes('If-Match'))) out.push('a command without Idempotency-Key and If-Match');
        if (method !== 'get' && !isCommand && !NOT_COMMANDS[id]) out.push('mutating, takes no @CommandCtx() and is not listed in NOT_COMMANDS');
        if (NOT_COMMANDS[id] && isCommand) out.push('listed in NOT_COMMANDS but takes @CommandCtx()');
        if (isCommand) {
          const key = ((op.parameters ?? []) as Schema[]).find((p) => p.name === 'Idempotency-Key');
          if (!key?.schema?.pattern || key.schema.maxLength !== 128) out.push('Idempotency-Key without its pattern');
          for (const status of ['409', '412', '422']) if (!op.responses[status]) out.push(`a command without ${status}`);
        }
        return out;
      }),
    ).toEqual([]);
  });

  it('types MoveUnitRequest.parentId as a nullable uuid string that is required', () => {
    const move = doc.components.schemas.MoveUnitRequest;
    expect(move.properties.parentId).toMatchObject({ type: 'string', format: 'uuid', nullable: true });
    expect(move.required).toEqual(['parentId']);
  });

  it('carries dates and instants as formats', () => {
    const appoint = doc.components.schemas.AppointMemberRequest.properties;
    expect(appoint.startsOn).toMatchObject({ type: 'string', format: 'date' });
    expect(doc.components.schemas.IssueCommissionRequest.properties.deadline).toMatchObject({ type: 'string', format: 'date-time' });
    expect(doc.components.schemas.DraftContentRequest.properties.title).toMatchObject({ type: 'string', maxLength: 200, minLength: 1 });
  });

  it('reads the shared validators: IsCalendarDate is a date, IsInstant a date-time, IsTextMap bounded text fields, ValidateNestedObjects an array of the class', () => {
    const content = doc.components.schemas.DraftContentRequest.properties;
    expect(content.eventDate).toMatchObject({ type: 'string', format: 'date' });
    expect(content.formFields).toMatchObject({ type: 'object', maxProperties: 30, additionalProperties: { type: 'string', maxLength: 2000 } });
    expect(content.attachments).toMatchObject({ type: 'array', maxItems: 30, items: { $ref: '#/components/schemas/AttachmentRequest' } });
    expect(doc.components.schemas.DefinePublicationLevelsRequest.properties.levels).toMatchObject({ type: 'array', items: { $ref: '#/components/schemas/PublicationLevelRequest' } });
    const drafts = (doc.paths['/v1/drafts'].get.parameters as Schema[]).find((p) => p.name === 'from');
    expect(drafts?.schema).toMatchObject({ type: 'string', format: 'date-time' });
  });

  it('types path parameters from the shared pipes: UuidParamPipe a uuid, IntParamPipe an integer within its bounds', () => {
    const param = (path: string, method: string, name: string) => (doc.paths[path][method].parameters as Schema[]).find((p) => p.name === name)?.schema;
    expect(param('/v1/drafts/{draftId}', 'get', 'draftId')).toMatchObject({ type: 'string', format: 'uuid' });
    expect(param('/v1/drafts/{draftId}/steps/{stepIndex}/secrecy-authority-answer', 'post', 'stepIndex')).toMatchObject({ type: 'integer', minimum: 0, maximum: 2_147_483_647 });
    expect(param('/v1/ops/dead-letters/{id}/skip', 'post', 'id')).toMatchObject({ type: 'integer', minimum: 1, maximum: Number.MAX_SAFE_INTEGER });
    expect(param('/v1/policies/{policyId}/versions/{version}', 'get', 'version')).toMatchObject({ type: 'integer', minimum: 0 });
  });

  it('answers lists as cursor pages and the draft with its content and revision', () => {
    const schema = (path: string) => doc.paths[path].get.responses['200'].content['application/json'].schema;
    for (const path of ['/v1/drafts', '/v1/drafts/mine', '/v1/review-inbox', '/v1/register', '/v1/commissions']) {
      const page = doc.components.schemas[String(schema(path).$ref).replace('#/components/schemas/', '')];
      expect({ path, required: page.required, next: page.properties.next }).toEqual({ path, required: ['items', 'next'], next: expect.objectContaining({ type: 'string', nullable: true }) });
    }
    const detail = doc.components.schemas.DraftDetailResponse;
    expect(detail.properties.content).toMatchObject({ allOf: [{ $ref: '#/components/schemas/DraftContentResponse' }] });
    expect(detail.required).toEqual(expect.arrayContaining(['content', 'revision']));
    expect(detail.properties.revision).toMatchObject({ type: 'string' });
  });
});
