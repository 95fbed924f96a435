import * as path from 'node:path';

/**
 * Credit reporting configuration, read once at start-up and validated (a bad value stops start-up naming the
 * variable). R6.06 notes that the source gives no deadlines: they are configuration, counted in working days of
 * the default Chinese holiday calendar (docs/credit.md "Deadlines").
 */
export interface CreditConfig {
  /** CREDIT_REVIEW_WORKING_DAYS (default 5; 0 disables): a submission round is reviewed within this many working days. */
  readonly reviewWorkingDays: number;
  /** CREDIT_UPLOAD_WORKING_DAYS (default 10; 0 disables): a record is on the sharing platform within this many working days of its first submission. */
  readonly uploadWorkingDays: number;
  /** CREDIT_UPLOAD_DIR (default DATA_DIR/credit-uploads): where the file-export adapter writes. */
  readonly uploadDir: string;
  /** CREDIT_SHARING_PLATFORM_URL: when set, the HTTP adapter posts there instead of the file export. */
  readonly platformUrl: string | null;
  /** CREDIT_SHARING_PLATFORM_TOKEN: bearer token for the HTTP adapter. */
  readonly platformToken: string | null;
  /** CREDIT_SHARING_PLATFORM_TIMEOUT_MS (default 10000, 100-120000). */
  readonly platformTimeoutMs: number;
  /** CREDIT_COMPLETENESS_TARGET (default 1, 0-1): the completeness rate a unit meets as a compliance item. */
  readonly completenessTarget: number;
}

function int(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) throw new Error(`${name} must be an integer from ${min} to ${max} (got ${raw})`);
  return n;
}

export function loadCreditConfig(env: NodeJS.ProcessEnv, dataDir: string): CreditConfig {
  const url = env.CREDIT_SHARING_PLATFORM_URL?.trim() || null;
  if (url !== null) {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new Error(`CREDIT_SHARING_PLATFORM_URL must be an absolute http(s) URL (got ${url})`);
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new Error('CREDIT_SHARING_PLATFORM_URL must be an http:// or https:// URL');
  }
  const target = env.CREDIT_COMPLETENESS_TARGET;
  const completenessTarget = target === undefined || target === '' ? 1 : Number(target);
  if (!Number.isFinite(completenessTarget) || completenessTarget < 0 || completenessTarget > 1) throw new Error(`CREDIT_COMPLETENESS_TARGET must be a number from 0 to 1 (got ${target})`);
  return {
    reviewWorkingDays: int(env, 'CREDIT_REVIEW_WORKING_DAYS', 5, 0, 365),
    uploadWorkingDays: int(env, 'CREDIT_UPLOAD_WORKING_DAYS', 10, 0, 365),
    uploadDir: path.resolve(env.CREDIT_UPLOAD_DIR?.trim() || path.join(dataDir, 'credit-uploads')),
    platformUrl: url,
    platformToken: env.CREDIT_SHARING_PLATFORM_TOKEN?.trim() || null,
    platformTimeoutMs: int(env, 'CREDIT_SHARING_PLATFORM_TIMEOUT_MS', 10_000, 100, 120_000),
    completenessTarget,
  };
}

export const CREDIT_CONFIG = Symbol('CREDIT_CONFIG');
