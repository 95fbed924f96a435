import { randomBytes } from 'node:crypto';
import type { Pool } from 'pg';
import type { KeyEncryptionKey } from './key-encryption';

/** A person's data key, or the fact that they were erased (their key deleted: nothing of theirs opens again). */
export type PersonalKey = { readonly key: Buffer } | { readonly erased: true; readonly erasedAt: string };

/**
 * The key store of the envelope (pii_keys, migration 1763800000011): one wrapped data key per person, outside the
 * log. Erasing a person deletes their key and leaves a tombstone, so no new personal data of theirs is stored
 * after it. Keys are cached per process for `cacheMs` (default 30 s): another instance's erasure is seen within it
 * (this instance's at once).
 */
export class PersonalKeys {
  /**
   * Keys, tombstones and "no key yet" (`undefined`): another instance may create a key any time, so a reader that
   * meets a sealed value of a person cached as keyless asks again with `fresh` before reading it as erased.
   */
  private readonly cache = new Map<string, { value: PersonalKey | undefined; at: number }>();
  /** Bumped by every local change of a person's key: a load that started before it must not cache what it read. */
  private readonly generation = new Map<string, number>();

  constructor(
    private readonly pool: Pool,
    private readonly kek: KeyEncryptionKey,
    private readonly cacheMs = 30_000,
  ) {}

  /** The keys (or erasures) of these people, from the cache or one query; people with no key are absent. */
  async load(subjects: readonly string[], options: { fresh?: boolean } = {}): Promise<Map<string, PersonalKey>> {
    const now = Date.now();
    const out = new Map<string, PersonalKey>();
    const missing: string[] = [];
    for (const s of new Set(subjects)) {
      const hit = options.fresh ? undefined : this.cache.get(s);
      if (hit && now - hit.at < this.cacheMs) {
        if (hit.value) out.set(s, hit.value);
      } else missing.push(s);
    }
    if (missing.length > 0) {
      const generations = new Map(missing.map((s) => [s, this.generation.get(s) ?? 0]));
      const { rows } = await this.pool.query<{ subject_id: string; wrapped_key: Buffer | null; kek_id: string | null; erased_at: Date | null }>(
        'SELECT subject_id, wrapped_key, kek_id, erased_at FROM pii_keys WHERE subject_id = ANY($1)',
        [missing],
      );
      const found = new Map(rows.map((r) => [r.subject_id, r]));
      for (const s of missing) {
        const r = found.get(s);
        const value: PersonalKey | undefined = !r
          ? undefined
          : r.wrapped_key === null
            ? { erased: true, erasedAt: r.erased_at!.toISOString() }
            : { key: await this.kek.unwrap(r.wrapped_key, r.kek_id!) };
        if ((this.generation.get(s) ?? 0) === generations.get(s)) this.cache.set(s, { value, at: now });
        if (value) out.set(s, value);
      }
    }
    return out;
  }

  /** The person's key, created on first use; an erased person's tombstone. */
  async obtain(subject: string): Promise<PersonalKey> {
    const known = (await this.load([subject], { fresh: true })).get(subject);
    if (known) return known;
    const wrapped = await this.kek.wrap(randomBytes(32));
    await this.pool.query('INSERT INTO pii_keys (subject_id, wrapped_key, kek_id) VALUES ($1, $2, $3) ON CONFLICT (subject_id) DO NOTHING', [subject, wrapped, this.kek.id]);
    this.forget(subject);
    // another process may have created it first: theirs is the one stored
    return (await this.load([subject])).get(subject)!;
  }

  /**
   * Deletes the person's key (crypto-shredding) and leaves the tombstone; true when a key was deleted, false when
   * the person was already erased or never had one (a tombstone is left either way).
   */
  async erase(subject: string): Promise<boolean> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const before = await client.query<{ wrapped_key: Buffer | null }>('SELECT wrapped_key FROM pii_keys WHERE subject_id = $1 FOR UPDATE', [subject]);
      await client.query(
        `INSERT INTO pii_keys (subject_id, wrapped_key, kek_id, erased_at) VALUES ($1, NULL, NULL, now())
         ON CONFLICT (subject_id) DO UPDATE SET wrapped_key = NULL, kek_id = NULL, erased_at = coalesce(pii_keys.erased_at, now())`,
        [subject],
      );
      await client.query('COMMIT');
      return before.rows[0]?.wrapped_key != null;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
      this.forget(subject);
    }
  }

  private forget(subject: string): void {
    this.cache.delete(subject);
    this.generation.set(subject, (this.generation.get(subject) ?? 0) + 1);
  }
}
