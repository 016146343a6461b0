// Issue 33 point 4: shared-window pushes during a Redis outage. The instance's Redis link (the gateway's own
// client settings) goes through a TCP proxy that stalls it — commands time out but are delivered when the
// link heals — or resets it (commands lost). Either way every recorded request is in the window exactly
// once afterwards: a push that timed out and is resent is not added twice, and one that was lost is resent.
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
