import { DynamicModule, Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { LoggerModule } from 'nestjs-pino';
import type { DestinationStream } from 'pino';
import type { IncomingMessage } from 'node:http';
import type { Pool } from 'pg';
import { Clock, CLOCK } from '@app/kernel';
import { EVENT_STORE, EventStore, EventStoreModule } from '@app/event-store';
import { AnyProjection, ProjectionRuntime, ProjectionsModule, registerProjectionMetrics } from '@app/projections';
import { registerSchedulerMetrics } from '@app/scheduler';
import { AppConfig, correlationIdOf, correlationMixin, DatabaseModule, IdempotencyModule, Metrics, ObservabilityModule, PG_POOL } from '@app/platform';
import { HealthHttpController } from './health/health.http.controller';
import { MetricsHttpController } from './health/metrics.http.controller';
import { contextModules, CONTEXT_PROJECTIONS } from './contexts';
import { AccessModule, TokenService } from '@app/access';
import { MemberStreamActorLoader, OrgTreeUnitLineage } from './org-access.adapters';

export interface AppModuleOptions {
  readonly config: AppConfig;
  readonly databaseUrl: string;
  readonly tokens: TokenService;
  readonly clock?: Clock;
  /** Extra projections (tests). */
  readonly projections?: readonly AnyProjection[];
  /** Where the JSON log lines go (default stdout; tests capture them). */
  readonly logStream?: DestinationStream;
}

const METRICS_COLLECTORS = Symbol('METRICS_COLLECTORS');

/** HTTP composition root: infrastructure modules and the bounded contexts. No domain logic here. */
@Module({})
export class AppModule {
  static forRoot(options: AppModuleOptions): DynamicModule {
    const { config } = options;
    return {
      module: AppModule,
      imports: [
        LoggerModule.forRoot({
          pinoHttp: {
            level: config.logLevel,
            // Outside requests: the correlation id of the event being handled (projections, effects, scheduler).
            mixin: correlationMixin,
            ...(options.logStream ? { stream: options.logStream } : {}),
            // Every log line of a request carries its correlation id (X-Correlation-Id in, or a new one).
            // (assigned before the body parsers; see requestBodyMiddleware)
            genReqId: (req: IncomingMessage, res) => correlationIdOf(req, res),
            customProps: (req) => ({ correlationId: (req as IncomingMessage & { id?: string }).id }),
            redact: ['req.headers.authorization'],
            autoLogging: { ignore: (req) => req.url?.startsWith('/health') ?? false },
          },
        }),
        CqrsModule.forRoot(),
        ObservabilityModule,
        DatabaseModule.forRoot(options.databaseUrl),
        IdempotencyModule,
        EventStoreModule.forRoot({
          kind: config.eventStore,
          esdbConnectionString: config.eventStoreConnectionString,
          clock: options.clock,
          personalData: { dataDir: config.dataDir, masterKey: config.piiMasterKey },
        }),
        ProjectionsModule.forRoot({
          definitions: [...CONTEXT_PROJECTIONS, ...(options.projections ?? [])],
          run: config.runProjections,
          readMinPositionTimeoutMs: config.readMinPositionTimeoutMs,
          shadowBuildTtlSeconds: config.shadowBuildTtlSeconds,
        }),
        AccessModule.forRoot({ tokens: options.tokens, actorLoader: MemberStreamActorLoader, unitTree: OrgTreeUnitLineage, businessTimeZone: config.businessTimeZone }),
        ...contextModules(config),
      ],
      controllers: [HealthHttpController, MetricsHttpController],
      providers: [
        {
          // the scrape-time collectors and the append counter, over the instance's store, runtime and scheduler tables
          provide: METRICS_COLLECTORS,
          inject: [Metrics, PG_POOL, EVENT_STORE, ProjectionRuntime, CLOCK],
          useFactory: (metrics: Metrics, pool: Pool, store: EventStore, runtime: ProjectionRuntime, clock: Clock) => {
            metrics.countAppends(store);
            registerProjectionMetrics(metrics, { pool, store, definitions: runtime.definitions, now: () => clock.now() });
            registerSchedulerMetrics(metrics, { pool, store, clock, timeZone: config.businessTimeZone, periodsFrom: config.scheduler.periodsFrom });
            return true;
          },
        },
      ],
    };
  }
}
