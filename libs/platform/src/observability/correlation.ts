import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * The correlation id of the work in progress outside a request: the event a projection, a reactor's effect or the
 * scheduler is handling. Requests need none of this: nestjs-pino keeps the request's logger (bound to its
 * correlation id) in an AsyncLocalStorage of its own. The app's pino `mixin` (correlationMixin) adds the id held
 * here to every log line written inside such a scope.
 */
const scope = new AsyncLocalStorage<{ readonly correlationId: string | undefined }>();

/** Runs `fn` with `correlationId` as the current one (undefined: explicitly none, e.g. a batch of several). */
export function withCorrelationId<T>(correlationId: string | undefined, fn: () => T): T {
  return scope.run({ correlationId }, fn);
}

export function currentCorrelationId(): string | undefined {
  return scope.getStore()?.correlationId;
}

/** The correlation id shared by all of `ids`, or undefined when they differ (or there are none). */
export function commonCorrelationId(ids: Iterable<string | undefined>): string | undefined {
  let common: string | undefined;
  for (const id of ids) {
    if (id === undefined || (common !== undefined && id !== common)) return undefined;
    common = id;
  }
  return common;
}

/** pino `mixin`: `{ correlationId }` inside a scope that has one, nothing otherwise. */
export function correlationMixin(): Record<string, string> {
  const correlationId = currentCorrelationId();
  return correlationId === undefined ? {} : { correlationId };
}
