import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { NotFound, PayloadTooLarge } from '@app/kernel';

export interface StoredFile {
  readonly storageKey: string;
  readonly sha256: string;
  readonly size: number;
}

/** Where attachment bytes live. Events keep only name, type, size, checksum and the storage key. */
export interface AttachmentStorage {
  put(content: Readable, maxBytes: number): Promise<StoredFile>;
  get(storageKey: string): Promise<Readable>;
  exists(storageKey: string): Promise<boolean>;
}
export const ATTACHMENT_STORAGE = Symbol('ATTACHMENT_STORAGE');

/** An upload over the limit: 413 `payload-too-large`, the same problem as a JSON body over its limit. */
export class AttachmentTooLarge extends PayloadTooLarge {
  constructor(maxBytes: number) {
    super('An attachment', maxBytes);
  }
}

/**
 * Content-addressed files on local disk (DATA_DIR/attachments/ab/abcdef…): the same bytes uploaded twice are
 * stored once, and the key is the SHA-256, so a stored checksum can always be verified.
 */
export class LocalDiskAttachmentStorage implements AttachmentStorage {
  constructor(private readonly root: string) {}

  async put(content: Readable, maxBytes: number): Promise<StoredFile> {
    await fs.mkdir(this.root, { recursive: true });
    const temp = path.join(this.root, `.upload-${randomBytes(8).toString('hex')}`);
    const hash = createHash('sha256');
    let size = 0;
    const file = createWriteStream(temp);
    const closed = new Promise<void>((resolve) => file.once('close', () => resolve()));
    try {
      await pipeline(
        content,
        async function* (source: AsyncIterable<Buffer>) {
          for await (const chunk of source) {
            size += chunk.length;
            if (size > maxBytes) throw new AttachmentTooLarge(maxBytes);
            hash.update(chunk);
            yield chunk;
          }
        },
        file,
      );
      const sha256 = hash.digest('hex');
      const target = this.pathOf(sha256);
      await fs.mkdir(path.dirname(target), { recursive: true });
      await fs.rename(temp, target);
      return { storageKey: sha256, sha256, size };
    } finally {
      // On a failed upload the stream may still be opening the file: wait for it to close, then remove it.
      if (!file.closed) await closed;
      await fs.rm(temp, { force: true });
    }
  }

  async get(storageKey: string): Promise<Readable> {
    if (!(await this.exists(storageKey))) throw new NotFound('Attachment', storageKey);
    return createReadStream(this.pathOf(storageKey));
  }

  async exists(storageKey: string): Promise<boolean> {
    if (!/^[0-9a-f]{64}$/.test(storageKey)) return false;
    return fs.access(this.pathOf(storageKey)).then(
      () => true,
      () => false,
    );
  }

  private pathOf(sha256: string): string {
    return path.join(this.root, sha256.slice(0, 2), sha256);
  }
}
