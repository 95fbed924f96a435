import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * The key-encryption key of the envelope (a KMS port): it wraps each person's data key before the key store keeps
 * it, so the key table alone opens nothing. The default is a local AES-256 key (PII_MASTER_KEY, base64 of 32
 * bytes, or one generated in DATA_DIR/pii-master-key); a KMS adapter implements the same two calls with the
 * KMS's encrypt/decrypt (the data key never leaves the process in clear otherwise).
 */
export interface KeyEncryptionKey {
  /** Names the key-encryption key a data key was wrapped with (kept beside it, for rotation). */
  readonly id: string;
  wrap(dataKey: Buffer): Promise<Buffer>;
  unwrap(wrapped: Buffer, kekId: string): Promise<Buffer>;
}
export const KEY_ENCRYPTION_KEY = Symbol('KEY_ENCRYPTION_KEY');

export class LocalKeyEncryptionKey implements KeyEncryptionKey {
  readonly id: string;

  constructor(private readonly key: Buffer) {
    if (key.length !== 32) throw new Error('PII_MASTER_KEY must be 32 bytes (base64)');
    this.id = `local:${createHash('sha256').update(key).digest('hex').slice(0, 16)}`;
  }

  /** PII_MASTER_KEY when given, else DATA_DIR/pii-master-key (created once, mode 0600). */
  static load(options: { readonly masterKey?: string; readonly dataDir: string }): LocalKeyEncryptionKey {
    if (options.masterKey) return new LocalKeyEncryptionKey(Buffer.from(options.masterKey, 'base64'));
    const file = path.join(options.dataDir, 'pii-master-key');
    if (!fs.existsSync(file)) {
      fs.mkdirSync(options.dataDir, { recursive: true });
      try {
        fs.writeFileSync(file, randomBytes(32).toString('base64'), { mode: 0o600, flag: 'wx' });
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
    }
    return new LocalKeyEncryptionKey(Buffer.from(fs.readFileSync(file, 'utf8').trim(), 'base64'));
  }

  async wrap(dataKey: Buffer): Promise<Buffer> {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const ct = Buffer.concat([cipher.update(dataKey), cipher.final()]);
    return Buffer.concat([iv, cipher.getAuthTag(), ct]);
  }

  async unwrap(wrapped: Buffer, kekId: string): Promise<Buffer> {
    if (kekId !== this.id) throw new Error(`data key wrapped with ${kekId}, this process holds ${this.id} (PII_MASTER_KEY changed?)`);
    const decipher = createDecipheriv('aes-256-gcm', this.key, wrapped.subarray(0, 12));
    decipher.setAuthTag(wrapped.subarray(12, 28));
    return Buffer.concat([decipher.update(wrapped.subarray(28)), decipher.final()]);
  }
}
