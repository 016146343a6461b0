// One plugin per infrastructure client: each decorates the app with its client and closes it on shutdown.
import fp from 'fastify-plugin';
import type { Redis } from 'ioredis';
import type { Config } from '../config/config.ts';
import { createPool, type Db } from '../db/pool.ts';
import { createRedis } from '../core/redis.ts';
import { createCache, type Cache } from '../core/cache.ts';
import { ObjectStore } from '../core/storage.ts';
import type { Deps } from '../core/deps.ts';
import { createTokenVerifier } from '../core/auth.ts';

declare module 'fastify' {
  interface FastifyInstance {
    config: Config;
    db: Db;
    redis: Redis | null;
    cache: Cache;
    store: ObjectStore | null;
    deps: Deps;
  }
}

export const postgresPlugin = fp(async (app) => {
  const db = createPool(app.config.DATABASE_URL, app.config.DB_POOL_MAX);
  app.decorate('db', db);
  app.addHook('onClose', async () => db.end());
}, { name: 'postgres', dependencies: ['config'] });

export const redisPlugin = fp(async (app) => {
  const redis = app.config.REDIS_URL ? createRedis(app.config.REDIS_URL) : null;
  let lastWarning = 0;
  app.decorate('redis', redis);
  app.decorate('cache', createCache(redis, (err) => {
    // Redis down is survivable; warn at most every 10 s rather than per request.
    if (Date.now() - lastWarning > 10_000) {
      lastWarning = Date.now();
      app.log.warn({ err: (err as Error).message }, 'cache unavailable, serving uncached');
    }
  }));
  app.addHook('onClose', async () => { await redis?.quit().catch(() => redis.disconnect()); });
}, { name: 'redis', dependencies: ['config'] });

export const storagePlugin = fp(async (app) => {
  const c = app.config;
  app.decorate('store', c.MINIO_ENDPOINT
    ? new ObjectStore({ endPoint: c.MINIO_ENDPOINT, port: c.MINIO_PORT, useSSL: c.MINIO_USE_SSL, accessKey: c.MINIO_ACCESS_KEY, secretKey: c.MINIO_SECRET_KEY, bucket: c.MINIO_BUCKET, region: c.MINIO_REGION })
    : null);
}, { name: 'storage', dependencies: ['config'] });

/** The shared dependency bundle the capsules receive (same shape the legacy app builds). */
export const depsPlugin = fp(async (app) => {
  const c = app.config;
  const verifyToken = createTokenVerifier({ issuer: c.AUTH_ISSUER, audience: c.AUTH_AUDIENCE, jwksUrl: c.AUTH_JWKS_URL || undefined, jwksFile: c.AUTH_JWKS_FILE || undefined });
  app.decorate('deps', { config: c, db: app.db, redis: app.redis, cache: app.cache, store: app.store, verifyToken });
}, { name: 'deps', dependencies: ['postgres', 'redis', 'storage'] });
