import { DynamicModule, Inject, Injectable, Logger, Module, OnApplicationBootstrap, OnModuleDestroy, Optional } from '@nestjs/common';
import type { Pool } from 'pg';
import { Clock, CLOCK } from '@app/kernel';
import { EVENT_STORE, EventStore, UpcasterRegistry } from '@app/event-store';
import { ProjectionRuntime } from '@app/projections';
import { PG_POOL } from '@app/platform';
import { Scheduler } from './scheduler';
import { SchedulerQueries } from './read/scheduler.queries';
import { SchedulerHttpController } from './http/scheduler.http.controller';

export interface SchedulerModuleOptions {
  /** Whether this instance appends time facts (RUN_SCHEDULER; default RUN_PROJECTIONS). Several may: each fact lands once. */
  readonly run: boolean;
  readonly timeZone: string;
  readonly periodsFrom?: string;
  readonly checkIntervalMs?: number;
}

const OPTIONS = Symbol('SCHEDULER_OPTIONS');

@Injectable()
export class SchedulerLifecycle implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('Scheduler');
  private offProgress: (() => void) | undefined;
  constructor(
    private readonly scheduler: Scheduler,
    @Inject(OPTIONS) private readonly options: SchedulerModuleOptions,
    @Optional() private readonly runtime?: ProjectionRuntime,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.options.run) {
      this.logger.log('RUN_SCHEDULER=false: time facts are appended by other instances');
      return;
    }
    // a deadline registered here is seen by the local scheduler projection first: look at the next due time again
    this.offProgress = this.runtime?.onProgress(() => this.scheduler.poke());
    // not awaited: a first tick that records months of business periods must not hold up the boot
    this.scheduler.start().catch((error: unknown) => this.logger.error({ msg: 'scheduler start failed', error: String(error) }));
  }

  async onModuleDestroy(): Promise<void> {
    this.offProgress?.();
    await this.scheduler.stop();
  }
}

@Module({})
export class SchedulerModule {
  static forRoot(options: SchedulerModuleOptions): DynamicModule {
    return {
      module: SchedulerModule,
      controllers: [SchedulerHttpController],
      providers: [
        { provide: OPTIONS, useValue: options },
        {
          provide: Scheduler,
          inject: [PG_POOL, EVENT_STORE, CLOCK, UpcasterRegistry],
          useFactory: (pool: Pool, store: EventStore, clock: Clock, upcasters: UpcasterRegistry) => {
            const logger = new Logger('Scheduler');
            return new Scheduler(pool, store, clock, {
              timeZone: options.timeZone,
              periodsFrom: options.periodsFrom,
              checkIntervalMs: options.checkIntervalMs,
              upcasters,
              log: (message, fields) => logger.log({ msg: message, ...fields }),
            });
          },
        },
        SchedulerQueries,
        SchedulerLifecycle,
      ],
      exports: [Scheduler],
    };
  }
}
