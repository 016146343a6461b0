// One plugin per infrastructure client: each decorates the app with its client and closes it on shutdown.
import fp from 'fastify-plugin';
import { startOrphanSweeper } from '../infrastructure/orphan-sweep.ts';
import type { Redis } from 'ioredis';
import type { Config } from '../config/config.ts';
import { createPool, type Db } from '../db/pool.ts';
import type { Cache } from '../infrastructure/cache.ts';
import type { ObjectStore } from '../infrastructure/storage.ts';
import { closeRedis, createCacheFor, createRedisFor, createStoreFor, createVerifierFor, type Deps } from '../infrastructure/deps.ts';

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
  const redis = createRedisFor(app.config);
  app.decorate('redis', redis);
  app.decorate('cache', createCacheFor(redis, app.log, app.config.REDIS_KEY_PREFIX));
  app.addHook('onClose', async () => closeRedis(redis));
}, { name: 'redis', dependencies: ['config'] });

export const storagePlugin = fp(async (app) => {
  app.decorate('store', createStoreFor(app.config));
}, { name: 'storage', dependencies: ['config', 'postgres'] });

/**
 * Objects no row names (a crash between upload and row switch, a failed delete) are swept by the gateway,
 * which outlives the legacy app (docs/api-notes.md, Vehicles) — by the leader only, so N replicas do not
 * list the bucket N times.
 */
export const orphanSweepPlugin = fp(async (app) => {
  const store = app.store;
  if (!store) return;
  let stop = () => {};
  app.addHook('onReady', async () => { stop = startOrphanSweeper(app.db, store, app.log, () => app.progressive.leader.isLeader); });
  app.addHook('onClose', async () => stop());
}, { name: 'orphan-sweep', dependencies: ['postgres', 'storage', 'progressive-leader'] });

/** The shared dependency bundle the capsules receive (same shape the legacy app builds). */
export const depsPlugin = fp(async (app) => {
  const deps: Deps = { config: app.config, db: app.db, redis: app.redis, cache: app.cache, store: app.store, verifyToken: createVerifierFor(app.config), externalFetch: fetch };
  app.decorate('deps', deps);
}, { name: 'deps', dependencies: ['postgres', 'redis', 'storage'] });
