import { Inject, Injectable, Optional } from '@nestjs/common';
import type { Decider, DomainEvent } from '@app/kernel';
import { COMMAND_OBSERVER, type CommandObserver } from '@app/platform';
import { EVENT_STORE, EventStore } from './event-store.port';
import { CommandContext, CommandFromState, CommandResult, handleCommand } from './handle-command';
import { UpcasterRegistry } from './upcasting';

/**
 * Runs commands against the configured store; what Nest command handlers call, and so the one place every HTTP
 * command passes through: the observer (the metrics registry, when the app has one) times each by type and outcome.
 */
@Injectable()
export class CommandRunner {
  constructor(
    @Inject(EVENT_STORE) readonly store: EventStore,
    readonly upcasters: UpcasterRegistry,
    @Optional() @Inject(COMMAND_OBSERVER) private readonly observer?: CommandObserver,
  ) {}

  run<C, S, E extends DomainEvent>(
    stream: string,
    decider: Decider<C, S, E>,
    command: C | CommandFromState<C, S>,
    context: CommandContext,
    retries = 3,
  ): Promise<CommandResult<E>> {
    return handleCommand(this.store, stream, decider, command, context, { retries, upcasters: this.upcasters, observer: this.observer });
  }
}

