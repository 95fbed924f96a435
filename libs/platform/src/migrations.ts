import * as fs from 'node:fs';
import * as path from 'node:path';
import { runner } from 'node-pg-migrate';

/** The repository's migrations/ folder, found from wherever this file runs (ts source or dist). */
export function migrationsDir(): string {
  let dir = __dirname;
  for (;;) {
    const candidate = path.join(dir, 'migrations');
    if (fs.existsSync(path.join(dir, 'package.json')) && fs.existsSync(candidate)) return candidate;
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error('migrations/ folder not found');
    dir = parent;
  }
}

/** Applies pending migrations (node-pg-migrate); safe to run from several instances at once (it locks). */
export async function migrate(databaseUrl: string, log: (message: string) => void = () => undefined): Promise<void> {
  await runner({
    databaseUrl,
    dir: migrationsDir(),
    direction: 'up',
    migrationsTable: 'pgmigrations',
    count: Infinity,
    singleTransaction: true,
    noLock: false,
    log,
    logger: { debug: () => undefined, info: log, warn: log, error: log },
  });
}
