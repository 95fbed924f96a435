import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { Clock, CLOCK, CommandContext, RuleViolation } from '@app/kernel';
import { CommandResult, CommandRunner } from '@app/event-store';
import { AccessPolicy, Actor } from '@app/access';
import { draftDecider, draftStream } from '../../domain/draft.decider';
import type { DraftContent } from '../../domain/draft.types';
import { OrgLookups } from '../org-lookups';

export class CreateDraftCommand {
  constructor(
    readonly draftId: string,
    readonly unitId: string,
    readonly content: DraftContent,
    readonly commissionId: string | null,
    readonly actor: Actor,
    readonly context: CommandContext,
  ) {}
}

@CommandHandler(CreateDraftCommand)
export class CreateDraftHandler implements ICommandHandler<CreateDraftCommand, CommandResult> {
  constructor(
    private readonly runner: CommandRunner,
    private readonly lookups: OrgLookups,
    private readonly access: AccessPolicy,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute(c: CreateDraftCommand): Promise<CommandResult> {
    const unit = await this.lookups.unit(c.unitId);
    if (!unit) throw new RuleViolation('draft-unit-unknown', `Unit ${c.unitId} does not exist`, { field: 'unitId' });
    if (!unit.active) throw new RuleViolation('draft-unit-dissolved', `Unit ${c.unitId} is dissolved: it no longer reports`, { field: 'unitId' });
    if (c.commissionId !== null) {
      const commission = await this.lookups.commission(c.commissionId);
      if (commission.status === 'none') throw new RuleViolation('commission-unknown', `Commission ${c.commissionId} does not exist`, { field: 'commissionId' });
      if (commission.status === 'cancelled') throw new RuleViolation('commission-cancelled', 'The commission was cancelled', { field: 'commissionId' });
      if (!commission.unitIds.includes(c.unitId)) {
        throw new RuleViolation('commission-not-for-unit', `Commission ${c.commissionId} was not issued to unit ${c.unitId}`, { field: 'commissionId' });
      }
    }
    const { roles, lineage } = await this.access.coverage(c.actor, c.unitId);
    const actor = { memberId: c.actor.memberId, rolesCoveringUnit: roles, unitLineage: lineage };
    return this.runner.run(
      draftStream(c.draftId),
      draftDecider,
      { type: 'CreateDraft', draftId: c.draftId, unitId: c.unitId, content: c.content, commissionId: c.commissionId, actor, now: this.clock.now().toISOString() },
      c.context,
    );
  }
}
