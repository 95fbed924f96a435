import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import * as tar from 'tar';
import type { Pool } from 'pg';
import { RuleViolation } from '@app/kernel';
import { chainHead, walkChain } from './chain-walk';
import type { Checkpoint, ChainService } from './chain.service';
import { verifyScript } from './verify-script';

export interface BundleOptions {
  /** Events strictly after this position... */
  readonly after: bigint;
  /** ...up to this one (default and at most: the settled head). */
  readonly upTo?: bigint;
  readonly createdBy: string;
  readonly createdAt: string;
  /** Extra files (for example as-of reports), by path inside the bundle's reports/ folder. */
  readonly reports?: Readonly<Record<string, string>>;
  readonly onProgress?: (position: bigint, events: number, upTo: bigint) => void;
  readonly signal?: AbortSignal;
}

export interface BundleSummary {
  readonly name: string;
  readonly after: bigint;
  readonly upTo: bigint;
  readonly events: number;
  readonly checkpoints: number;
  readonly holes: number;
}

const pad = (sequence: number): string => String(sequence).padStart(8, '0');

/**
 * Writes an audit bundle (docs/audit.md, "Audit bundles") as a gzipped tar to `out`: the events of a range exactly as
 * hashed, the chain's links, the signed checkpoints that cover the range, the public key, the attested holes,
 * a manifest, SHA256SUMS and verify.sh, which checks it all with bash, coreutils and openssl.
 */
export async function writeAuditBundle(pool: Pool, chain: ChainService, options: BundleOptions, out: NodeJS.WritableStream): Promise<BundleSummary> {
  const head = await chainHead(pool);
  const upTo = options.upTo !== undefined && options.upTo < head ? options.upTo : head;
  if (upTo <= options.after) {
    throw new RuleViolation('position-range-invalid', `Nothing to export: the range after ${options.after} up to ${upTo} (the settled head is ${head}) holds no position`, { field: 'after', after: options.after.toString(), upTo: upTo.toString() });
  }
  const name = `baosong-audit-${options.after}-${upTo}`;
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'baosong-bundle-'));
  const dir = path.join(tmp, name);
  fs.mkdirSync(path.join(dir, 'checkpoints'), { recursive: true });
  const events = fs.createWriteStream(path.join(dir, 'events.ndjson'));
  const links = fs.createWriteStream(path.join(dir, 'chain.tsv'));
  try {
    const write = (stream: fs.WriteStream, text: string): Promise<void> | void =>
      stream.write(text)
        ? undefined
        : new Promise<void>((resolve, reject) => {
            const done = (error?: Error) => {
              stream.off('drain', done).off('error', done);
              if (error) reject(error);
              else resolve();
            };
            stream.once('drain', done).once('error', done);
          });
    const walk = await walkChain(pool, {
      after: options.after,
      upTo,
      signal: options.signal,
      onRow: async (row) => {
        await write(events, `${row.content}\n`);
        await write(links, `${row.position}\t${row.recordedAtUs}\t${row.contentHash}\t${row.prevHash}\t${row.hash}\n`);
      },
      onProgress: (position, n) => options.onProgress?.(position, n, upTo),
    });
    await Promise.all([events, links].map((s) => new Promise<void>((resolve, reject) => s.end((e?: Error | null) => (e ? reject(e) : resolve())))));
    if (walk.interrupted) throw new Error('audit bundle interrupted');
    const anchor = `${walk.start.position} ${walk.start.hash}`;

    // The checkpoints in the range, the first after it (it anchors the range's end), and those attesting its holes.
    const all = [...(await chain.checkpoints())];
    const inRange = (c: Checkpoint): boolean => c.position > options.after && c.position <= upTo;
    const attesting = (c: Checkpoint): boolean => c.holes.some((h) => h.to >= options.after && h.from <= upTo);
    const next = all.find((c) => c.position > upTo);
    const chosen = all.filter((c) => inRange(c) || attesting(c) || c === next);
    const holes: string[] = [];
    for (const c of chosen) {
      fs.writeFileSync(path.join(dir, 'checkpoints', `${pad(c.sequence)}.payload`), c.payload);
      fs.writeFileSync(path.join(dir, 'checkpoints', `${pad(c.sequence)}.sig`), Buffer.from(c.signature, 'base64'));
      for (const h of c.holes) if (h.to >= options.after && h.from <= upTo) holes.push(`${h.from}\t${h.to}\t${h.prevHash}\t${h.nextPrevHash}\t${pad(c.sequence)}\n`);
    }
    fs.writeFileSync(path.join(dir, 'holes.tsv'), holes.join(''));
    fs.writeFileSync(path.join(dir, 'start.txt'), `after ${anchor}\n`);
    fs.writeFileSync(path.join(dir, 'public-key.pem'), chain.key.publicKeyPem);
    fs.writeFileSync(path.join(dir, 'verify.sh'), verifyScript(), { mode: 0o755 });
    for (const [file, text] of Object.entries(options.reports ?? {})) {
      const target = path.join(dir, 'reports', file);
      if (!target.startsWith(path.join(dir, 'reports') + path.sep)) throw new Error(`report path outside the bundle: ${file}`);
      fs.mkdirSync(path.dirname(target), { recursive: true });
      fs.writeFileSync(target, text);
    }
    const manifest = {
      format: 'baosong-audit-bundle/1',
      after: options.after.toString(),
      upTo: upTo.toString(),
      events: walk.events,
      lastPosition: walk.lastPosition.toString(),
      lastHash: walk.lastHash,
      anchor,
      checkpoints: chosen.map((c) => c.sequence),
      keyId: chain.key.keyId,
      createdAt: options.createdAt,
      createdBy: options.createdBy,
      files: {
        'events.ndjson': 'one line per event, exactly the text that was hashed: [stream, revision, event id, type, schema version, data, metadata]',
        'chain.tsv': 'one line per event: position, recorded-at (µs since 1970), content hash, prev_hash, hash',
        'start.txt': 'after <position> <hash>: the event the range links to (0 and 64 zeros before the first)',
        'checkpoints/': '<sequence>.payload (the signed text) and <sequence>.sig (its Ed25519 signature)',
        'holes.tsv': 'attested holes in the range: from, to, hash of the event before, prev_hash of the event after, checkpoint sequence',
        'public-key.pem': 'the Ed25519 public key of the checkpoints',
        'reports/': 'reports included with the bundle',
      },
    };
    fs.writeFileSync(path.join(dir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
    fs.writeFileSync(path.join(dir, 'SHA256SUMS'), await sums(dir));
    await pipeline(tar.c({ gzip: true, cwd: tmp, portable: true }, [name]) as unknown as NodeJS.ReadableStream, out as Writable);
    return { name, after: options.after, upTo, events: walk.events, checkpoints: chosen.length, holes: holes.length };
  } finally {
    events.destroy();
    links.destroy();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

/** sha256sum's format ("<hex>  <path>"), every file but SHA256SUMS itself, in path order. */
async function sums(dir: string): Promise<string> {
  const files: string[] = [];
  const visit = (rel: string): void => {
    for (const entry of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      const p = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) visit(p);
      else if (p !== 'SHA256SUMS') files.push(p);
    }
  };
  visit('');
  const lines: string[] = [];
  for (const f of files.sort()) {
    const hash = createHash('sha256');
    for await (const chunk of fs.createReadStream(path.join(dir, f))) hash.update(chunk as Buffer);
    lines.push(`${hash.digest('hex')}  ${f}\n`);
  }
  return lines.join('');
}
