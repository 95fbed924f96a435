import { Inject, Injectable } from '@nestjs/common';
import { Clock, CLOCK, CommandContext, NotFound } from '@app/kernel';
import { CommandResult, CommandRunner } from '@app/event-store';
import { AccessPolicy, Actor, Permission } from '@app/access';
import { ActingMember, DraftCommand, draftDecider, DraftState, draftStream } from '../domain/draft.decider';
import type { DraftEvent } from '../domain/draft.events';

/**
 * Runs a command on an existing draft: folds the stream, checks the permission against the draft's unit (403
 * naming the unit), works out which of the actor's roles cover that unit, and lets the use case build the
 * command from the state. One read, one append with the read revision (If-Match honoured).
 */
@Injectable()
export class DraftCommands {
  constructor(
    private readonly runner: CommandRunner,
    private readonly access: AccessPolicy,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  now(): string {
    return this.clock.now().toISOString();
  }

  async acting(actor: Actor, unitId: string): Promise<ActingMember> {
    return { memberId: actor.memberId, rolesCoveringUnit: await this.access.rolesCovering(actor, unitId) };
  }

  run(
    draftId: string,
    context: CommandContext,
    actor: Actor,
    permission: Permission,
    build: (state: DraftState, acting: ActingMember) => DraftCommand | Promise<DraftCommand>,
  ): Promise<CommandResult<DraftEvent>> {
    return this.runner.run(
      draftStream(draftId),
      draftDecider,
      async (state: DraftState) => {
        if (state.status === 'none') throw new NotFound('Draft', draftId);
        await this.access.assert(actor, permission, state.unitId);
        return build(state, await this.acting(actor, state.unitId));
      },
      context,
    );
  }
}
