import { createHash } from 'node:crypto';
import { canonicalJson } from '@app/kernel';

export interface FingerprintedRequest {
  readonly method: string;
  /** The path without the query string, as sent (it names the target: /v1/drafts/<id>/steps/0/approve). */
  readonly path: string;
  readonly query?: unknown;
  /** The parsed body (JSON object, YAML text, or nothing). */
  readonly body?: unknown;
}

/** Bumped when the canonical form changes, so fingerprints of different algorithms are never compared as equal. */
const FINGERPRINT_VERSION = 'v1';

/**
 * What an Idempotency-Key is bound to: SHA-256 over the canonical JSON of method, path, query and body. Headers
 * are not part of it (If-Match is a precondition on the same request, not another request).
 */
export function requestFingerprint(request: FingerprintedRequest): string {
  const query = request.query !== null && typeof request.query === 'object' && Object.keys(request.query).length === 0 ? undefined : request.query;
  const canonical = canonicalJson({ method: request.method.toUpperCase(), path: request.path, query, body: request.body });
  return `${FINGERPRINT_VERSION}:${createHash('sha256').update(canonical, 'utf8').digest('hex')}`;
}
