import { BeforeApplicationShutdown, DynamicModule, Global, Inject, Injectable, Module } from '@nestjs/common';
import type { Pool } from 'pg';
import { PG_POOL } from '@app/platform';
import { Clock, CLOCK, Decider, DomainEvent, systemClock } from '@app/kernel';
import { EVENT_STORE, EventStore } from './event-store.port';
import { PostgresEventStore } from './postgres/postgres-event-store';
import { UpcasterRegistry } from './upcasting';
import { UpcastingEventStore } from './upcasting-event-store';
import { CommandContext, CommandFromState, CommandResult, handleCommand } from './handle-command';

export interface EventStoreModuleOptions {
  readonly kind: 'postgres' | 'esdb';
  readonly esdbConnectionString?: string;
  readonly clock?: Clock;
}

/** Runs commands against the configured store; what Nest command handlers call. */
@Injectable()
export class CommandRunner {
  constructor(
    @Inject(EVENT_STORE) readonly store: EventStore,
    readonly upcasters: UpcasterRegistry,
  ) {}

  run<C, S, E extends DomainEvent>(
    stream: string,
    decider: Decider<C, S, E>,
    command: C | CommandFromState<C, S>,
    context: CommandContext,
    retries = 3,
  ): Promise<CommandResult<E>> {
    return handleCommand(this.store, stream, decider, command, context, { retries, upcasters: this.upcasters });
  }
}

@Global()
@Module({})
export class EventStoreModule implements BeforeApplicationShutdown {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  static forRoot(options: EventStoreModuleOptions): DynamicModule {
    return {
      module: EventStoreModule,
      providers: [
        { provide: CLOCK, useValue: options.clock ?? systemClock },
        { provide: UpcasterRegistry, useValue: new UpcasterRegistry() },
        {
          provide: EVENT_STORE,
          inject: [PG_POOL, UpcasterRegistry],
          useFactory: (pool: Pool, upcasters: UpcasterRegistry): EventStore => {
            const inner = options.kind === 'esdb' ? openEsdb(options.esdbConnectionString!) : new PostgresEventStore(pool);
            return new UpcastingEventStore(inner, upcasters);
          },
        },
        CommandRunner,
      ],
      exports: [EVENT_STORE, CLOCK, UpcasterRegistry, CommandRunner],
    };
  }

  /** After projections stopped (onModuleDestroy), before the pool closes (onApplicationShutdown). */
  async beforeApplicationShutdown(): Promise<void> {
    await this.store.close();
  }
}

/** Loaded only when selected, so the EventStoreDB client is never loaded by a PostgreSQL deployment. */
function openEsdb(connectionString: string): EventStore {
  const { EsdbEventStore } = require('./esdb/esdb-event-store') as typeof import('./esdb/esdb-event-store');
  return new EsdbEventStore(connectionString);
}
