import Ajv, { ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';

type Schema = Record<string, any>;

/** Problem documents carry further members (rule, stream, expected …); every other named schema is closed. */
const OPEN_SCHEMAS = new Set(['ProblemDocument']);

/**
 * Checks live responses against the schemas the OpenAPI document declares for them. Named response schemas are
 * closed (additionalProperties: false), so a property the handler returns but the document does not declare
 * fails as surely as a declared property that is missing or of another type.
 */
export class ResponseConformance {
  private readonly ajv = new Ajv({ strict: false, allErrors: true });
  private readonly cache = new Map<string, ValidateFunction>();

  constructor(private readonly document: Schema) {
    addFormats(this.ajv);
    const schemas: Schema = {};
    for (const [name, schema] of Object.entries(document.components.schemas as Record<string, Schema>)) {
      const copy = JSON.parse(JSON.stringify(schema)) as Schema;
      if (!OPEN_SCHEMAS.has(name) && copy.type === 'object' && copy.properties && copy.additionalProperties === undefined) copy.additionalProperties = false;
      schemas[name] = copy;
    }
    this.ajv.addSchema({ $id: 'openapi', components: { schemas } });
  }

  /** The errors of `body` against the schema of (method, path template, status); throws when none is documented. */
  errors(method: string, path: string, status: number, body: unknown): string[] {
    const key = `${method} ${path} ${status}`;
    let validate = this.cache.get(key);
    if (!validate) {
      const response = this.document.paths[path]?.[method.toLowerCase()]?.responses?.[String(status)];
      if (!response) throw new Error(`${key} is not documented`);
      const media = Object.keys(response.content ?? {})[0];
      const schema = media ? response.content[media].schema : undefined;
      if (!schema) throw new Error(`${key} has no schema`);
      validate = this.ajv.compile(JSON.parse(JSON.stringify(schema).replace(/"#\/components\//g, '"openapi#/components/')));
      this.cache.set(key, validate);
    }
    return validate(body) ? [] : (validate.errors ?? []).map((e) => `${key}: ${e.instancePath || '(root)'} ${e.message} ${JSON.stringify(e.params)}`);
  }
}
