import 'reflect-metadata';
import { CommandFactory } from 'nest-commander';
import { CliModule } from './cli.module';

// `npm run cli -- <command>`: token, seed demo, projections … (`npm run cli -- --help`)
void CommandFactory.run(CliModule, { logger: ['error', 'warn'], errorHandler: (error) => {
  process.stderr.write(`${error.message}\n`);
  process.exit(1);
} });
