// Cache-aside over Redis with the keys and TTLs of API.md, identical for both backends. Every operation
// swallows Redis failures: a down cache means "miss", never an error. Nothing is invalidated by deleting:
// the one cache a user's write changes (fuel stats) is keyed by a version the write bumps in its own
// transaction, so a missed or late delete cannot serve stale data (docs/api-notes.md, "Caching").
// VIN decodes and station searches are third-party answers no user write changes.
import type { Redis } from 'ioredis';
import { answersWithin, HEALTH_PING_MS } from './deadline.ts';

export const cacheKeys = {
  vinDecode: (vin: string) => `mvp:vin:${vin}`,
  // Ids arrive in any case; the version is the vehicle's fuel_logs_version, bumped by every write to its logs.
  fuelStats: (vehicleId: string, version: number) => `mvp:fuel-stats:${vehicleId.toLowerCase()}:${version}`,
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
  ping(): Promise<boolean>;
}

/** `prefix` goes before every key in Redis (REDIS_KEY_PREFIX); callers name keys without it. */
export function createCache(redis: Redis | null, onError: (err: unknown) => void = () => {}, prefix = ''): Cache {
  if (!redis) {
    return {
      enabled: false,
      getJson: async () => undefined,
      setJson: async () => {},
      ping: async () => false,
    };
  }
  return {
    enabled: true,
    async getJson<T>(key: string) {
      try {
        const raw = await redis.get(prefix + key);
        return raw === null ? undefined : (JSON.parse(raw) as T);
      } catch (err) {
        onError(err);
        return undefined;
      }
    },
    async setJson(key, value, ttlSeconds) {
      try {
        await redis.set(prefix + key, JSON.stringify(value), 'EX', ttlSeconds);
      } catch (err) {
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
