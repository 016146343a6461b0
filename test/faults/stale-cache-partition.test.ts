// Read-your-writes across processes while one process's link to Redis is stalled: the writer cannot
// reach Redis (a missed delete, under the old invalidation, left the pre-write stats in the cache for up
// to 10 minutes), another process reads. Every read that starts after the write was acknowledged must
// count it, on every instance, during the stall and after it. Writers: the legacy app and a native
// gateway, each behind the stalled link; the reader is a native gateway with a healthy link.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startStack, nativeFlags, type Stack } from './support/stack.ts';
import { call, describeRes } from './support/http.ts';
import type { AppProcess } from '../../stack/apps.ts';
import { requiredEnv } from '../support/env.ts';

const skip = !process.env.REDIS_URL && 'REDIS_URL not set';
let stack: Stack;
let writers: Array<{ name: string; proc: AppProcess }>;
let reader: AppProcess;
let token: string;

before(async () => {
  if (skip) return;
  stack = await startStack({ label: 'faults_stale_cache', proxy: { redis: true } });
  const direct = { REDIS_URL: requiredEnv('REDIS_URL') };
  const legacy = await stack.spawnLegacy({}, 'legacy (stalled Redis link)');
  const native = await nativeFlags();
  const [stalledGateway, healthyGateway] = await Promise.all([
    stack.spawnGateway(legacy.url, native, 'gateway (stalled Redis link)'),
    stack.spawnGateway(legacy.url, { ...native, ...direct }, 'gateway (healthy Redis link)'),
  ]);
  writers = [{ name: 'legacy app', proc: legacy }, { name: 'native gateway', proc: stalledGateway }];
  reader = healthyGateway;
  ({ token } = await stack.newUser());
});

after(async () => stack?.close());

const today = new Date().toISOString().slice(0, 10);

for (const writer of ['legacy app', 'native gateway']) {
  test(`a write through the ${writer} while its Redis link is stalled is seen by the next read on another instance`, { skip }, async () => {
    const w = writers.find((x) => x.name === writer)?.proc;
    assert.ok(w, writer);
    const o = { token };
    const v = await call(reader.url, 'POST', '/api/vehicles', { ...o, body: { make: 'Subaru', model: 'Outback', year: 2017 } });
    assert.equal(v.status, 201, describeRes(v));
    const stats = `/api/fuel-logs/stats?vehicleId=${v.body.id}`;
    const log = (odometer: number) => ({ ...o, body: { vehicleId: v.body.id, date: today, odometer, gallons: 10, pricePerGallon: 3 } });
    assert.equal((await call(w.url, 'POST', '/api/fuel-logs', log(1000))).status, 201);
    const cached = await call(reader.url, 'GET', stats, o);
    assert.equal(cached.body?.logCount, 1, describeRes(cached)); // now cached, on a healthy link

    await stack.proxy('redis').setMode('blackhole');
    try {
      const write = await call(w.url, 'POST', '/api/fuel-logs', log(1300));
      assert.equal(write.status, 201, describeRes(write));
      for (let i = 0; i < 3; i++) {
        const read = await call(reader.url, 'GET', stats, o);
        assert.equal(read.body?.logCount, 2, `read ${i + 1} on the healthy instance during the stall: ${describeRes(read)}`);
      }
    } finally {
      await stack.proxy('redis').setMode('up');
    }
    for (const p of [reader, w]) {
      const read = await call(p.url, 'GET', stats, o);
      assert.equal(read.body?.logCount, 2, `after the stall: ${describeRes(read)}`);
    }
  });
}

test('no process exited', { skip }, () => {
  for (const p of [reader, ...writers.map((x) => x.proc)]) assert.ok(p.alive, p.output().slice(-2000));
});
