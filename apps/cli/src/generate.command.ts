import { Command, CommandRunner as CliCommand, Option } from 'nest-commander';
import { generateIntoDatabase, SIZES } from '@app/generator';
import { out, Progress } from './cli-support';

interface GenerateOptions {
  size?: string;
  seed?: string;
  database?: string;
}

/** The generator (libs/generator) behind the CLI: the same as `npm run generate`, with a progress bar. */
@Command({
  name: 'generate',
  description: 'write a generated history (small ~20k, medium ~200k, large ~1M events) into an empty store: DATABASE_URL, the embedded database, or --database <name> on that server',
})
export class GenerateCommand extends CliCommand {
  async run(_args: string[], options: GenerateOptions): Promise<void> {
    const size = options.size ?? 'small';
    if (!(size in SIZES)) throw new Error(`--size must be one of ${Object.keys(SIZES).join(', ')}`);
    const target = SIZES[size as keyof typeof SIZES].targetEvents;
    const progress = new Progress(`generate ${size}`);
    try {
      await generateIntoDatabase({
        size,
        seed: options.seed ?? '42',
        database: options.database,
        out: (line) => {
          progress.stop();
          out(line);
        },
        onProgress: (p) => progress.update(p.events, Math.max(target, p.events), 'events', p.eventsPerSecond),
      });
    } finally {
      progress.stop();
    }
  }

  @Option({ flags: '--size <size>', description: 'small, medium or large (default small)' })
  parseSize(value: string): string {
    return value;
  }

  @Option({ flags: '--seed <seed>', description: 'the random seed (default 42): the same seed, the same history' })
  parseSeed(value: string): string {
    return value;
  }

  @Option({ flags: '--database <name>', description: 'a database on the configured server, created when missing' })
  parseDatabase(value: string): string {
    return value;
  }
}
