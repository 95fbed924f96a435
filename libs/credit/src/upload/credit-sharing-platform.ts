import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { CreditCategory, CreditFields, CreditRecordKind } from '../domain/credit-fields';

/** What the reporting unit (上报单位) sends to the sharing platform (信用信息共享平台) for one approved record. */
export interface CreditUploadDocument {
  /** The platform deduplicates on it: one per record (`credit-record:<recordId>`), the same on every delivery. */
  readonly idempotencyKey: string;
  readonly recordId: string;
  readonly unitId: string;
  readonly kind: CreditRecordKind;
  readonly category: CreditCategory;
  readonly subjectPersonId: string | null;
  /** The fields as approved (clear: the platform is where they are meant to go, R6.06 step 3). */
  readonly fields: CreditFields;
  readonly approvedAt: string;
  readonly uploadedAt: string;
}

export interface CreditUploadReceipt {
  /** The platform's reference of the record (a line id, a receipt number), when it gives one. */
  readonly reference: string | null;
}

/**
 * The outbound port to the sharing platform (R6.05 信用信息共享平台). An adapter throws when the platform did not
 * take the record: the outbox retries the delivery with backoff. Delivery is at least once: an adapter must
 * accept the same idempotency key twice without storing the record twice.
 */
export interface CreditSharingPlatform {
  readonly name: string;
  upload(document: CreditUploadDocument): Promise<CreditUploadReceipt>;
}

/**
 * The default adapter: a file export for platforms that take batch files. One JSON line per uploaded record in
 * `<dir>/<YYYY-MM-DD>.ndjson` (the UTC date of the upload), and a marker per idempotency key under `<dir>/.keys`
 * written after the line: a key already marked is not written again (a redelivery after a crash between the
 * line and the marker writes the line twice with the same key, which the importer deduplicates on).
 */
export class FileExportSharingPlatform implements CreditSharingPlatform {
  readonly name = 'file';
  constructor(readonly dir: string) {}

  async upload(document: CreditUploadDocument): Promise<CreditUploadReceipt> {
    const marker = path.join(this.dir, '.keys', createHash('sha256').update(document.idempotencyKey).digest('hex'));
    const file = `${document.uploadedAt.slice(0, 10)}.ndjson`;
    try {
      const seen = await fs.readFile(marker, 'utf8');
      return { reference: seen.trim() || null };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    await fs.mkdir(path.dirname(marker), { recursive: true });
    await fs.appendFile(path.join(this.dir, file), `${JSON.stringify(document)}\n`, { encoding: 'utf8', mode: 0o600 });
    await fs.writeFile(marker, file, { encoding: 'utf8', mode: 0o600 });
    return { reference: file };
  }
}

/**
 * An HTTP adapter for platforms with an intake API: POSTs the document as JSON with the idempotency key in the
 * `Idempotency-Key` header; any answer other than 2xx, a network error or the timeout throws (and is retried).
 * The answer's `reference` (JSON), if any, is kept.
 */
export class HttpSharingPlatform implements CreditSharingPlatform {
  readonly name = 'http';
  constructor(
    readonly url: string,
    private readonly timeoutMs: number,
    private readonly token: string | null = null,
  ) {}

  async upload(document: CreditUploadDocument): Promise<CreditUploadReceipt> {
    const response = await fetch(this.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': document.idempotencyKey, ...(this.token ? { authorization: `Bearer ${this.token}` } : {}) },
      body: JSON.stringify(document),
      redirect: 'manual',
      signal: AbortSignal.timeout(this.timeoutMs),
    });
    const text = await response.text().catch(() => '');
    if (response.status < 200 || response.status >= 300) throw new Error(`sharing platform answered ${response.status}`);
    try {
      const body = JSON.parse(text) as { reference?: unknown };
      return { reference: typeof body.reference === 'string' ? body.reference : null };
    } catch {
      return { reference: null };
    }
  }
}
