import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import { AttachmentTooLarge, LocalDiskAttachmentStorage } from './attachment-storage';

describe('LocalDiskAttachmentStorage', () => {
  let root: string;
  let storage: LocalDiskAttachmentStorage;
  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'attachments-'));
    storage = new LocalDiskAttachmentStorage(root);
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  it('stores bytes under their SHA-256 and gives them back', async () => {
    const bytes = Buffer.from('现场照片'.repeat(1000));
    const stored = await storage.put(Readable.from([bytes]), 1 << 20);
    expect(stored).toEqual({ storageKey: createHash('sha256').update(bytes).digest('hex'), sha256: stored.storageKey, size: bytes.length });
    const chunks: Buffer[] = [];
    for await (const c of await storage.get(stored.storageKey)) chunks.push(c as Buffer);
    expect(Buffer.concat(chunks).equals(bytes)).toBe(true);
  });

  it('refuses more than the limit and leaves nothing behind', async () => {
    await expect(storage.put(Readable.from([Buffer.alloc(2000)]), 1000)).rejects.toBeInstanceOf(AttachmentTooLarge);
    expect(fs.readdirSync(root)).toEqual([]);
  });

  it('knows only well-formed keys it stored', async () => {
    expect(await storage.exists('../../etc/passwd')).toBe(false);
    expect(await storage.exists('a'.repeat(64))).toBe(false);
  });
});
