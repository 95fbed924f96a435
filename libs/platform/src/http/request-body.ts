import { randomUUID } from 'node:crypto';
import { isUtf8 } from 'node:buffer';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { json, RequestHandler, text } from 'express';
import { ValidationFailed } from '@app/kernel';
import { inputGuard } from './input-guard';

/**
 * The request body limits (documented in docs/api.md, "Limits"). A JSON body must hold a draft at every
 * documented maximum even when a client escapes every character (`\uXXXX`, 6 bytes for one UTF-16 unit): the body
 * alone is 50,000 units, about 300 KB escaped; with title, attachments and form fields at their maxima a draft stays
 * under 600 KB. 1 MiB leaves room and matches the YAML limit of policy documents.
 */
export const JSON_BODY_LIMIT_BYTES = 1024 * 1024;
export const YAML_BODY_LIMIT_BYTES = 1024 * 1024;
export const YAML_MEDIA_TYPES = ['application/yaml', 'application/x-yaml', 'text/yaml'];

const CORRELATION_ID = /^[\w.:-]{1,128}$/;

/** The request's correlation id: X-Correlation-Id when well-formed, else a new UUID; set once, echoed in the response. */
export function correlationIdOf(req: IncomingMessage & { id?: unknown }, res: ServerResponse): string {
  if (typeof req.id === 'string') return req.id;
  const given = req.headers['x-correlation-id'];
  const id = typeof given === 'string' && CORRELATION_ID.test(given) ? given : randomUUID();
  req.id = id;
  if (!res.headersSent) res.setHeader('X-Correlation-Id', id);
  return id;
}

/** body-parser's verify hook: bytes that are not UTF-8 are refused instead of being decoded to U+FFFD. */
function requireUtf8(_req: IncomingMessage, _res: ServerResponse, body: Buffer): void {
  if (!isUtf8(body)) throw new ValidationFailed([{ field: 'body', message: 'the body is not valid UTF-8' }]);
}

/**
 * Everything that reads a request before routing, in order: the correlation id (so even a body refused by the
 * parser answers with it), the JSON and YAML parsers with their limits, then the input guard. Nest's own body
 * parser is switched off (`bodyParser: false`) so that these are the only ones.
 */
export function requestBodyMiddleware(): RequestHandler[] {
  return [
    (req, res, next) => {
      correlationIdOf(req, res);
      next();
    },
    json({ limit: JSON_BODY_LIMIT_BYTES, verify: requireUtf8 }),
    text({ type: YAML_MEDIA_TYPES, limit: YAML_BODY_LIMIT_BYTES, verify: requireUtf8 }),
    inputGuard(),
  ];
}
