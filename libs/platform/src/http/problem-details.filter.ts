import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import { DomainError, ErrorKind, PayloadTooLarge, ServiceUnavailable } from '@app/kernel';

const STATUS: Record<ErrorKind, number> = {
  validation: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  stale: 412,
  too_large: 413,
  rule_violation: 422,
  unavailable: 503,
};

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  412: 'Precondition Failed',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  428: 'Precondition Required',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

/**
 * A domain error as the members of its problem+json (without `instance`): what the filter answers, and what a
 * bulk endpoint reports per item inside its 200.
 */
export function domainProblem(exception: DomainError): { type: string; title: string; status: number; detail: string; [k: string]: unknown } {
  const status = STATUS[exception.kind];
  // details never override the standard members of a problem
  return { ...exception.details, type: `urn:baosong:problem:${exception.code}`, title: TITLES[status] ?? 'Error', status, detail: exception.message };
}

/**
 * The one place errors become HTTP: RFC 9457 application/problem+json with the rule or field that failed.
 * Domain errors carry their kind; Nest's HttpExceptions keep their status; anything else is a 500 whose details
 * stay in the log.
 */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  private readonly logger = new Logger('HTTP');

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const response = http.getResponse<Response>();
    const request = http.getRequest<Request & { id?: string }>();
    const problem = this.toProblem(exception);
    if (problem.status >= 500) {
      this.logger.error({ msg: 'unhandled error', err: exception, path: request.url });
    }
    if (exception instanceof ServiceUnavailable) response.setHeader('Retry-After', String(Math.max(1, Math.ceil(exception.retryAfterSeconds))));
    response
      .status(problem.status)
      .type('application/problem+json')
      .json({ ...problem, instance: request.originalUrl ?? request.url, correlationId: request.id });
  }

  private toProblem(exception: unknown): { type: string; title: string; status: number; detail: string; [k: string]: unknown } {
    if (exception instanceof DomainError) return domainProblem(exception);
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const body = exception.getResponse();
      const message = typeof body === 'string' ? body : (body as { message?: unknown }).message;
      return {
        type: `urn:baosong:problem:http-${status}`,
        title: TITLES[status] ?? 'Error',
        status,
        detail: Array.isArray(message) ? message.join('; ') : String(message ?? exception.message),
      };
    }
    // body-parser errors (malformed JSON, too large) are plain errors with a status
    const withStatus = exception as { status?: number; type?: string; message?: string; limit?: number };
    if (withStatus?.type === 'entity.too.large' && typeof withStatus.limit === 'number') {
      return this.toProblem(new PayloadTooLarge('A request body', withStatus.limit));
    }
    if (typeof withStatus?.status === 'number' && withStatus.status >= 400 && withStatus.status < 500) {
      return {
        type: `urn:baosong:problem:${withStatus.type ?? `http-${withStatus.status}`}`,
        title: TITLES[withStatus.status] ?? 'Error',
        status: withStatus.status,
        detail: withStatus.message ?? 'Bad request',
      };
    }
    return { type: 'urn:baosong:problem:internal', title: TITLES[500]!, status: HttpStatus.INTERNAL_SERVER_ERROR, detail: 'An unexpected error occurred; it has been logged' };
  }
}
