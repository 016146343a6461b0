// No decision on missing data when one instance's link to Redis is cut: two instances push to one shared
// window, one through a TCP proxy that is then stalled. While its counts are late the window names it as
// lagging (the leader holds every guard verdict and ramp step); once the link heals and its batches are in,
// nothing is late; a clean stop leaves, so nobody waits for an instance that is gone.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, test } from 'node:test';
import type { Redis } from 'ioredis';
import { createRedis } from '../../src/infrastructure/redis.ts';
import { Recorder } from '../../src/progressive/recorder.ts';
import { RedisWindow } from '../../src/progressive/shared-window.ts';
import { WindowPush } from '../../src/progressive/window-push.ts';
import { requiredEnv } from '../support/env.ts';
import { eventually } from '../support/wait.ts';
import { startTcpProxy, type TcpProxy } from '../../stack/tcp-proxy.ts';

const skip = !process.env.REDIS_URL && 'REDIS_URL not set';
let proxy: TcpProxy;
const clients: Redis[] = [];
const namespace = `late-test-${randomUUID()}`;

before(async () => {
  if (skip) return;
  const url = new URL(requiredEnv('REDIS_URL'));
  proxy = await startTcpProxy({ host: url.hostname, port: Number(url.port || 6379) });
});
after(async () => {
  for (const c of clients) c.disconnect();
  await proxy?.close();
});

function instance(id: string, throughProxy: boolean) {
  const url = new URL(requiredEnv('REDIS_URL'));
  if (throughProxy) {
    url.hostname = proxy.host;
    url.port = String(proxy.port);
  }
  const redis = createRedis(url.toString());
  clients.push(redis);
  const recorder = new Recorder();
  const window = new RedisWindow(redis, namespace, id);
  return { recorder, window, push: new WindowPush(recorder, window, 200, () => {}) };
}

const now = () => Math.floor(Date.now() / 1000);

test('a cut instance is lagging until its counts are in; a clean stop leaves', { skip }, async () => {
  const healthy = instance('healthy', false);
  const cut = instance('cut', true);
  healthy.push.start();
  cut.push.start();
  try {
    // Both have confirmed once (an instance that never reached Redis is invisible: nothing to wait for).
    await eventually(async () => assert.deepEqual((await clients[0].hkeys(`pd:${namespace}:confirmed`)).sort(), ['cut', 'healthy']), { timeoutMs: 5000 });
    assert.deepEqual(await healthy.window.lagging(now(), 2, 60), []);

    await proxy.setMode('blackhole');
    cut.recorder.record('vehicles', 'reads', 'fastify', 200, 5);
    await eventually(async () => assert.deepEqual(await healthy.window.lagging(now(), 2, 60), ['cut']), { timeoutMs: 10_000 });
    assert.ok(cut.push.backlog >= 1, 'the cut instance still holds its batch');

    await proxy.setMode('up');
    await eventually(async () => assert.deepEqual(await healthy.window.lagging(now(), 2, 60), []), { timeoutMs: 15_000, intervalMs: 200 });
    assert.equal(cut.push.backlog, 0);

    // An instance silent for longer than `forgetSec` is gone: it no longer holds decisions.
    await proxy.setMode('blackhole');
    await eventually(async () => assert.deepEqual(await healthy.window.lagging(now(), 2, 60), ['cut']), { timeoutMs: 10_000 });
    assert.deepEqual(await healthy.window.lagging(now() + 120, 2, 60), [], 'forgotten after a whole window of silence');
    await proxy.setMode('up');
    await eventually(async () => assert.deepEqual(await healthy.window.lagging(now(), 2, 60), []), { timeoutMs: 15_000, intervalMs: 200 });
  } finally {
    await cut.push.stop();
    await healthy.push.stop();
  }
  assert.deepEqual(await healthy.window.lagging(now() + 30, 2, 60), [], 'stopped instances left: nothing waits for them');
});
