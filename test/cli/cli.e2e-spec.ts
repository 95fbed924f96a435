import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CommandFactory } from 'nest-commander';
import { Client, Pool } from 'pg';
import { CliModule } from '../../apps/cli/src/cli.module';

/**
 * The operations CLI (issue 12 item 7) on the small generated history, in process (the commands' own code, the
 * same Nest application as `npm run cli`, without compiling dist/): generate, projection status and a rebuild,
 * shadow builds, dead letters, the hash chain (verify, checkpoint, a bundle that verify.sh accepts), an as-of
 * report, a what-if, a reveal and an erasure, and a token.
 */
jest.setTimeout(600_000);

describe('operations CLI on the small generated history', () => {
  const name = `cli_${Date.now().toString(36)}`;
  const server = process.env.DATABASE_URL!;
  const url = Object.assign(new URL(server), { pathname: `/${name}` }).toString();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cli-spec-'));
  const saved = { ...process.env };
  let pool: Pool;

  /** Runs `npm run cli -- <args>` in this process: its stdout, and the exit code it set. */
  async function cli(...args: string[]): Promise<{ out: string; code: number }> {
    const argv = process.argv;
    const write = process.stdout.write.bind(process.stdout);
    let out = '';
    process.argv = ['node', 'cli', ...args];
    process.exitCode = undefined;
    (process.stdout as { write: unknown }).write = (chunk: string | Uint8Array) => {
      out += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
      return true;
    };
    let failure: unknown;
    try {
      const app = await CommandFactory.runWithoutClosing(CliModule, { logger: false, errorHandler: (error) => (failure = error) });
      await app.close();
    } finally {
      process.argv = argv;
      (process.stdout as { write: unknown }).write = write;
    }
    if (failure) throw failure;
    const code = Number(process.exitCode ?? 0);
    process.exitCode = undefined;
    return { out, code };
  }

  beforeAll(async () => {
    Object.assign(process.env, { DATABASE_URL: server, DATA_DIR: dataDir, AUTH_JWT_SECRET: 'a-test-secret-that-is-long-enough-for-hs256!', LOG_LEVEL: 'silent' });
    const generated = await cli('generate', '--size', 'small', '--database', name);
    expect(generated.out).toMatch(/generated small history \(seed 42\): \d+ events/);
    process.env.DATABASE_URL = url;
    pool = new Pool({ connectionString: url, max: 2 });
  });

  afterAll(async () => {
    await pool?.end();
    process.env = saved;
    const admin = new Client({ connectionString: server });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('rebuilds a projection, showing its progress, and reports the status', async () => {
    const rebuilt = await cli('projections', 'rebuild', 'org-tree');
    expect(rebuilt.out).toMatch(/org-tree: rebuild org-tree:v\d+:[0-9a-f]{6} requested[\s\S]*rebuilt and switched: org-tree/);
    const status = await cli('projections', 'status', '--json');
    const orgTree = (JSON.parse(status.out) as { name: string; builds: { state: string; lagEvents: number }[] }[]).find((p) => p.name === 'org-tree')!;
    expect(orgTree.builds).toEqual([expect.objectContaining({ state: 'live', lagEvents: 0 })]);
    expect((await cli('dead-letters', 'list')).out.trim()).toBe('[]');
  });

  it('verifies the chain, signs a checkpoint, and exports a bundle that verify.sh accepts', async () => {
    const verified = await cli('chain', 'verify');
    expect(verified.code).toBe(0);
    expect(verified.out).toMatch(/OK: \d+ events up to \d+/);
    expect((await cli('chain', 'checkpoint')).out).toMatch(/checkpoint 1 signed: position \d+/);
    const file = path.join(dataDir, 'bundle.tar.gz');
    const bundle = await cli('chain', 'bundle', '--after', '22000', '--out', file);
    expect(bundle.out).toMatch(/events \(after 22000 up to \d+\), 1 checkpoints/);
    execFileSync('tar', ['xzf', file, '-C', dataDir]);
    const dir = fs.readdirSync(dataDir).find((d) => d.startsWith('baosong-audit-22000-'))!;
    expect(execFileSync('bash', ['verify.sh'], { cwd: path.join(dataDir, dir), encoding: 'utf8' })).toMatch(/^OK: \d+ events \(positions 22001 to \d+\)[\s\S]*signed checkpoints cover the chain up to position \d+/);

    // a changed row: verify names it and exits 2
    await pool.query(`UPDATE es_events SET data = data || '{"tampered": true}' WHERE global_position = 1234`);
    const broken = await cli('chain', 'verify');
    expect(broken.code).toBe(2);
    expect(broken.out).toMatch(/BROKEN: first break at position 1234 \(hash-mismatch\)/);
    await pool.query(`UPDATE es_events SET data = data - 'tampered' WHERE global_position = 1234`);
    expect((await cli('chain', 'verify')).code).toBe(0);
  });

  it('answers an as-of report from a shadow build stopped there, lists and drops the build', async () => {
    const asOf = await cli('as-of', 'compliance', '--position', '15000', '--period', 'month', '--key', '2025-03');
    const body = JSON.parse(asOf.out.split('\n')[0]!) as { positionRange: { upTo: string }; checksum: string; result: { rows: unknown[] } };
    expect(body.positionRange.upTo).toBe('15000');
    expect(body.result.rows.length).toBeGreaterThan(0);
    const again = await cli('as-of', 'compliance', '--position', '15000', '--period', 'month', '--key', '2025-03');
    expect(again.out.split('\n')[0]).toBe(asOf.out.split('\n')[0]);
    const builds = JSON.parse((await cli('builds', 'list')).out) as { buildId: string; progress: { targetPosition: string } }[];
    const asOfBuild = builds.find((b) => b.progress.targetPosition === '15000')!;
    expect((await cli('builds', 'drop', asOfBuild.buildId)).out).toMatch(/^dropped /);
  });

  it('runs a what-if of rewards and shows its diff', async () => {
    const policy = (await pool.query<{ id: string; version: number }>(
      `SELECT data->>'policyId' AS id, (data->>'version')::int AS version FROM es_events WHERE event_type = 'PolicyPublished' ORDER BY global_position LIMIT 1`,
    )).rows[0]!;
    const run = await cli('whatif', '--policies', JSON.stringify({ ignoreVersions: [{ policyId: policy.id, version: policy.version }] }), '--purpose', 'cli spec');
    const result = JSON.parse(run.out.slice(run.out.indexOf('{'))) as { status: string; totals: { payees: number } | null };
    expect(result.status).toBe('done');
    expect(result.totals).not.toBeNull();
  });

  it('reveals and erases a person, and mints a token', async () => {
    const member = (await pool.query<{ id: string }>(`SELECT data->>'memberId' AS id FROM es_events WHERE event_type = 'MemberRegistered' AND data->>'phone' IS NOT NULL ORDER BY global_position DESC LIMIT 1`)).rows[0]!.id;
    const revealed = JSON.parse((await cli('personal-data', 'reveal', member, '--purpose', 'cli spec check')).out) as { subjectId: string; erased: boolean };
    expect(revealed).toMatchObject({ subjectId: member, erased: false });
    expect((await cli('personal-data', 'erase', member, '--reason', 'cli spec erasure')).out).toMatch(new RegExp(`${member} erased at .* \\(key deleted: (true|false)`));
    const after = JSON.parse((await cli('personal-data', 'reveal', member, '--purpose', 'cli spec check again')).out) as { erased: boolean };
    expect(after.erased).toBe(true);
    expect((await cli('chain', 'verify')).code).toBe(0);
    expect((await cli('token', 'admin')).out).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+\n$/);
  });
});
