import { DynamicModule, Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { LoggerModule } from 'nestjs-pino';
import type { IncomingMessage } from 'node:http';
import { Clock } from '@app/kernel';
import { EventStoreModule } from '@app/event-store';
import { AnyProjection, ProjectionsModule } from '@app/projections';
import { AppConfig, correlationIdOf, DatabaseModule, IdempotencyModule } from '@app/platform';
import { HealthHttpController } from './health/health.http.controller';
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
}

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
            // Every log line of a request carries its correlation id (X-Correlation-Id in, or a new one).
            // (assigned before the body parsers; see requestBodyMiddleware)
            genReqId: (req: IncomingMessage, res) => correlationIdOf(req, res),
            customProps: (req) => ({ correlationId: (req as IncomingMessage & { id?: string }).id }),
            redact: ['req.headers.authorization'],
            autoLogging: { ignore: (req) => req.url?.startsWith('/health') ?? false },
          },
        }),
        CqrsModule.forRoot(),
        DatabaseModule.forRoot(options.databaseUrl),
        IdempotencyModule,
        EventStoreModule.forRoot({ kind: config.eventStore, esdbConnectionString: config.eventStoreConnectionString, clock: options.clock }),
        ProjectionsModule.forRoot({
          definitions: [...CONTEXT_PROJECTIONS, ...(options.projections ?? [])],
          run: config.runProjections,
          readMinPositionTimeoutMs: config.readMinPositionTimeoutMs,
          shadowBuildTtlSeconds: config.shadowBuildTtlSeconds,
        }),
        AccessModule.forRoot({ tokens: options.tokens, actorLoader: MemberStreamActorLoader, unitTree: OrgTreeUnitLineage, businessTimeZone: config.businessTimeZone }),
        ...contextModules(config),
      ],
      controllers: [HealthHttpController],
    };
  }
}
