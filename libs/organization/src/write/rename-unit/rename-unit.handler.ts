import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { Clock, CLOCK, NotFound } from '@app/kernel';
import { CommandResult, CommandRunner } from '@app/event-store';
import { unitDecider, unitStream } from '../../domain/unit.decider';
import { RenameUnitCommand } from './rename-unit.command';

@CommandHandler(RenameUnitCommand)
export class RenameUnitHandler implements ICommandHandler<RenameUnitCommand, CommandResult> {
  constructor(
    private readonly runner: CommandRunner,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute(command: RenameUnitCommand): Promise<CommandResult> {
    const stream = unitStream(command.unitId);
    if ((await this.runner.store.readStream(stream, { maxCount: 1 })).length === 0) throw new NotFound('Unit', command.unitId);
    return this.runner.run(stream, unitDecider, { type: 'RenameUnit', name: command.name, now: this.clock.now().toISOString() }, command.context);
  }
}
