import type { RequestHandler } from 'express';
import { FieldProblem, ValidationFailed } from '@app/kernel';

/**
 * What every request's input must satisfy before any DTO sees it, checked in one place for the body, the query
 * and the path parameters:
 * - no string (value or key) holds U+0000 or a lone UTF-16 surrogate: PostgreSQL's jsonb and text refuse both,
 *   so such input would otherwise fail at append, after validation, as a 500;
 * - objects and arrays nest at most `MAX_INPUT_DEPTH` levels (validation recurses; a few thousand levels exhaust
 *   the stack);
 * - no key is `__proto__`, `constructor` or `prototype` (they are silently dropped or, worse, reach a merge);
 * - strings are trimmed, so a required text is non-empty after trimming and nothing stores `'   '`.
 */
export const MAX_INPUT_DEPTH = 32;
export const REFUSED_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);
/** At most this many values in one input (a 1 MiB JSON body holds fewer; YAML aliases could multiply them). */
export const MAX_INPUT_VALUES = 250_000;
/** At most this many problems are reported (a 10,000-element array of bad strings answers with the first ones). */
const MAX_PROBLEMS = 20;

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Why a string cannot be stored, or undefined when it can. */
export function unstorableText(value: string): string | undefined {
  if (value.includes('\u0000')) return 'must not contain U+0000 (NUL)';
  if (LONE_SURROGATE.test(value)) return 'must be valid Unicode (it contains a lone UTF-16 surrogate)';
  return undefined;
}

const join = (path: string, key: string) => (path ? `${path}.${key}` : key);

/**
 * Returns a copy of `value` with every string trimmed, and the problems found. `path` names the value in the
 * problems (`levels.0.key`, the same form as the DTO validation's field names).
 */
export function normalizeInput(value: unknown, path: string, problems: FieldProblem[], depth = 0, budget = { values: MAX_INPUT_VALUES }): unknown {
  if (problems.length >= MAX_PROBLEMS) return value;
  if (--budget.values < 0) {
    if (budget.values === -1) problems.push({ field: path || 'body', message: `the input holds more than ${MAX_INPUT_VALUES} values` });
    return value;
  }
  if (typeof value === 'string') {
    const why = unstorableText(value);
    if (why) problems.push({ field: path, message: `${path} ${why}` });
    return value.trim();
  }
  if (value === null || typeof value !== 'object') return value;
  // only JSON's own shapes (plain objects and arrays) are walked; any other object is left as it is
  const proto = Object.getPrototypeOf(value) as unknown;
  if (!Array.isArray(value) && proto !== Object.prototype && proto !== null) return value;
  if (depth >= MAX_INPUT_DEPTH) {
    problems.push({ field: path, message: `${path || 'body'} nests deeper than ${MAX_INPUT_DEPTH} levels` });
    return value;
  }
  if (Array.isArray(value)) return value.map((item, i) => normalizeInput(item, join(path, String(i)), problems, depth + 1, budget));
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    const field = join(path, key);
    if (REFUSED_KEYS.has(key)) {
      problems.push({ field, message: `the key ${key} is not allowed` });
      continue;
    }
    const why = unstorableText(key);
    if (why) {
      problems.push({ field, message: `key ${why}` });
      continue;
    }
    // defineProperty, not assignment: a key such as __proto__ must never reach a setter
    Object.defineProperty(out, key, {
      value: normalizeInput((value as Record<string, unknown>)[key], field, problems, depth + 1, budget),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return out;
}

/**
 * The same check for input decoded later than the body parsers (a YAML policy document): returns the trimmed copy
 * or throws the 400.
 */
export function guardInput(value: unknown, path: string): unknown {
  const problems: FieldProblem[] = [];
  const normalized = normalizeInput(value, path, problems);
  if (problems.length > 0) throw new ValidationFailed(problems);
  return normalized;
}

/**
 * Express middleware run after the body parsers and before routing (so before the access guard, which reads ids
 * from the body and the query): refuses unstorable or too deep input with a 400 naming the field, and replaces
 * body and query by their trimmed copies.
 */
export function inputGuard(): RequestHandler {
  return (req, _res, next) => {
    const problems: FieldProblem[] = [];
    if (req.body !== undefined) {
      req.body = normalizeInput(req.body, typeof req.body === 'string' ? 'body' : '', problems);
    }
    const query = normalizeInput(req.query, '', problems);
    // Express 5 computes req.query in a getter; an own property shadows it for the rest of the request.
    Object.defineProperty(req, 'query', { value: query, writable: true, configurable: true, enumerable: true });
    next(problems.length > 0 ? new ValidationFailed(problems) : undefined);
  };
}
