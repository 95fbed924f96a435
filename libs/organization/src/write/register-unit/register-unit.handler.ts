import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { Clock, CLOCK } from '@app/kernel';
import { CommandResult, CommandRunner } from '@app/event-store';
import { unitDecider, unitStream } from '../../domain/unit.decider';
import { RegisterUnitCommand } from './register-unit.command';

@CommandHandler(RegisterUnitCommand)
export class RegisterUnitHandler implements ICommandHandler<RegisterUnitCommand, CommandResult> {
  constructor(
    private readonly runner: CommandRunner,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute(command: RegisterUnitCommand): Promise<CommandResult> {
    // What the decision needs from elsewhere comes from the write model (the parent's stream), not a read model.
    const parentExists =
      command.parentId !== null && (await this.runner.store.readStream(unitStream(command.parentId), { maxCount: 1 })).length > 0;
    return this.runner.run(
      unitStream(command.unitId),
      unitDecider,
      {
        type: 'RegisterUnit',
        unitId: command.unitId,
        name: command.name,
        unitType: command.unitType,
        parentId: command.parentId,
        parentExists,
        now: this.clock.now().toISOString(),
      },
      command.context,
    );
  }
}
