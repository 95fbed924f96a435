import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import { ValidationFailed } from '@app/kernel';

/**
 * What a read asks of the read side, from two request headers (docs/adr/0016):
 * - X-Read-Build: read a shadow build (what-if, as-of) instead of the live build, through the same query code;
 * - X-Min-Position: answer only once the build(s) read have applied at least this log position (the `position`
 *   a command answered), waiting a bounded time: read your own writes.
 */
export interface ReadSelector {
  readonly build?: string;
  readonly minPosition?: bigint;
  /** The authenticated member as the access guard loaded it (reading a shadow build needs ops.read). */
  readonly reader?: unknown;
}

/** A build id as projection_builds.build_id spells it: `<projection>:v<version>:<6 hex>`. */
export const BUILD_ID_PATTERN = /^[a-z][a-z0-9-]{0,62}:v[0-9]{1,9}:[0-9a-f]{6}$/;
/** A log position: a decimal bigint (PostgreSQL bigint range). */
export const POSITION_PATTERN = /^(0|[1-9][0-9]{0,18})$/;
const MAX_POSITION = 2n ** 63n - 1n;

export function parseReadBuild(header: string | undefined): string | undefined {
  if (header === undefined || header === '') return undefined;
  const value = header.trim();
  if (!BUILD_ID_PATTERN.test(value)) {
    throw new ValidationFailed([{ field: 'X-Read-Build', message: 'expected a build id such as policies:v2:ab12cd (GET /v1/ops/builds lists them)' }]);
  }
  return value;
}

export function parseMinPosition(header: string | undefined): bigint | undefined {
  if (header === undefined || header === '') return undefined;
  const value = header.trim();
  const position = POSITION_PATTERN.test(value) ? BigInt(value) : undefined;
  if (position === undefined || position > MAX_POSITION) {
    throw new ValidationFailed([{ field: 'X-Min-Position', message: 'expected a log position: a decimal integer from 0 to 9223372036854775807 (the `position` a command answered)' }]);
  }
  return position;
}

/** The two read headers `@ReadAt()` reads; createOpenApiDocument adds them to every handler that takes it. */
export const READ_HEADERS = [
  {
    name: 'X-Read-Build',
    required: false,
    description:
      'Read this shadow build (what-if parameters, as-of target position) instead of the live build, through the same query; see GET /v1/ops/builds. Needs ops.read. A build that does not exist (or was dropped) is 404 read-build-unknown; a build of a projection this operation does not read is 422 read-build-mismatch; an as-of build whose target is below X-Min-Position is 422 read-build-below-min-position.',
    schema: { type: 'string', pattern: BUILD_ID_PATTERN.source, maxLength: 80, example: 'policies:v2:ab12cd' },
  },
  {
    name: 'X-Min-Position',
    required: false,
    description:
      'Read your own writes: answer only once the build(s) this operation reads have applied at least this log position (the `position` of a command\'s answer). The read waits up to a bound (READ_MIN_POSITION_TIMEOUT_MS, default 5000) and answers 503 read-not-caught-up with Retry-After when it passes.',
    schema: { type: 'string', pattern: POSITION_PATTERN.source, maxLength: 19, example: '1042' },
  },
] as const;

const readSelector = createParamDecorator((_: unknown, ctx: ExecutionContext): ReadSelector => {
  const request = ctx.switchToHttp().getRequest<Request & { user?: unknown }>();
  const build = parseReadBuild(request.header('x-read-build'));
  const minPosition = parseMinPosition(request.header('x-min-position'));
  return { ...(build === undefined ? {} : { build }), ...(minPosition === undefined ? {} : { minPosition }), reader: request.user };
});

/** The read selector of an HTTP request (X-Read-Build, X-Min-Position): every read endpoint passes it to its queries. */
export const ReadAt = (): ParameterDecorator => readSelector(undefined);

/** The log position a command's answer carries (`position`, a decimal string): what X-Min-Position takes. */
export function commandPosition(result: { readonly position: bigint | undefined }): string {
  return String(result.position ?? 0n);
}

/** The description of `position` in every command answer. */
export const COMMAND_POSITION_DESCRIPTION = 'The log position the command appended at (for a duplicate: where its first run did): send it as X-Min-Position to read your own write';
