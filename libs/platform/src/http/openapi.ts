import { applyDecorators, HttpStatus, INestApplication, Type } from '@nestjs/common';
import { METHOD_METADATA, ROUTE_ARGS_METADATA } from '@nestjs/common/constants';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum';
import { ModulesContainer } from '@nestjs/core';
import { ApiExtraModels, ApiOperation, ApiParam, ApiParamOptions, DECORATORS, ApiProperty, ApiPropertyOptional, ApiResponse, DocumentBuilder, getSchemaPath, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { getMetadataStorage } from 'class-validator';
import { POLICY_RULE_FAMILY, PROBLEM_CATALOGUE, PROBLEM_TYPE_PREFIX, ProblemCode, problemStatuses, problemTypeUri } from '@app/kernel';
import { CommandCtx, IDEMPOTENCY_KEY_PATTERN } from './command-context';
import { ARRAY_OF_OBJECTS, IntParamPipe, UuidParamPipe } from './validation';
import { READ_HEADERS, ReadAt } from './read-selector';

/**
 * The OpenAPI document, built from the code: one response schema per operation (the response classes beside each
 * controller), problem responses from the problem catalogue (libs/kernel/src/problems.ts), command headers from
 * one decorator, and the constraints of request bodies and query parameters read from their class-validator
 * decorators, so the document cannot drift from what validation enforces.
 */

export class FieldProblemDocument {
  @ApiProperty({ example: 'title' }) field!: string;
  @ApiProperty({ example: 'title must be longer than or equal to 1 characters' }) message!: string;
}

/** RFC 9457 problem details, as every error answers (application/problem+json). */
export class ProblemDocument {
  @ApiProperty({ example: 'urn:baosong:problem:validation-failed', description: '`urn:baosong:problem:<code>`; the codes are in the problem catalogue (docs/api.md)' })
  type!: string;
  @ApiProperty({ example: 'Bad Request', description: 'The HTTP reason phrase' }) title!: string;
  @ApiProperty({ example: 400, type: 'integer' }) status!: number;
  @ApiProperty({ example: 'The request is not valid' }) detail!: string;
  @ApiProperty({ example: '/v1/units', description: 'The request path' }) instance!: string;
  @ApiPropertyOptional({ description: 'The request\'s correlation id (absent when the request failed before one was assigned)' }) correlationId?: string;
  @ApiPropertyOptional({ type: [FieldProblemDocument], description: 'validation-failed: each field or parameter at fault' }) errors?: FieldProblemDocument[];
  @ApiPropertyOptional({ description: 'The rule that refused the command (409, 422)' }) rule?: string;
  @ApiPropertyOptional({ description: 'The field at fault, when one is' }) field?: string;
  @ApiPropertyOptional({ type: 'integer', description: 'payload-too-large: the limit in bytes' }) limit?: number;
}

const PROBLEM_MEDIA_TYPE = 'application/problem+json';

/**
 * The problem responses of an operation: one response per status, its `type` limited to the codes listed. With
 * `policyRules`, a 422 may also carry a rule id the policy in force declares (POLICY_RULE_FAMILY), so its type is
 * any problem URN.
 */
export function ProblemResponses(codes: readonly ProblemCode[], options: { policyRules?: boolean } = {}): MethodDecorator {
  const byStatus = new Map<number, Set<ProblemCode>>();
  for (const code of codes) {
    for (const status of problemStatuses(code)) {
      if (!byStatus.has(status)) byStatus.set(status, new Set());
      byStatus.get(status)!.add(code);
    }
  }
  const responses = [...byStatus.entries()]
    .sort(([a], [b]) => a - b)
    .map(([status, set]) => {
      const list = [...set];
      const openToPolicy = options.policyRules === true && status === 422;
      const known = { type: 'string', enum: list.map(problemTypeUri) };
      const type = openToPolicy ? { anyOf: [known, { type: 'string', pattern: `^${PROBLEM_TYPE_PREFIX}[a-z0-9][a-z0-9_.-]*$`, description: POLICY_RULE_FAMILY.meaning }] } : known;
      const lines = list.map((code) => `\`${code}\`: ${PROBLEM_CATALOGUE[code].meaning}`);
      if (openToPolicy) lines.push(`\`${POLICY_RULE_FAMILY.code}\`: ${POLICY_RULE_FAMILY.meaning}`);
      return ApiResponse({
        status,
        description: lines.join('\n\n'),
        content: {
          [PROBLEM_MEDIA_TYPE]: {
            schema: {
              allOf: [
                { $ref: getSchemaPath(ProblemDocument) },
                { type: 'object', properties: { type, status: { type: 'integer', enum: [status] } } },
              ],
            },
          },
        },
      });
    });
  return applyDecorators(ApiExtraModels(ProblemDocument), ...responses);
}

const REQUEST_PROBLEMS: ProblemCode[] = ['validation-failed', 'http-400', 'internal'];
const AUTH_PROBLEMS: ProblemCode[] = ['unauthenticated', 'forbidden'];
/** Every command may meet these: a concurrent change, a stale If-Match, a reused key, an oversized body. */
const COMMAND_PROBLEMS: ProblemCode[] = ['wrong-expected-revision', 'event-id-reused', 'stale-revision', 'idempotency-key-reused', 'payload-too-large'];

interface EndpointOptions {
  summary: string;
  description?: string;
  /** The response class (an array of it with `isArray`); omitted with `media`. */
  response?: Type<unknown>;
  isArray?: boolean;
  /** The success status (200 unless given). */
  status?: number;
  /** A success body that is not JSON (e.g. application/octet-stream bytes); several when the request chooses (CSV or XLSX). */
  media?: string | readonly string[];
  /** Path parameters the route metadata cannot describe (slugs, checksums). */
  params?: ApiParamOptions[];
  /** The codes the operation answers beyond the ones every operation of its kind may (see the catalogue). */
  problems?: ProblemCode[];
  /** No bearer token needed (health, with @Public()): no 401/403. The bearer requirement itself comes from @Access. */
  public?: boolean;
  /** A 422 may carry a rule id of the policy in force (submission checks). */
  policyRules?: boolean;
  /** Further success response headers. */
  headers?: Record<string, { description: string; schema?: Record<string, unknown> }>;
}

function success(options: EndpointOptions, headers: Record<string, { description: string; schema?: Record<string, unknown> }>) {
  if (options.media) {
    return ApiResponse({
      status: options.status ?? HttpStatus.OK,
      description: 'Success',
      content: Object.fromEntries((typeof options.media === 'string' ? [options.media] : options.media).map((m) => [m, { schema: { type: 'string', format: 'binary' } }])),
      headers: Object.keys(headers).length > 0 ? headers : undefined,
    });
  }
  return ApiResponse({
    status: options.status ?? HttpStatus.OK,
    description: 'Success',
    type: options.response,
    isArray: options.isArray,
    headers: Object.keys(headers).length > 0 ? headers : undefined,
  });
}

/**
 * An operation that is not a command (reads, uploads, operations requests): its success schema, and 400 (a bad
 * parameter), 401, 403, 500 and what `problems` adds.
 */
export function Endpoint(options: EndpointOptions & { etag?: boolean }): MethodDecorator {
  const headers = { ...(options.etag ? { ETag: { description: 'The resource\'s stream revision, quoted: send it as If-Match', schema: { type: 'string', example: '"3"' } } } : {}), ...options.headers };
  return applyDecorators(
    ApiOperation({ summary: options.summary, description: options.description }),
    ...(options.params ?? []).map((p) => ApiParam(p)),
    success(options, headers),
    ProblemResponses([...REQUEST_PROBLEMS, ...(options.public ? [] : AUTH_PROBLEMS), ...(options.problems ?? [])], options),
  );
}

/** The two command headers `@CommandCtx()` reads; createOpenApiDocument adds them to every handler that takes it. */
export const COMMAND_HEADERS = [
  {
    name: 'Idempotency-Key',
    required: false,
    description:
      'The command id, scoped to you: a retry with the same key and the same request answers what the first did and appends nothing; the same key with a different request is 422 idempotency-key-reused. Without it, every request is a new command.',
    schema: { type: 'string', pattern: IDEMPOTENCY_KEY_PATTERN.source, minLength: 8, maxLength: 128, example: 'create-unit-2026-03-02-001' },
  },
  {
    name: 'If-Match',
    required: false,
    description: 'The revision you last saw (the ETag, e.g. "3"): the command runs only if the resource is still at it, otherwise 412 stale-revision and nothing changes.',
    schema: { type: 'string', pattern: '^(W/)?"?[0-9]+"?$', example: '"3"' },
  },
] as const;

/**
 * A command: the success schema with its ETag (and Location for a create), and the
 * problems every command may meet plus the rules of this one (`problems`).
 */
export function CommandEndpoint(options: EndpointOptions & { location?: string }): MethodDecorator {
  const headers = {
    ETag: { description: 'The stream revision after the command, quoted: send it as If-Match next time', schema: { type: 'string', example: '"0"' } },
    ...(options.location ? { Location: { description: options.location, schema: { type: 'string', format: 'uri-reference' } } } : {}),
    ...options.headers,
  };
  return applyDecorators(
    ApiOperation({ summary: options.summary, description: options.description }),
    ...(options.params ?? []).map((p) => ApiParam(p)),
    success(options, headers),
    ProblemResponses([...REQUEST_PROBLEMS, ...AUTH_PROBLEMS, ...COMMAND_PROBLEMS, ...(options.problems ?? [])], options),
  );
}

// ---- class-validator -> OpenAPI ------------------------------------------------------------------------------

type Schema = Record<string, unknown>;
interface Meta {
  name?: string;
  type: string;
  propertyName: string;
  constraints?: unknown[];
  each?: boolean;
}

/** What one class-validator constraint says about the schema of the value (or of each element with `each`). */
function constraintSchema(meta: Meta, all: readonly Meta[]): Schema {
  const c = meta.constraints ?? [];
  switch (meta.name ?? '') {
    case 'isUuid':
      return { type: 'string', format: 'uuid' };
    case 'isString':
      return { type: 'string' };
    case 'isEmail':
      return { type: 'string', format: 'email' };
    case 'isUrl':
      return { type: 'string', format: 'uri' };
    case 'isIso8601': {
      const dateOnly = all.some((m) => m.name === 'isLength' && m.constraints?.[0] === 10 && m.constraints?.[1] === 10 && !m.each);
      return { type: 'string', format: dateOnly ? 'date' : 'date-time' };
    }
    case 'isDateString':
      return { type: 'string', format: 'date-time' };
    case 'isCalendarDate':
      return { type: 'string', format: 'date' };
    case 'isInstant':
      return { type: 'string', format: 'date-time' };
    case 'isTextMap': {
      const limits = c[0] as { maxKeys: number; maxLength: number } | undefined;
      return limits
        ? { type: 'object', maxProperties: limits.maxKeys, additionalProperties: { type: 'string', maxLength: limits.maxLength } }
        : { type: 'object', additionalProperties: { type: 'string' } };
    }
    case 'isLength':
      return { type: 'string', ...(typeof c[0] === 'number' && c[0] > 0 ? { minLength: c[0] } : {}), ...(typeof c[1] === 'number' ? { maxLength: c[1] } : {}) };
    case 'minLength':
      return { type: 'string', minLength: c[0] };
    case 'maxLength':
      return { type: 'string', maxLength: c[0] };
    case 'matches':
      return c[0] instanceof RegExp ? { type: 'string', pattern: c[0].source } : { type: 'string' };
    case 'isIn':
      return Array.isArray(c[0]) ? { enum: c[0] } : {};
    case 'isInt':
      return { type: 'integer' };
    case 'isNumber':
      return { type: 'number' };
    case 'min':
      return { minimum: c[0] };
    case 'max':
      return { maximum: c[0] };
    case 'isBoolean':
      return { type: 'boolean' };
    case 'isObject':
      return { type: 'object' };
    default:
      return {};
  }
}

function arrayConstraint(meta: Meta): Schema {
  const c = meta.constraints ?? [];
  // ValidateNestedObjects: an array whose every element is an object of the nested class
  if (meta.name === 'isArray' || meta.name === ARRAY_OF_OBJECTS) return { type: 'array' };
  if (meta.name === 'arrayMinSize') return { minItems: c[0] };
  if (meta.name === 'arrayMaxSize') return { maxItems: c[0] };
  return {};
}

const DESIGN_TYPES = new Set<unknown>([Object, undefined]);
const SCALAR_TYPE: Record<string, unknown> = { string: String, integer: 'integer', number: Number, boolean: Boolean, object: 'object' };

/**
 * Copies what class-validator enforces into the swagger metadata of every validated class (request bodies and
 * query DTOs): formats (uuid, date, date-time, email, uri), lengths, patterns, enums, bounds, array sizes,
 * required-ness, and the type where the design type is a bare Object (e.g. `string | null`). What a property's
 * @ApiProperty says explicitly wins. Properties validated but not decorated with @ApiProperty are added.
 */
export function documentValidationConstraints(): void {
  const storage = getMetadataStorage() as unknown as {
    validationMetadatas: Map<Type<unknown>, Meta[]>;
    getTargetValidationMetadatas(target: Type<unknown>, schema: string, always: boolean, strictGroups: boolean): Meta[];
  };
  for (const target of storage.validationMetadatas.keys()) {
    if (typeof target !== 'function') continue;
    const metas = storage.getTargetValidationMetadatas(target, '', true, false);
    const byProperty = new Map<string, Meta[]>();
    for (const m of metas) byProperty.set(m.propertyName, [...(byProperty.get(m.propertyName) ?? []), m]);
    const prototype = target.prototype as object;
    const keys: string[] = Reflect.getMetadata(DECORATORS.API_MODEL_PROPERTIES_ARRAY, prototype) ?? [];
    const ownKeys = [...keys];
    for (const [property, list] of byProperty) {
      const existing: Schema = Reflect.getMetadata(DECORATORS.API_MODEL_PROPERTIES, prototype, property) ?? {};
      const value: Schema = {};
      const item: Schema = {};
      const array: Schema = {};
      for (const m of list) {
        if (m.type !== 'customValidation') continue;
        Object.assign(array, arrayConstraint(m));
        Object.assign(m.each ? item : value, constraintSchema(m, list));
      }
      const optional = list.some((m) => m.type === 'conditionalValidation' && m.name === 'isOptional');
      const explicit: Schema = Object.fromEntries(Object.entries(existing).filter(([, v]) => v !== undefined));
      // a design type (Object for `string | null` or a record, Number for an integer, Array) gives way to the validators'
      const designType = DESIGN_TYPES.has(explicit.type) || explicit.type === Number || explicit.type === Array;
      const derived: Schema = {};
      const isArray = array.type === 'array' || Object.keys(item).length > 0 || explicit.isArray === true || explicit.type === Array;
      if (isArray) {
        Object.assign(derived, array);
        if (explicit.isArray === true && typeof explicit.type === 'function' && explicit.type !== Array) {
          // `type: [SomeClass]`: swagger renders the items; only the sizes are added
          delete derived.type;
        } else {
          derived.type = 'array';
          const { type: itemType, ...itemRest } = item;
          derived.items = { ...(itemType ? { type: itemType } : {}), ...itemRest, ...((explicit.items as Schema | undefined) ?? {}) };
          if (designType || explicit.type === undefined) delete explicit.type;
          delete explicit.isArray;
        }
      } else {
        const { type, ...rest } = value;
        Object.assign(derived, rest);
        if (typeof type === 'string' && (designType || explicit.type === undefined)) {
          derived.type = SCALAR_TYPE[type];
          delete explicit.type;
          if (type === 'object' && explicit.additionalProperties === undefined && derived.additionalProperties === undefined) derived.additionalProperties = true;
        }
      }
      if (explicit.required === undefined) derived.required = !optional;
      const merged = { ...derived, ...explicit };
      Reflect.defineMetadata(DECORATORS.API_MODEL_PROPERTIES, merged, prototype, property);
      if (!ownKeys.includes(`:${property}`)) ownKeys.push(`:${property}`);
    }
    Reflect.defineMetadata(DECORATORS.API_MODEL_PROPERTIES_ARRAY, ownKeys, prototype);
  }
}

/**
 * An operation that takes no parameter and no body cannot be a 400, one without a body no 413: drop the responses
 * the decorators added.
 */
function dropImpossibleProblems(document: OpenAPIObject): void {
  for (const item of Object.values(document.paths)) {
    for (const method of ['get', 'put', 'post', 'patch', 'delete'] as const) {
      const op = item[method];
      if (!op) continue;
      const parameters = (op.parameters ?? []).filter((p) => !('$ref' in p) && p.in !== 'header');
      // a read header (X-Read-Build, X-Min-Position) that is malformed is a 400 naming it
      const readHeaders = (op.parameters ?? []).some((p) => !('$ref' in p) && p.in === 'header' && READ_HEADERS.some((h) => h.name === p.name));
      if (parameters.length === 0 && !op.requestBody && !readHeaders) delete op.responses['400'];
      if (!op.requestBody) delete op.responses['413'];
    }
  }
}

interface RouteArgument {
  index: number;
  data?: unknown;
  pipes?: unknown[];
  factory?: unknown;
}

export interface RouteHandler {
  readonly operationId: string;
  /** Path parameters and the pipes that parse them (an integer's bounds from its IntParamPipe). */
  readonly pathParameters: { name: string; uuid: boolean; integer: { min: number; max: number } | null }[];
  /** The handler takes @CommandCtx(): it reads Idempotency-Key and If-Match. */
  readonly takesCommandContext: boolean;
  /** The handler takes @ReadAt(): it reads X-Read-Build and X-Min-Position. */
  readonly takesReadSelector: boolean;
}

/** The factory behind @CommandCtx(), to recognise it in the route metadata. */
function commandContextFactory(): unknown {
  class Probe {
    handler(@CommandCtx() _context: unknown): void {}
  }
  const args: Record<string, RouteArgument> = Reflect.getMetadata(ROUTE_ARGS_METADATA, Probe, 'handler');
  return Object.values(args)[0]!.factory;
}

/** The factory behind @ReadAt(). */
function readSelectorFactory(): unknown {
  class Probe {
    handler(@ReadAt() _selector: unknown): void {}
  }
  const args: Record<string, RouteArgument> = Reflect.getMetadata(ROUTE_ARGS_METADATA, Probe, 'handler');
  return Object.values(args)[0]!.factory;
}

const isPipe = (pipe: unknown, type: Type<unknown>) => pipe === type || pipe instanceof type;

/** Every controller method of the app with what its route metadata says about its parameters. */
export function routeHandlers(app: INestApplication): RouteHandler[] {
  const contextFactory = commandContextFactory();
  const selectorFactory = readSelectorFactory();
  const handlers: RouteHandler[] = [];
  for (const module of app.get(ModulesContainer).values()) {
    for (const wrapper of module.controllers.values()) {
      const controller = wrapper.metatype as Type<unknown> | null;
      if (!controller) continue;
      for (const method of Object.getOwnPropertyNames(controller.prototype)) {
        const handler: unknown = Object.getOwnPropertyDescriptor(controller.prototype, method)?.value;
        if (method === 'constructor' || typeof handler !== 'function' || Reflect.getMetadata(METHOD_METADATA, handler) === undefined) continue;
        const args: Record<string, RouteArgument> = Reflect.getMetadata(ROUTE_ARGS_METADATA, controller, method) ?? {};
        const entries = Object.entries(args);
        handlers.push({
          operationId: `${controller.name}_${method}`,
          pathParameters: entries
            .filter(([key, a]) => key.startsWith(`${RouteParamtypes.PARAM}:`) && typeof a.data === 'string')
            .map(([, a]) => {
              const intPipe = (a.pipes ?? []).find((p) => isPipe(p, IntParamPipe));
              return {
                name: a.data as string,
                uuid: (a.pipes ?? []).some((p) => isPipe(p, UuidParamPipe)),
                integer: intPipe === undefined ? null : intPipe instanceof IntParamPipe ? { ...intPipe.bounds } : { ...new IntParamPipe().bounds },
              };
            }),
          takesCommandContext: entries.some(([, a]) => a.factory === contextFactory),
          takesReadSelector: entries.some(([, a]) => a.factory === selectorFactory),
        });
      }
    }
  }
  return handlers;
}

type Operation = OpenAPIObject['paths'][string]['get'] & object;

function operations(document: OpenAPIObject): Map<string, Operation> {
  const byId = new Map<string, Operation>();
  for (const item of Object.values(document.paths)) {
    for (const method of ['get', 'put', 'post', 'patch', 'delete'] as const) {
      const op = item[method];
      if (op?.operationId) byId.set(op.operationId, op);
    }
  }
  return byId;
}

/**
 * What the route metadata knows: a path parameter parsed by UuidParamPipe is a uuid, by IntParamPipe an integer
 * within the pipe's bounds;
 * a handler that takes @CommandCtx() reads Idempotency-Key and If-Match.
 */
function documentRouteMetadata(app: INestApplication, document: OpenAPIObject): void {
  const byId = operations(document);
  for (const handler of routeHandlers(app)) {
    const op = byId.get(handler.operationId);
    if (!op) continue;
    for (const p of handler.pathParameters) {
      const parameter = op.parameters?.find((x) => !('$ref' in x) && x.in === 'path' && x.name === p.name);
      if (!parameter || '$ref' in parameter) continue;
      if (p.uuid) parameter.schema = { ...parameter.schema, type: 'string', format: 'uuid' };
      if (p.integer) parameter.schema = { ...parameter.schema, type: 'integer', minimum: p.integer.min, maximum: p.integer.max };
    }
    if (handler.takesCommandContext) {
      const parameters = (op.parameters ?? []).filter((x) => '$ref' in x || x.in !== 'header' || !COMMAND_HEADERS.some((h) => h.name === x.name));
      op.parameters = [...parameters, ...COMMAND_HEADERS.map((h) => ({ in: 'header' as const, name: h.name, required: false, description: h.description, schema: { ...h.schema } }))];
    }
    if (handler.takesReadSelector) {
      const parameters = (op.parameters ?? []).filter((x) => '$ref' in x || x.in !== 'header' || !READ_HEADERS.some((h) => h.name === x.name));
      op.parameters = [...parameters, ...READ_HEADERS.map((h) => ({ in: 'header' as const, name: h.name, required: false, description: h.description, schema: { ...h.schema } }))];
      addProblems(op, READ_PROBLEMS);
    }
  }
}

/** What a read that takes @ReadAt() may answer because of its read headers. */
const READ_PROBLEMS: ProblemCode[] = ['validation-failed', 'read-build-unknown', 'read-build-mismatch', 'read-build-below-min-position', 'read-not-caught-up'];

/** Adds problem codes to an operation's problem responses (merging into a status it already documents). */
function addProblems(op: Operation, codes: readonly ProblemCode[]): void {
  addCodes(op, codes);
  const unavailable = op.responses['503'];
  if (codes.includes('read-not-caught-up') && unavailable && !('$ref' in unavailable)) {
    unavailable.headers = { ...unavailable.headers, 'Retry-After': { description: 'Seconds after which the read may have caught up', schema: { type: 'integer', minimum: 1 } } };
  }
}

function addCodes(op: Operation, codes: readonly ProblemCode[]): void {
  for (const code of codes) {
    for (const status of problemStatuses(code)) {
      const key = String(status);
      const uri = problemTypeUri(code);
      const line = `\`${code}\`: ${PROBLEM_CATALOGUE[code].meaning}`;
      const existing = op.responses[key];
      if (existing && !('$ref' in existing)) {
        const schema = existing.content?.[PROBLEM_MEDIA_TYPE]?.schema as { allOf?: { properties?: { type?: { enum?: string[]; anyOf?: { enum?: string[] }[] } } }[] } | undefined;
        const type = schema?.allOf?.[1]?.properties?.type;
        const list = type?.enum ?? type?.anyOf?.[0]?.enum;
        if (!list || list.includes(uri)) continue;
        list.push(uri);
        existing.description = `${existing.description}\n\n${line}`;
        continue;
      }
      op.responses[key] = {
        description: line,
        content: {
          [PROBLEM_MEDIA_TYPE]: {
            schema: { allOf: [{ $ref: getSchemaPath(ProblemDocument) }, { type: 'object', properties: { type: { type: 'string', enum: [uri] }, status: { type: 'integer', enum: [status] } } }] },
          },
        },
      };
    }
  }
}

/** 401/403 that @Access declares without a body get the problem schema of their catalogue code. */
function completeAccessResponses(document: OpenAPIObject): void {
  const codes: Record<string, ProblemCode> = { '401': 'unauthenticated', '403': 'forbidden' };
  for (const op of operations(document).values()) {
    for (const [status, code] of Object.entries(codes)) {
      const response = op.responses[status];
      if (!response || '$ref' in response || response.content) continue;
      response.content = {
        [PROBLEM_MEDIA_TYPE]: {
          schema: { allOf: [{ $ref: getSchemaPath(ProblemDocument) }, { type: 'object', properties: { type: { type: 'string', enum: [problemTypeUri(code)] }, status: { type: 'integer', enum: [Number(status)] } } }] },
        },
      };
      response.description = `${response.description}\n\n\`${code}\`: ${PROBLEM_CATALOGUE[code].meaning}`;
    }
  }
}

/** The OpenAPI 3 document served at /docs-json. */
export function createOpenApiDocument(app: INestApplication): OpenAPIObject {
  documentValidationConstraints();
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Baosong API')
      .setDescription(
        '信息报送: drafts, review chains, publication, adoption, points and payouts, event-sourced. Errors are application/problem+json (RFC 9457); their types are listed in the problem catalogue (docs/api.md).',
      )
      .setVersion('1')
      .addBearerAuth()
      .build(),
    { extraModels: [ProblemDocument, FieldProblemDocument] },
  );
  documentRouteMetadata(app, document);
  completeAccessResponses(document);
  dropImpossibleProblems(document);
  return document;
}
