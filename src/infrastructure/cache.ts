// Cache-aside over Redis with the keys, TTLs and invalidation of API.md, identical for both backends.
// Every operation swallows Redis failures: a down cache means "miss", never an error.
import type { Redis } from 'ioredis';
import { answersWithin, HEALTH_PING_MS } from './deadline.ts';

export const cacheKeys = {
  vinDecode: (vin: string) => `mvp:vin:${vin}`,
  fuelStats: (vehicleId: string) => `mvp:fuel-stats:${vehicleId.toLowerCase()}`, // ids arrive in any case
  stationSearch: (lat: number, lng: number, radius: number) =>
    `mvp:stations:${lat.toFixed(3)}:${lng.toFixed(3)}:${radius}`,
};

export const cacheTtlSeconds = {
  vinDecode: 30 * 24 * 3600,
  fuelStats: 10 * 60,
  stationSearch: 3600,
};

export interface Cache {
  readonly enabled: boolean;
  getJson<T>(key: string): Promise<T | undefined>;
  setJson(key: string, value: unknown, ttlSeconds: number): Promise<void>;
  del(...keys: string[]): Promise<void>;
  ping(): Promise<boolean>;
}

/** `prefix` goes before every key in Redis (REDIS_KEY_PREFIX); callers name keys without it. */
export function createCache(redis: Redis | null, onError: (err: unknown) => void = () => {}, prefix = ''): Cache {
  if (!redis) {
    return {
      enabled: false,
      getJson: async () => undefined,
      setJson: async () => {},
      del: async () => {},
      ping: async () => false,
    };
  }
  // An invalidation that failed while Redis was down must not let the old value come back with it:
  // such keys are retried when Redis is ready again and never read or written before that succeeds.
  // (Per process: another process's failed delete is bounded only by the TTL.)
  const failedDeletes = new Set<string>();
  const retryDeletes = async () => {
    for (const key of [...failedDeletes]) {
      try {
        await redis.del(prefix + key);
        failedDeletes.delete(key);
      } catch {
        return;
      }
    }
  };
  redis.on('ready', () => { void retryDeletes(); });

  return {
    enabled: true,
    async getJson<T>(key: string) {
      if (failedDeletes.size && failedDeletes.has(key)) {
        await retryDeletes();
        if (failedDeletes.has(key)) return undefined;
      }
      try {
        const raw = await redis.get(prefix + key);
        return raw === null ? undefined : (JSON.parse(raw) as T);
      } catch (err) {
        onError(err);
        return undefined;
      }
    },
    async setJson(key, value, ttlSeconds) {
      if (failedDeletes.has(key)) return;
      try {
        await redis.set(prefix + key, JSON.stringify(value), 'EX', ttlSeconds);
      } catch (err) {
        onError(err);
      }
    },
    async del(...keys) {
      if (keys.length === 0) return;
      try {
        await redis.del(...keys.map((key) => prefix + key));
      } catch (err) {
        for (const key of keys) failedDeletes.add(key);
        onError(err);
      }
    },
    ping: () => answersWithin(async () => (await redis.ping()) === 'PONG', HEALTH_PING_MS),
  };
}

/** Cache-aside read: the cached value, or compute, store and return it. */
export async function cached<T>(cache: Cache, key: string, ttlSeconds: number, compute: () => Promise<T>): Promise<T> {
  const hit = await cache.getJson<T>(key);
  if (hit !== undefined) return hit;
  const value = await compute();
  await cache.setJson(key, value, ttlSeconds);
  return value;
}
