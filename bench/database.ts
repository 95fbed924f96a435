import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { migrate, startEmbeddedPostgres } from '@app/platform';

export interface BenchServer {
  /** Where the server is: 'embedded PostgreSQL (…)' or the DATABASE_URL host. */
  readonly description: string;
  /** A new migrated database on the server. */
  createDatabase(label: string): Promise<BenchDatabase>;
  stop(): Promise<void>;
}

export interface BenchDatabase {
  readonly name: string;
  readonly url: string;
  drop(): Promise<void>;
}

/** DATABASE_URL when set (the machine's PostgreSQL 15, say), else the embedded server `npm start` runs, same settings. */
export async function startBenchServer(): Promise<BenchServer> {
  let adminUrl = process.env.DATABASE_URL;
  let stopEmbedded: (() => Promise<void>) | undefined;
  let dir: string | undefined;
  if (!adminUrl) {
    dir = mkdtempSync(join(tmpdir(), 'baosong-bench-'));
    chmodSync(dir, 0o755); // the embedded server runs as the postgres user when we are root
    const embedded = await startEmbeddedPostgres(dir, 0, () => undefined);
    const url = new URL(embedded.url);
    url.pathname = '/postgres';
    adminUrl = url.toString();
    stopEmbedded = embedded.stop;
  }
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  const version = (await admin.query<{ server_version: string }>('SHOW server_version')).rows[0]!.server_version;
  const settings = await admin.query<{ name: string; setting: string }>(`SELECT name, setting FROM pg_settings WHERE name IN ('fsync', 'synchronous_commit', 'shared_buffers', 'max_wal_size')`);
  const description = `${stopEmbedded ? 'embedded' : 'external'} PostgreSQL ${version} (${settings.rows.map((r) => `${r.name}=${r.setting}`).join(', ')})`;
  const created: string[] = [];
  return {
    description,
    async createDatabase(label) {
      const name = `bench_${label}_${Date.now()}`;
      await admin.query(`CREATE DATABASE ${name}`);
      created.push(name);
      const url = new URL(adminUrl);
      url.pathname = `/${name}`;
      await migrate(url.toString());
      return {
        name,
        url: url.toString(),
        drop: async () => {
          await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        },
      };
    },
    async stop() {
      for (const name of created) await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => undefined);
      await admin.end();
      await stopEmbedded?.();
      if (dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}
