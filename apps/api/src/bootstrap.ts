import { INestApplication, Logger as NestLogger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { SwaggerModule } from '@nestjs/swagger';
import { Logger } from 'nestjs-pino';
import type { DestinationStream } from 'pino';
import { Clock, systemClock } from '@app/kernel';
import { BusinessDates, TokenService } from '@app/access';
import { CommandRunner } from '@app/event-store';
import { bootstrapAdministrator } from './bootstrap-admin';
import { AnyProjection } from '@app/projections';
import {
  AppConfig,
  createOpenApiDocument,
  EmbeddedDatabase,
  migrate,
  PathParamGuardPipe,
  ProblemDetailsFilter,
  requestBodyMiddleware,
  resolveDatabase,
  validationPipe,
} from '@app/platform';
import { AppModule } from './app.module';

export interface StartedApp {
  readonly app: INestApplication;
  readonly databaseUrl: string;
  close(): Promise<void>;
}

/**
 * Builds the whole application: database (external or embedded), migrations, Nest app with the global pipe,
 * filter and OpenAPI document. main.ts and the e2e specs both start the app through here.
 */
export async function createApp(
  config: AppConfig,
  options: { clock?: Clock; projections?: readonly AnyProjection[]; logger?: boolean; logStream?: DestinationStream } = {},
): Promise<StartedApp> {
  const bootLog = new NestLogger('Bootstrap');
  const embedded: EmbeddedDatabase = await resolveDatabase(config, (m) => bootLog.log(m));
  const databaseUrl = embedded.url;
  try {
    await migrate(databaseUrl);
    const tokens = await TokenService.create(config.auth, config.dataDir);
    const app = await NestFactory.create<NestExpressApplication>(
      AppModule.forRoot({ config, databaseUrl, tokens, clock: options.clock, projections: options.projections, logStream: options.logStream }),
      // Nest's body parsers are off: requestBodyMiddleware() installs the documented limits and the input guard.
      { bufferLogs: true, logger: options.logger === false ? false : undefined, bodyParser: false },
    );
    if (options.logger !== false) app.useLogger(app.get(Logger));
    // JSON bodies, YAML policy documents, then the input guard (see docs/api.md, "Limits").
    for (const middleware of requestBodyMiddleware()) app.use(middleware);
    app.useGlobalPipes(new PathParamGuardPipe(), validationPipe());
    app.useGlobalFilters(new ProblemDetailsFilter());
    app.set('etag', false); // ETags carry stream revisions, never response hashes
    await bootstrapAdministrator(app.get(CommandRunner), (options.clock ?? systemClock).now(), app.get(BusinessDates), bootLog);
    const document = createOpenApiDocument(app);
    SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json' });
    return {
      app,
      databaseUrl,
      async close() {
        await app.close();
        await embedded.stop();
      },
    };
  } catch (error) {
    await embedded.stop();
    throw error;
  }
}
