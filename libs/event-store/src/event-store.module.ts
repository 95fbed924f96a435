import { BeforeApplicationShutdown, DynamicModule, Global, Inject, Module } from '@nestjs/common';
import type { Pool } from 'pg';
import { PG_POOL } from '@app/platform';
import { Clock, CLOCK, PersonalDataRegistry, systemClock } from '@app/kernel';
import { EVENT_STORE, EventStore } from './event-store.port';
import { PostgresEventStore } from './postgres/postgres-event-store';
import { UpcasterRegistry } from './upcasting';
import { UpcastingEventStore } from './upcasting-event-store';
import { CommandRunner } from './command-runner';
import { KEY_ENCRYPTION_KEY, KeyEncryptionKey, LocalKeyEncryptionKey } from './personal-data/key-encryption';
import { PersonalKeys } from './personal-data/personal-keys';
import { PersonalDataEventStore } from './personal-data/personal-data-event-store';
import { RunDeciderHandler } from './run-decider.command';

export interface EventStoreModuleOptions {
  readonly kind: 'postgres' | 'esdb';
  readonly esdbConnectionString?: string;
  readonly clock?: Clock;
  /** Envelope encryption of personal fields (docs/audit.md): the local key-encryption key, or a KMS adapter. */
  readonly personalData: { readonly dataDir: string; readonly masterKey?: string; readonly keyEncryptionKey?: KeyEncryptionKey };
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
        { provide: PersonalDataRegistry, useValue: new PersonalDataRegistry() },
        {
          provide: KEY_ENCRYPTION_KEY,
          useFactory: (): KeyEncryptionKey =>
            options.personalData.keyEncryptionKey ?? LocalKeyEncryptionKey.load({ masterKey: options.personalData.masterKey, dataDir: options.personalData.dataDir }),
        },
        { provide: PersonalKeys, inject: [PG_POOL, KEY_ENCRYPTION_KEY], useFactory: (pool: Pool, kek: KeyEncryptionKey) => new PersonalKeys(pool, kek) },
        {
          provide: EVENT_STORE,
          inject: [PG_POOL, UpcasterRegistry, PersonalDataRegistry, PersonalKeys],
          useFactory: (pool: Pool, upcasters: UpcasterRegistry, personal: PersonalDataRegistry, keys: PersonalKeys): EventStore => {
            const inner = options.kind === 'esdb' ? openEsdb(options.esdbConnectionString!) : new PostgresEventStore(pool);
            // personal fields are opened before upcasting: upcasters see (and keep) clear personal fields
            return new UpcastingEventStore(new PersonalDataEventStore(inner, personal, keys), upcasters);
          },
        },
        CommandRunner,
        RunDeciderHandler,
      ],
      exports: [EVENT_STORE, CLOCK, UpcasterRegistry, PersonalDataRegistry, PersonalKeys, CommandRunner],
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
