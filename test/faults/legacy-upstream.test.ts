// The legacy app failing behind a real gateway process: refused, reset mid-request, answering garbage,
// too slow, cutting a response half-way, answering 503 — each becomes a clean 503 BACKEND_UNAVAILABLE /
// 504 GATEWAY_TIMEOUT (or a cut stream once the answer had started), never a retry storm, and the
// gateway keeps serving its native features throughout. Then the real legacy process is SIGKILLed
// mid-request and restarted: the gateway recovers by itself.
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { eventually } from '../support/wait.ts';
import { assertError } from '../security/support/contract.ts';
import { build, type ProcessEnv } from '../helper.ts';
import { call, describeRes } from './support/http.ts';
import type { AppProcess } from '../../stack/apps.ts';

type StubMode = 'ok' | 'slow' | 'garbage' | 'reset' | 'partial' | 'error503';

let stub: http.Server;
let stubUrl: string;
let stubMode: StubMode = 'ok';
let stubHits = 0;
const sockets = new Set<Socket>();
let gateway: AppProcess;
let user: Awaited<ReturnType<ProcessEnv['newUser']>>;

const HEADERS_TIMEOUT_MS = 1500;
// Vehicles go to the legacy app (the stub); the other features are served natively by the gateway.
const FLAGS = { VEHICLES_BACKEND: 'express', FUEL_LOGS_BACKEND: 'fastify', STATIONS_BACKEND: 'fastify', MAINTENANCE_BACKEND: 'fastify' };

const stack = await build({ level: 'processes', label: 'faults_upstream' });
before(async () => {
  stub = http.createServer((req, res) => {
    if (req.url === '/health' || req.url === '/health/live') return res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
    stubHits++;
    switch (stubMode) {
      case 'ok':
        res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'x-backend': 'express' });
        return res.end(JSON.stringify({ items: [], total: 0, limit: 50, offset: 0 }));
      case 'slow':
        return; // never answers; the socket is destroyed at the end
      case 'garbage':
        req.socket.write('SSH-2.0-OpenSSH_9.6\r\n\u0000\u0001garbage\r\n\r\n');
        return req.socket.destroy();
      case 'reset':
        return req.socket.resetAndDestroy();
      case 'partial':
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': '1000' });
        res.write('{"items":[');
        return setTimeout(() => req.socket.destroy(), 50);
      case 'error503':
        res.writeHead(503, { 'content-type': 'application/json', 'retry-after': '1' });
        return res.end(JSON.stringify({ error: { code: 'SERVICE_UNAVAILABLE', message: 'Service temporarily unavailable' } }));
    }
  });
  stub.on('connection', (s) => { sockets.add(s); s.on('close', () => sockets.delete(s)); });
  await new Promise<void>((r) => stub.listen(0, '127.0.0.1', r));
  stubUrl = `http://127.0.0.1:${(stub.address() as AddressInfo).port}`;
  gateway = await stack.spawnGateway(stubUrl, { ...FLAGS, PROXY_HEADERS_TIMEOUT_MS: String(HEADERS_TIMEOUT_MS), PROXY_BODY_TIMEOUT_MS: '2000' }, 'gateway');
  user = await stack.newUser({ permissions: ['admin:flags'] }); // admin:flags: /health shows its detail to admins only
});

after(async () => {
  for (const s of sockets) s.destroy();
  await new Promise((r) => stub?.close(r));
});

async function nativeStillServes() {
  const res = await call(gateway.url, 'GET', '/api/fuel-logs', { token: user.token, timeoutMs: 3000 });
  assert.equal(res.status, 200, `native fuel-logs: ${describeRes(res)}`);
  assert.equal(res.headers['x-backend'], 'fastify');
  assert.ok(res.ms < 1000, `native route took ${Math.round(res.ms)} ms`);
  const saved = await call(gateway.url, 'POST', '/api/stations/saved', { token: user.token, body: { placeId: `p-${Math.random()}`, name: 'n', lat: 1, lng: 1 } });
  assert.equal(saved.status, 201, `native write: ${describeRes(saved)}`);
}

describe('stub legacy upstream', () => {
  const cases: Array<{ mode: StubMode; status: number; code: string; maxMs: number }> = [
    { mode: 'reset', status: 503, code: 'BACKEND_UNAVAILABLE', maxMs: 1000 },
    { mode: 'garbage', status: 503, code: 'BACKEND_UNAVAILABLE', maxMs: 1000 },
    { mode: 'slow', status: 504, code: 'GATEWAY_TIMEOUT', maxMs: HEADERS_TIMEOUT_MS + 1500 },
  ];
  for (const c of cases) {
    test(`${c.mode} → ${c.status} ${c.code}, no retry, native features unaffected`, async () => {
      stubMode = c.mode;
      stubHits = 0;
      try {
        const [proxied] = await Promise.all([
          call(gateway.url, 'GET', '/api/vehicles', { token: user.token, timeoutMs: 10_000 }),
          new Promise((r) => setTimeout(r, 100)).then(nativeStillServes), // while the proxied one is pending
        ]);
        assert.ok(!proxied.error, describeRes(proxied));
        assertError(proxied, c.status, c.code, `${c.mode}`);
        assert.ok(proxied.ms < c.maxMs, `${c.mode} took ${Math.round(proxied.ms)} ms`);
        assert.equal(proxied.headers['x-backend'], 'express');
        assert.ok(proxied.headers['x-request-id'], 'x-request-id on proxy errors');
        assert.equal(stubHits, 1, `${c.mode}: the gateway retried (${stubHits} upstream hits)`);
        // A write is not retried either (it could otherwise be applied twice).
        stubHits = 0;
        const post = await call(gateway.url, 'POST', '/api/vehicles', { token: user.token, body: { make: 'a', model: 'b', year: 2000 }, timeoutMs: 10_000 });
        assertError(post, c.status, c.code, `${c.mode} POST`);
        assert.equal(stubHits, 1, `${c.mode}: POST retried`);
      } finally {
        stubMode = 'ok';
        for (const s of sockets) s.destroy();
      }
      await nativeStillServes();
      const ok = await call(gateway.url, 'GET', '/api/vehicles', { token: user.token });
      assert.equal(ok.status, 200, `after ${c.mode}: ${describeRes(ok)}`);
    });
  }

  test('503 from the legacy app is passed through once, not retried (Retry-After is not milliseconds)', async () => {
    stubMode = 'error503';
    stubHits = 0;
    try {
      const res = await call(gateway.url, 'GET', '/api/vehicles', { token: user.token, timeoutMs: 10_000 });
      assertError(res, 503, 'SERVICE_UNAVAILABLE', 'legacy 503');
      assert.equal(stubHits, 1, `retried ${stubHits - 1} times`);
      assert.ok(res.ms < 800, `took ${Math.round(res.ms)} ms`);
    } finally {
      stubMode = 'ok';
    }
  });

  test('a response cut half-way is cut for the client too (never completed or appended to)', async () => {
    stubMode = 'partial';
    try {
      const res = await call(gateway.url, 'GET', '/api/vehicles', { token: user.token, timeoutMs: 10_000 });
      // Either the connection is cut (no complete answer) or an error status — never a 200 with a "complete" body.
      assert.ok(res.error || res.status >= 500, `partial upstream answer arrived whole: ${describeRes(res)}`);
      if (!res.error) assertError(res, undefined, undefined, 'partial');
    } finally {
      stubMode = 'ok';
    }
    await nativeStillServes();
    assert.ok(gateway.alive, 'gateway died');
  });

  test('legacy refusing connections → 503 BACKEND_UNAVAILABLE at once; /health stays 200 "degraded"', async () => {
    await new Promise<void>((r) => { stub.close(() => r()); for (const s of sockets) s.destroy(); });
    try {
      for (let i = 0; i < 3; i++) {
        const res = await call(gateway.url, 'GET', '/api/vehicles', { token: user.token, timeoutMs: 10_000 });
        assertError(res, 503, 'BACKEND_UNAVAILABLE', 'refused');
        assert.ok(res.ms < 1000, `refused took ${Math.round(res.ms)} ms`);
      }
      await nativeStillServes();
      const h = await call(gateway.url, 'GET', '/health', { token: user.token });
      assert.equal(h.status, 200, describeRes(h));
      assert.equal(h.body.dependencies.legacy, 'down');
      assert.equal(h.body.status, 'degraded');
    } finally {
      await new Promise<void>((r) => stub.listen(Number(new URL(stubUrl).port), '127.0.0.1', r));
    }
    await eventually(async () => {
      const res = await call(gateway.url, 'GET', '/api/vehicles', { token: user.token });
      assert.equal(res.status, 200, describeRes(res));
    });
  });
});

describe('real legacy process killed mid-request', () => {
  test('SIGKILL while a request is in flight → 503 for it and the next ones, native unaffected; restart recovers', async (t) => {
    const pgStack = await build(t, { level: 'processes', label: 'faults_kill', proxy: { postgres: true } });
    // Only the legacy app's database goes through the proxy, so its requests can be made to hang.
    const legacy = await pgStack.spawnLegacy();
    const gw = await pgStack.spawnGateway(legacy.url, { ...FLAGS, DATABASE_URL: pgStack.directDatabaseUrl }, 'gateway');
    const u = await pgStack.newUser();
    assert.equal((await call(gw.url, 'GET', '/api/vehicles', { token: u.token })).status, 200);
    await pgStack.proxy('postgres').setMode('blackhole');
    const inflight = call(gw.url, 'GET', '/api/vehicles', { token: u.token, timeoutMs: 10_000 });
    await new Promise((r) => setTimeout(r, 300));
    legacy.signal('SIGKILL');
    await legacy.exited;
    const res = await inflight;
    assert.ok(!res.error, `in-flight request: ${describeRes(res)}`);
    assertError(res, 503, 'BACKEND_UNAVAILABLE', 'in flight at SIGKILL');
    const next = await call(gw.url, 'POST', '/api/vehicles', { token: u.token, body: { make: 'a', model: 'b', year: 2001 } });
    assertError(next, 503, 'BACKEND_UNAVAILABLE', 'after SIGKILL');
    const native = await call(gw.url, 'GET', '/api/maintenance/records', { token: u.token });
    assert.equal(native.status, 200, `native while legacy is dead: ${describeRes(native)}`);
    await pgStack.proxy('postgres').setMode('up');
    await pgStack.spawnLegacy({}, 'legacy (restarted)', legacy.port);
    await eventually(async () => {
      const r = await call(gw.url, 'GET', '/api/vehicles', { token: u.token });
      assert.equal(r.status, 200, describeRes(r));
    }, { timeoutMs: 10_000 });
    assert.ok(gw.alive, 'gateway died');
  });
});
