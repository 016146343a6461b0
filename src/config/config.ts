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
  // Unset: there is no legacy app (Express deleted) — features must be on fastify, other /api paths are 404.
  LEGACY_URL: Type.String({ pattern: '^(https?://.*)?$', default: '' }),

  DATABASE_URL: Type.String({ minLength: 1, pattern: '^postgres(ql)?://' }),
  DB_POOL_MAX: Type.Integer({ minimum: 1, maximum: 200, default: 10 }),
  // The two session connections per gateway (the leader's advisory lock, the flag push's LISTEN) need a real
  // PostgreSQL session, which a transaction-mode pooler (PgBouncer) cannot give: point this past the pooler
  // when DATABASE_URL goes through one. Empty: DATABASE_URL (src/infrastructure/deps.ts, sessionDatabaseUrl).
  FLAGS_DATABASE_URL: Type.String({ default: '', pattern: '^(postgres(ql)?://.*)?$' }),
  REDIS_URL: Type.String({ default: '', pattern: '^(redis(s)?://.*)?$' }),
  // Put before every cache and rate-limit key, so deployments (or test files) sharing one Redis never meet.
  REDIS_KEY_PREFIX: Type.String({ default: '', pattern: '^[A-Za-z0-9_:.-]*$' }),

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
  // The web app's Auth0 sign-in (GET /auth/config): on when AUTH0_CLIENT_ID is set; the domain defaults to
  // AUTH_ISSUER's host. WEB_DIST_DIR: the built web app (default <repo>/web/dist).
  AUTH0_DOMAIN: Type.String({ default: '' }),
  AUTH0_CLIENT_ID: Type.String({ default: '' }),
  WEB_DIST_DIR: Type.String({ default: '' }),

  VPIC_BASE_URL: Type.String({ pattern: '^https?://', default: 'https://vpic.nhtsa.dot.gov/api' }),
  VPIC_TIMEOUT_MS: Millis(5000),
  GOOGLE_MAPS_API_KEY: Type.String({ default: '' }),
  GOOGLE_MAPS_BASE_URL: Type.String({ pattern: '^https?://', default: 'https://maps.googleapis.com/maps/api' }),
  GOOGLE_MAPS_TIMEOUT_MS: Millis(5000),

  CORS_ORIGINS: Type.String({ default: '' }),
  /** Which peers may say who the client is (x-forwarded-for): '' none (the socket address is the client),
   * a hop count, or comma-separated addresses/CIDRs of the load balancers. Keys the rate limit and logs. */
  TRUST_PROXY: Type.String({ default: '', pattern: '^[0-9a-fA-F.:/, ]*$' }),
  RATE_LIMIT_MAX: Type.Integer({ minimum: 1, default: 1000 }),
  RATE_LIMIT_WINDOW_MS: Millis(60_000),
  PROXY_CONNECT_TIMEOUT_MS: Millis(1000),
  PROXY_HEADERS_TIMEOUT_MS: Millis(15_000),
  PROXY_BODY_TIMEOUT_MS: Millis(30_000),
  // GET /metrics (docs/observability.md): on its own port when METRICS_PORT is set (0 = on the main port);
  // METRICS_TOKEN, when set, is required as `Authorization: Bearer <token>` wherever it is served.
  METRICS_PORT: Port(0),
  METRICS_TOKEN: Type.String({ default: '', pattern: '^(.{16,})?$' }),
  FLAG_SYNC_INTERVAL_MS: Type.Integer({ minimum: 100, maximum: 60_000, default: 1000 }),
  /** Total time from SIGTERM/SIGINT to a forced exit (close-with-grace's delay). */
  SHUTDOWN_GRACE_MS: Millis(10_000),
  // Progressive delivery (docs/progressive-delivery.md): the guard's sliding window and thresholds'
  // minimum sample, the leader's tick, how often each instance pushes to the shared window, ramp defaults.
  GUARD_WINDOW_MS: Type.Integer({ minimum: 1000, maximum: 600_000, default: 60_000 }),
  GUARD_MIN_REQUESTS: Type.Integer({ minimum: 1, maximum: 1_000_000, default: 200 }),
  GUARD_INTERVAL_MS: Type.Integer({ minimum: 100, maximum: 60_000, default: 1000 }),
  WINDOW_PUSH_INTERVAL_MS: Type.Integer({ minimum: 100, maximum: 10_000, default: 1000 }),
  LEADER_RETRY_MS: Type.Integer({ minimum: 100, maximum: 5000, default: 1000 }),
  RAMP_DWELL_SECONDS: Type.Integer({ minimum: 0, maximum: 86_400, default: 60 }),
  RAMP_MIN_REQUESTS: Type.Integer({ minimum: 0, maximum: 10_000_000, default: 200 }),
  /** After SIGTERM, /health answers 503 "draining" while requests are still served for this long, so a
   * load balancer takes the instance out before it stops accepting; must be below SHUTDOWN_GRACE_MS. */
  SHUTDOWN_DRAIN_DELAY_MS: Type.Integer({ minimum: 0, maximum: 600_000, default: 2000 }),

  // Shadow traffic (docs/shadow.md)
  SHADOW_MAX_CONCURRENT: Type.Integer({ minimum: 1, maximum: 1000, default: 16 }),
  SHADOW_TIMEOUT_MS: Millis(2000),
  /** A sample that waited longer for the (lowest-priority) replay worker is skipped as busy. */
  SHADOW_MAX_WAIT_MS: Millis(500),
  /** How long the replay worker stays once no feature is sampled: a quick flip back to shadow pays no cold start. */
  SHADOW_WORKER_LINGER_MS: Millis(5000),
  /**
   * Where the replay worker runs (docs/shadow.md, "The worker's priority"): `auto`, an idle cgroup the gateway
   * creates under its own where it may; an absolute path, an idle cgroup the operator prepared; `none` (or
   * empty), the gateway's own cgroup.
   */
  SHADOW_WORKER_CGROUP: Type.String({ default: 'auto', pattern: '^(auto|none|/.*)?$' }),
  SHADOW_MAX_LAG_MS: Type.Integer({ minimum: 1, maximum: 10_000, default: 100 }),
  SHADOW_NOISE_RATE: Type.Integer({ minimum: 0, maximum: 100, default: 10 }),
  /** Noise calibrations (second Express calls) per route per second at most, per instance. */
  SHADOW_NOISE_MAX_PER_SECOND: Type.Integer({ minimum: 1, maximum: 100_000, default: 5 }),
  SHADOW_CANARY_RATE: Type.Integer({ minimum: 0, maximum: 100, default: 0 }),
  SHADOW_MATCH_BY_ID: Type.Boolean({ default: false }),
  SHADOW_RETENTION_HOURS: Type.Number({ exclusiveMinimum: 0, maximum: 24 * 30, default: 24 }),
  SHADOW_MAX_EXAMPLES: Type.Integer({ minimum: 0, maximum: 1000, default: 20 }),
  SHADOW_FLUSH_MS: Type.Integer({ minimum: 50, maximum: 60_000, default: 1000 }),
  SHADOW_GATE_MIN_COMPARISONS: Type.Integer({ minimum: 0, default: 1000 }),
  SHADOW_GATE_MAX_MISMATCH_RATE: Type.Number({ minimum: 0, maximum: 1, default: 0.001 }),
  /** Development-only routes (dev token, fault injection). Only with NODE_ENV exactly development or test. */
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
  if (cfg.SHUTDOWN_DRAIN_DELAY_MS >= cfg.SHUTDOWN_GRACE_MS) {
    throw new ConfigError('Invalid configuration: SHUTDOWN_DRAIN_DELAY_MS must be below SHUTDOWN_GRACE_MS (the drain is part of the grace period)');
  }
  if (cfg.METRICS_PORT !== 0 && cfg.METRICS_PORT === cfg.PORT) {
    throw new ConfigError('Invalid configuration: METRICS_PORT must differ from PORT (0 serves /metrics on PORT)');
  }
  if (cfg.DEV_TOOLS && !DEV_TOOLS_ENVIRONMENTS.includes(cfg.NODE_ENV)) {
    throw new ConfigError(`Invalid configuration: DEV_TOOLS is set but NODE_ENV is ${JSON.stringify(cfg.NODE_ENV)}; dev tools run only with NODE_ENV exactly "development" or "test"`);
  }
  return cfg;
}

/** An allow-list, not a deny-list: `Production`, `prod` or `"production "` must not switch dev tools on. */
const DEV_TOOLS_ENVIRONMENTS: readonly string[] = ['development', 'test'];

/** Dev sign-in tokens can be minted only for a key set the apps read from a file (AUTH_JWKS_FILE), never a real issuer's. */
export function devTokensAvailable(config: Config): boolean {
  return config.DEV_TOOLS && config.AUTH_JWKS_FILE !== '' && config.AUTH_JWKS_URL === '';
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
