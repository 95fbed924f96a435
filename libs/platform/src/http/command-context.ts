import { createParamDecorator, ExecutionContext, Injectable, PipeTransform } from '@nestjs/common';
import type { Request } from 'express';
import { CommandContext, deterministicUuid, newId, ValidationFailed } from '@app/kernel';
import { IdempotencyKeys } from './idempotency-keys';
import { requestFingerprint } from './request-fingerprint';

export interface AuthenticatedRequest extends Request {
  user?: { memberId: string };
}

/** `"3"` or `W/"3"` -> 3n; a missing header -> undefined; anything else is a 400. */
export function parseIfMatch(header: string | undefined): bigint | undefined {
  if (header === undefined || header === '') return undefined;
  const match = /^(?:W\/)?"?(\d+)"?$/.exec(header.trim());
  if (!match) throw new ValidationFailed([{ field: 'If-Match', message: 'expected an ETag such as "3" (the revision)' }]);
  return BigInt(match[1]!);
}

export function etag(revision: bigint | undefined): string {
  return `"${revision ?? -1}"`;
}

export const IDEMPOTENCY_KEY_PATTERN = /^[A-Za-z0-9._:-]{8,128}$/;

/**
 * The Idempotency-Key header: a bare key, or the draft's Structured Field string (`"key"`). Undefined without
 * the header; a 400 naming the header for anything else.
 */
export function parseIdempotencyKey(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  const quoted = /^"(.*)"$/.exec(header);
  const key = quoted ? quoted[1]! : header;
  if (!IDEMPOTENCY_KEY_PATTERN.test(key)) {
    throw new ValidationFailed([{ field: 'Idempotency-Key', message: 'expected 8-128 characters of A-Z a-z 0-9 . _ : -' }]);
  }
  return key;
}

/** The command id of a keyed request: the same key of two members gives two command ids (and two entity ids). */
export function commandIdForKey(memberId: string, key: string): string {
  return deterministicUuid('idempotency-key', memberId, key);
}

/** What the decorator reads off the request; the pipe turns it into the CommandContext. */
interface RequestCommand {
  readonly context: CommandContext;
  readonly idempotency?: { readonly key: string; readonly method: string; readonly path: string; readonly fingerprint: string };
}

const requestCommand = createParamDecorator((_: unknown, ctx: ExecutionContext): RequestCommand => {
  const request = ctx.switchToHttp().getRequest<AuthenticatedRequest>();
  const key = parseIdempotencyKey(request.header('idempotency-key'));
  const actorId = request.user?.memberId ?? 'anonymous';
  const correlationId = typeof request.id === 'string' ? request.id : newId();
  const expectedRevision = parseIfMatch(request.header('if-match'));
  if (key === undefined) return { context: { commandId: newId(), actorId, correlationId, expectedRevision } };
  const method = request.method.toUpperCase();
  const path = (request.originalUrl ?? request.url).split('?')[0]!;
  // The body as parsed, before the validation pipe transforms it: the request as the client sent it.
  const fingerprint = requestFingerprint({ method, path, query: request.query, body: request.body });
  return {
    context: { commandId: commandIdForKey(actorId, key), actorId, correlationId, expectedRevision, requestFingerprint: fingerprint },
    idempotency: { key, method, path, fingerprint },
  };
});

/**
 * Adds the binding of the Idempotency-Key to the context: handleCommand calls it once before the command first
 * reads its stream, so a request refused by validation or a guard binds nothing, and a request whose key names
 * another request is a 422 before anything is decided.
 */
@Injectable()
export class CommandContextPipe implements PipeTransform<RequestCommand, CommandContext> {
  constructor(private readonly keys: IdempotencyKeys) {}

  transform({ context, idempotency }: RequestCommand): CommandContext {
    if (!idempotency) return context;
    let bound: Promise<void> | undefined;
    const bindIdempotencyKey = () =>
      (bound ??= this.keys.bind({ memberId: context.actorId, commandId: context.commandId, ...idempotency }));
    return { ...context, bindIdempotencyKey };
  }
}

/**
 * The command metadata of an HTTP request: the command id (derived from the member and their Idempotency-Key,
 * bound to the request's fingerprint; random without the header), If-Match (expected revision), the
 * correlation id and the authenticated member. Every write endpoint takes its CommandContext from here.
 */
export const CommandCtx = (): ParameterDecorator => requestCommand(undefined, CommandContextPipe);
