// Configuration for every process, validated once at start from one TypeBox schema (env-schema/AJV).
// A bad or missing variable stops the process with a message naming it.
import { Type, type Static } from '@sinclair/typebox';
import envSchema from 'env-schema';

const Port = (def: number) => Type.Integer({ minimum: 0, maximum: 65535, default: def });
const Millis = (def: number) => Type.Integer({ minimum: 1, maximum: 600_000, default: def });

export const ConfigSchema = Type.Object({
  NODE_ENV: Type.String({ default: 'development' }),
  LOG_LEVEL: Type.Union(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((l) => Type.Literal(l)), { default: 'info' }),
  HOST: Type.String({ default: '127.0.0.1' }),
  PORT: Port(3001),
  LEGACY_PORT: Port(3002),
  LEGACY_URL: Type.String({ pattern: '^https?://', default: 'http://127.0.0.1:3002' }),

  DATABASE_URL: Type.String({ minLength: 1, pattern: '^postgres(ql)?://' }),
  DB_POOL_MAX: Type.Integer({ minimum: 1, maximum: 200, default: 10 }),
  REDIS_URL: Type.String({ default: '', pattern: '^(redis(s)?://.*)?$' }),

  MINIO_ENDPOINT: Type.String({ default: '' }),
  MINIO_PORT: Port(9000),
  MINIO_USE_SSL: Type.Boolean({ default: false }),
  MINIO_ACCESS_KEY: Type.String({ default: '' }),
  MINIO_SECRET_KEY: Type.String({ default: '' }),
  MINIO_BUCKET: Type.String({ default: 'motovaultpro', pattern: '^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$' }),
  MINIO_REGION: Type.String({ default: 'us-east-1' }),

  AUTH_ISSUER: Type.String({ minLength: 1 }),
  AUTH_AUDIENCE: Type.String({ minLength: 1 }),
  AUTH_JWKS_URL: Type.String({ default: '' }),
  AUTH_JWKS_FILE: Type.String({ default: '' }),

  VPIC_BASE_URL: Type.String({ pattern: '^https?://', default: 'https://vpic.nhtsa.dot.gov/api' }),
  VPIC_TIMEOUT_MS: Millis(5000),
  GOOGLE_MAPS_API_KEY: Type.String({ default: '' }),
  GOOGLE_MAPS_BASE_URL: Type.String({ pattern: '^https?://', default: 'https://maps.googleapis.com/maps/api' }),
  GOOGLE_MAPS_TIMEOUT_MS: Millis(5000),

  CORS_ORIGINS: Type.String({ default: '' }),
  RATE_LIMIT_MAX: Type.Integer({ minimum: 1, default: 1000 }),
  RATE_LIMIT_WINDOW_MS: Millis(60_000),
  PROXY_CONNECT_TIMEOUT_MS: Millis(1000),
  PROXY_HEADERS_TIMEOUT_MS: Millis(15_000),
  PROXY_BODY_TIMEOUT_MS: Millis(30_000),
  FLAG_SYNC_INTERVAL_MS: Type.Integer({ minimum: 100, maximum: 60_000, default: 1000 }),
  SHUTDOWN_GRACE_MS: Millis(10_000),
  /** Development-only routes (dev token, fault injection). Refused with NODE_ENV=production. */
  DEV_TOOLS: Type.Boolean({ default: false }),
});

export type Config = Static<typeof ConfigSchema>;

export class ConfigError extends Error {}

export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  let cfg: Config;
  try {
    cfg = envSchema<Config>({ schema: ConfigSchema, data: { ...env }, env: false, dotenv: false });
  } catch (err) {
    // env-schema says e.g. "env/PORT must be <= 65535"; name the variable plainly.
    throw new ConfigError(`Invalid configuration: ${(err as Error).message.replace(/env\//g, '')}`);
  }
  if (!cfg.AUTH_JWKS_URL && !cfg.AUTH_JWKS_FILE) {
    throw new ConfigError('Invalid configuration: set AUTH_JWKS_URL (production) or AUTH_JWKS_FILE (development key set)');
  }
  if (cfg.MINIO_ENDPOINT && (!cfg.MINIO_ACCESS_KEY || !cfg.MINIO_SECRET_KEY)) {
    throw new ConfigError('Invalid configuration: MINIO_ACCESS_KEY and MINIO_SECRET_KEY are required with MINIO_ENDPOINT');
  }
  if (cfg.DEV_TOOLS && cfg.NODE_ENV === 'production') {
    throw new ConfigError('Invalid configuration: DEV_TOOLS cannot be enabled with NODE_ENV=production');
  }
  return cfg;
}

/** Exits the process with the configuration message (no stack trace) — used by the entry points. */
export function loadConfigOrExit(): Config {
  try {
    return loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(1);
    }
    throw err;
  }
}
