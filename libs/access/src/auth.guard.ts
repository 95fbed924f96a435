import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { Clock, CLOCK, Forbidden, isUuid, Unauthenticated } from '@app/kernel';
import { ACCESS_METADATA, AccessRequirement, PUBLIC_METADATA, UnitSource } from './access.decorator';
import { AccessPolicy } from './access-policy';
import { Actor, ACTOR_LOADER, ActorLoader } from './actor';
import { TokenService } from './tokens';
import { BusinessDates } from './business-dates';

interface GuardedRequest {
  headers: Record<string, string | string[] | undefined>;
  params?: Record<string, unknown>;
  body?: unknown;
  query?: Record<string, unknown>;
  user?: Actor;
}

/**
 * Every route needs a valid bearer token (401) and the permission it declares with @Access (403), computed from
 * the member's appointments in force today. Routes marked @Public() are open; a route with neither fails closed.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly tokens: TokenService,
    @Inject(ACTOR_LOADER) private readonly actors: ActorLoader,
    private readonly policy: AccessPolicy,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly dates: BusinessDates,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_METADATA, targets)) return true;
    const request = context.switchToHttp().getRequest<GuardedRequest>();
    const header = request.headers.authorization;
    if (typeof header !== 'string' || !/^Bearer\s+\S+$/i.test(header)) throw new Unauthenticated();
    const { memberId } = await this.tokens.verify(header.replace(/^Bearer\s+/i, ''));
    const actor = await this.actors.load(memberId, this.dates.of(this.clock.now()));
    if (!actor) throw new Unauthenticated('The token names a member who does not exist or is no longer active');
    request.user = actor;
    const requirement = this.reflector.getAllAndOverride<AccessRequirement | undefined>(ACCESS_METADATA, targets);
    if (!requirement) throw new Forbidden('This endpoint declares no access rule');
    await this.policy.assert(actor, requirement.permission, requirement.unit ? pick(request, requirement.unit) : undefined);
    return true;
  }
}

function pick(request: GuardedRequest, source: UnitSource): string | undefined {
  const value =
    'param' in source
      ? request.params?.[source.param]
      : 'body' in source
        ? (request.body as Record<string, unknown> | undefined)?.[source.body]
        : request.query?.[source.query];
  // A malformed id is left to validation (400); only a well-formed unit id is checked for coverage.
  return typeof value === 'string' && isUuid(value) ? value : undefined;
}
