import { BeforeApplicationShutdown, DynamicModule, Global, Inject, Module } from '@nestjs/common';
import type { Pool } from 'pg';
import { PG_POOL } from '@app/platform';
import { Clock, CLOCK, systemClock } from '@app/kernel';
import { EVENT_STORE, EventStore } from './event-store.port';
import { PostgresEventStore } from './postgres/postgres-event-store';
import { UpcasterRegistry } from './upcasting';
import { UpcastingEventStore } from './upcasting-event-store';
import { CommandRunner } from './command-runner';
import { RunDeciderHandler } from './run-decider.command';

export interface EventStoreModuleOptions {
  readonly kind: 'postgres' | 'esdb';
  readonly esdbConnectionString?: string;
  readonly clock?: Clock;
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
        RunDeciderHandler,
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
