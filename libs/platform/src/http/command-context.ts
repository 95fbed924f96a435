import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import { CommandContext, newId, ValidationFailed } from '@app/kernel';

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
 * The command metadata of an HTTP request: Idempotency-Key (the command id; a retry with the same key changes
 * nothing), If-Match (expected revision), the correlation id and the authenticated member.
 */
export const CommandCtx = createParamDecorator((_: unknown, ctx: ExecutionContext): CommandContext => {
  const request = ctx.switchToHttp().getRequest<AuthenticatedRequest>();
  const key = request.header('idempotency-key');
  if (key !== undefined && !IDEMPOTENCY_KEY_PATTERN.test(key)) {
    throw new ValidationFailed([{ field: 'Idempotency-Key', message: 'expected 8-128 characters of A-Z a-z 0-9 . _ : -' }]);
  }
  return {
    commandId: key ?? newId(),
    actorId: request.user?.memberId ?? 'anonymous',
    correlationId: typeof request.id === 'string' ? request.id : newId(),
    expectedRevision: parseIfMatch(request.header('if-match')),
  };
});
