import type { Pool } from 'pg';
import { ChainHole, CONTENT_SQL, GENESIS_HASH, linkHash, RECORDED_AT_US_SQL, sha256Hex } from './chain-format';

/** What a walk of the chain can find wrong. */
export type ChainBreakKind =
  /** The event's stored hash is not the hash of its content, position, time and prev_hash: the row was changed. */
  | 'hash-mismatch'
  /** The event's prev_hash is not the previous event's hash and no position is missing: a row before it was changed or replaced, or rows were reordered. */
  | 'link-broken'
  /** Positions are missing before the event and its prev_hash is not the previous event's hash: rows were deleted, or an append rolled back after taking its positions; not attested by a checkpoint. */
  | 'hole'
  /** A signed checkpoint's hash is not the hash of the event at its position (or no event is there). */
  | 'checkpoint-mismatch'
  /** A checkpoint is missing from the database (the checkpoint file holds it), or the checkpoints do not link up. */
  | 'checkpoint-missing'
  /** A checkpoint's signature does not verify with the chain's public key. */
  | 'checkpoint-signature'
  /** The log ends before the position of a signed checkpoint: its tail was removed. */
  | 'truncated';

export interface ChainBreak {
  readonly position: bigint;
  readonly kind: ChainBreakKind;
  readonly detail: string;
  readonly expected?: string;
  readonly actual?: string;
}

export interface WalkRow {
  readonly position: bigint;
  readonly recordedAtUs: bigint;
  readonly prevHash: string;
  readonly hash: string;
  readonly content: string;
  readonly contentHash: string;
}

export interface WalkOptions {
  /** Walk events strictly after this position. */
  readonly after: bigint;
  /** ...and at or below this one. */
  readonly upTo: bigint;
  readonly pageSize?: number;
  /** Holes already attested by a verified checkpoint (not breaks). */
  readonly attested?: (hole: ChainHole) => boolean;
  readonly onRow?: (row: WalkRow) => void | Promise<void>;
  readonly onBreak?: (b: ChainBreak) => void;
  readonly onHole?: (hole: ChainHole, attested: boolean) => void;
  readonly onProgress?: (position: bigint, events: number) => void;
  readonly signal?: AbortSignal;
}

export interface WalkResult {
  /** The event the walk linked its first event to (the last at or before `after`; position 0 and GENESIS_HASH before the first). */
  readonly start: { readonly position: bigint; readonly hash: string };
  readonly events: number;
  /** The last event walked (or the one the walk started from). */
  readonly lastPosition: bigint;
  readonly lastHash: string;
  readonly interrupted: boolean;
}

/**
 * Walks es_events in position order over (after, upTo], recomputing each event's content hash and link (in
 * node, from the columns: no function stored in the database is trusted) and comparing the links. It starts from
 * the last event at or before `after` (or the genesis hash), so a walk of a range links to what comes before.
 */
export async function walkChain(pool: Pool, options: WalkOptions): Promise<WalkResult> {
  const pageSize = options.pageSize ?? 2000;
  const start = await lastEventAtOrBefore(pool, options.after);
  let prevPosition = start.position;
  let prevHash = start.hash;
  let cursor = options.after;
  let events = 0;
  while (cursor < options.upTo) {
    if (options.signal?.aborted) return { start, events, lastPosition: prevPosition, lastHash: prevHash, interrupted: true };
    const page = await pool.query<{ global_position: string; us: string; prev_hash: Buffer; hash: Buffer; content: string }>(
      `SELECT global_position, ${RECORDED_AT_US_SQL} AS us, prev_hash, hash, ${CONTENT_SQL} AS content
         FROM es_events WHERE global_position > $1 AND global_position <= $2 ORDER BY global_position LIMIT $3`,
      [cursor.toString(), options.upTo.toString(), pageSize],
    );
    if (page.rows.length === 0) break;
    for (const r of page.rows) {
      const row: WalkRow = {
        position: BigInt(r.global_position),
        recordedAtUs: BigInt(r.us),
        prevHash: r.prev_hash.toString('hex'),
        hash: r.hash.toString('hex'),
        content: r.content,
        contentHash: sha256Hex(r.content),
      };
      const expected = linkHash(row.prevHash, row.position, row.recordedAtUs, row.contentHash);
      if (expected !== row.hash) {
        options.onBreak?.({ position: row.position, kind: 'hash-mismatch', detail: 'the stored hash is not the hash of the event as stored (its content, position, time or prev_hash changed)', expected, actual: row.hash });
      }
      if (row.prevHash !== prevHash) {
        if (row.position > prevPosition + 1n) {
          const hole: ChainHole = { from: prevPosition + 1n, to: row.position - 1n, prevHash, nextPrevHash: row.prevHash };
          const attested = options.attested?.(hole) ?? false;
          options.onHole?.(hole, attested);
          if (!attested) {
            options.onBreak?.({ position: row.position, kind: 'hole', detail: `positions ${hole.from}-${hole.to} hold no event and the link across them is not continuous (rows deleted, or an append that rolled back); no checkpoint attests it`, expected: prevHash, actual: row.prevHash });
          }
        } else {
          options.onBreak?.({ position: row.position, kind: 'link-broken', detail: `prev_hash is not the hash of the event at ${prevPosition}`, expected: prevHash, actual: row.prevHash });
        }
      }
      await options.onRow?.(row);
      prevHash = row.hash;
      prevPosition = row.position;
      events += 1;
    }
    cursor = prevPosition;
    options.onProgress?.(cursor, events);
  }
  return { start, events, lastPosition: prevPosition, lastHash: prevHash, interrupted: false };
}

/** The last stored event at or before `position` and its hash (position 0 and GENESIS_HASH when there is none). */
export async function lastEventAtOrBefore(pool: Pool, position: bigint): Promise<{ position: bigint; hash: string }> {
  const { rows } = await pool.query<{ global_position: string; hash: Buffer }>(
    'SELECT global_position, hash FROM es_events WHERE global_position <= $1 ORDER BY global_position DESC LIMIT 1',
    [position.toString()],
  );
  return rows[0] ? { position: BigInt(rows[0].global_position), hash: rows[0].hash.toString('hex') } : { position: 0n, hash: GENESIS_HASH };
}

/** The highest settled position (es_head(): no append below it is still in flight). */
export async function chainHead(pool: Pool): Promise<bigint> {
  const { rows } = await pool.query<{ head: string }>('SELECT es_head()::text AS head');
  return BigInt(rows[0]!.head);
}
