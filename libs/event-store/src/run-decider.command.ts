import { CommandBus, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import type { CommandContext, Decider, DomainEvent } from '@app/kernel';
import type { CommandFromState, CommandResult } from './handle-command';
import { CommandRunner } from './command-runner';

/**
 * The CommandBus message for "run this decider command on this stream": use cases whose handler would only read
 * a few facts and call handleCommand send this instead of declaring a command class and handler of their own.
 */
export class RunDeciderCommand<C = unknown, S = unknown, E extends DomainEvent = DomainEvent> {
  constructor(
    readonly stream: string,
    readonly decider: Decider<C, S, E>,
    readonly command: C | CommandFromState<C, S>,
    readonly context: CommandContext,
  ) {}
}

/** Sends a RunDeciderCommand through the CommandBus, typed by the decider. */
export function runDecider<C, S, E extends DomainEvent>(
  bus: CommandBus,
  stream: string,
  decider: Decider<C, S, E>,
  command: C | CommandFromState<C, S>,
  context: CommandContext,
): Promise<CommandResult<E>> {
  return bus.execute(new RunDeciderCommand(stream, decider, command, context) as RunDeciderCommand) as Promise<CommandResult<E>>;
}

@CommandHandler(RunDeciderCommand)
export class RunDeciderHandler implements ICommandHandler<RunDeciderCommand, CommandResult> {
  constructor(private readonly runner: CommandRunner) {}

  execute(message: RunDeciderCommand): Promise<CommandResult> {
    return this.runner.run(message.stream, message.decider, message.command, message.context);
  }
}
