import { checkpointPayload, CheckpointClaims, GENESIS_HASH, linkHash, parseCheckpointPayload, sha256Hex } from './chain-format';

const claims: CheckpointClaims = {
  sequence: 3,
  position: 5000n,
  hash: 'ab'.repeat(32),
  events: 4998n,
  holes: [{ from: 17n, to: 18n, prevHash: '12'.repeat(32), nextPrevHash: 'cd'.repeat(32) }],
  previous: GENESIS_HASH,
  createdAt: '2026-12-04T10:00:00.000Z',
  keyId: '0123456789abcdef',
  log: 'ef'.repeat(32),
};

describe('chain format', () => {
  it('a link is sha256 over prev hash, position, time and content hash, one per line (what verify.sh recomputes)', () => {
    expect(linkHash(GENESIS_HASH, 1n, 1796416850950668n, sha256Hex('["s-1", 0]'))).toBe(sha256Hex(`${GENESIS_HASH}\n1\n1796416850950668\n${sha256Hex('["s-1", 0]')}`));
    expect(sha256Hex('')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });

  it('a checkpoint payload reads back as what it says, and nothing else reads as a payload', () => {
    const payload = checkpointPayload(claims);
    expect(payload.split('\n')).toHaveLength(10);
    expect(parseCheckpointPayload(payload)).toEqual(claims);
    expect(parseCheckpointPayload(checkpointPayload({ ...claims, holes: [] })).holes).toEqual([]);
    expect(() => parseCheckpointPayload(payload.replace('position: 5000', 'position: -1'))).toThrow(/position/);
    expect(() => parseCheckpointPayload(payload.replace(/^hash: .*$/m, 'hash: xyz'))).toThrow(/hash/);
    expect(() => parseCheckpointPayload(`${payload}\nextra: 1`)).toThrow(/line count/);
    expect(() => parseCheckpointPayload(payload.replace('17-18:', '17:'))).toThrow(/hole/);
    expect(() => parseCheckpointPayload(payload.replace(`:${'12'.repeat(32)}`, ''))).toThrow(/hole/);
  });
});
