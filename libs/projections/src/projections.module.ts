import { DynamicModule, Global, Inject, Injectable, Logger, Module, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import type { Pool } from 'pg';
import { EVENT_STORE, EventStore } from '@app/event-store';
import { PG_POOL } from '@app/platform';
import { AnyProjection } from './projection';
import { ProjectionRuntime } from './projection-runtime';
import { ProjectionsHttpController } from './http/projections.http.controller';
import { EffectsHttpController } from './http/effects.http.controller';
import { EffectDispatcher } from './effects/effect-dispatcher';

export interface ProjectionsModuleOptions {
  readonly definitions: readonly AnyProjection[];
  /** false: this instance serves HTTP only and runs no projections (RUN_PROJECTIONS=false). */
  readonly run: boolean;
  readonly instanceId?: string;
}

const OPTIONS = Symbol('PROJECTIONS_OPTIONS');

@Injectable()
export class ProjectionRuntimeLifecycle implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('Projections');
  constructor(
    readonly runtime: ProjectionRuntime,
    @Inject(OPTIONS) private readonly options: ProjectionsModuleOptions,
    private readonly effects: EffectDispatcher,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    // Effects are dispatched where projections run: the dispatcher installs the queue the batches enqueue into.
    if (this.options.run) await this.effects.start();
    if (this.options.run) await this.runtime.start();
    else this.logger.log('RUN_PROJECTIONS=false: projections run on other instances');
  }

  /** Graceful stop: the batch in flight commits or rolls back, then the effects in flight drain, before the pool closes. */
  async onModuleDestroy(): Promise<void> {
    await this.runtime.stop();
    await this.effects.stop();
  }
}

@Global()
@Module({})
export class ProjectionsModule {
  static forRoot(options: ProjectionsModuleOptions): DynamicModule {
    return {
      module: ProjectionsModule,
      controllers: [ProjectionsHttpController, EffectsHttpController],
      providers: [
        { provide: OPTIONS, useValue: options },
        {
          provide: ProjectionRuntime,
          inject: [PG_POOL, EVENT_STORE],
          useFactory: (pool: Pool, store: EventStore) => {
            const logger = new Logger('Projections');
            return new ProjectionRuntime(pool, store, options.definitions, {
              instanceId: options.instanceId,
              log: (message, fields) => logger.log({ msg: message, ...fields }),
            });
          },
        },
        {
          provide: EffectDispatcher,
          inject: [PG_POOL],
          useFactory: (pool: Pool) => {
            const logger = new Logger('Effects');
            return new EffectDispatcher(pool, options.definitions, { log: (message, fields) => logger.log({ msg: message, ...fields }) });
          },
        },
        ProjectionRuntimeLifecycle,
      ],
      exports: [ProjectionRuntime],
    };
  }
}
