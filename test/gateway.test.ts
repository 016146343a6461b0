// The front door: proxy pitfalls fixed, flags flipped at run time across instances, health and metrics.
import assert from 'node:assert/strict';
import http from 'node:http';
import { after, describe, test } from 'node:test';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../src/app.ts';
import { loadConfig } from '../src/config/config.ts';
import { build, flagEnv, listen, startLegacy } from './helper.ts';
import { Client } from './support/client.ts';
import { eventually } from './support/wait.ts';

// The proxy's pitfalls are about real sockets (hop-by-hop headers, Expect: 100-continue, keep-alive).
const env = await build({ level: 'http' });
const extra: FastifyInstance[] = [];

after(async () => {
  for (const app of extra) await app.close();
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
interface Seen { headers: http.IncomingHttpHeaders; bytes: number; url: string }

/** The last request a stub upstream saw (fails the test when it saw none). */
function lastSeen(stub: { seen: Seen[] }): Seen {
  const last = stub.seen.at(-1);
  assert.ok(last, 'the upstream saw a request');
  return last;
}

async function stubUpstream(respond: (req: http.IncomingMessage, res: http.ServerResponse, body: number) => void) {
  const seen: Seen[] = [];
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
    const sent = lastSeen(echo);
    assert.equal(sent.url, '/api/vehicles?x=1');
    assert.equal(sent.headers['x-request-id'], 'abc.DEF-123_x');
    assert.equal(sent.headers['x-forwarded-for'], '127.0.0.1');
    assert.equal(sent.headers['x-forwarded-host'], new URL(gwUrl).host);
    assert.equal(sent.headers['x-forwarded-proto'], 'http');

    const bad = await gw.get('/api/vehicles', { headers: { 'x-request-id': 'has spaces and ünïcode' } });
    assert.match(bad.headers['x-request-id'], /^[0-9a-f-]{36}$/);
    assert.equal(lastSeen(echo).headers['x-request-id'], bad.headers['x-request-id']);
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

  test('a flip on one instance reaches another within 2 s, x-backend follows, audit records it, DELETE restores env', async () => {
    assert.ok(env.capsules.some((c) => c.feature === 'vehicles'), 'the vehicles capsule is mounted');
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
  test('/health: the status word to strangers (and to a token without admin:flags), features and dependencies to admins', async () => {
    for (const token of [undefined, 'not-a-token', (await env.newUser()).token]) {
      const res = await new Client(env.targets.gatewayExpress, token).get('/health');
      assert.equal(res.status, 200);
      assert.deepEqual(res.body, { status: 'ok' });
    }
    const legacy = await new Client(env.targets.legacy).get('/health');
    assert.deepEqual(legacy.body, { status: 'ok' }, 'the legacy app says as little');
    const res = await new Client(env.targets.gatewayExpress, (await env.newUser({ permissions: ['admin:flags'] })).token).get('/health');
    assert.equal(res.status, 200);
    assert.equal(res.body.status, 'ok');
    assert.deepEqual(Object.keys(res.body.features).sort(), ['fuel-logs', 'maintenance', 'stations', 'vehicles']);
    assert.deepEqual(res.body.features.vehicles, { backend: 'express', source: 'env' });
    assert.equal(res.body.dependencies.postgres, 'up');
    assert.equal(res.body.dependencies.legacy, 'up');
    assert.equal(res.body.dependencies.storage, 'up');
    assert.equal(res.body.dependencies.redis, process.env.REDIS_URL ? 'up' : 'disabled');
  });

  test('/metrics exposes requests and latency per feature, backend and route template, and proxy errors by kind', async () => {
    const c = new Client(env.targets.gatewayExpress);
    await c.get('/api/vehicles');
    const res = await c.get('/metrics');
    assert.equal(res.status, 200);
    assert.match(res.headers['content-type'], /text\/plain/);
    assert.match(res.text, /gateway_requests_total\{feature="vehicles",backend="express",route="\/api\/vehicles",method="GET",status="401"\} \d+/);
    assert.match(res.text, /gateway_request_duration_seconds_bucket\{le="0.005",feature="vehicles",backend="express",route="\/api\/vehicles"\}/);
    assert.match(res.text, /# TYPE gateway_proxy_errors_total counter/);
  });

  test('unknown routes answer the contract 404 (401 first under a feature prefix)', async () => {
    const c = new Client(env.targets.gatewayFastify);
    const outside = await c.get('/nope');
    assert.equal(outside.status, 404);
    assert.equal(outside.body.error.code, 'NOT_FOUND');
    assert.equal((await c.get('/api/unknown-feature')).status, 404); // the legacy app's 404 (proxied, x-backend: express)
    assert.equal((await c.get('/api/vehicles/x/y/z')).status, 401);
  });

  test('draining: /health answers 503 and every answer closes its keep-alive connection, while requests are still served', async () => {
    const app = await buildApp({ config: loadConfig({ ...env.env, LEGACY_URL: '' }), env: { ...env.env, ...flagEnv('fastify', new Set(env.capsules.map((c) => c.feature))) } });
    extra.push(app);
    await app.listen({ port: 0, host: '127.0.0.1' });
    const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    const agent = new http.Agent({ keepAlive: true });
    const get = (path: string) => new Promise<http.IncomingMessage>((resolve, reject) => {
      http.get(`${url}${path}`, { agent }, (res) => { res.resume(); res.on('end', () => resolve(res)); }).on('error', reject);
    });
    try {
      const before = await get('/health');
      assert.equal(before.statusCode, 200);
      assert.equal((await get('/health/ready')).statusCode, 200, 'ready: flags loaded, listening');
      assert.equal(before.headers.connection, 'keep-alive');
      void app.drain(60_000); // resolves after the delay (an unref'd timer); the assertions run meanwhile
      const health = await get('/health');
      assert.equal(health.statusCode, 503);
      assert.equal((await get('/health/ready')).statusCode, 503, 'readiness fails: load balancers take it out');
      assert.equal((await get('/health/live')).statusCode, 200, 'liveness holds: a drain never restarts it');
      assert.equal(health.headers.connection, 'close');
      const served = await get('/api/vehicles');
      assert.equal(served.statusCode, 401, 'still served (no token: the capsule answers 401)');
      assert.equal(served.headers.connection, 'close');
    } finally {
      agent.destroy();
    }
  });
});


// The proxy path with real clients' behaviour and RFC 9110's connection rules (issue 10).
describe('proxy: real clients, hop-by-hop headers, unclaimed /api paths', () => {
  const PNG = Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), Buffer.alloc(2 * 1024 * 1024 - 8, 5)]);

  test('curl --data-binary @file (> 1 MiB, so curl sends Expect: 100-continue) uploads a photo through gateway → express', async () => {
    const { execFile } = await import('node:child_process');
    const { writeFile, mkdtemp, rm } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const dir = await mkdtemp(join(tmpdir(), 'mvp-curl-'));
    try {
      const file = join(dir, 'photo.png');
      await writeFile(file, PNG);
      for (const url of [env.targets.gatewayExpress, env.targets.gatewayFastify]) {
        const u = await env.newUser();
        const c = new Client(url, u.token);
        const v = (await c.post('/api/vehicles', { make: 'Kia', model: 'Rio', year: 2016 })).body.id;
        const out = await new Promise<string>((resolve, reject) => execFile('curl', ['-sS', '-v', '-o', '/dev/null', '-w', '%{http_code}', '-X', 'PUT',
          '-H', `authorization: Bearer ${u.token}`, '-H', 'content-type: image/png', '--data-binary', `@${file}`, `${url}/api/vehicles/${v}/photo`],
          (err, stdout, stderr) => (err ? reject(err) : resolve(`${stdout}\n${stderr}`))));
        assert.match(out, /Expect: 100-continue/i, 'curl sent Expect');
        assert.match(out, /^200/, `${url}: ${out.slice(0, 2000)}`);
        assert.ok((await c.get(`/api/vehicles/${v}/photo`)).bytes.equals(PNG));
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test('node http with Expect: 100-continue waits for 100 Continue, then gets 200 through gateway → express', async () => {
    const u = await env.newUser();
    const c = new Client(env.targets.gatewayExpress, u.token);
    const v = (await c.post('/api/vehicles', { make: 'Kia', model: 'Rio', year: 2016 })).body.id;
    const { status, continued } = await new Promise<{ status: number; continued: boolean }>((resolve, reject) => {
      let continued = false;
      const req = http.request(`${env.targets.gatewayExpress}/api/vehicles/${v}/photo`, {
        method: 'PUT',
        headers: { authorization: `Bearer ${u.token}`, 'content-type': 'image/png', 'content-length': PNG.length, expect: '100-continue' },
      }, (res) => { res.resume(); res.on('end', () => resolve({ status: res.statusCode ?? 0, continued })); });
      req.on('continue', () => { continued = true; req.end(PNG); });
      req.on('error', reject);
    });
    assert.equal(continued, true);
    assert.equal(status, 200);
  });

  test('hop-by-hop headers are stripped both ways and the client\'s Connection: close is honoured', async () => {
    const up = await stubUpstream((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', connection: 'keep-alive, x-hop', 'keep-alive': 'timeout=5', 'x-hop': 'secret', 'proxy-connection': 'keep-alive' });
      res.end('{"ok":true}');
    });
    const gw = await gateway(up.url);
    const { rawRequest, wire } = await import('./security/support/raw-http.ts');
    const r = await rawRequest(gw, wire('GET', '/api/vehicles', {
      host: 'x', connection: 'close, x-client-hop', 'x-client-hop': '1', 'keep-alive': 'timeout=1', te: 'trailers', 'proxy-connection': 'keep-alive',
    }), { idleMs: 2000 });
    const seen = lastSeen(up).headers;
    for (const h of ['x-client-hop', 'keep-alive', 'te', 'proxy-connection']) assert.equal(seen[h], undefined, `${h} reached the upstream`);
    assert.notEqual(seen.connection, 'close, x-client-hop');
    const res = r.responses[0];
    assert.equal(res.status, 200);
    for (const h of ['x-hop', 'keep-alive', 'proxy-connection']) assert.equal(res.headers[h], undefined, `${h} reached the client`);
    assert.equal(res.headers.connection, 'close');
    assert.equal(r.closedByServer, true, 'the gateway kept the connection open');
  });

  test('Connection: close is honoured on every target, and answers keep the connection alike (INVALID_JSON too)', async () => {
    const { rawRequest, wire } = await import('./security/support/raw-http.ts');
    const u = await env.newUser();
    const conn: string[] = [];
    for (const url of [env.targets.legacy, env.targets.gatewayExpress, env.targets.gatewayFastify]) {
      const closed = await rawRequest(url, wire('GET', '/api/vehicles', { host: 'x', authorization: `Bearer ${u.token}`, connection: 'close' }), { idleMs: 2000 });
      assert.equal(closed.responses[0].headers.connection, 'close', url);
      assert.equal(closed.closedByServer, true, url);
      const bad = await rawRequest(url, wire('POST', '/api/vehicles', { host: 'x', authorization: `Bearer ${u.token}`, 'content-type': 'application/json', 'content-length': '4' }, '{bad'), { idleMs: 500 });
      assert.equal(bad.responses[0].status, 400);
      conn.push(`${bad.responses[0].headers.connection} closed=${bad.closedByServer}`);
    }
    assert.deepEqual(conn, Array(3).fill('keep-alive closed=false'));
  });

  test('an /api path no feature claims goes to the legacy app (x-backend: express); without one it is the gateway\'s 404 (x-backend: fastify)', async () => {
    const up = await stubUpstream((_req, res) => { res.writeHead(200, { 'content-type': 'application/json' }); res.end('{"from":"legacy"}'); });
    for (const flags of ['express', 'fastify'] as const) {
      const gw = await gateway(up.url, flagEnv(flags, new Set(env.capsules.map((c) => c.feature))));
      const res = await new Client(gw).get('/api/unknown?x=1');
      assert.equal(res.status, 200);
      assert.deepEqual(res.body, { from: 'legacy' });
      assert.equal(res.headers['x-backend'], 'express');
      assert.equal(lastSeen(up).url, '/api/unknown?x=1');
    }
    const noLegacy = await gateway('', flagEnv('fastify', new Set(env.capsules.map((c) => c.feature))));
    const res = await new Client(noLegacy).get('/api/unknown');
    assert.equal(res.status, 404);
    assert.equal(res.body.error.message, 'Route GET /api/unknown not found');
    assert.equal(res.headers['x-backend'], 'fastify');
  });

  test('a path the proxy library will not forward (a name starting or ending with "..") is answered by the gateway: 401 for a bad token, else the legacy app\'s "no route" 404', async () => {
    const up = await stubUpstream((_req, res) => { res.writeHead(200, { 'content-type': 'application/json' }); res.end('{"from":"legacy"}'); });
    const gw = await gateway(up.url);
    const u = await env.newUser();
    for (const path of ['/api/vehicles/..;/x', '/api/vehicles/...', '/api/unknown/..x', '/api/fuel-logs/%2E%2Eabc']) {
      const user = await new Client(gw, u.token).get(`${path}?q=1`);
      assert.equal(user.status, 404, `${path}: ${user.text}`);
      assert.deepEqual(user.body, { error: { code: 'NOT_FOUND', message: `Route GET ${path} not found` } });
      assert.equal(user.headers['x-backend'], 'express');
      const anon = await new Client(gw).get(path);
      assert.equal(anon.status, path.startsWith('/api/unknown') ? 404 : 401, `${path} without a token: ${anon.text}`);
    }
    assert.equal(up.seen.length, 0, `forwarded: ${up.seen.map((x) => x.url).join(', ')}`);
    assert.equal((await new Client(gw, u.token).get('/api/vehicles/a..b?x=../y')).status, 200, 'dots inside a name and in the query are forwarded');
    assert.equal(lastSeen(up).url, '/api/vehicles/a..b?x=../y');
  });

  test('every gateway answer carries x-request-id, helmet, x-backend and rate-limit headers: over-long ids, bad URLs, traversal', async () => {
    const u = await env.newUser();
    for (const url of [env.targets.gatewayExpress, env.targets.gatewayFastify]) {
      for (const path of [`/api/vehicles/${'a'.repeat(5000)}`, '/api/vehicles/decode-vin/..%2f..%2fadmin', '/api/unknown']) {
        const res = await new Client(url, u.token).get(path);
        for (const h of ['x-request-id', 'x-backend', 'x-ratelimit-limit', 'content-security-policy', 'x-content-type-options']) {
          assert.ok(res.headers[h], `${url} ${path.slice(0, 40)}: no ${h}`);
        }
      }
      const bad = await new Client(url, u.token).get('/api/vehicles/%zz');
      for (const h of ['x-request-id', 'x-backend', 'content-security-policy']) assert.ok(bad.headers[h], `${url} bad URL: no ${h}`);
    }
  });

  test('malformed HTTP (100 KB header, TE + CL, folded header) → 400 with x-request-id; absolute-form served like origin-form', async () => {
    const { rawRequest } = await import('./security/support/raw-http.ts');
    const u = await env.newUser();
    for (const url of [env.targets.gatewayExpress, env.targets.gatewayFastify]) {
      for (const payload of [
        `GET /api/vehicles HTTP/1.1\r\nhost: x\r\nx-big: ${'a'.repeat(100 * 1024)}\r\n\r\n`,
        'POST /api/vehicles HTTP/1.1\r\nhost: x\r\ntransfer-encoding: chunked\r\ncontent-length: 3\r\n\r\n0\r\n\r\n',
        'GET /api/vehicles HTTP/1.1\r\nhost: x\r\nx-folded: a\r\n  b\r\n\r\n',
      ]) {
        const r = await rawRequest(url, payload, { idleMs: 1000 });
        assert.equal(r.responses[0]?.status, 400, `${url}: ${r.text.slice(0, 200)}`);
        assert.match(r.responses[0].headers['x-request-id'] ?? '', /^[0-9a-f-]{36}$/);
      }
      const abs = await rawRequest(url, `GET http://example.com/api/vehicles?limit=1 HTTP/1.1\r\nhost: example.com\r\nauthorization: Bearer ${u.token}\r\nconnection: close\r\n\r\n`, { idleMs: 1000 });
      assert.equal(abs.responses[0]?.status, 200, `${url}: ${abs.text.slice(0, 300)}`);
      assert.match(abs.responses[0].body, /"limit":1/);
    }
  });
});

describe('response bodies (src/http/response-serializer.ts)', () => {
  // A capsule whose route answers a field its response schema does not name.
  const leaky = {
    feature: 'vehicles' as const,
    plugin: async (app: FastifyInstance) => {
      const schema = { type: 'object', properties: { id: { type: 'string' } } };
      app.get('/', { schema: { response: { 200: schema } } }, async () => ({ id: 'v1', userId: 'someone-else' }));
    },
  };
  const build = async (nodeEnv: string) => {
    const e = { ...env.env, NODE_ENV: nodeEnv, DEV_TOOLS: 'false', VEHICLES_BACKEND: 'fastify' };
    const app = await buildApp({ config: loadConfig(e), env: e, capsules: [leaky] });
    return app;
  };

  test('outside production an off-schema body is a 500 INTERNAL_ERROR, so the suites catch it', async (t) => {
    const app = await build('test');
    t.after(() => app.close());
    const res = await app.inject({ url: '/api/vehicles', headers: { authorization: `Bearer ${await env.sign({})}` } });
    assert.equal(res.statusCode, 500);
    assert.equal(res.json().error.code, 'INTERNAL_ERROR');
  });

  test('in production the body is JSON.stringify of what the route returned (the check is off)', async (t) => {
    const app = await build('production');
    t.after(() => app.close());
    const res = await app.inject({ url: '/api/vehicles', headers: { authorization: `Bearer ${await env.sign({})}` } });
    assert.equal(res.statusCode, 200);
    assert.equal(res.body, JSON.stringify({ id: 'v1', userId: 'someone-else' }));
  });
});
