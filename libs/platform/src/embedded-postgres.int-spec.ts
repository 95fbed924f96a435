import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Client } from 'pg';
import { EmbeddedPostgresError, startEmbeddedPostgres } from './embedded-postgres';

/**
 * The embedded server that `npm start` runs, started for real. As root (most containers) PostgreSQL runs as the
 * `postgres` user, which cannot enter a 0700 directory such as /root: a DATA_DIR in one must still work.
 */
describe('embedded PostgreSQL', () => {
  const cleanup: string[] = [];
  afterEach(() => {
    for (const dir of cleanup.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
  });
  /** A fresh directory only its owner may enter (as /root is), and DATA_DIR inside it. */
  const closedDataDir = (): string => {
    const closed = fs.mkdtempSync(path.join(os.tmpdir(), 'baosong-0700-'));
    fs.chmodSync(closed, 0o700);
    cleanup.push(closed);
    return path.join(closed, 'clone', 'data');
  };
  /** A DATA_DIR the server's user may enter (mkdtemp makes it 0700). */
  const openDataDir = (prefix: string): string => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
    fs.chmodSync(dir, 0o755);
    cleanup.push(dir);
    return dir;
  };
  /** Start-up must fail with an EmbeddedPostgresError matching `message`; a server that starts anyway is stopped. */
  const expectRefusal = async (dataDir: string, message: RegExp): Promise<void> => {
    const outcome = await startEmbeddedPostgres(dataDir, 0, () => undefined).then(
      async (db) => {
        await db.stop();
        return 'started';
      },
      (error: unknown) => error,
    );
    expect(outcome).toBeInstanceOf(EmbeddedPostgresError);
    expect((outcome as Error).message).toMatch(message);
  };
  const query = async (url: string, sql: string): Promise<unknown[]> => {
    const client = new Client({ connectionString: url });
    await client.connect();
    try {
      return (await client.query(sql)).rows;
    } finally {
      await client.end();
    }
  };

  it('starts with a DATA_DIR inside a 0700 directory, answers queries, and keeps its data across restarts', async () => {
    const dataDir = closedDataDir();
    const first = await startEmbeddedPostgres(dataDir, 0, () => undefined);
    // the cluster may live outside DATA_DIR (linked from DATA_DIR/postgres): remove it too
    cleanup.push(fs.realpathSync(path.join(dataDir, 'postgres')));
    try {
      await query(first.url, 'CREATE TABLE kept (v text); INSERT INTO kept VALUES (\'still here\')');
    } finally {
      await first.stop();
    }
    const second = await startEmbeddedPostgres(dataDir, 0, () => undefined);
    try {
      expect(await query(second.url, 'SELECT v FROM kept')).toEqual([{ v: 'still here' }]);
    } finally {
      await second.stop();
    }
  }, 60_000);

  describe('a DATA_DIR it cannot use stops start-up, saying why and what to do', () => {
    it('under a regular file', async () => {
      const parent = openDataDir('baosong-file-');
      fs.writeFileSync(path.join(parent, 'plain-file'), 'x');
      await expectRefusal(
        path.join(parent, 'plain-file', 'data'),
        /DATA_DIR=.*plain-file\/data cannot be created: .*plain-file is a file, not a directory\. Set DATA_DIR to a directory/,
      );
    });

    it('in a location this process may not write', async () => {
      let dataDir: string;
      if (process.getuid?.() === 0) {
        dataDir = '/sys/baosong-data'; // root may write anywhere but in a kernel or read-only file system
      } else {
        const parent = openDataDir('baosong-readonly-');
        fs.chmodSync(parent, 0o555);
        dataDir = path.join(parent, 'data');
      }
      await expectRefusal(dataDir, /DATA_DIR=.* cannot be created: (it is on a read-only file system|this process \(uid \d+\) may not create it)/);
    });

    it('whose postgres directory holds something else than a cluster', async () => {
      const dataDir = openDataDir('baosong-other-');
      fs.mkdirSync(path.join(dataDir, 'postgres'));
      fs.writeFileSync(path.join(dataDir, 'postgres', 'notes.txt'), 'not a database');
      await expectRefusal(dataDir, /postgres is not empty and holds no PostgreSQL cluster \(no PG_VERSION\)\. Move it away\. Set DATA_DIR/);
    });

    const asRoot = process.getuid?.() === 0 ? it : it.skip;
    asRoot('whose cluster belongs to another user than the one the server runs as (root only)', async () => {
      const dataDir = openDataDir('baosong-owner-');
      fs.mkdirSync(path.join(dataDir, 'postgres'));
      fs.chownSync(path.join(dataDir, 'postgres'), 54321, 54321);
      await expectRefusal(dataDir, /belongs to uid 54321, but the server runs as the system user "postgres".*chown -R/);
    });
  });
});
