// Issue 28 point 4: with the gateway's Redis refused, black-holed, reset or stalled, GET /admin/live answers
// 503 REDIS_UNAVAILABLE (the contract's error body, promptly) instead of a 500 or zeros — the same read the
// leader's guard and ramp make, so they get "no data", never an empty window — and 200 once Redis is back.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app.ts';
import { loadConfig } from '../../src/config/config.ts';
import { WindowUnavailableError } from '../../src/progressive/shared-window.ts';
import { flagEnv, startBackends, type TestEnv } from '../support/in-process.ts';
import { requiredEnv } from '../support/env.ts';
import { eventually } from '../support/wait.ts';
import { startTcpProxy, type ProxyMode, type TcpProxy } from '../../stack/tcp-proxy.ts';

const skip = !process.env.REDIS_URL && 'REDIS_URL not set';
let env: TestEnv;
let proxy: TcpProxy;
let gateway: FastifyInstance;
let admin: string;

before(async () => {
  if (skip) return;
  env = await startBackends();
  const redis = new URL(requiredEnv('REDIS_URL'));
  proxy = await startTcpProxy({ host: redis.hostname, port: Number(redis.port || 6379) });
  redis.hostname = proxy.host;
  redis.port = String(proxy.port);
  const vars = { ...env.env, REDIS_URL: redis.toString() };
  gateway = await buildApp({ config: loadConfig(vars), env: { ...vars, ...flagEnv('fastify') }, capsules: env.capsules });
  await gateway.ready();
  admin = await env.sign({ sub: 'operator', permissions: ['admin:flags'] });
});
after(async () => {
  await gateway?.close();
  await proxy?.close();
  await env?.close();
});

const live = () => gateway.inject({ url: '/admin/live', headers: { authorization: `Bearer ${admin}` } });

for (const mode of ['refuse', 'blackhole', 'reset', 'pause'] as ProxyMode[]) {
  test(`Redis ${mode}: GET /admin/live → 503 REDIS_UNAVAILABLE, the window read fails; 200 when Redis is back`, { skip }, async () => {
    await eventually(async () => assert.equal((await live()).statusCode, 200));
    await proxy.setMode(mode);
    try {
      const t0 = Date.now();
      const res = await live();
      assert.equal(res.statusCode, 503, res.body);
      assert.deepEqual(res.json(), { error: { code: 'REDIS_UNAVAILABLE', message: 'The shared window in Redis cannot be read right now' } });
      assert.ok(Date.now() - t0 < 2000, `answered in ${Date.now() - t0} ms`);
      // What the leader's guard and ramp read: an error, never an empty (all zeros) window.
      const now = Math.floor(Date.now() / 1000);
      await assert.rejects(gateway.sharedWindow.read(now - 60, now), WindowUnavailableError);
    } finally {
      await proxy.setMode('up');
    }
    await eventually(async () => assert.equal((await live()).statusCode, 200), { timeoutMs: 10_000, intervalMs: 200 });
  });
}
