import { Controller, Get, Inject } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Clock, CLOCK } from '@app/kernel';
import { Endpoint } from '@app/platform';
import { Access } from './access.decorator';
import { AccessPolicy } from './access-policy';
import type { Actor } from './actor';
import { BusinessDates } from './business-dates';
import { CurrentActor } from './current-actor.decorator';
import { MeResponse } from './me.responses';

/** Who the bearer of the token is and what they may do, so a client never decodes its own token. */
@ApiTags('me')
@Controller('v1/me')
export class MeHttpController {
  constructor(
    private readonly policy: AccessPolicy,
    private readonly dates: BusinessDates,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Get()
  @Access('me.read')
  @Endpoint({
    summary: 'The authenticated member, the appointments in force today (business time zone) and the permissions they grant, per unit (from the access policy the guard applies)',
    response: MeResponse,
  })
  async me(@CurrentActor() actor: Actor) {
    // the guard loaded the actor with the appointments in force on this business date
    const grants = await this.policy.grants(actor);
    return {
      memberId: actor.memberId,
      name: actor.name,
      today: this.dates.of(this.clock.now()),
      timeZone: this.dates.timeZone,
      appointments: actor.appointments.map((a) => ({ appointmentId: a.appointmentId, role: a.role, unitId: a.unitId, startsOn: a.startsOn, endsOn: a.endsOn, oversees: a.oversees })),
      permissions: grants.permissions,
      units: grants.units,
    };
  }
}
