import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { Clock, CLOCK } from '@app/kernel';
import { CommandResult, CommandRunner } from '@app/event-store';
import { unitDecider, unitStream } from '../../domain/unit.decider';
import { RegisterUnitCommand } from './register-unit.command';
import { OrgReads } from '../org-reads';

@CommandHandler(RegisterUnitCommand)
export class RegisterUnitHandler implements ICommandHandler<RegisterUnitCommand, CommandResult> {
  constructor(
    private readonly runner: CommandRunner,
    private readonly reads: OrgReads,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute(command: RegisterUnitCommand): Promise<CommandResult> {
    // What the decision needs from elsewhere comes from the write model (streams), not from a read model.
    const parent = command.parentId === null ? { exists: false, dissolved: false } : await this.reads.unitFacts(command.parentId);
    const unitTypeDefined = (await this.reads.config()).unitTypes.has(command.unitType);
    return this.runner.run(
      unitStream(command.unitId),
      unitDecider,
      {
        type: 'RegisterUnit',
        unitId: command.unitId,
        name: command.name,
        unitType: command.unitType,
        parentId: command.parentId,
        parent,
        unitTypeDefined,
        now: this.clock.now().toISOString(),
      },
      command.context,
    );
  }
}
