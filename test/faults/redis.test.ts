// Redis unreachable (refused, black hole, reset) for real processes: every route keeps working, just
// uncached — no error surfaces, nothing waits long, the rate limiter lets traffic through — and when
// Redis returns, caching resumes by itself without serving anything stale.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Redis } from 'ioredis';
import { eventually } from '../support/wait.ts';
import { spawnAllTargets, build, keysOf, type ProcessEnv, type ProcessTarget as Target } from '../helper.ts';
import { call, describeRes } from './support/http.ts';
import type { AppProcess } from '../../stack/apps.ts';
import type { ProxyMode } from '../../stack/tcp-proxy.ts';
import { requiredEnv } from '../support/env.ts';

const skip = !process.env.REDIS_URL && 'REDIS_URL not set';
// A low rate limit on purpose: with Redis gone the limiter must fail open, not closed.
// (Without REDIS_URL every test is skipped: the stack then has no proxy in front of Redis.)
const stack = await build({ level: 'processes', label: 'faults_redis', proxy: { redis: !skip }, env: { RATE_LIMIT_MAX: '100000' } });
let targets: Target[];
let user: Awaited<ReturnType<ProcessEnv['newUser']>>;
let redis: Redis;
let vin = 0;
const nextVin = () => `1HGCM82633A${String(100000 + vin++).slice(-6)}`;

before(async () => {
  if (skip) return;
  redis = new Redis(requiredEnv('REDIS_URL'), { keyPrefix: stack.redisKeyPrefix }); // reads what the apps cached
  targets = await spawnAllTargets(stack);
  user = await stack.newUser({ permissions: ['admin:flags'] }); // admin:flags: /health shows its detail to admins only
});

after(async () => {
  redis?.disconnect();
});

/** Exercises every cached route and a few writes; returns failures. */
async function exercise(t: { name: string; proc: AppProcess }, maxMs: number): Promise<string[]> {
  const failures: string[] = [];
  const u = t.proc.url;
  const o = { token: user.token, timeoutMs: 10_000 };
  const check = (what: string, res: Awaited<ReturnType<typeof call>>, status: number) => {
    if (res.status !== status) failures.push(`${t.name} ${what}: ${describeRes(res)}`);
    else if (res.ms > maxMs) failures.push(`${t.name} ${what} took ${Math.round(res.ms)} ms`);
  };
  const v = await call(u, 'POST', '/api/vehicles', { ...o, body: { vin: nextVin() } }); // decode (cache-aside)
  check('create by VIN', v, 201);
  if (v.status !== 201) return failures;
  check('decode-vin', await call(u, 'GET', `/api/vehicles/decode-vin/${v.body.vin}`, o), 200);
  const today = new Date().toISOString().slice(0, 10);
  check('fuel log', await call(u, 'POST', '/api/fuel-logs', { ...o, body: { vehicleId: v.body.id, date: today, odometer: 100, gallons: 10, pricePerGallon: 3 } }), 201);
  check('stats', await call(u, 'GET', `/api/fuel-logs/stats?vehicleId=${v.body.id}`, o), 200);
  check('station search', await call(u, 'GET', `/api/stations/search?lat=37.77&lng=-122.41&radius=${1000 + vin}`, o), 200);
  check('list', await call(u, 'GET', '/api/vehicles', o), 200);
  check('delete', await call(u, 'DELETE', `/api/vehicles/${v.body.id}`, o), 204);
  const h = await call(u, 'GET', '/health', o);
  check('/health', h, 200);
  return failures;
}

for (const mode of ['refuse', 'blackhole', 'reset'] as ProxyMode[]) {
  describe(`Redis ${mode}`, { skip }, () => {
    test('everything works uncached, quickly, with no error; /health 200 with redis down', async () => {
      for (const t of targets) assert.deepEqual(await exercise(t, 2000), [], `${t.name} before the outage`);
      await stack.proxy('redis').setMode(mode);
      try {
        const failures: string[] = [];
        const before = stack.fakes.calls('vpic');
        for (const t of targets) failures.push(...(await exercise(t, 2000)));
        assert.deepEqual(failures, [], `with Redis ${mode}`);
        assert.ok(stack.fakes.calls('vpic') > before, 'VIN decodes should reach vPIC while the cache is down');
        for (const t of targets) {
          const h = await call(t.proc.url, 'GET', '/health', { token: user.token });
          assert.equal(h.status, 200, `${t.name}: ${describeRes(h)}`);
          assert.equal(h.body.dependencies.redis, 'down', `${t.name} /health redis`);
          if (t.name !== 'legacy direct') assert.equal(h.body.status, 'degraded', `${t.name} /health status`);
        }
      } finally {
        await stack.proxy('redis').setMode('up');
      }
    });

    test('caching resumes by itself when Redis is back', async () => {
      await eventually(async () => {
        for (const t of targets) {
          const h = await call(t.proc.url, 'GET', '/health', { token: user.token });
          assert.equal(h.body?.dependencies?.redis, 'up', `${t.name}: ${describeRes(h)}`);
        }
      }, { timeoutMs: 10_000, intervalMs: 200 });
      for (const t of targets) {
        const v = nextVin();
        const first = await call(t.proc.url, 'GET', `/api/vehicles/decode-vin/${v}`, { token: user.token });
        assert.equal(first.status, 200, describeRes(first));
        const calls = stack.fakes.calls('vpic');
        const second = await call(t.proc.url, 'GET', `/api/vehicles/decode-vin/${v}`, { token: user.token });
        assert.equal(second.status, 200);
        assert.equal(stack.fakes.calls('vpic'), calls, `${t.name}: second decode not served from the cache`);
      }
    });
  });
}

describe('no stale data after an outage', { skip }, () => {
  // Fuel stats are cached per vehicle and dropped on every write. A write made while Redis is
  // unreachable cannot drop the entry; once Redis is back the old entry must not be served.
  for (const mode of ['refuse', 'blackhole'] as ProxyMode[]) {
    test(`fuel stats written during a Redis ${mode} are not shadowed by the pre-outage cache entry`, async () => {
      const failures: string[] = [];
      for (const t of targets) {
        const u = t.proc.url;
        const o = { token: user.token };
        const v = await call(u, 'POST', '/api/vehicles', { ...o, body: { make: 'Subaru', model: 'Outback', year: 2017 } });
        const today = new Date().toISOString().slice(0, 10);
        await call(u, 'POST', '/api/fuel-logs', { ...o, body: { vehicleId: v.body.id, date: today, odometer: 1000, gallons: 10, pricePerGallon: 3 } });
        const cachedStats = await call(u, 'GET', `/api/fuel-logs/stats?vehicleId=${v.body.id}`, o);
        assert.equal(cachedStats.body.logCount, 1, describeRes(cachedStats));
        assert.equal((await keysOf(redis, `mvp:fuel-stats:${v.body.id}:*`)).length, 1, `${t.name}: stats were not cached`);
        await stack.proxy('redis').setMode(mode);
        try {
          const log = await call(u, 'POST', '/api/fuel-logs', { ...o, body: { vehicleId: v.body.id, date: today, odometer: 1300, gallons: 10, pricePerGallon: 3 } });
          assert.equal(log.status, 201, describeRes(log));
          const during = await call(u, 'GET', `/api/fuel-logs/stats?vehicleId=${v.body.id}`, o);
          assert.equal(during.body.logCount, 2, `${t.name} during the outage: ${describeRes(during)}`);
        } finally {
          await stack.proxy('redis').setMode('up');
        }
        await eventually(async () => {
          const h = await call(u, 'GET', '/health', o);
          assert.equal(h.body?.dependencies?.redis, 'up');
        }, { timeoutMs: 10_000, intervalMs: 200 });
        const afterwards = await call(u, 'GET', `/api/fuel-logs/stats?vehicleId=${v.body.id}`, o);
        if (afterwards.body?.logCount !== 2) failures.push(`${t.name}: after Redis came back the stats say ${afterwards.body?.logCount} logs (stale cache), the database has 2`);
      }
      assert.deepEqual(failures, [], 'stale fuel stats served after a Redis outage');
    });
  }
});

test('no process crashed', { skip }, () => {
  for (const t of targets) assert.ok(t.proc.alive, `${t.name} exited:\n${t.proc.output().slice(-2000)}`);
});
