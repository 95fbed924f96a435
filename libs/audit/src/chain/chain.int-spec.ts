import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createTestDatabase, TestDatabase } from '@test/support';
import { PostgresEventStore } from '@app/event-store';
import type { EventToAppend } from '@app/event-store';
import { ChainBroken, ChainService } from './chain.service';
import { writeAuditBundle } from './audit-bundle';
import { GENESIS_HASH, linkHash, sha256Hex } from './chain-format';

let counter = 0;
function event(type = 'Thing', data: unknown = { n: counter }): EventToAppend {
  counter += 1;
  const id = `00000000-0000-4000-8000-${String(counter).padStart(12, '0')}`;
  return { type, data, metadata: { eventId: id, correlationId: id, causationId: id, actorId: 'tester', commandId: id, schemaVersion: 1 } };
}

describe('hash chain (PostgreSQL store)', () => {
  let db: TestDatabase;
  let store: PostgresEventStore;
  let dir: string;
  let chain: ChainService;

  beforeEach(async () => {
    db = await createTestDatabase();
    store = new PostgresEventStore(db.pool, { pollIntervalMs: 200 });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chain-spec-'));
    chain = new ChainService(db.pool, { run: false, checkpointIntervalSeconds: 0, checkpointFile: path.join(dir, 'checkpoints.ndjson'), dataDir: dir }, { now: () => new Date('2026-12-04T10:00:00Z') });
  });
  afterEach(async () => {
    await store.close();
    await db.drop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** Appends through both paths of the store, from several writers at once. */
  async function history(writers = 6, appendsEach = 15): Promise<number> {
    await Promise.all(
      Array.from({ length: writers }, async (_, w) => {
        for (let i = 0; i < appendsEach; i++) {
          if (i % 3 === 0) await store.appendMany([{ stream: `a-${w}`, events: [event(), event('Other', { text: '名字 "quoted" \\ \n' })] }, { stream: `b-${w}-${i}`, events: [event()] }]);
          else await store.appendToStream(`a-${w}`, [event('Thing', { nested: { z: 1, a: [1.5, null, true] } })]);
        }
      }),
    );
    const { rows } = await db.pool.query<{ n: string }>('SELECT count(*) AS n FROM es_events');
    return Number(rows[0]!.n);
  }

  async function sql(text: string, params: unknown[] = []): Promise<void> {
    await db.pool.query(text, params);
  }

  it('links every event to the one before it in position order, computed in the append, also with concurrent writers', async () => {
    const n = await history();
    const report = await chain.verify();
    expect(report).toMatchObject({ ok: true, eventsChecked: n, breakCount: 0, headPosition: BigInt(n) });
    // independently of the walk: the first event links to the genesis hash, each next one to the hash before it
    const { rows } = await db.pool.query<{ p: string; us: string; prev: string; hash: string; content: string }>(
      `SELECT global_position AS p, (extract(epoch FROM recorded_at) * 1000000)::bigint AS us, encode(prev_hash, 'hex') AS prev, encode(hash, 'hex') AS hash,
              jsonb_build_array(stream_id, stream_revision, event_id, event_type, schema_version, data, metadata)::text AS content
         FROM es_events ORDER BY global_position`,
    );
    let prev = GENESIS_HASH;
    for (const r of rows) {
      expect(r.prev).toBe(prev);
      expect(r.hash).toBe(linkHash(prev, r.p, r.us, sha256Hex(r.content)));
      prev = r.hash;
    }
    expect(report.headHash).toBe(prev);
  });

  it('finds a changed row at its position (hash-mismatch)', async () => {
    await history(2, 10);
    await sql(`UPDATE es_events SET data = '{"n": 999}' WHERE global_position = 7`);
    const report = await chain.verify();
    expect(report.ok).toBe(false);
    expect(report.firstBreak).toMatchObject({ position: 7n, kind: 'hash-mismatch' });
  });

  it('finds a changed time or metadata too', async () => {
    await history(1, 6);
    await sql(`UPDATE es_events SET recorded_at = recorded_at + interval '1 second' WHERE global_position = 3`);
    await sql(`UPDATE es_events SET metadata = metadata || '{"actorId": "someone-else"}' WHERE global_position = 5`);
    const report = await chain.verify();
    expect(report.breaks.map((b) => [b.position, b.kind])).toEqual([
      [3n, 'hash-mismatch'],
      [5n, 'hash-mismatch'],
    ]);
  });

  it('finds a deleted row at the event after it (hole, not attested)', async () => {
    await history(2, 10);
    await sql('DELETE FROM es_events WHERE global_position = 9');
    const report = await chain.verify();
    expect(report.firstBreak).toMatchObject({ position: 10n, kind: 'hole' });
    expect(report.holes).toEqual([expect.objectContaining({ from: 9n, to: 9n, attestedBy: undefined })]);
  });

  it('finds two rows swapped at the lower of them', async () => {
    await history(2, 10);
    await sql('UPDATE es_events SET global_position = -1 WHERE global_position = 4');
    await sql('UPDATE es_events SET global_position = 4 WHERE global_position = 11');
    await sql('UPDATE es_events SET global_position = 11 WHERE global_position = -1');
    const report = await chain.verify();
    expect(report.firstBreak).toMatchObject({ position: 4n, kind: 'hash-mismatch' });
    expect(report.breaks.some((b) => b.position === 11n)).toBe(true);
  });

  it('a rewritten chain (every hash recomputed after a change) is caught by the signed checkpoint', async () => {
    await history(2, 10);
    const signed = await chain.checkpoint();
    expect(signed).toMatchObject({ sequence: 1, events: BigInt(signed!.position) });
    await sql(`UPDATE es_events SET data = '{"n": 999}' WHERE global_position = 5`);
    await sql(`DO $$ DECLARE r record; v_prev bytea;
      BEGIN
        SELECT hash INTO v_prev FROM es_events WHERE global_position = 4;
        FOR r IN SELECT * FROM es_events WHERE global_position >= 5 ORDER BY global_position LOOP
          UPDATE es_events SET prev_hash = v_prev, hash = es_chain_link(v_prev, r.global_position, es_recorded_at_us(r.recorded_at),
            sha256(convert_to(es_event_content(r.stream_id, r.stream_revision, r.event_id, r.event_type, r.schema_version, r.data, r.metadata), 'UTF8')))
           WHERE global_position = r.global_position RETURNING hash INTO v_prev;
        END LOOP;
      END $$`);
    const report = await chain.verify();
    expect(report.breaks.map((b) => b.kind)).toEqual(['checkpoint-mismatch']);
    expect(report.firstBreak?.position).toBe(signed!.position);
  });

  it('a cut tail is caught by the latest checkpoint (truncated), and a deleted checkpoint by the file copy', async () => {
    await history(2, 10);
    const signed = await chain.checkpoint();
    await sql('DELETE FROM es_events WHERE global_position > $1', [(signed!.position - 3n).toString()]);
    const cut = await chain.verify();
    expect(cut.breaks.map((b) => b.kind)).toContain('truncated');

    await sql('DELETE FROM es_chain_checkpoints');
    const gone = await chain.verify();
    expect(gone.breaks.map((b) => b.kind)).toEqual(expect.arrayContaining(['truncated', 'checkpoint-missing']));
  });

  it('the checkpoint file: a forged line and a checkpoint of another log are breaks', async () => {
    await history(1, 4);
    const signed = await chain.checkpoint();
    const file = path.join(dir, 'checkpoints.ndjson');
    expect(fs.readFileSync(file, 'utf8').trim().split('\n')).toHaveLength(1);
    expect((await chain.verify()).ok).toBe(true);

    const foreign = signed!.payload.replace(/^log: .*$/m, `log: ${'a'.repeat(64)}`).replace(/^sequence: 1$/m, 'sequence: 2');
    fs.appendFileSync(file, `${JSON.stringify({ payload: foreign, signature: chain.key.sign(foreign) })}\n`);
    fs.appendFileSync(file, `${JSON.stringify({ payload: foreign, signature: signed!.signature })}\n`);
    const report = await chain.verify();
    expect(report.breaks.map((b) => b.kind).sort()).toEqual(['checkpoint-mismatch', 'checkpoint-signature']);
    expect(report.breaks.find((b) => b.kind === 'checkpoint-mismatch')?.detail).toMatch(/of another log/);
  });

  it('an append that rolls back after taking its positions leaves a hole: a break until a checkpoint attests it', async () => {
    await history(1, 5);
    const client = await db.pool.connect();
    try {
      await client.query('BEGIN');
      await client.query(`SELECT * FROM es_append('rolled-back', 'any', ARRAY['00000000-0000-4000-9000-000000000001'::uuid], ARRAY['T'], ARRAY[1], ARRAY['{}'::jsonb], ARRAY['{}'::jsonb])`);
      await client.query('ROLLBACK');
    } finally {
      client.release();
    }
    await store.appendToStream('after-hole', [event()]);
    const before = await chain.verify();
    expect(before.firstBreak?.kind).toBe('hole');

    const signed = await chain.checkpoint();
    expect(signed?.holes).toHaveLength(1);
    const after = await chain.verify();
    expect(after).toMatchObject({ ok: true, breakCount: 0 });
    expect(after.holes).toEqual([expect.objectContaining({ attestedBy: 1 })]);
  });

  it('an attested hole fixes the events before it too: rewriting them (every hash recomputed up to the hole) is caught', async () => {
    await history(1, 5);
    await chain.checkpoint();
    await store.appendToStream('before-hole', [event(), event(), event()]);
    const client = await db.pool.connect();
    try {
      await client.query('BEGIN');
      await client.query(`SELECT * FROM es_append('rolled-back-2', 'any', ARRAY['00000000-0000-4000-9000-000000000002'::uuid], ARRAY['T'], ARRAY[1], ARRAY['{}'::jsonb], ARRAY['{}'::jsonb])`);
      await client.query('ROLLBACK');
    } finally {
      client.release();
    }
    await store.appendToStream('after-hole', [event()]);
    const second = await chain.checkpoint();
    expect(second?.holes).toHaveLength(1);
    expect((await chain.verify()).ok).toBe(true);
    // rewrite the last event before the hole, and recompute its hash from its (unchanged) prev_hash
    const { rows } = await db.pool.query<{ p: string }>(`SELECT max(global_position)::text AS p FROM es_events WHERE stream_id = 'before-hole'`);
    await sql(`UPDATE es_events SET data = '{"n": 999}' WHERE global_position = $1`, [rows[0]!.p]);
    await sql(`UPDATE es_events SET hash = es_chain_link(prev_hash, global_position, es_recorded_at_us(recorded_at),
                 sha256(convert_to(es_event_content(stream_id, stream_revision, event_id, event_type, schema_version, data, metadata), 'UTF8')))
               WHERE global_position = $1`, [rows[0]!.p]);
    const report = await chain.verify();
    expect(report.ok).toBe(false);
    expect(report.firstBreak).toMatchObject({ kind: 'hole', position: BigInt(rows[0]!.p) + 2n });
  });

  it('refuses to sign when the database lost checkpoints the file holds', async () => {
    await history(1, 4);
    await chain.checkpoint();
    await store.appendToStream('more', [event()]);
    await chain.checkpoint();
    await sql('DELETE FROM es_chain_checkpoints WHERE sequence = 2');
    await store.appendToStream('more', [event()]);
    await expect(chain.checkpoint()).rejects.toMatchObject({ breaks: [expect.objectContaining({ kind: 'checkpoint-missing' })] });
  });

  it('signs no checkpoint past a break, and links each checkpoint to the one before', async () => {
    await history(1, 5);
    const first = await chain.checkpoint();
    expect(await chain.checkpoint()).toBeUndefined(); // the head has not moved
    await store.appendToStream('more', [event(), event()]);
    const second = await chain.checkpoint();
    expect(second).toMatchObject({ sequence: 2, previous: sha256Hex(first!.payload), events: first!.events + 2n });
    expect(chain.key.verify(second!.payload, second!.signature)).toBe(true);

    await store.appendToStream('more', [event()]);
    await sql(`UPDATE es_events SET data = '{}' WHERE global_position = $1`, [(second!.position + 1n).toString()]);
    await expect(chain.checkpoint()).rejects.toBeInstanceOf(ChainBroken);
    expect(await chain.checkpoints()).toHaveLength(2);
  });

  it('an audit bundle verifies offline with bash, coreutils and openssl, and its verify.sh catches a changed event', async () => {
    await history(2, 6);
    await chain.checkpoint();
    await store.appendToStream('later', [event()]);
    const file = path.join(dir, 'bundle.tar.gz');
    const summary = await writeAuditBundle(db.pool, chain, { after: 3n, createdBy: 'tester', createdAt: '2026-12-04T10:00:00.000Z' }, fs.createWriteStream(file));
    execFileSync('tar', ['xzf', file, '-C', dir]);
    const root = path.join(dir, summary.name);
    const ok = execFileSync('bash', ['verify.sh'], { cwd: root, encoding: 'utf8' });
    expect(ok).toMatch(new RegExp(`^OK: ${summary.events} events \\(positions 4 to ${summary.upTo}\\)`));
    expect(ok).toMatch(/signed checkpoints cover the chain up to position \d+/);

    // change one event and make SHA256SUMS agree: the content hash check still fails
    fs.copyFileSync(path.join(root, 'events.ndjson'), path.join(root, 'events.ndjson.orig'));
    const lines = fs.readFileSync(path.join(root, 'events.ndjson'), 'utf8').split('\n');
    lines[2] = lines[2]!.replace('"tester"', '"mallory"');
    fs.writeFileSync(path.join(root, 'events.ndjson'), lines.join('\n'));
    const sums = execFileSync('bash', ['-c', "sha256sum $(grep -v '  SHA256SUMS$' SHA256SUMS | cut -c67-)"], { cwd: root, encoding: 'utf8' });
    fs.writeFileSync(path.join(root, 'SHA256SUMS'), sums);
    expect(() => execFileSync('bash', ['verify.sh'], { cwd: root, encoding: 'utf8', stdio: 'pipe' })).toThrow(/FAIL: position 6: the event's content hash/);

    // a cut tail (the last event dropped from both files, SHA256SUMS made to agree) is caught by the manifest
    fs.writeFileSync(path.join(root, 'events.ndjson'), fs.readFileSync(path.join(root, 'events.ndjson.orig'), 'utf8').split('\n').slice(0, -2).join('\n') + '\n');
    fs.writeFileSync(path.join(root, 'chain.tsv'), fs.readFileSync(path.join(root, 'chain.tsv'), 'utf8').split('\n').slice(0, -2).join('\n') + '\n');
    fs.writeFileSync(path.join(root, 'SHA256SUMS'), execFileSync('bash', ['-c', "sha256sum $(grep -v '  SHA256SUMS$' SHA256SUMS | cut -c67-)"], { cwd: root, encoding: 'utf8' }));
    expect(() => execFileSync('bash', ['verify.sh'], { cwd: root, encoding: 'utf8', stdio: 'pipe' })).toThrow(/FAIL: the range ends at \d+, manifest.json says \d+/);
  });
});
