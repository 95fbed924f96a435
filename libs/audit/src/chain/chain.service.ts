import * as fs from 'node:fs';
import * as path from 'node:path';
import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import type { Pool } from 'pg';
import { CLOCK, Clock } from '@app/kernel';
import { PG_POOL } from '@app/platform';
import { ChainHole, checkpointPayload, CheckpointClaims, GENESIS_HASH, parseCheckpointPayload, sha256Hex } from './chain-format';
import { ChainSigningKey, verifySignature } from './signing-key';
import { ChainBreak, chainHead, lastEventAtOrBefore, walkChain } from './chain-walk';

export interface ChainOptions {
  /** Whether this instance makes the periodic checkpoints (with RUN_PROJECTIONS; one instance at a time does). */
  readonly run: boolean;
  /** Seconds between checkpoints (CHAIN_CHECKPOINT_INTERVAL_SECONDS); 0: only on request. */
  readonly checkpointIntervalSeconds: number;
  /**
   * The copy of every checkpoint kept outside the database (CHAIN_CHECKPOINT_FILE); unset:
   * DATA_DIR/chain-checkpoints/<database name>.ndjson, one file per database.
   */
  readonly checkpointFile: string | undefined;
  readonly dataDir: string;
  /** PEM of the Ed25519 signing key (CHAIN_SIGNING_KEY); unset: DATA_DIR/chain-signing-key.pem. */
  readonly signingKeyPem?: string;
}
export const CHAIN_OPTIONS = Symbol('CHAIN_OPTIONS');

/** A stored checkpoint: its signed payload, signature and what the payload says. */
export interface Checkpoint extends CheckpointClaims {
  readonly payload: string;
  readonly signature: string;
}

export interface VerifyOptions {
  readonly after?: bigint;
  readonly upTo?: bigint;
  /** At most this many breaks are listed (all are counted). */
  readonly maxBreaks?: number;
  readonly onProgress?: (position: bigint, events: number, upTo: bigint) => void;
  readonly signal?: AbortSignal;
}

export interface VerifyReport {
  readonly after: bigint;
  readonly upTo: bigint;
  /** The settled head of the log when the walk started, and the hash there. */
  readonly headPosition: bigint;
  readonly headHash: string;
  readonly eventsChecked: number;
  readonly ok: boolean;
  readonly interrupted: boolean;
  readonly firstBreak: ChainBreak | undefined;
  readonly breaks: readonly ChainBreak[];
  readonly breakCount: number;
  /** Holes in the range: attested ones (by the checkpoint that signed them) are no break. */
  readonly holes: readonly (ChainHole & { readonly attestedBy: number | undefined })[];
  readonly checkpoints: { readonly verified: number; readonly latest: { readonly sequence: number; readonly position: bigint } | undefined };
}

const CHECKPOINT_LOCK = [25971, 2] as const;

export class ChainBroken extends Error {
  constructor(readonly breaks: readonly ChainBreak[]) {
    super(`the hash chain is broken at position ${breaks[0]?.position} (${breaks[0]?.kind}): no checkpoint signed`);
  }
}

/**
 * The hash chain of the PostgreSQL store (migration 1763800000009): verification, signed checkpoints of the head
 * (made every CHAIN_CHECKPOINT_INTERVAL_SECONDS by one instance, or on request) and their copy outside the database.
 */
@Injectable()
export class ChainService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('HashChain');
  readonly key: ChainSigningKey;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;

  constructor(
    @Inject(PG_POOL) private readonly pool: Pool,
    @Inject(CHAIN_OPTIONS) private readonly options: ChainOptions,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {
    this.key = ChainSigningKey.load({ pem: options.signingKeyPem, dataDir: options.dataDir });
  }

  onApplicationBootstrap(): void {
    // several instances must sign with one key: say so at once when this one's is not the key of the last checkpoint
    void this.checkpoints()
      .then((all) => {
        const last = all.at(-1);
        if (last && last.keyId !== this.key.keyId) {
          this.logger.error({ msg: 'the chain signing key is not the key of the last checkpoint: set CHAIN_SIGNING_KEY to the same key on every instance', lastKeyId: last.keyId, keyId: this.key.keyId });
        }
      })
      .catch(() => undefined);
    if (!this.options.run || this.options.checkpointIntervalSeconds <= 0) return;
    this.timer = setInterval(() => void this.periodic(), this.options.checkpointIntervalSeconds * 1000);
    this.timer.unref();
  }

  async onModuleDestroy(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.running?.catch(() => undefined);
  }

  private periodic(): Promise<unknown> {
    this.running ??= this.checkpoint()
      .then((c) => c && this.logger.log({ msg: 'chain checkpoint signed', sequence: c.sequence, position: c.position.toString(), holes: c.holes.length }))
      .catch((error: unknown) => this.logger.error({ msg: 'chain checkpoint failed', error: String(error) }))
      .finally(() => (this.running = undefined));
    return this.running;
  }

  /** The settled head and the hash of the event there. */
  async head(): Promise<{ position: bigint; hash: string }> {
    const position = await chainHead(this.pool);
    return { position, hash: (await lastEventAtOrBefore(this.pool, position)).hash };
  }

  /** Checkpoints in the database, oldest first (parsed; the signature is checked by verify). */
  async checkpoints(): Promise<Checkpoint[]> {
    const { rows } = await this.pool.query<{ payload: string; signature: string }>('SELECT payload, signature FROM es_chain_checkpoints ORDER BY sequence');
    return rows.map((r) => ({ ...parseCheckpointPayload(r.payload), payload: r.payload, signature: r.signature }));
  }

  /** Where the checkpoints' copy outside the database is kept. */
  async checkpointFile(): Promise<string> {
    if (this.options.checkpointFile) return this.options.checkpointFile;
    const { rows } = await this.pool.query<{ name: string }>('SELECT current_database() AS name');
    return path.join(this.options.dataDir, 'chain-checkpoints', `${rows[0]!.name}.ndjson`);
  }

  /** The log's identity in its checkpoints: the hash of its first event (GENESIS_HASH while empty). */
  private async logId(): Promise<string> {
    const { rows } = await this.pool.query<{ hash: Buffer }>('SELECT hash FROM es_events ORDER BY global_position LIMIT 1');
    return rows[0] ? rows[0].hash.toString('hex') : GENESIS_HASH;
  }

  /** Checkpoints in the file outside the database (lines that do not parse are skipped and logged). */
  async fileCheckpoints(): Promise<Checkpoint[]> {
    const file = await this.checkpointFile();
    if (!fs.existsSync(file)) return [];
    const out: Checkpoint[] = [];
    for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
      if (line.trim() === '') continue;
      try {
        const { payload, signature } = JSON.parse(line) as { payload: string; signature: string };
        out.push({ ...parseCheckpointPayload(payload), payload, signature });
      } catch (error) {
        this.logger.warn({ msg: 'unreadable line in the chain checkpoint file', file, error: String(error) });
      }
    }
    return out;
  }

  /**
   * Signs a checkpoint of the settled head, after walking the chain from the last checkpoint to it: the holes it
   * finds are attested in the checkpoint; any other break stops it (ChainBroken), nothing is signed past a break.
   * Undefined when the head has not moved since the last checkpoint, or another instance is making one.
   */
  async checkpoint(): Promise<Checkpoint | undefined> {
    const client = await this.pool.connect();
    try {
      const { rows } = await client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1, $2) AS locked', [...CHECKPOINT_LOCK]);
      if (!rows[0]!.locked) return undefined;
      try {
        const stored = await this.checkpoints().catch((error: unknown) => {
          throw new ChainBroken([{ position: 0n, kind: 'checkpoint-signature', detail: `a stored checkpoint does not parse: ${String(error)}` }]);
        });
        const previous = stored.at(-1);
        const head = await chainHead(this.pool);
        const from = previous?.position ?? 0n;
        if (head <= from) return undefined;
        const breaks: ChainBreak[] = [];
        const holes: ChainHole[] = [];
        if (previous && (previous.keyId !== this.key.keyId || !this.key.verify(previous.payload, previous.signature))) {
          breaks.push({ position: previous.position, kind: 'checkpoint-signature', detail: `the last checkpoint (${previous.sequence}) does not verify with the signing key ${this.key.keyId}` });
        }
        // the copy outside the database must agree: checkpoints deleted from the table are not signed over again
        const log = await this.logId();
        const filed = (await this.fileCheckpoints()).filter((c) => c.log === log && verifySignature(this.key.publicKeyPem, c.payload, c.signature));
        const lastFiled = filed.reduce<Checkpoint | undefined>((a, c) => (!a || c.sequence > a.sequence ? c : a), undefined);
        if (lastFiled && (lastFiled.sequence > (previous?.sequence ?? 0) || stored.find((c) => c.sequence === lastFiled.sequence)?.payload !== lastFiled.payload)) {
          breaks.push({ position: lastFiled.position, kind: 'checkpoint-missing', detail: `checkpoint ${lastFiled.sequence} of ${await this.checkpointFile()} is not the database's (its latest is ${previous?.sequence ?? 'none'})` });
        }
        const walk = await walkChain(this.pool, {
          after: from,
          upTo: head,
          onBreak: (b) => b.kind !== 'hole' && breaks.push(b),
          onHole: (h) => holes.push(h),
        });
        if (previous) {
          const at = await this.pool.query<{ hash: Buffer }>('SELECT hash FROM es_events WHERE global_position = $1', [previous.position.toString()]);
          const hash = at.rows[0]?.hash.toString('hex');
          if (hash !== previous.hash) breaks.unshift({ position: previous.position, kind: 'checkpoint-mismatch', detail: `checkpoint ${previous.sequence}`, expected: previous.hash, actual: hash ?? 'no event' });
        }
        if (breaks.length > 0) throw new ChainBroken(breaks);
        if (walk.events === 0) return undefined;
        const claims: CheckpointClaims = {
          sequence: (previous?.sequence ?? 0) + 1,
          position: walk.lastPosition,
          hash: walk.lastHash,
          events: (previous?.events ?? 0n) + BigInt(walk.events),
          holes,
          previous: previous ? sha256Hex(previous.payload) : GENESIS_HASH,
          createdAt: this.clock.now().toISOString(),
          keyId: this.key.keyId,
          log,
        };
        const payload = checkpointPayload(claims);
        const signature = this.key.sign(payload);
        await this.pool.query(
          'INSERT INTO es_chain_checkpoints (sequence, position, hash, events, created_at, key_id, payload, signature) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)',
          [claims.sequence, claims.position.toString(), claims.hash, claims.events.toString(), claims.createdAt, claims.keyId, payload, signature],
        );
        const file = await this.checkpointFile();
        fs.mkdirSync(path.dirname(file), { recursive: true });
        fs.appendFileSync(file, `${JSON.stringify({ sequence: claims.sequence, payload, signature })}\n`, { mode: 0o600 });
        return { ...claims, payload, signature };
      } finally {
        await client.query('SELECT pg_advisory_unlock($1, $2)', [...CHECKPOINT_LOCK]);
      }
    } finally {
      client.release();
    }
  }

  /**
   * Walks the chain over (after, upTo] (default: the whole log to its settled head) and checks the checkpoints:
   * signatures, their links to one another, the database's against the file's, each checkpoint's hash against
   * the event at its position, and that the log reaches the latest one (else its tail was cut).
   */
  async verify(options: VerifyOptions = {}): Promise<VerifyReport> {
    const head = await this.head();
    const after = options.after ?? 0n;
    const upTo = options.upTo !== undefined && options.upTo < head.position ? options.upTo : head.position;
    const maxBreaks = options.maxBreaks ?? 100;
    const breaks: ChainBreak[] = [];
    let breakCount = 0;
    const addBreak = (b: ChainBreak): void => {
      breakCount += 1;
      if (breaks.length < maxBreaks) breaks.push(b);
    };

    const stored = await this.checkpoints().catch((error: unknown) => {
      addBreak({ position: 0n, kind: 'checkpoint-signature', detail: `a stored checkpoint does not parse: ${String(error)}` });
      return [] as Checkpoint[];
    });
    const file = await this.checkpointFile();
    const filed = await this.fileCheckpoints();
    const log = await this.logId();
    const valid: Checkpoint[] = [];
    for (const c of stored) {
      if (c.log !== log) {
        addBreak({ position: c.position, kind: 'checkpoint-mismatch', detail: `checkpoint ${c.sequence} belongs to the log whose first event hashes to ${c.log}; this log's first event hashes to ${log}` });
      } else if (c.keyId !== this.key.keyId || !this.key.verify(c.payload, c.signature)) {
        addBreak({ position: c.position, kind: 'checkpoint-signature', detail: `checkpoint ${c.sequence} (key ${c.keyId}) does not verify with the chain's public key ${this.key.keyId}` });
      } else valid.push(c);
    }
    const bySequence = new Map(valid.map((c) => [c.sequence, c]));
    for (const f of filed) {
      if (!verifySignature(this.key.publicKeyPem, f.payload, f.signature)) {
        addBreak({ position: f.position, kind: 'checkpoint-signature', detail: `checkpoint ${f.sequence} in ${file} does not verify with the chain's public key ${this.key.keyId}` });
        continue;
      }
      if (f.log !== log) {
        addBreak({ position: f.position, kind: 'checkpoint-mismatch', detail: `${file} holds checkpoint ${f.sequence} of another log (first event ${f.log}, this log's ${log}): the log was rewritten from its start, or CHAIN_CHECKPOINT_FILE is shared between databases` });
        continue;
      }
      const same = bySequence.get(f.sequence);
      if (!same) {
        addBreak({ position: f.position, kind: 'checkpoint-missing', detail: `checkpoint ${f.sequence} is in ${file} but not in the database` });
        valid.push(f);
        bySequence.set(f.sequence, f);
      } else if (same.payload !== f.payload) {
        addBreak({ position: f.position, kind: 'checkpoint-missing', detail: `checkpoint ${f.sequence} differs between the database and ${file}` });
      }
    }
    valid.sort((a, b) => a.sequence - b.sequence);
    for (let i = 0; i < valid.length; i++) {
      const c = valid[i]!;
      const expectedPrevious = i === 0 ? GENESIS_HASH : sha256Hex(valid[i - 1]!.payload);
      if (c.sequence !== i + 1 || c.previous !== expectedPrevious) {
        addBreak({ position: c.position, kind: 'checkpoint-missing', detail: `checkpoint ${c.sequence} does not follow checkpoint ${valid[i - 1]?.sequence ?? 'none'} (a checkpoint before it is missing)` });
      }
    }
    const latest = valid.at(-1);
    if (latest && latest.position > head.position) {
      addBreak({ position: head.position, kind: 'truncated', detail: `the log ends at ${head.position}, before checkpoint ${latest.sequence} signed position ${latest.position}: its tail was removed`, expected: latest.hash });
    }

    const attestedBy = (h: ChainHole): number | undefined =>
      valid.find((c) => c.holes.some((x) => x.from === h.from && x.to === h.to && x.prevHash === h.prevHash && x.nextPrevHash === h.nextPrevHash))?.sequence;
    const holes: (ChainHole & { attestedBy: number | undefined })[] = [];
    const pending = valid.filter((c) => c.position > after && c.position <= upTo);
    let next = 0;
    const checkUpTo = (position: bigint, hash: string | undefined): void => {
      while (next < pending.length && pending[next]!.position <= position) {
        const c = pending[next]!;
        if (c.position !== position || hash !== c.hash) {
          addBreak({ position: c.position, kind: 'checkpoint-mismatch', detail: `checkpoint ${c.sequence} signed another hash at ${c.position}`, expected: c.hash, actual: c.position === position ? hash : 'no event' });
        }
        next += 1;
      }
    };
    let count = 0n;
    const walk = await walkChain(this.pool, {
      after,
      upTo,
      signal: options.signal,
      attested: (h) => attestedBy(h) !== undefined,
      onHole: (h) => holes.push({ ...h, attestedBy: attestedBy(h) }),
      onBreak: addBreak,
      onRow: (row) => {
        count += 1n;
        checkUpTo(row.position, row.hash);
        if (after === 0n) {
          const c = pending[next - 1];
          if (c && c.position === row.position && c.events !== count) {
            addBreak({ position: c.position, kind: 'checkpoint-mismatch', detail: `checkpoint ${c.sequence} counted ${c.events} events at or below ${c.position}, the log holds ${count}` });
          }
        }
      },
      onProgress: (position, events) => options.onProgress?.(position, events, upTo),
    });
    if (!walk.interrupted) checkUpTo(upTo + 1n, undefined);
    const sorted = [...breaks].sort((a, b) => (a.position < b.position ? -1 : a.position > b.position ? 1 : 0));
    return {
      after,
      upTo,
      headPosition: head.position,
      headHash: head.hash,
      eventsChecked: walk.events,
      ok: breakCount === 0 && !walk.interrupted,
      interrupted: walk.interrupted,
      firstBreak: sorted[0],
      breaks: sorted,
      breakCount,
      holes,
      checkpoints: { verified: valid.length, latest: latest && { sequence: latest.sequence, position: latest.position } },
    };
  }
}
