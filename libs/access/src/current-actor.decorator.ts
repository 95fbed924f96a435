import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import { Unauthenticated } from '@app/kernel';
import type { Actor } from './actor';

/** The authenticated member of the request (set by AuthGuard). */
export const CurrentActor = createParamDecorator((_: unknown, ctx: ExecutionContext): Actor => {
  const actor = ctx.switchToHttp().getRequest<{ user?: Actor }>().user;
  if (!actor) throw new Unauthenticated();
  return actor;
});
