// helmet's headers on every kind of response (native, proxied, gateway errors, health, admin, legacy
// direct), and the CORS allow-list: an allowed origin is echoed, anything else is not.
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { Client, type ApiResponse } from '../support/client.ts';
import { targetList } from '../helper.ts';
import { startSecurityEnv } from './support/env.ts';

const ALLOWED = ['https://app.motovaultpro.com', 'https://admin.motovaultpro.com'];

let token: string;
let adminToken: string;

const env = await startSecurityEnv('sec_headers', { env: { CORS_ORIGINS: ALLOWED.join(', ') } });
before(async () => {
  token = (await env.newUser()).token;
  adminToken = (await env.newUser({ permissions: ['admin:flags'] })).token;
});

function assertSecurityHeaders(res: ApiResponse, where: string) {
  const h = res.headers;
  const ctx = `${where} (${res.status})`;
  assert.equal(h['x-content-type-options'], 'nosniff', `x-content-type-options ${ctx}`);
  assert.match(h['x-frame-options'] ?? '', /^(DENY|SAMEORIGIN)$/, `x-frame-options ${ctx}`);
  assert.match(h['content-security-policy'] ?? '', /default-src 'self'/, `content-security-policy ${ctx}`);
  assert.match(h['content-security-policy'] ?? '', /frame-ancestors 'self'|frame-ancestors 'none'/, `csp frame-ancestors ${ctx}`);
  assert.match(h['strict-transport-security'] ?? '', /max-age=\d+/, `strict-transport-security ${ctx}`);
  assert.equal(h['referrer-policy'], 'no-referrer', `referrer-policy ${ctx}`);
  assert.equal(h['x-dns-prefetch-control'], 'off', `x-dns-prefetch-control ${ctx}`);
  assert.equal(h['x-permitted-cross-domain-policies'], 'none', `x-permitted-cross-domain-policies ${ctx}`);
  assert.equal(h['cross-origin-opener-policy'], 'same-origin', `cross-origin-opener-policy ${ctx}`);
  assert.equal(h['x-powered-by'], undefined, `x-powered-by ${ctx}`);
  assert.equal(h.server, undefined, `server ${ctx}`);
  // A header set by both the gateway and the legacy app must not arrive twice (joined with ", ").
  for (const name of ['x-content-type-options', 'x-frame-options', 'referrer-policy', 'x-request-id', 'x-backend']) {
    assert.ok(!(h[name] ?? '').includes(','), `${name} duplicated: ${JSON.stringify(h[name])} ${ctx}`);
  }
  assert.ok(h['x-request-id'], `x-request-id ${ctx}`);
}

describe('security headers', () => {
  test('on /api responses of every backend: success, 4xx errors, uploads and downloads', async () => {
    for (const t of targetList(env)) {
      const c = new Client(t.url, token);
      const cases: Array<[string, () => Promise<ApiResponse>]> = [
        ['list', () => c.get('/api/vehicles')],
        ['create', () => c.post('/api/vehicles', { make: 'Mazda', model: '3', year: 2019 })],
        ['400', () => c.get('/api/vehicles/not-a-uuid')],
        ['401', () => new Client(t.url).get('/api/vehicles')],
        ['404 route', () => c.get('/api/vehicles/00000000-0000-4000-8000-000000000000/nope')],
        ['404 resource', () => c.get('/api/vehicles/00000000-0000-4000-8000-000000000000')],
        ['415', () => c.raw('POST', '/api/vehicles', { body: 'x', headers: { 'content-type': 'text/plain' } })],
        ['invalid json', () => c.raw('POST', '/api/vehicles', { body: '{', headers: { 'content-type': 'application/json' } })],
        ['stations 200', () => c.get('/api/stations/saved')],
        ['fuel-logs 200', () => c.get('/api/fuel-logs')],
        ['maintenance', () => c.get('/api/maintenance/schedules')],
      ];
      for (const [name, run] of cases) {
        const res = await run();
        assertSecurityHeaders(res, `${t.name} ${name}`);
        assert.match(res.headers['x-backend'] ?? '', /^(express|fastify)$/, `${t.name} ${name} x-backend`);
      }
    }
  });

  test('photo download: nosniff and the stored content type, never sniffable HTML', async () => {
    for (const t of targetList(env)) {
      const c = new Client(t.url, token);
      const v = await c.post('/api/vehicles', { make: 'Mazda', model: '3', year: 2019 });
      const up = await c.raw('PUT', `/api/vehicles/${v.body.id}/photo`, { body: Buffer.from('<html><script>alert(1)</script></html>'), headers: { 'content-type': 'image/png' } });
      assert.equal(up.status, 200, `${t.name} upload ${up.text}`);
      const down = await c.get(`/api/vehicles/${v.body.id}/photo`);
      assert.equal(down.status, 200);
      assert.equal(down.headers['content-type'], 'image/png', `${t.name}`);
      assertSecurityHeaders(down, `${t.name} photo download`);
    }
  });

  test('on gateway-only responses: /health, /admin, unknown routes', async () => {
    for (const url of [env.targets.gatewayExpress, env.targets.gatewayFastify]) {
      assertSecurityHeaders(await new Client(url).get('/health'), 'gateway /health');
      assertSecurityHeaders(await new Client(url, adminToken).get('/admin/flags'), 'gateway /admin/flags');
      assertSecurityHeaders(await new Client(url).get('/admin/flags'), 'gateway /admin/flags 401');
      assertSecurityHeaders(await new Client(url).get('/nope'), 'gateway 404');
    }
    assertSecurityHeaders(await new Client(env.targets.legacy).get('/health'), 'legacy /health');
  });
});

describe('CORS allow-list', () => {
  const req = (url: string, method: string, path: string, headers: Record<string, string>) =>
    new Client(url, token).request(method, path, undefined, { headers });

  test('an allowed origin is echoed (simple and preflight requests), with Vary: Origin', async () => {
    for (const t of targetList(env)) {
      for (const origin of ALLOWED) {
        const res = await req(t.url, 'GET', '/api/vehicles', { origin });
        assert.equal(res.status, 200, `${t.name}`);
        assert.equal(res.headers['access-control-allow-origin'], origin, `${t.name} GET ${origin}`);
        assert.match(res.headers.vary ?? '', /origin/i, `${t.name} vary`);
        const pre = await new Client(t.url).request('OPTIONS', '/api/vehicles', undefined, {
          headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type' },
        });
        assert.ok(pre.status === 204 || pre.status === 200, `${t.name} preflight ${origin}: ${pre.status} ${pre.text}`);
        assert.equal(pre.headers['access-control-allow-origin'], origin, `${t.name} preflight ACAO`);
        assert.match(pre.headers['access-control-allow-methods'] ?? '', /POST/, `${t.name} preflight methods`);
      }
    }
  });

  test('any other origin is not echoed, nor a wildcard, nor credentials', async () => {
    const evil = [
      'https://evil.example', 'null', 'https://app.motovaultpro.com.evil.example', 'https://evilapp.motovaultpro.com',
      'http://app.motovaultpro.com', 'https://app.motovaultpro.com:8443', 'https://APP.motovaultpro.com.evil', '*',
    ];
    for (const t of targetList(env)) {
      for (const origin of evil) {
        const res = await req(t.url, 'GET', '/api/vehicles', { origin });
        assert.equal(res.status, 200, `${t.name}`);
        const acao = res.headers['access-control-allow-origin'];
        assert.ok(acao === undefined || (acao !== origin && acao !== '*' && ALLOWED.includes(acao)) , `${t.name} GET echoed ${origin}: ${acao}`);
        assert.notEqual(res.headers['access-control-allow-credentials'], 'true', `${t.name} credentials`);
        const pre = await new Client(t.url).request('OPTIONS', '/api/vehicles', undefined, { headers: { origin, 'access-control-request-method': 'DELETE' } });
        const pacao = pre.headers['access-control-allow-origin'];
        assert.ok(pacao === undefined || (pacao !== origin && pacao !== '*'), `${t.name} preflight echoed ${origin}: ${pacao}`);
        assert.ok(pre.status < 500, `${t.name} preflight ${pre.status}`);
      }
    }
  });

  test('gateway-only routes follow the same list', async () => {
    for (const url of [env.targets.gatewayExpress, env.targets.gatewayFastify]) {
      const ok = await new Client(url).request('GET', '/health', undefined, { headers: { origin: ALLOWED[0] } });
      assert.equal(ok.headers['access-control-allow-origin'], ALLOWED[0]);
      const no = await new Client(url).request('GET', '/health', undefined, { headers: { origin: 'https://evil.example' } });
      assert.equal(no.headers['access-control-allow-origin'], undefined);
    }
  });
});
