const fs = require('node:fs');

module.exports = async function globalTeardown() {
  const embedded = globalThis.__BAOSONG_EMBEDDED_PG__;
  if (!embedded) return;
  process.off('SIGINT', embedded.onSignal);
  process.off('SIGTERM', embedded.onSignal);
  await embedded.server.stop();
  // The cluster (relocated outside the data directory when the server's user could not enter it), then the rest.
  for (const dir of embedded.dirs) fs.rmSync(dir, { recursive: true, force: true });
};
