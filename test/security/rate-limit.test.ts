// The rate limit: 429 RATE_LIMITED with retry-after, counted per client across two gateway instances
// that share one Redis, whatever backend serves the route; spoofed x-forwarded-for does not reset it.
// Without Redis (each instance counts alone) the limit holds too, and the probe routes (health, metrics)
// are never 429 under a tiny limit. Runs on its own Redis key prefix so no other suite's traffic counts.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Redis } from 'ioredis';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app.ts';
import { loadConfig } from '../../src/config/config.ts';
import { clearKeys, Client, redisOf } from '../helper.ts';
import { assertError } from './support/contract.ts';
import { startSecurityEnv } from './support/env.ts';

const MAX = 20;
let redis: Redis;
let behindProxy: FastifyInstance | undefined;
let alone: FastifyInstance | undefined;

async function clearCounters() {
  await clearKeys(redis, 'mvp:ratelimit:*');
}

const env = await startSecurityEnv('sec_ratelimit', { env: { RATE_LIMIT_MAX: String(MAX), RATE_LIMIT_WINDOW_MS: '60000' } });
before(async () => {
  if (env.redis) redis = redisOf(env); // without REDIS_URL every test below is skipped
});

after(async () => {
  await behindProxy?.close();
  await alone?.close();
});

/** A gateway in this process on `e`, listening on a free port; closed after the file. */
async function gatewayOn(e: Record<string, string>): Promise<string> {
  const app = await buildApp({ config: loadConfig(e), env: e });
  alone = app;
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  assert.ok(address && typeof address === 'object');
  return `http://127.0.0.1:${address.port}`;
}

// Kubernetes restarts a pod whose liveness probe fails and pulls it on readiness failures: a limited client
// address (a node's kubelet, a Prometheus, a load balancer) must never turn those into 429s. The exemption is
// by route (`config.probe`), so a query string or another path cannot slip through, and nothing else is exempt.
test('without Redis: the limit holds per instance, and probes and scrapes are never 429 under a tiny limit', async () => {
  const tiny = 3;
  const url = await gatewayOn({ ...env.env, REDIS_URL: '', RATE_LIMIT_MAX: String(tiny) });
  const c = new Client(url);
  for (let i = 0; i < tiny; i++) assert.equal((await c.get('/api/vehicles')).status, 401, `request ${i + 1} (no token)`);
  assertError(await c.get('/api/vehicles'), 429, 'RATE_LIMITED', 'over the tiny limit');
  const probes = ['/health', '/health/live', '/health/ready', '/metrics', '/health?full=1', '/health/live?x=1', '/metrics?name[]=up'];
  const failures: string[] = [];
  for (let round = 0; round < 3 * tiny; round++) {
    for (const path of probes) {
      const res = await c.get(path);
      if (res.status !== 200) failures.push(`${path} → ${res.status}`);
    }
  }
  assert.deepEqual(failures, [], 'probes refused while the client is limited');
  for (const path of ['/healthz', '/health/nope', '/metricsx', '/admin/flags']) {
    assertError(await c.get(path), 429, 'RATE_LIMITED', `${path} is no probe route: limited`);
  }
});

test('two gateways on one Redis share the budget; the next request is 429 with retry-after', { skip: !process.env.REDIS_URL && 'REDIS_URL not set' }, async () => {
  await clearCounters();
  const { token } = await env.newUser();
  const a = new Client(env.targets.gatewayExpress, token); // proxied to legacy
  const b = new Client(env.targets.gatewayFastify, token); // native
  let ok = 0;
  for (let i = 0; i < MAX; i++) {
    const res = await (i % 2 ? b : a).get('/api/vehicles');
    assert.equal(res.status, 200, `request ${i + 1}: ${res.status} ${res.text}`);
    assert.ok(res.headers['x-ratelimit-limit'] === String(MAX), 'x-ratelimit-limit');
    ok++;
  }
  assert.equal(ok, MAX);
  for (const [name, c] of [['first gateway', a], ['second gateway', b]] as const) {
    const res = await c.get('/api/vehicles');
    assertError(res, 429, 'RATE_LIMITED', name);
    const retry = Number(res.headers['retry-after']);
    assert.ok(Number.isFinite(retry) && retry > 0 && retry <= 60, `${name} retry-after ${res.headers['retry-after']}`);
    assert.match(res.headers['x-request-id'] ?? '', /./, 'x-request-id on 429');
  }
  // Other features on either gateway share the same budget.
  assertError(await b.get('/api/stations/saved'), 429, 'RATE_LIMITED', 'other feature, other gateway');
  assertError(await a.get('/api/fuel-logs'), 429, 'RATE_LIMITED', 'other feature, first gateway');
});

test('spoofed x-forwarded-for / x-real-ip do not reset the counter', { skip: !process.env.REDIS_URL && 'REDIS_URL not set' }, async () => {
  // The counters are still full from the previous test (same client address, 60 s window).
  const { token } = await env.newUser();
  for (let i = 0; i < 10; i++) {
    const res = await new Client(env.targets.gatewayFastify, token).get('/api/vehicles', {
      headers: { 'x-forwarded-for': `10.0.${i}.1`, 'x-real-ip': `10.1.${i}.1`, forwarded: `for=10.2.${i}.1` },
    });
    assertError(res, 429, 'RATE_LIMITED', `spoof ${i}`);
  }
});

// Brute force of tokens, admin calls and route scanning must be limited like everything else: a
// limited client gets 429 before the token is even looked at.
test('unauthenticated, admin and unknown-route requests count and are refused too', { skip: !process.env.REDIS_URL && 'REDIS_URL not set' }, async () => {
  // The counters are still full from the first test.
  const cases: Array<[string, string, string, string | undefined]> = [];
  for (const [gw, url] of [['gateway → express', env.targets.gatewayExpress], ['gateway → fastify', env.targets.gatewayFastify]]) {
    cases.push(
      [gw, url, '/api/vehicles', undefined],
      [gw, url, '/api/maintenance/schedules', undefined],
      [gw, url, '/admin/flags', undefined],
      [gw, url, '/admin/flags', (await env.newUser()).token],
      [gw, url, '/no-such-route', undefined],
    );
  }
  const failures: string[] = [];
  for (const [gw, url, path, token] of cases) {
    const res = await new Client(url, token).get(path);
    if (res.status !== 429) failures.push(`${gw} GET ${path} ${token ? '(token without permission)' : '(no token)'} → ${res.status}`);
    else assertError(res, 429, 'RATE_LIMITED', `${gw} ${path}`);
  }
  assert.deepEqual(failures, [], 'requests that escaped the rate limit');
});

test('the probes stay reachable while the client is limited (shared counters)', { skip: !process.env.REDIS_URL && 'REDIS_URL not set' }, async () => {
  for (const url of [env.targets.gatewayExpress, env.targets.gatewayFastify]) {
    for (const path of ['/health', '/health/live', '/health/ready', '/metrics']) {
      const res = await new Client(url).get(path);
      assert.equal(res.status, 200, `${path}: ${res.text}`);
    }
  }
});

// Behind a load balancer every request comes from its address: with TRUST_PROXY naming it, the client it
// forwards for is the key (each has its own budget); without it (the tests above) forwarded headers are ignored.
test('behind a trusted proxy (TRUST_PROXY) each forwarded client has its own budget', { skip: !process.env.REDIS_URL && 'REDIS_URL not set' }, async () => {
  await clearCounters();
  const e = { ...env.env, TRUST_PROXY: '127.0.0.1,::1' };
  behindProxy = await buildApp({ config: loadConfig(e), env: e });
  await behindProxy.listen({ port: 0, host: '127.0.0.1' });
  const address = behindProxy.server.address();
  assert.ok(address && typeof address === 'object');
  const url = `http://127.0.0.1:${address.port}`;
  const { token } = await env.newUser();
  const as = (client: string) => new Client(url, token).get('/api/vehicles', { headers: { 'x-forwarded-for': client } });
  for (let i = 0; i < MAX; i++) assert.equal((await as('203.0.113.1')).status, 200, `request ${i + 1}`);
  assertError(await as('203.0.113.1'), 429, 'RATE_LIMITED', 'the same forwarded client, over its budget');
  assert.equal((await as('203.0.113.2')).status, 200, 'another forwarded client keeps its own budget');
});

test('the window resets: after the counters expire requests pass again', { skip: !process.env.REDIS_URL && 'REDIS_URL not set' }, async () => {
  await clearCounters(); // the same as the window expiring, without waiting a minute
  const { token } = await env.newUser();
  const res = await new Client(env.targets.gatewayFastify, token).get('/api/vehicles');
  assert.equal(res.status, 200, res.text);
});
