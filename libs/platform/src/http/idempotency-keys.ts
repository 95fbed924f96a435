import { Global, Inject, Injectable, Logger, Module } from '@nestjs/common';
import type { Pool } from 'pg';
import { IdempotencyKeyReused } from '@app/kernel';
import { PG_POOL } from '../database.module';

/** How long a binding is kept (docs/adr/0006-idempotency-keys.md): past it, the key may name a new request. */
export const IDEMPOTENCY_KEY_RETENTION_DAYS = 30;
/** Expired bindings are deleted at most this often per process, by the request that notices. */
const PURGE_EVERY_MS = 60 * 60 * 1000;

export interface IdempotencyKeyBinding {
  readonly memberId: string;
  readonly key: string;
  readonly fingerprint: string;
  readonly method: string;
  readonly path: string;
  readonly commandId: string;
}

interface BindingRow {
  fingerprint: string;
  method: string;
  path: string;
  first_seen_at: Date;
}

/**
 * The table of (member, Idempotency-Key) -> fingerprint of the request it was first sent with. Binding is one
 * INSERT … ON CONFLICT: of concurrent requests with one key, the first to insert binds it; each of the others
 * then reads the row and goes on only if its fingerprint is the same (a retry), else is refused with 422.
 */
@Injectable()
export class IdempotencyKeys {
  private readonly logger = new Logger('IdempotencyKeys');
  private lastPurge = 0;

  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  async bind(binding: IdempotencyKeyBinding): Promise<void> {
    this.purgeNowAndThen();
    // A row whose retention has passed is taken over by the new request, as if the key were new.
    for (let attempt = 0; attempt < 3; attempt++) {
      const inserted = await this.pool.query(
        `INSERT INTO idempotency_keys AS k (member_id, key, fingerprint, method, path, command_id)
         VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (member_id, key) DO UPDATE
           SET fingerprint = EXCLUDED.fingerprint, method = EXCLUDED.method, path = EXCLUDED.path,
               command_id = EXCLUDED.command_id, first_seen_at = now()
           WHERE k.first_seen_at < now() - make_interval(days => $7)
         RETURNING 1`,
        [binding.memberId, binding.key, binding.fingerprint, binding.method, binding.path, binding.commandId, IDEMPOTENCY_KEY_RETENTION_DAYS],
      );
      if (inserted.rowCount === 1) return;
      // A separate statement: its snapshot sees the row a concurrent request committed while our INSERT waited.
      const existing = await this.pool.query<BindingRow>(
        'SELECT fingerprint, method, path, first_seen_at FROM idempotency_keys WHERE member_id = $1 AND key = $2',
        [binding.memberId, binding.key],
      );
      const row = existing.rows[0];
      if (!row) continue; // purged in between: bind again
      if (row.fingerprint === binding.fingerprint) return;
      throw new IdempotencyKeyReused({ key: binding.key, firstRequest: `${row.method} ${row.path}`, firstSeenAt: row.first_seen_at.toISOString() });
    }
    throw new Error(`Idempotency-Key ${binding.key} could not be bound`);
  }

  /** Deletes the bindings whose retention has passed; answers how many. */
  async purgeExpired(): Promise<number> {
    const result = await this.pool.query('DELETE FROM idempotency_keys WHERE first_seen_at < now() - make_interval(days => $1)', [IDEMPOTENCY_KEY_RETENTION_DAYS]);
    return result.rowCount ?? 0;
  }

  private purgeNowAndThen(): void {
    const now = Date.now();
    if (now - this.lastPurge < PURGE_EVERY_MS) return;
    this.lastPurge = now;
    this.purgeExpired().catch((error: unknown) => this.logger.warn({ msg: 'purging expired idempotency keys failed', err: error }));
  }
}

/** Provides IdempotencyKeys to every module (the CommandCtx pipe of any controller needs it). */
@Global()
@Module({ providers: [IdempotencyKeys], exports: [IdempotencyKeys] })
export class IdempotencyModule {}
