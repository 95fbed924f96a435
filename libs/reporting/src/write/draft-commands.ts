import { Inject, Injectable } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { Clock, CLOCK, CommandContext, NotFound } from '@app/kernel';
import { CommandResult, runDecider } from '@app/event-store';
import { AccessPolicy, Actor, Permission } from '@app/access';
import { ActingMember, DraftCommand, draftDecider, DraftState, draftStream } from '../domain/draft.decider';
import type { DraftEvent } from '../domain/draft.events';

/**
 * Runs a command on an existing draft through the CommandBus (RunDeciderCommand, as every context's commands):
 * the command built from the folded state checks the permission against the draft's unit (403 naming the unit),
 * works out which of the actor's roles cover that unit (with the unit lineage they came from, which the events
 * of role decisions record), and lets the use case build the command. One read, one append with the read
 * revision (If-Match honoured).
 */
@Injectable()
export class DraftCommands {
  constructor(
    private readonly bus: CommandBus,
    private readonly access: AccessPolicy,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  now(): string {
    return this.clock.now().toISOString();
  }

  async acting(actor: Actor, unitId: string): Promise<ActingMember> {
    const { roles, lineage } = await this.access.coverage(actor, unitId);
    return { memberId: actor.memberId, rolesCoveringUnit: roles, unitLineage: lineage };
  }

  run(
    draftId: string,
    context: CommandContext,
    actor: Actor,
    permission: Permission,
    build: (state: DraftState, acting: ActingMember) => DraftCommand | Promise<DraftCommand>,
  ): Promise<CommandResult<DraftEvent>> {
    return runDecider(
      this.bus,
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
