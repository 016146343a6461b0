// The locally counted, Redis-synced rate limit: synchronous far from the limit, every local hit reaches
// the shared Redis counter within a sync interval, exact near the limit across instances, per instance
// without Redis. Real Redis (own logical database 10).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { SharedRateLimiter, type Hit } from './rate-limiter.ts';

const skip = !process.env.REDIS_URL && 'REDIS_URL not set';
let redis: Redis;
const PREFIX = 'mvp:rl-test:';

before(async () => {
  const url = process.env.REDIS_URL;
  if (!url) return; // the suite is skipped
  const u = new URL(url);
  u.pathname = '/10';
  redis = new Redis(u.toString());
  const keys = await redis.keys(`${PREFIX}*`);
  if (keys.length) await redis.del(...keys);
});
after(() => redis?.disconnect());

const resolve = async (h: Hit | Promise<Hit>) => h;

test('far from the limit a hit answers synchronously, and the hits reach Redis within a sync interval', { skip }, async () => {
  const limiter = new SharedRateLimiter({ max: 1000, windowMs: 60_000, redis, prefix: PREFIX, syncMs: 50 });
  await resolve(limiter.hit('a')); // the first hit of a window asks Redis
  let sync = 0;
  for (let i = 0; i < 99; i++) if (!(limiter.hit('a') instanceof Promise)) sync++;
  assert.equal(sync, 99, 'no Redis round trip per request below half the limit');
  await sleep(200);
  assert.equal(Number(await redis.get(`${PREFIX}a`)), 100);
  const ttl = await redis.pttl(`${PREFIX}a`);
  assert.ok(ttl > 0 && ttl <= 60_000, `window set on the key (${ttl} ms)`);
  limiter.close();
});

test('two instances on one Redis: together they admit the limit, then both refuse', { skip }, async () => {
  const max = 40;
  const a = new SharedRateLimiter({ max, windowMs: 60_000, redis, prefix: PREFIX, syncMs: 50 });
  const b = new SharedRateLimiter({ max, windowMs: 60_000, redis, prefix: PREFIX, syncMs: 50 });
  let admitted = 0;
  for (let i = 0; i < max; i++) {
    const h = await resolve((i % 2 ? b : a).hit('c'));
    if (h.current <= max) admitted++;
  }
  assert.equal(admitted, max);
  for (const l of [a, b]) {
    const h = await resolve(l.hit('c'));
    assert.ok(h.current > max, `refused (${h.current})`);
    assert.ok(h.ttlMs > 0 && h.ttlMs <= 60_000);
  }
  a.close();
  b.close();
});

test('a client already over the limit on another instance is refused on its first request here', { skip }, async () => {
  const a = new SharedRateLimiter({ max: 5, windowMs: 60_000, redis, prefix: PREFIX });
  for (let i = 0; i < 6; i++) await resolve(a.hit('d'));
  const fresh = new SharedRateLimiter({ max: 5, windowMs: 60_000, redis, prefix: PREFIX });
  assert.ok((await resolve(fresh.hit('d'))).current > 5);
  a.close();
  fresh.close();
});

test('without Redis the count is per instance and synchronous', async () => {
  const l = new SharedRateLimiter({ max: 3, windowMs: 60_000, redis: null, prefix: PREFIX });
  const hits = [l.hit('e'), l.hit('e'), l.hit('e'), l.hit('e')];
  assert.ok(hits.every((h) => !(h instanceof Promise)));
  assert.deepEqual(hits.map((h) => (h as Hit).current), [1, 2, 3, 4]);
  l.close();
});
