// Redis client tuned for a cache that must never make a request fail or wait (API.md: Redis down → uncached).
import { Redis } from 'ioredis';

export function createRedis(url: string): Redis {
  const redis = new Redis(url, {
    enableOfflineQueue: false, // while disconnected, commands fail at once instead of queueing
    maxRetriesPerRequest: 0,
    commandTimeout: 300,
    connectTimeout: 1000,
    retryStrategy: (times) => Math.min(times * 200, 2000), // keep reconnecting forever
    lazyConnect: false,
  });
  redis.on('error', () => {}); // connection errors are expected when Redis is down; cache calls report misses
  return redis;
}
