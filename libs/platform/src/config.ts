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

function bool(env: NodeJS.ProcessEnv, name: string, fallback: boolean): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (['true', '1', 'yes'].includes(raw)) return true;
  if (['false', '0', 'no'].includes(raw)) return false;
  throw new ConfigError(name, `expected true or false, got "${raw}"`);
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
  return {
    port: port(env, 'PORT', 3000),
    databaseUrl,
    eventStore,
    eventStoreConnectionString,
    dataDir: path.resolve(env.DATA_DIR || './data'),
    embeddedPgPort: port(env, 'EMBEDDED_PG_PORT', 0),
    logLevel,
    runProjections: bool(env, 'RUN_PROJECTIONS', true),
  };
}
