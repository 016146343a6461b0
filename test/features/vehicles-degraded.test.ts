// /api/vehicles with Redis and object storage unreachable (closed ports): both backends keep serving
// uncached (API.md "Redis down → serve uncached, never fail"), and photo routes answer 503.
import { after, afterEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { build, flagEnv, startLegacy } from '../helper.ts';
import { loadConfig } from '../../src/config/config.ts';
import { buildApp } from '../../src/app.ts';
import { Client } from '../support/client.ts';
import { randomVin } from './support/vehicles.ts';

const env = await build({ level: 'http' });
afterEach(() => env.fakes.reset());

/** A port nothing listens on: bound, then released. */
async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

// The same environment as the harness's apps, except Redis and S3 point at closed ports.
const deadPort = await closedPort();
const degradedEnv = {
  ...env.env, REDIS_URL: `redis://127.0.0.1:${deadPort}`,
  MINIO_ENDPOINT: '127.0.0.1', MINIO_PORT: String(deadPort), MINIO_ACCESS_KEY: 'none', MINIO_SECRET_KEY: 'none',
};
const cleanups: Array<() => Promise<unknown>> = [];
after(async () => {
  for (const fn of cleanups.reverse()) await fn();
});
const legacyUrl = env.expressFree ? undefined : await startLegacy(loadConfig(degradedEnv), cleanups);
const gateway = await buildApp({
  config: loadConfig({ ...degradedEnv, ...(legacyUrl ? { LEGACY_URL: legacyUrl } : {}) }),
  env: { ...degradedEnv, ...flagEnv('fastify', new Set(env.capsules.map((c) => c.feature))) },
  capsules: env.capsules,
});
await gateway.listen({ port: 0, host: '127.0.0.1' });
cleanups.push(() => gateway.close());

const TARGETS = [
  ...(legacyUrl ? [{ name: 'legacy express', url: legacyUrl, backend: 'express' }] : []),
  { name: 'gateway → fastify capsule', url: `http://127.0.0.1:${(gateway.server.address() as AddressInfo).port}`, backend: 'fastify' },
];
const UNAVAILABLE = { error: { code: 'SERVICE_UNAVAILABLE', message: 'Object storage unavailable' } };

for (const target of TARGETS) {
  describe(`vehicles with Redis and storage down via ${target.name}`, () => {
    const user = async () => new Client(target.url, (await env.newUser()).token);

    test('CRUD works and VIN decodes are fetched every time (no cache, no error)', async () => {
      const c = await user();
      const vin = randomVin();
      const before = env.fakes.calls('vpic');
      const created = await c.post('/api/vehicles', { vin });
      assert.equal(created.status, 201, created.text);
      assert.equal(created.headers['x-backend'], target.backend);
      assert.deepEqual([created.body.make, created.body.model, created.body.year], ['HONDA', 'Accord', 2003]);
      const decoded = await c.get(`/api/vehicles/decode-vin/${vin}`);
      assert.equal(decoded.status, 200);
      assert.equal(decoded.body.vin, vin);
      assert.equal(env.fakes.calls('vpic'), before + 2);
      assert.equal((await c.get('/api/vehicles')).body.total, 1);
      assert.equal((await c.put(`/api/vehicles/${created.body.id}`, { odometer: 5 })).body.odometer, 5);
      assert.equal((await c.del(`/api/vehicles/${created.body.id}`)).status, 204); // drops the fuel-stats key: swallowed
      assert.equal((await c.get(`/api/vehicles/${created.body.id}`)).status, 404);
    });

    test('photo upload, download and removal → 503 SERVICE_UNAVAILABLE, nothing recorded', async () => {
      const c = await user();
      const v = (await c.post('/api/vehicles', { make: 'A', model: 'B', year: 2000 })).body;
      const put = await c.raw('PUT', `/api/vehicles/${v.id}/photo`, { headers: { 'content-type': 'image/png' }, body: Buffer.from('png') });
      assert.equal(put.status, 503);
      assert.deepEqual(put.body, UNAVAILABLE);
      assert.equal((await c.get(`/api/vehicles/${v.id}`)).body.hasPhoto, false);
      // A photo recorded while storage was up: reading or removing it now needs the store.
      await env.deps.db.query(`UPDATE vehicles SET photo_content_type = 'image/png', photo_object_key = 'vehicles/' || id || '/photo-x' WHERE id = $1`, [v.id]);
      assert.deepEqual((await c.get(`/api/vehicles/${v.id}/photo`)).body, UNAVAILABLE);
      assert.deepEqual((await c.del(`/api/vehicles/${v.id}/photo`)).body, UNAVAILABLE);
      assert.equal((await c.get(`/api/vehicles/${v.id}`)).body.hasPhoto, true);
    });

    test('removing a photo that is not there is 204 without touching storage', async () => {
      const c = await user();
      const v = (await c.post('/api/vehicles', { make: 'A', model: 'B', year: 2000 })).body;
      assert.equal((await c.del(`/api/vehicles/${v.id}/photo`)).status, 204);
    });
  });
}
