import * as path from 'node:path';

/**
 * Configuration is read once, from the environment, and validated at boot: a bad value stops start-up with a
 * message naming the variable.
 */
export interface AppConfig {
  readonly port: number;
  /** Unset: the embedded PostgreSQL is started under dataDir. */
  readonly databaseUrl: string | undefined;
  readonly eventStore: 'postgres' | 'esdb';
  readonly eventStoreConnectionString: string | undefined;
  readonly dataDir: string;
  /** Port for the embedded PostgreSQL; 0 means pick a free one. */
  readonly embeddedPgPort: number;
  readonly logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** Whether this instance runs projections and reactors (each still runs on one instance at a time). */
  readonly runProjections: boolean;
  /** IANA time zone of business dates (appointments in force, the policy in force): BUSINESS_TIME_ZONE. */
  readonly businessTimeZone: string;
  /** How long a read with X-Min-Position waits for its read models before 503 (READ_MIN_POSITION_TIMEOUT_MS). */
  readonly readMinPositionTimeoutMs: number;
  /** A shadow build nobody reads for this long is dropped (SHADOW_BUILD_TTL_SECONDS; a start request may set its own). */
  readonly shadowBuildTtlSeconds: number;
  readonly scheduler: SchedulerConfig;
  readonly auth: AuthConfig;
  readonly chain: ChainConfig;
  /** PII_MASTER_KEY: base64 of the 32-byte key that wraps personal data keys; unset: DATA_DIR/pii-master-key. */
  readonly piiMasterKey: string | undefined;
}

/**
 * The hash chain's signed checkpoints (docs/audit.md): CHAIN_CHECKPOINT_INTERVAL_SECONDS (default 300; 0: only on
 * request) between two checkpoints, made by an instance that runs projections; CHAIN_CHECKPOINT_FILE (default
 * DATA_DIR/chain-checkpoints/<database>.ndjson) their copy outside the database; CHAIN_SIGNING_KEY an Ed25519 private key
 * (PEM), else one generated in DATA_DIR/chain-signing-key.pem.
 */
export interface ChainConfig {
  readonly checkpointIntervalSeconds: number;
  readonly checkpointFile: string | undefined;
  readonly signingKeyPem: string | undefined;
}

/**
 * The scheduler appends time facts (DeadlineElapsed, BusinessPeriodEnded; ADR 0015). RUN_SCHEDULER (default:
 * RUN_PROJECTIONS) says whether this instance runs it; several instances may, each fact still lands once.
 * SCHEDULER_PERIODS_FROM (YYYY-MM-DD, a business date) is the first day whose periods are recorded (default: the
 * date of the first event in the log); SCHEDULER_CHECK_INTERVAL_MS (default 30000) the longest it sleeps.
 */
export interface SchedulerConfig {
  readonly run: boolean;
  readonly periodsFrom: string | undefined;
  readonly checkIntervalMs: number;
}

/**
 * Bearer JWTs: HS256 with a shared secret, or RS256 with a public key or a JWKS URL. With none configured, an
 * HS256 secret is generated once and kept in DATA_DIR/jwt-secret (the CLI mints tokens with the same file).
 */
export interface AuthConfig {
  readonly secret: string | undefined;
  readonly publicKey: string | undefined;
  readonly privateKey: string | undefined;
  readonly jwksUrl: string | undefined;
  readonly issuer: string;
  readonly audience: string;
  readonly tokenTtl: string;
}

export class ConfigError extends Error {
  constructor(readonly variable: string, message: string) {
    super(`Invalid configuration ${variable}: ${message}`);
    this.name = 'ConfigError';
  }
}

export const APP_CONFIG = Symbol('APP_CONFIG');

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

function port(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) > 65535) throw new ConfigError(name, `expected a port number 0-65535, got "${raw}"`);
  return Number(raw);
}

function integer(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) throw new ConfigError(name, `expected an integer from ${min} to ${max}, got "${raw}"`);
  return Number(raw);
}

function bool(env: NodeJS.ProcessEnv, name: string, fallback: boolean): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (['true', '1', 'yes'].includes(raw)) return true;
  if (['false', '0', 'no'].includes(raw)) return false;
  throw new ConfigError(name, `expected true or false, got "${raw}"`);
}

/** An IANA zone name (Area/Location, or UTC) that the runtime's time-zone data knows; offsets are refused. */
function timeZone(env: NodeJS.ProcessEnv, name: string, fallback: string): string {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const hint = `expected an IANA time zone such as Asia/Shanghai or UTC, got "${raw}"`;
  if (!/^(?:UTC|[A-Za-z]+(?:\/[A-Za-z0-9_+-]+)+)$/.test(raw)) throw new ConfigError(name, hint);
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: raw });
  } catch {
    throw new ConfigError(name, `${hint} (unknown to this runtime's time-zone data)`);
  }
  return raw;
}

function calendarDate(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  const valid = /^\d{4}-\d{2}-\d{2}$/.test(raw) && new Date(`${raw}T00:00:00Z`).toISOString().slice(0, 10) === raw;
  if (!valid) throw new ConfigError(name, `expected a calendar date YYYY-MM-DD, got "${raw}"`);
  return raw;
}

function schedulerConfig(env: NodeJS.ProcessEnv, runProjections: boolean): SchedulerConfig {
  const raw = env.SCHEDULER_CHECK_INTERVAL_MS;
  if (raw !== undefined && raw !== '' && (!/^\d+$/.test(raw) || Number(raw) < 100 || Number(raw) > 86_400_000)) {
    throw new ConfigError('SCHEDULER_CHECK_INTERVAL_MS', `expected milliseconds between 100 and 86400000, got "${raw}"`);
  }
  return {
    run: bool(env, 'RUN_SCHEDULER', runProjections),
    periodsFrom: calendarDate(env, 'SCHEDULER_PERIODS_FROM'),
    checkIntervalMs: raw === undefined || raw === '' ? 30_000 : Number(raw),
  };
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const databaseUrl = env.DATABASE_URL || undefined;
  if (databaseUrl !== undefined) {
    let url: URL;
    try {
      url = new URL(databaseUrl);
    } catch {
      throw new ConfigError('DATABASE_URL', 'not a URL (expected postgres://user:password@host:port/database)');
    }
    if (!['postgres:', 'postgresql:'].includes(url.protocol)) {
      throw new ConfigError('DATABASE_URL', `expected the postgres:// scheme, got ${url.protocol}`);
    }
  }
  const eventStore = (env.EVENT_STORE || 'postgres') as AppConfig['eventStore'];
  if (eventStore !== 'postgres' && eventStore !== 'esdb') {
    throw new ConfigError('EVENT_STORE', `expected postgres or esdb, got "${String(eventStore)}"`);
  }
  const eventStoreConnectionString = env.EVENTSTORE_CONNECTION_STRING || undefined;
  if (eventStore === 'esdb' && !eventStoreConnectionString) {
    throw new ConfigError('EVENTSTORE_CONNECTION_STRING', 'required when EVENT_STORE=esdb (e.g. esdb://localhost:2113?tls=false)');
  }
  if (eventStoreConnectionString && !/^esdb(\+discover)?:\/\//.test(eventStoreConnectionString)) {
    throw new ConfigError('EVENTSTORE_CONNECTION_STRING', 'expected an esdb:// or esdb+discover:// connection string');
  }
  const logLevel = (env.LOG_LEVEL || 'info') as AppConfig['logLevel'];
  if (!LOG_LEVELS.includes(logLevel)) throw new ConfigError('LOG_LEVEL', `expected one of ${LOG_LEVELS.join(', ')}`);
  const runProjections = bool(env, 'RUN_PROJECTIONS', true);
  return {
    port: port(env, 'PORT', 3000),
    databaseUrl,
    eventStore,
    eventStoreConnectionString,
    dataDir: path.resolve(env.DATA_DIR || './data'),
    embeddedPgPort: port(env, 'EMBEDDED_PG_PORT', 0),
    logLevel,
    runProjections,
    businessTimeZone: timeZone(env, 'BUSINESS_TIME_ZONE', 'Asia/Shanghai'),
    readMinPositionTimeoutMs: integer(env, 'READ_MIN_POSITION_TIMEOUT_MS', 5000, 1, 60_000),
    shadowBuildTtlSeconds: integer(env, 'SHADOW_BUILD_TTL_SECONDS', 86_400, 60, 2_592_000),
    scheduler: schedulerConfig(env, runProjections),
    auth: authConfig(env),
    chain: chainConfig(env),
    piiMasterKey: piiMasterKey(env),
  };
}

function piiMasterKey(env: NodeJS.ProcessEnv): string | undefined {
  const raw = env.PII_MASTER_KEY || undefined;
  if (raw !== undefined && Buffer.from(raw, 'base64').length !== 32) throw new ConfigError('PII_MASTER_KEY', 'expected base64 of 32 random bytes (openssl rand -base64 32)');
  return raw;
}

function chainConfig(env: NodeJS.ProcessEnv): ChainConfig {
  const signingKeyPem = env.CHAIN_SIGNING_KEY || undefined;
  if (signingKeyPem !== undefined && !signingKeyPem.includes('BEGIN PRIVATE KEY')) {
    throw new ConfigError('CHAIN_SIGNING_KEY', 'expected a PEM-encoded PKCS#8 Ed25519 private key (-----BEGIN PRIVATE KEY-----)');
  }
  return {
    checkpointIntervalSeconds: integer(env, 'CHAIN_CHECKPOINT_INTERVAL_SECONDS', 300, 0, 86_400),
    checkpointFile: env.CHAIN_CHECKPOINT_FILE ? path.resolve(env.CHAIN_CHECKPOINT_FILE) : undefined,
    signingKeyPem,
  };
}

function authConfig(env: NodeJS.ProcessEnv): AuthConfig {
  const secret = env.AUTH_JWT_SECRET || undefined;
  const publicKey = env.AUTH_JWT_PUBLIC_KEY || undefined;
  const jwksUrl = env.AUTH_JWKS_URL || undefined;
  const configured = [secret, publicKey, jwksUrl].filter((v) => v !== undefined).length;
  if (configured > 1) {
    throw new ConfigError('AUTH_JWT_SECRET', 'set only one of AUTH_JWT_SECRET (HS256), AUTH_JWT_PUBLIC_KEY (RS256), AUTH_JWKS_URL');
  }
  if (secret !== undefined && Buffer.byteLength(secret) < 32) {
    throw new ConfigError('AUTH_JWT_SECRET', 'must be at least 32 bytes (256 bits) for HS256');
  }
  if (publicKey !== undefined && !publicKey.includes('BEGIN PUBLIC KEY')) {
    throw new ConfigError('AUTH_JWT_PUBLIC_KEY', 'expected a PEM-encoded SPKI public key (-----BEGIN PUBLIC KEY-----)');
  }
  if (jwksUrl !== undefined && !/^https?:\/\//.test(jwksUrl)) throw new ConfigError('AUTH_JWKS_URL', 'expected an http(s) URL');
  const ttl = env.AUTH_TOKEN_TTL || '12h';
  if (!/^\d+[smhd]$/.test(ttl)) throw new ConfigError('AUTH_TOKEN_TTL', 'expected a duration such as 30m, 12h or 7d');
  return {
    secret,
    publicKey,
    privateKey: env.AUTH_JWT_PRIVATE_KEY || undefined,
    jwksUrl,
    issuer: env.AUTH_ISSUER || 'baosong',
    audience: env.AUTH_AUDIENCE || 'baosong-api',
    tokenTtl: ttl,
  };
}
