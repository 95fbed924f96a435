import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/**
 * One personal field, encrypted with its person's data key: AES-256-GCM, a random 96-bit IV per value, the
 * person's id and the field's path as additional data (a value moved to another person or field does not open).
 * Stored as a string, so the event keeps its shape: `pii:v1:<base64url of iv | tag | ciphertext>`.
 */
const PREFIX = 'pii:v1:';

export function isSealed(value: unknown): value is string {
  return typeof value === 'string' && value.startsWith(PREFIX);
}

export function sealField(key: Buffer, subject: string, path: string, value: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(`${subject}\n${path}`, 'utf8'));
  const ct = Buffer.concat([cipher.update(value, 'utf8'), cipher.final()]);
  return `${PREFIX}${Buffer.concat([iv, cipher.getAuthTag(), ct]).toString('base64url')}`;
}

/** The clear value; throws when the key, the person or the path is not the one it was sealed with. */
export function openField(key: Buffer, subject: string, path: string, sealed: string): string {
  const raw = Buffer.from(sealed.slice(PREFIX.length), 'base64url');
  const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, 12));
  decipher.setAAD(Buffer.from(`${subject}\n${path}`, 'utf8'));
  decipher.setAuthTag(raw.subarray(12, 28));
  return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
}
