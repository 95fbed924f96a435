import { DynamicModule, Global, Inject, Injectable, Logger, Module, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import type { Pool } from 'pg';
import { EVENT_STORE, EventStore } from '@app/event-store';
import { PG_POOL } from '@app/platform';
import { AnyProjection } from './projection';
import { ProjectionRuntime } from './projection-runtime';
import { ProjectionsHttpController } from './http/projections.http.controller';
import { EffectsHttpController } from './http/effects.http.controller';
import { EffectDispatcher } from './effects/effect-dispatcher';
import { BuildsHttpController } from './http/builds.http.controller';
import { READ_MODELS_OPTIONS, ReadModels } from './read-models';
import { SHADOW_BUILDS_OPTIONS, ShadowBuilds, ShadowBuildSweeper } from './shadow-builds';

export interface ProjectionsModuleOptions {
  readonly definitions: readonly AnyProjection[];
  /** false: this instance serves HTTP only and runs no projections (RUN_PROJECTIONS=false). */
  readonly run: boolean;
  readonly instanceId?: string;
  /** How long a read with X-Min-Position waits for its read models (READ_MIN_POSITION_TIMEOUT_MS). */
  readonly readMinPositionTimeoutMs?: number;
  /** A shadow build unread for this long is dropped (SHADOW_BUILD_TTL_SECONDS). */
  readonly shadowBuildTtlSeconds?: number;
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
      controllers: [ProjectionsHttpController, EffectsHttpController, BuildsHttpController],
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
        { provide: READ_MODELS_OPTIONS, useValue: { minPositionTimeoutMs: options.readMinPositionTimeoutMs ?? 5000 } },
        ReadModels,
        { provide: SHADOW_BUILDS_OPTIONS, useValue: { run: options.run, defaultTtlSeconds: options.shadowBuildTtlSeconds ?? 86_400, sweepIntervalMs: 60_000 } },
        ShadowBuilds,
        ShadowBuildSweeper,
      ],
      exports: [ProjectionRuntime, ReadModels, ShadowBuilds],
    };
  }
}
