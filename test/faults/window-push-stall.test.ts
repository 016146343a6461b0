// Issue 33 point 4: shared-window pushes during a Redis outage. The instance's Redis link (the gateway's own
// client settings) goes through a TCP proxy that stalls it — commands time out but are delivered when the
// link heals — or resets it (commands lost). Either way every recorded request is in the window exactly
// once afterwards: a push that timed out and is resent is not added twice, and one that was lost is resent.
// And the leader never judges while an instance's counts are late (last test).
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, test } from 'node:test';
import type { Redis } from 'ioredis';
import { createRedis } from '../../src/infrastructure/redis.ts';
import { Recorder } from '../../src/progressive/recorder.ts';
import { figuresOf, RedisWindow } from '../../src/progressive/shared-window.ts';
import { WindowPush } from '../../src/progressive/window-push.ts';
import { requiredEnv } from '../support/env.ts';
import { eventually } from '../support/wait.ts';
import { startTcpProxy, type ProxyMode, type TcpProxy } from '../../stack/tcp-proxy.ts';

const skip = !process.env.REDIS_URL && 'REDIS_URL not set';
let proxy: TcpProxy;
const clients: Redis[] = [];

before(async () => {
  if (skip) return;
  const url = new URL(requiredEnv('REDIS_URL'));
  proxy = await startTcpProxy({ host: url.hostname, port: Number(url.port || 6379) });
});
after(async () => {
  for (const c of clients) c.disconnect();
  await proxy?.close();
});

function instance() {
  const url = new URL(requiredEnv('REDIS_URL'));
  url.hostname = proxy.host;
  url.port = String(proxy.port);
  const redis = createRedis(url.toString()); // the gateway's own client: 300 ms command timeout, no offline queue
  clients.push(redis);
  const namespace = `stall-test-${randomUUID()}`;
  const recorder = new Recorder();
  const warnings: string[] = [];
  const push = new WindowPush(recorder, new RedisWindow(redis, namespace), 100, (msg) => warnings.push(msg));
  // Read back through a direct connection, never through the stalled link.
  const reader = createRedis(requiredEnv('REDIS_URL'));
  clients.push(reader);
  const direct = new RedisWindow(reader, namespace);
  const second = Math.floor(Date.now() / 1000);
  const count = async () => {
    const to = Math.floor(Date.now() / 1000) + 1;
    return figuresOf(await direct.read(second - 5, to), 'vehicles', 'reads', 'fastify', second - 5, to).requests;
  };
  const record = (n: number) => { for (let i = 0; i < n; i++) recorder.record('vehicles', 'reads', 'fastify', 200, 5); };
  return { redis, push, warnings, count, record };
}

for (const mode of ['pause', 'reset'] as ProxyMode[]) {
  test(`Redis link ${mode === 'pause' ? 'stalled, then healed' : 'reset'} during pushes: every request counted exactly once`, { skip }, async () => {
    const { redis, push, warnings, count, record } = instance();
    await eventually(async () => assert.equal(redis.status, 'ready'));
    record(10);
    await push.flush();
    assert.equal(push.backlog, 0, 'pushed while the link is up');
    assert.equal(await count(), 10);

    await proxy.setMode(mode);
    try {
      // Three push rounds during the outage, each with new requests; each round also resends what is unconfirmed.
      for (const n of [7, 5, 3]) {
        record(n);
        await push.flush();
      }
      assert.equal(push.backlog, 3, 'three batches await confirmation');
      assert.ok(warnings.some((w) => /push failed/.test(w)), 'the failure is logged');
    } finally {
      await proxy.setMode('up');
    }
    // Once healed, the stalled copies (pause) reach Redis too; resending must not add them twice.
    await eventually(async () => {
      await push.flush();
      assert.equal(push.backlog, 0);
    }, { timeoutMs: 10_000, intervalMs: 200 });
    await new Promise((r) => setTimeout(r, 500)); // any stalled copy still in flight lands meanwhile
    assert.equal(await count(), 10 + 7 + 5 + 3);
  });
}

// No decision on missing data when one instance's link is cut: two instances push to one shared window, one
// through the stalled link. While its counts are late the window names it as lagging (the leader holds every
// guard verdict and ramp step); once the link heals and its batches are in, nothing is late; a clean stop
// leaves, so nobody waits for an instance that is gone.
const lateNamespace = `late-test-${randomUUID()}`;
/** An instance of one shared namespace, on the stalled link or beside it (the late-instance test). */
function lateInstance(id: string, throughProxy: boolean) {
  const url = new URL(requiredEnv('REDIS_URL'));
  if (throughProxy) {
    url.hostname = proxy.host;
    url.port = String(proxy.port);
  }
  const redis = createRedis(url.toString());
  clients.push(redis);
  const recorder = new Recorder();
  const window = new RedisWindow(redis, lateNamespace, id);
  return { recorder, window, push: new WindowPush(recorder, window, 200, () => {}) };
}

const now = () => Math.floor(Date.now() / 1000);

test('a cut instance is lagging until its counts are in; a clean stop leaves', { skip }, async () => {
  const healthy = lateInstance('healthy', false);
  const cut = lateInstance('cut', true);
  healthy.push.start();
  cut.push.start();
  try {
    // Both have confirmed once (an instance that never reached Redis is invisible: nothing to wait for).
    await eventually(async () => assert.deepEqual((await clients[0].hkeys(`pd:${lateNamespace}:confirmed`)).sort(), ['cut', 'healthy']), { timeoutMs: 5000 });
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
