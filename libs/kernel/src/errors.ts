/**
 * Domain and application errors. Each carries a stable `code` (a URI fragment used as the problem+json type)
 * and maps to exactly one HTTP status in the API's single exception filter.
 */
export type ErrorKind =
  | 'validation' // 400: the request is malformed
  | 'unauthenticated' // 401
  | 'forbidden' // 403
  | 'not_found' // 404
  | 'conflict' // 409: concurrent change or a state that forbids the command
  | 'stale' // 412: If-Match does not match the stream revision
  | 'too_large' // 413: a body or an upload over its documented limit
  | 'rule_violation' // 422: a business rule refuses the command
  | 'unavailable'; // 503: not now (a read model behind a requested position); `retryAfterSeconds` in details

export interface FieldProblem {
  readonly field: string;
  readonly message: string;
}

export class DomainError extends Error {
  constructor(
    readonly kind: ErrorKind,
    readonly code: string,
    message: string,
    readonly details: Readonly<Record<string, unknown>> = {},
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class ValidationFailed extends DomainError {
  constructor(readonly problems: readonly FieldProblem[], message = 'The request is not valid') {
    super('validation', 'validation-failed', message, { errors: problems });
  }
}

export class NotFound extends DomainError {
  constructor(what: string, id: string) {
    super('not_found', 'not-found', `${what} ${id} does not exist`, { resource: what, id });
  }
}

export class RuleViolation extends DomainError {
  constructor(rule: string, message: string, details: Record<string, unknown> = {}) {
    super('rule_violation', rule, message, { rule, ...details });
  }
}

/** A command that the current state of the aggregate does not allow (e.g. approving a step twice). */
export class InvalidState extends DomainError {
  constructor(rule: string, message: string, details: Record<string, unknown> = {}) {
    super('conflict', rule, message, { rule, ...details });
  }
}

export class Forbidden extends DomainError {
  constructor(message: string, details: Record<string, unknown> = {}) {
    super('forbidden', 'forbidden', message, details);
  }
}

export class Unauthenticated extends DomainError {
  constructor(message = 'A valid bearer token is required') {
    super('unauthenticated', 'unauthenticated', message);
  }
}

/** A body or an upload over its documented limit (413 `payload-too-large`). */
export class PayloadTooLarge extends DomainError {
  constructor(what: string, limitBytes: number) {
    super('too_large', 'payload-too-large', `${what} is limited to ${limitBytes} bytes`, { limit: limitBytes });
  }
}

/** The read side had not caught up with what the request needs within its bound (503 with Retry-After). */
export class ServiceUnavailable extends DomainError {
  constructor(code: string, message: string, readonly retryAfterSeconds: number, details: Record<string, unknown> = {}) {
    super('unavailable', code, message, details);
  }
}
