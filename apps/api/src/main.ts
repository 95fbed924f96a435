import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { ConfigError, EmbeddedPostgresError, loadConfig } from '@app/platform';
import { createApp } from './bootstrap';

async function main(): Promise<void> {
  const logger = new Logger('Bootstrap');
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      logger.error(error.message);
      process.exit(1);
    }
    throw error;
  }
  const started = await createApp(config);
  // SIGTERM/SIGINT: Nest finishes in-flight requests and stops projections; then the embedded server stops.
  let closing = false;
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      if (closing) return;
      closing = true;
      void started.close().then(() => process.exit(0));
    });
  }
  await started.app.listen(config.port);
  logger.log(`Baosong API on http://localhost:${config.port} (OpenAPI: /docs)`);
}

void main().catch((error: unknown) => {
  // A DATA_DIR the embedded server cannot use is a configuration problem: its message says why and what to do.
  const known = error instanceof ConfigError || error instanceof EmbeddedPostgresError;
  new Logger('Bootstrap').error(error instanceof Error ? (known ? error.message : error.stack) : String(error));
  process.exit(1);
});
