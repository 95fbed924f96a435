import { createHash } from 'node:crypto';

/**
 * The hash chain's formulas (migration 1763800000009_hash-chain.js computes the same in the append; docs/audit.md
 * "The hash chain"). Kept here so the verifier, the checkpointer and the audit bundle recompute them without
 * trusting a function stored in the database:
 *
 *   content      = PostgreSQL's text of jsonb_build_array(stream, revision, event id, type, schema version, data, metadata)
 *   content hash = sha256(content)
 *   hash         = sha256(prev hash hex + "\n" + position + "\n" + recorded-at µs + "\n" + content hash hex)
 */
export const GENESIS_HASH = '0'.repeat(64);

/** The SQL expression of an event's content, over es_events' columns (the same as es_event_content). */
export const CONTENT_SQL = `jsonb_build_array(stream_id, stream_revision, event_id, event_type, schema_version, data, metadata)::text`;
/** recorded_at in microseconds since 1970 (exact: extract returns numeric). */
export const RECORDED_AT_US_SQL = `(extract(epoch FROM recorded_at) * 1000000)::bigint`;

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

export function linkHash(prevHash: string, position: bigint | string, recordedAtUs: bigint | string, contentHash: string): string {
  return sha256Hex(`${prevHash}\n${position}\n${recordedAtUs}\n${contentHash}`);
}

/** A span of positions no event holds, between two stored events whose link is therefore not continuous. */
export interface ChainHole {
  /** First and last missing position. */
  readonly from: bigint;
  readonly to: bigint;
  /**
   * The hash of the last event before the hole: the chain restarts after a hole, so an attestation must also fix
   * what came before it (else the events between the previous checkpoint and the hole could be rewritten unseen).
   */
  readonly prevHash: string;
  /** The prev_hash of the event after the hole (the hash the append that took the missing positions left as head). */
  readonly nextPrevHash: string;
}

/** What a checkpoint signs: the chain's hash at a position, the holes attested since the previous checkpoint. */
export interface CheckpointClaims {
  readonly sequence: number;
  readonly position: bigint;
  readonly hash: string;
  /** Stored events at or below `position`. */
  readonly events: bigint;
  readonly holes: readonly ChainHole[];
  /** sha256 of the previous checkpoint's payload (GENESIS_HASH for the first). */
  readonly previous: string;
  readonly createdAt: string;
  readonly keyId: string;
  /** The log it belongs to: the hash of the log's first event. */
  readonly log: string;
}

const PAYLOAD_HEADER = 'baosong chain checkpoint v1';

/** The signed text of a checkpoint: one `name: value` per line after a header, LF line ends, no trailing LF. */
export function checkpointPayload(c: CheckpointClaims): string {
  const holes = c.holes.length === 0 ? '-' : c.holes.map((h) => `${h.from}-${h.to}:${h.prevHash}:${h.nextPrevHash}`).join(',');
  return [
    PAYLOAD_HEADER,
    `sequence: ${c.sequence}`,
    `position: ${c.position}`,
    `hash: ${c.hash}`,
    `events: ${c.events}`,
    `holes: ${holes}`,
    `previous: ${c.previous}`,
    `created-at: ${c.createdAt}`,
    `key: ${c.keyId}`,
    `log: ${c.log}`,
  ].join('\n');
}

const HEX64 = /^[0-9a-f]{64}$/;

/** The claims of a payload; throws on anything that checkpointPayload would not have written. */
export function parseCheckpointPayload(payload: string): CheckpointClaims {
  const lines = payload.split('\n');
  if (lines[0] !== PAYLOAD_HEADER || lines.length !== 10) throw new Error('not a checkpoint payload (header or line count)');
  const field = (i: number, name: string): string => {
    const line = lines[i]!;
    if (!line.startsWith(`${name}: `)) throw new Error(`checkpoint payload: line ${i + 1} is not "${name}"`);
    return line.slice(name.length + 2);
  };
  const num = (value: string, name: string): bigint => {
    if (!/^\d+$/.test(value)) throw new Error(`checkpoint payload: ${name} is not a number`);
    return BigInt(value);
  };
  const hex = (value: string, name: string): string => {
    if (!HEX64.test(value)) throw new Error(`checkpoint payload: ${name} is not a sha256 hex`);
    return value;
  };
  const rawHoles = field(5, 'holes');
  const holes: ChainHole[] =
    rawHoles === '-'
      ? []
      : rawHoles.split(',').map((h) => {
          const m = /^(\d+)-(\d+):([0-9a-f]{64}):([0-9a-f]{64})$/.exec(h);
          if (!m) throw new Error('checkpoint payload: a hole is not from-to:hash before:prev_hash after');
          return { from: BigInt(m[1]!), to: BigInt(m[2]!), prevHash: m[3]!, nextPrevHash: m[4]! };
        });
  return {
    sequence: Number(num(field(1, 'sequence'), 'sequence')),
    position: num(field(2, 'position'), 'position'),
    hash: hex(field(3, 'hash'), 'hash'),
    events: num(field(4, 'events'), 'events'),
    holes,
    previous: hex(field(6, 'previous'), 'previous'),
    createdAt: field(7, 'created-at'),
    keyId: field(8, 'key'),
    log: hex(field(9, 'log'), 'log'),
  };
}
