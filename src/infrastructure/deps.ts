// The infrastructure both backends share, built once per process from the validated config.
// Framework-neutral: the Fastify plugins and the legacy Express app both wrap this.
import type { Redis } from 'ioredis';
import type { Config } from '../config/config.ts';
import { createPool, type Db } from '../db/pool.ts';
import { createRedis } from './redis.ts';
import { createCache, type Cache } from './cache.ts';
import { ObjectStore } from './storage.ts';
import { AppError } from '../policy/errors.ts';
import { createTokenVerifier, type TokenVerifier } from '../policy/auth.ts';

export interface Deps {
  config: Config;
  db: Db;
  redis: Redis | null;
  cache: Cache;
  store: ObjectStore | null;
  verifyToken: TokenVerifier;
  /**
   * The HTTP client the capsules call external providers (vPIC, Places) with: `fetch`, or a stand-in where
   * a call must never reach a paid provider (the shadow replay's, src/shadow/worker/externals.ts).
   */
  externalFetch: typeof fetch;
}

export interface DepsLogger {
  warn(obj: unknown, msg?: string): void;
}

// One factory per client, from the validated config: createDeps composes them for the legacy app, and
// the gateway's plugins (one per client) call the same ones.

export function createRedisFor(config: Config): Redis | null {
  return config.REDIS_URL ? createRedis(config.REDIS_URL) : null;
}

/** The cache over `redis`; Redis being down is survivable, so it warns at most once every 10 s. */
export function createCacheFor(redis: Redis | null, log: DepsLogger, prefix = ''): Cache {
  let lastWarning = 0;
  return createCache(redis, (err) => {
    if (Date.now() - lastWarning > 10_000) {
      lastWarning = Date.now();
      log.warn({ err: (err as Error).message }, 'cache unavailable, serving uncached');
    }
  }, prefix);
}

export function createStoreFor(config: Config): ObjectStore | null {
  return config.MINIO_ENDPOINT
    ? new ObjectStore({
        endPoint: config.MINIO_ENDPOINT, port: config.MINIO_PORT, useSSL: config.MINIO_USE_SSL,
        accessKey: config.MINIO_ACCESS_KEY, secretKey: config.MINIO_SECRET_KEY,
        bucket: config.MINIO_BUCKET, region: config.MINIO_REGION,
      })
    : null;
}

export function createVerifierFor(config: Config): TokenVerifier {
  return createTokenVerifier({
    issuer: config.AUTH_ISSUER, audience: config.AUTH_AUDIENCE,
    jwksUrl: config.AUTH_JWKS_URL || undefined, jwksFile: config.AUTH_JWKS_FILE || undefined,
  });
}

/**
 * Where the gateway's session connections go (the progressive-delivery leader's advisory lock and the flag
 * push's LISTEN, one each per replica): FLAGS_DATABASE_URL, else DATABASE_URL. Pooled queries use DATABASE_URL.
 */
export function sessionDatabaseUrl(config: Pick<Config, 'DATABASE_URL' | 'FLAGS_DATABASE_URL'>): string {
  return config.FLAGS_DATABASE_URL || config.DATABASE_URL;
}

export function createDeps(config: Config, log: DepsLogger): Deps {
  const redis = createRedisFor(config);
  return {
    config,
    db: createPool(config.DATABASE_URL, config.DB_POOL_MAX),
    redis,
    cache: createCacheFor(redis, log, config.REDIS_KEY_PREFIX),
    store: createStoreFor(config),
    verifyToken: createVerifierFor(config),
    externalFetch: fetch,
  };
}

/** quit() fails when Redis is unreachable; disconnect() then stops the reconnect loop so the process can exit. */
export async function closeRedis(redis: Redis | null): Promise<void> {
  await redis?.quit().catch(() => redis.disconnect());
}

export async function closeDeps(deps: Deps): Promise<void> {
  await Promise.allSettled([deps.db.end(), closeRedis(deps.redis)]);
}

/** Object storage, or a 503 when the deployment has none configured. */
export function requireStore(deps: Deps): ObjectStore {
  if (!deps.store) throw new AppError('SERVICE_UNAVAILABLE', 'Object storage unavailable');
  return deps.store;
}
