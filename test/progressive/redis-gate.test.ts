// Redis down while a feature is in shadow: leaving shadow for a native stage needs the gate's figures, which
// live in Redis, so the change answers 503 REDIS_UNAVAILABLE (forced or not) and nothing changes; moving back
// to express needs no figures and works. Redis back → the gate judges again (409 with figures).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startStack, ALL_EXPRESS, type Stack } from '../faults/support/stack.ts';
import { call } from '../faults/support/http.ts';

const skip = process.env.REDIS_URL ? false : 'needs REDIS_URL (the shadow results live in Redis)';
let stack: Stack;
let gw: string;
let admin: string;

before(async () => {
  if (skip) return;
  stack = await startStack({ label: 'progressive_redis_gate', proxy: { redis: true }, env: { ...ALL_EXPRESS } });
  const legacy = await stack.spawnLegacy();
  gw = (await stack.spawnGateway(legacy.url, {}, 'gateway')).url;
  admin = await stack.sign({ sub: 'operator', permissions: ['admin:flags'] });
});
after(async () => stack?.close());

const put = (body: unknown) => call(gw, 'PUT', '/admin/flags/vehicles', { token: admin, body });

test('out of shadow with Redis down → 503 REDIS_UNAVAILABLE, nothing changes; back to express still works', { skip }, async () => {
  assert.equal((await put({ stage: 'shadow' })).status, 200);
  const before = (await call(gw, 'GET', '/admin/flags', { token: admin })).body;
  await stack.proxy('redis').setMode('refuse');
  try {
    for (const body of [{ stage: 'canary', percent: 5 }, { stage: 'fastify', force: true }, { stage: 'canary', percent: 5, ops: 'reads' }]) {
      const res = await put(body);
      assert.equal(res.status, 503, `${JSON.stringify(body)}: ${res.text}`);
      assert.equal(res.body.error.code, 'REDIS_UNAVAILABLE', res.text);
    }
    const ramp = await call(gw, 'POST', '/admin/flags/vehicles/ramp', { token: admin, body: {} });
    assert.deepEqual([ramp.status, ramp.body.error.code], [503, 'REDIS_UNAVAILABLE'], ramp.text);
    const now = (await call(gw, 'GET', '/admin/flags', { token: admin })).body;
    assert.deepEqual([now.features.vehicles.version, now.audit[0]], [before.features.vehicles.version, before.audit[0]], 'nothing changed');
    assert.equal((await put({ stage: 'express' })).status, 200, 'going back needs no figures');
    assert.equal((await put({ stage: 'shadow' })).status, 200);
  } finally {
    await stack.proxy('redis').setMode('up');
  }
  let res = await put({ stage: 'canary', percent: 5 });
  for (let i = 0; i < 20 && res.status === 503; i++) { // the client reconnects within its retry delay
    await new Promise((r) => setTimeout(r, 250));
    res = await put({ stage: 'canary', percent: 5 });
  }
  assert.deepEqual([res.status, typeof res.body.error.figures?.compared], [409, 'number'], res.text);
  assert.equal((await put({ stage: 'express' })).status, 200);
});
