// Redis down → fuel stats are served uncached and writes still succeed (API.md "Redis down → serve
// uncached, never fail"). Both backends are started against a port where nothing listens.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { build, targetList } from '../helper.ts';
import { insertVehicle, logBody } from './support/fuel-logs.ts';

const env = await build({ env: { REDIS_URL: 'redis://127.0.0.1:1' } });

for (const target of targetList(env, 'codePaths')) {
  test(`fuel logs with Redis down via ${target.name}: writes succeed, stats stay correct`, async () => {
    assert.equal(await env.deps.cache.ping(), false, 'Redis must really be unreachable here');
    const u = await env.newUser();
    const api = u.client(target.endpoint);
    const vehicleId = await insertVehicle(env.deps, u.sub);
    const path = `/api/fuel-logs/stats?vehicleId=${vehicleId}`;
    const first = await api.post('/api/fuel-logs', logBody(vehicleId, { odometer: 1000, gallons: 10, totalCost: 30 }));
    assert.equal(first.status, 201);
    assert.equal((await api.get(path)).body.logCount, 1);
    const second = await api.post('/api/fuel-logs', logBody(vehicleId, { odometer: 1250, gallons: 10, totalCost: 30 }));
    assert.equal(second.status, 201);
    const stats = await api.get(path);
    assert.equal(stats.status, 200);
    assert.deepEqual(stats.body, {
      vehicleId, logCount: 2, totalGallons: 20, totalCost: 60, distance: 250,
      averageMpg: 25, // 250 / 10
      costPerMile: 0.24, // 60 / 250
      lastFillUpDate: '2026-01-10',
    });
    assert.equal((await api.put(`/api/fuel-logs/${second.body.id}`, { odometer: 1300 })).status, 200);
    assert.equal((await api.get(path)).body.distance, 300);
    assert.equal((await api.del(`/api/fuel-logs/${first.body.id}`)).status, 204);
    assert.equal((await api.get(path)).body.logCount, 1);
    // A down cache fails fast instead of waiting: a stats read would otherwise spend 2 × 300 ms
    // (get + set command timeouts), so 4 warm reads stay far below 4 × 600 ms.
    const started = Date.now();
    for (let i = 0; i < 4; i++) assert.equal((await api.get(path)).status, 200);
    assert.ok(Date.now() - started < 1200, `4 stats reads took ${Date.now() - started} ms`);
  });
}
