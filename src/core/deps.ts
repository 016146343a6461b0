// The infrastructure both backends share, built once per process from the validated config.
// Framework-neutral: the Fastify plugins and the legacy Express app both wrap this.
import type { Redis } from 'ioredis';
import type { Config } from '../config/config.ts';
import { createPool, type Db } from '../db/pool.ts';
import { createRedis } from './redis.ts';
import { createCache, type Cache } from './cache.ts';
import { ObjectStore } from './storage.ts';
import { AppError } from './errors.ts';
import { createTokenVerifier, type TokenVerifier } from './auth.ts';

export interface Deps {
  config: Config;
  db: Db;
  redis: Redis | null;
  cache: Cache;
  store: ObjectStore | null;
  verifyToken: TokenVerifier;
}

export interface DepsLogger {
  warn(obj: unknown, msg?: string): void;
}

export function createDeps(config: Config, log: DepsLogger): Deps {
  const db = createPool(config.DATABASE_URL, config.DB_POOL_MAX);
  const redis = config.REDIS_URL ? createRedis(config.REDIS_URL) : null;
  let lastCacheWarning = 0;
  const cache = createCache(redis, (err) => {
    // Redis being down is survivable; say so at most once every 10 s instead of once per request.
    if (Date.now() - lastCacheWarning > 10_000) {
      lastCacheWarning = Date.now();
      log.warn({ err: (err as Error).message }, 'cache unavailable, serving uncached');
    }
  });
  const store = config.MINIO_ENDPOINT
    ? new ObjectStore({
        endPoint: config.MINIO_ENDPOINT, port: config.MINIO_PORT, useSSL: config.MINIO_USE_SSL,
        accessKey: config.MINIO_ACCESS_KEY, secretKey: config.MINIO_SECRET_KEY,
        bucket: config.MINIO_BUCKET, region: config.MINIO_REGION,
      })
    : null;
  const verifyToken = createTokenVerifier({
    issuer: config.AUTH_ISSUER, audience: config.AUTH_AUDIENCE,
    jwksUrl: config.AUTH_JWKS_URL || undefined, jwksFile: config.AUTH_JWKS_FILE || undefined,
  });
  return { config, db, redis, cache, store, verifyToken };
}

export async function closeDeps(deps: Deps): Promise<void> {
  // quit() fails when Redis is unreachable; disconnect() then stops the reconnect loop so the process can exit.
  await Promise.allSettled([deps.db.end(), deps.redis?.quit().catch(() => deps.redis?.disconnect())]);
}

/** Object storage, or a 503 when the deployment has none configured. */
export function requireStore(deps: Deps): ObjectStore {
  if (!deps.store) throw new AppError('SERVICE_UNAVAILABLE', 'Object storage unavailable');
  return deps.store;
}
