// The front door: proxy pitfalls fixed, flags flipped at run time across instances, health and metrics.
import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, describe, test } from 'node:test';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../src/app.ts';
import { loadConfig } from '../src/config/config.ts';
import { flagEnv, listen, startBackends, startLegacy, type TestEnv } from './support/harness.ts';
import { Client } from './support/client.ts';
import { eventually } from './support/wait.ts';

let env: TestEnv;
const extra: FastifyInstance[] = [];

before(async () => { env = await startBackends(); });
after(async () => {
  for (const app of extra) await app.close();
  await env.deps.db.query(`DELETE FROM feature_flag_overrides`);
  await env.close();
});

/** A gateway in front of `upstream` with every flag on express (or as given). */
async function gateway(upstream: string, overrides: Record<string, string> = {}, capsules = env.capsules) {
  const e = { ...env.env, LEGACY_URL: upstream, ...flagEnv('express', new Set()), ...overrides };
  const app = await buildApp({ config: loadConfig(e), env: e, capsules });
  await app.listen({ port: 0, host: '127.0.0.1' });
  extra.push(app);
  return `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
}

/** An upstream that records what it received and answers with `respond`. */
async function stubUpstream(respond: (req: http.IncomingMessage, res: http.ServerResponse, body: number) => void) {
  const seen: Array<{ headers: http.IncomingHttpHeaders; bytes: number; url: string }> = [];
  const server = http.createServer((req, res) => {
    let bytes = 0;
    req.on('data', (c: Buffer) => { bytes += c.length; });
    req.on('end', () => {
      seen.push({ headers: req.headers, bytes, url: req.url ?? '' });
      respond(req, res, bytes);
    });
  });
  const url = await listen(server);
  after(() => { server.closeAllConnections(); server.close(); });
  return { url, seen, server };
}

describe('proxy to the legacy app', () => {
  test('legacy down → 503 BACKEND_UNAVAILABLE within a second, no address leaked; recovers when it returns', async () => {
    const probe = http.createServer();
    const url = await listen(probe);
    const port = Number(new URL(url).port);
    await new Promise((r) => probe.close(r));
    const gw = new Client(await gateway(url));
    const started = Date.now();
    const res = await gw.get('/api/vehicles');
    assert.ok(Date.now() - started < 1000, `took ${Date.now() - started} ms`);
    assert.equal(res.status, 503);
    assert.equal(res.body.error.code, 'BACKEND_UNAVAILABLE');
    assert.equal(res.headers['x-backend'], 'express');
    assert.doesNotMatch(res.text, /127\.0\.0\.1|ECONNREFUSED|localhost|:\d{4,5}/);

    const stops: Array<() => Promise<unknown>> = [];
    await startLegacy(env.config, stops, port);
    try {
      const back = await gw.get('/api/vehicles');
      assert.equal(back.status, 401, 'the legacy app answers again (401: no token)');
      assert.equal(back.body.error.code, 'UNAUTHORIZED');
    } finally {
      for (const stop of stops) await stop();
    }
  });

  test('legacy slow → 504 GATEWAY_TIMEOUT at the configured headers timeout', async () => {
    const slow = await stubUpstream((_req, res) => { setTimeout(() => res.end('{}'), 3000).unref(); });
    const gw = new Client(await gateway(slow.url, { PROXY_HEADERS_TIMEOUT_MS: '300' }));
    const started = Date.now();
    const res = await gw.get('/api/vehicles');
    assert.equal(res.status, 504);
    assert.equal(res.body.error.code, 'GATEWAY_TIMEOUT');
    assert.ok(Date.now() - started < 2000, `took ${Date.now() - started} ms`);
  });

  test('a 503 from legacy is passed on once, never retried', async () => {
    const busy = await stubUpstream((_req, res) => {
      res.writeHead(503, { 'content-type': 'application/json', 'retry-after': '1' });
      res.end(JSON.stringify({ error: { code: 'SERVICE_UNAVAILABLE', message: 'Service temporarily unavailable' } }));
    });
    const res = await new Client(await gateway(busy.url)).get('/api/vehicles');
    assert.equal(res.status, 503);
    assert.equal(res.body.error.code, 'SERVICE_UNAVAILABLE');
    assert.equal(busy.seen.length, 1);
  });

  test('x-forwarded-* added and x-request-id kept when valid, replaced when not', async () => {
    const echo = await stubUpstream((_req, res) => { res.writeHead(200, { 'content-type': 'application/json' }); res.end('{"items":[]}'); });
    const gwUrl = await gateway(echo.url);
    const gw = new Client(gwUrl);
    const ok = await gw.get('/api/vehicles?x=1', { headers: { 'x-request-id': 'abc.DEF-123_x' } });
    assert.equal(ok.headers['x-request-id'], 'abc.DEF-123_x');
    const sent = echo.seen.at(-1)!;
    assert.equal(sent.url, '/api/vehicles?x=1');
    assert.equal(sent.headers['x-request-id'], 'abc.DEF-123_x');
    assert.equal(sent.headers['x-forwarded-for'], '127.0.0.1');
    assert.equal(sent.headers['x-forwarded-host'], new URL(gwUrl).host);
    assert.equal(sent.headers['x-forwarded-proto'], 'http');

    const bad = await gw.get('/api/vehicles', { headers: { 'x-request-id': 'has spaces and ünïcode' } });
    assert.match(bad.headers['x-request-id'], /^[0-9a-f-]{36}$/);
    assert.equal(echo.seen.at(-1)!.headers['x-request-id'], bad.headers['x-request-id']);
  });

  test('uploads stream through with backpressure: a stalled legacy app stalls the client, nothing piles up in the gateway', async () => {
    // The upstream reads nothing for a while; if the gateway buffered bodies, the client could still push all 32 MiB.
    const server = http.createServer((req, res) => {
      req.pause();
      setTimeout(() => {
        let bytes = 0;
        req.on('data', (c: Buffer) => { bytes += c.length; });
        req.on('end', () => { res.writeHead(200, { 'content-type': 'application/json' }); res.end(JSON.stringify({ bytes })); });
        req.resume();
      }, 700);
    });
    const sinkUrl = await listen(server);
    after(() => { server.closeAllConnections(); server.close(); });
    const gwUrl = new URL(await gateway(sinkUrl));
    const chunk = Buffer.alloc(1024 * 1024, 7);
    const total = 32;
    let written = 0;
    let writtenAtStall = -1;
    setTimeout(() => { writtenAtStall = written; }, 500);
    const answer = await new Promise<string>((resolve, reject) => {
      const req = http.request({ host: gwUrl.hostname, port: gwUrl.port, method: 'PUT', path: '/api/vehicles/00000000-0000-4000-8000-000000000000/photo',
        headers: { 'content-type': 'image/jpeg', 'content-length': String(total * chunk.length) } }, (res) => {
        let body = '';
        res.on('data', (c) => { body += c; });
        res.on('end', () => resolve(body));
      });
      req.on('error', reject);
      const pump = () => {
        while (written < total) {
          written++;
          if (!req.write(chunk)) { req.once('drain', pump); return; }
        }
        req.end();
      };
      pump();
    });
    assert.deepEqual(JSON.parse(answer), { bytes: total * chunk.length }, 'every byte arrived');
    assert.ok(writtenAtStall >= 0 && writtenAtStall < 16, `client had pushed ${writtenAtStall} MiB into a stalled proxy`);
  });
});

describe('uploads refused by the legacy app', () => {
  test('a refused photo through gateway → express answers 413 / 415 / 404, never a broken 503', async () => {
    const user = await env.newUser();
    const gw = user.client(env.targets.gatewayExpress);
    const vehicle = await gw.post('/api/vehicles', { make: 'Honda', model: 'Civic', year: 2020 });
    assert.equal(vehicle.status, 201);
    const big = await gw.raw('PUT', `/api/vehicles/${vehicle.body.id}/photo`, { headers: { 'content-type': 'image/jpeg' }, body: Buffer.alloc(6 * 1024 * 1024, 1) });
    assert.equal(big.status, 413);
    assert.equal(big.body.error.code, 'PAYLOAD_TOO_LARGE');
    const text = await gw.raw('PUT', `/api/vehicles/${vehicle.body.id}/photo`, { headers: { 'content-type': 'text/plain' }, body: Buffer.alloc(3 * 1024 * 1024, 1) });
    assert.equal(text.status, 415);
    assert.equal((await gw.get(`/api/vehicles/${vehicle.body.id}`)).body.hasPhoto, false, 'nothing stored');
    // Refused before storage is reached (no such vehicle): the body is drained too, so still a clean 404.
    const missing = await gw.raw('PUT', '/api/vehicles/00000000-0000-4000-8000-000000000000/photo', { headers: { 'content-type': 'image/jpeg' }, body: Buffer.alloc(4 * 1024 * 1024, 1) });
    assert.equal(missing.status, 404);
    assert.equal(missing.body.error.code, 'NOT_FOUND');
  });
});

describe('flags', () => {
  const adminOf = async (url: string) => new Client(url, (await env.newUser({ permissions: ['admin:flags'] })).token);

  test('admin routes need a token (401) with admin:flags (403)', async () => {
    const url = env.targets.gatewayExpress;
    assert.equal((await new Client(url).get('/admin/flags')).status, 401);
    const user = await env.newUser();
    const res = await user.client(url).put('/admin/flags/vehicles', { backend: 'fastify' });
    assert.equal(res.status, 403);
    assert.equal(res.body.error.code, 'FORBIDDEN');
  });

  test('bad admin input: unknown feature 404, bad backend 400 on field backend', async () => {
    const admin = await adminOf(env.targets.gatewayExpress);
    const unknown = await admin.put('/admin/flags/rockets', { backend: 'fastify' });
    assert.equal(unknown.status, 404);
    const bad = await admin.put('/admin/flags/vehicles', { backend: 'koa' });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error.code, 'VALIDATION_ERROR');
    assert.equal(bad.body.error.details[0].field, 'backend');
  });

  test('a flip on one instance reaches another within 2 s, x-backend follows, audit records it, DELETE restores env', async (t) => {
    if (!env.capsules.some((c) => c.feature === 'vehicles')) return t.skip('vehicles capsule not present');
    const admin = await adminOf(env.targets.gatewayExpress);
    const user = await env.newUser();
    const other = user.client(env.targets.gatewayFastify);
    assert.equal((await other.get('/api/vehicles')).headers['x-backend'], 'fastify');

    const set = await admin.put('/admin/flags/vehicles', { backend: 'express' });
    assert.equal(set.status, 200);
    assert.equal(set.body.features.vehicles.source, 'override');
    assert.match(set.body.features.vehicles.changedBy, /^user-/);
    const flippedAt = Date.now();
    await eventually(async () => assert.equal((await other.get('/api/vehicles')).headers['x-backend'], 'express'), { timeoutMs: 2000 });
    assert.ok(Date.now() - flippedAt <= 2000);
    const audit = (await admin.get('/admin/flags')).body.audit[0];
    assert.equal(audit.feature, 'vehicles');
    assert.equal(audit.to, 'express');

    const restartedEnv = { ...env.env, ...flagEnv('fastify', new Set(env.capsules.map((c) => c.feature))) };
    const restarted = await buildApp({ config: loadConfig(restartedEnv), env: restartedEnv, capsules: env.capsules });
    await restarted.ready();
    assert.equal(restarted.flags.backendOf('vehicles'), 'express', 'an override survives a restart');
    await restarted.close();

    const cleared = await admin.del('/admin/flags/vehicles');
    assert.equal(cleared.body.features.vehicles.source, 'env');
    await eventually(async () => assert.equal((await other.get('/api/vehicles')).headers['x-backend'], 'fastify'), { timeoutMs: 2000 });
  });

  test('the global switch sends every feature back to express', async () => {
    const admin = await adminOf(env.targets.gatewayFastify);
    const res = await admin.put('/admin/flags/all', { backend: 'express' });
    assert.equal(res.status, 200);
    for (const f of Object.values(res.body.features) as Array<{ backend: string }>) assert.equal(f.backend, 'express');
    await admin.del('/admin/flags/all');
  });

  test('fastify for a feature without a native capsule: refused at start-up and by the admin API', async () => {
    const e = { ...env.env, VEHICLES_BACKEND: 'fastify' };
    await assert.rejects(buildApp({ config: loadConfig(e), env: e, capsules: [] }), /VEHICLES_BACKEND=fastify .*no native capsule/);
    const url = await gateway(env.targets.legacy, {}, []);
    const res = await (await adminOf(url)).put('/admin/flags/stations', { backend: 'fastify' });
    assert.equal(res.status, 409);
    assert.equal(res.body.error.code, 'CONFLICT');
  });
});

describe('verified-token cache', () => {
  test('a cached token stops working the moment it expires', async () => {
    const token = await env.sign({ expiresIn: Math.floor(Date.now() / 1000) + 2 });
    const c = new Client(env.targets.gatewayFastify, token);
    assert.equal((await c.get('/api/vehicles')).status, 200);
    assert.equal((await c.get('/api/vehicles')).status, 200, 'served from the cache');
    await new Promise((r) => setTimeout(r, 2100));
    const late = await c.get('/api/vehicles');
    assert.equal(late.status, 401);
    assert.equal(late.body.error.code, 'UNAUTHORIZED');
  });
});

describe('health, metrics, unknown routes', () => {
  test('/health lists features and dependencies', async () => {
    const res = await new Client(env.targets.gatewayExpress).get('/health');
    assert.equal(res.status, 200);
    assert.equal(res.body.status, 'ok');
    assert.deepEqual(Object.keys(res.body.features).sort(), ['fuel-logs', 'maintenance', 'stations', 'vehicles']);
    assert.deepEqual(res.body.features.vehicles, { backend: 'express', source: 'env' });
    assert.equal(res.body.dependencies.postgres, 'up');
    assert.equal(res.body.dependencies.legacy, 'up');
    assert.equal(res.body.dependencies.storage, 'up');
    assert.equal(res.body.dependencies.redis, process.env.REDIS_URL ? 'up' : 'disabled');
  });

  test('/metrics exposes requests and latency per feature and backend, and proxy errors by kind', async () => {
    const c = new Client(env.targets.gatewayExpress);
    await c.get('/api/vehicles');
    const res = await c.get('/metrics');
    assert.equal(res.status, 200);
    assert.match(res.headers['content-type'], /text\/plain/);
    assert.match(res.text, /gateway_requests_total\{feature="vehicles",backend="express",method="GET",status="401"\} \d+/);
    assert.match(res.text, /gateway_request_duration_seconds_bucket\{le="0.005",feature="vehicles",backend="express"\}/);
    assert.match(res.text, /# TYPE gateway_proxy_errors_total counter/);
  });

  test('unknown routes answer the contract 404 (401 first under a feature prefix)', async () => {
    const c = new Client(env.targets.gatewayFastify);
    const outside = await c.get('/nope');
    assert.equal(outside.status, 404);
    assert.equal(outside.body.error.code, 'NOT_FOUND');
    assert.equal((await c.get('/api/unknown-feature')).status, 404);
    assert.equal((await c.get('/api/vehicles/x/y/z')).status, 401);
  });
});

