import { randomBytes } from 'node:crypto';
import { Client, Pool } from 'pg';
import { migrate } from '@app/platform';

/**
 * Each test file gets its own database on the server named by DATABASE_URL (the embedded PostgreSQL that the
 * jest global setup starts, or an external one), migrated to the latest schema and dropped afterwards.
 */
export interface TestDatabase {
  readonly url: string;
  readonly pool: Pool;
  drop(): Promise<void>;
}

export async function createTestDatabase(options: { migrate?: boolean; poolSize?: number } = {}): Promise<TestDatabase> {
  const adminUrl = process.env.DATABASE_URL;
  if (!adminUrl) throw new Error('DATABASE_URL is not set: run the tests through jest (its global setup sets it)');
  const name = `t_${randomBytes(6).toString('hex')}`;
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  if (options.migrate !== false) await migrate(url.toString());
  const pool = new Pool({ connectionString: url.toString(), max: options.poolSize ?? 20 });
  // drop() terminates whatever connections are still open (WITH FORCE); they must not crash the run.
  pool.on('error', () => undefined);
  return {
    url: url.toString(),
    pool,
    async drop() {
      await pool.end();
      const client = new Client({ connectionString: adminUrl });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
    },
  };
}
