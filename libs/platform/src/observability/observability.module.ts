import { Global, Logger, Module } from '@nestjs/common';
import { COMMAND_OBSERVER } from './command-observer';
import { Metrics } from './metrics';

/** The instance's metrics registry, and the command observer the CommandRunner reports to. */
@Global()
@Module({
  providers: [
    {
      provide: Metrics,
      useFactory: () => {
        const logger = new Logger('Metrics');
        return new Metrics({ log: (message, fields) => logger.warn({ msg: message, ...fields }) });
      },
    },
    { provide: COMMAND_OBSERVER, useExisting: Metrics },
  ],
  exports: [Metrics, COMMAND_OBSERVER],
})
export class ObservabilityModule {}
