import { randomBytes } from 'node:crypto';
import { isSealed, openField, sealField } from './field-cipher';
import { LocalKeyEncryptionKey } from './key-encryption';

describe('field cipher', () => {
  const key = randomBytes(32);

  it('seals a value so that only its key, person and field open it', () => {
    const sealed = sealField(key, 'm-1', 'phone', '13912345678');
    expect(isSealed(sealed)).toBe(true);
    expect(sealed).not.toContain('13912345678');
    expect(sealField(key, 'm-1', 'phone', '13912345678')).not.toBe(sealed); // a fresh IV every time
    expect(openField(key, 'm-1', 'phone', sealed)).toBe('13912345678');
    expect(() => openField(randomBytes(32), 'm-1', 'phone', sealed)).toThrow();
    expect(() => openField(key, 'm-2', 'phone', sealed)).toThrow();
    expect(() => openField(key, 'm-1', 'email', sealed)).toThrow();
    const tampered = sealed.slice(0, -2) + (sealed.endsWith('A') ? 'BB' : 'AA');
    expect(() => openField(key, 'm-1', 'phone', tampered)).toThrow();
  });

  it('the local key-encryption key wraps and unwraps data keys, and refuses another key\'s', async () => {
    const kek = new LocalKeyEncryptionKey(randomBytes(32));
    const wrapped = await kek.wrap(key);
    expect(await kek.unwrap(wrapped, kek.id)).toEqual(key);
    await expect(new LocalKeyEncryptionKey(randomBytes(32)).unwrap(wrapped, kek.id)).rejects.toThrow(/wrapped with/);
  });
});
