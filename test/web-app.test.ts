// The gateway's side of the web app: static serving with cache headers, the SPA fallback that never
// swallows the gateway's own prefixes, a gateway without a build, GET /auth/config, and the dev token
// endpoint (absent unless DEV_TOOLS is on; its tokens are accepted by the API).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../src/app.ts';
import { ConfigError, loadConfig } from '../src/config/config.ts';
import { authConfigOf } from '../src/web/auth-config-routes.ts';
import { ensureDevKeys } from '../dev/keys.ts';
import { build, flagEnv } from './helper.ts';

const INDEX = '<!doctype html><html><head><title>MotoVaultPro</title></head><body><div id="root"></div></body></html>';
const ASSET = 'index-Ab12Cd34.js';
const HTML = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';

const env = await build();
let dir: string;
let dist: string;
let jwksFile: string;
const apps: FastifyInstance[] = [];

async function gateway(extra: Record<string, string>): Promise<FastifyInstance> {
  const vars = { ...env.env, ...extra };
  const native = new Set(env.capsules.map((c) => c.feature));
  const app = await buildApp({ config: loadConfig(vars), env: { ...vars, ...flagEnv('fastify', native) }, capsules: env.capsules });
  apps.push(app);
  await app.ready();
  return app;
}

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mvp-web-'));
  dist = join(dir, 'dist');
  await mkdir(join(dist, 'assets'), { recursive: true });
  await writeFile(join(dist, 'index.html'), INDEX);
  await writeFile(join(dist, 'assets', ASSET), 'console.log(1)');
  jwksFile = (await ensureDevKeys(join(dir, 'keys'))).jwksFile;
});
after(async () => {
  for (const a of apps) await a.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('serving web/dist', () => {
  let app: FastifyInstance;
  before(async () => { app = await gateway({ WEB_DIST_DIR: dist }); });

  test('page URLs get index.html, revalidated, with the page CSP', async () => {
    for (const url of ['/', '/stations', '/vehicles/0b6f8a3e-5d0c-4a55-9a1e-6f1f5b3c2d10/fuel', '/index.html']) {
      const res = await app.inject({ url, headers: { accept: HTML } });
      assert.equal(res.statusCode, 200, url);
      assert.equal(res.body, INDEX, url);
      assert.match(res.headers['content-type'] as string, /^text\/html/);
      assert.equal(res.headers['cache-control'], 'no-cache');
      assert.match(res.headers['content-security-policy'] as string, /img-src 'self' data: blob:/);
      assert.ok(res.headers['x-request-id']);
    }
    const head = await app.inject({ method: 'HEAD', url: '/stations', headers: { accept: HTML } });
    assert.equal(head.statusCode, 200);
    assert.equal(head.body, '');
  });

  test('hashed assets are immutable for a year; a missing one is a 404, never the page', async () => {
    const res = await app.inject({ url: `/assets/${ASSET}` });
    assert.equal(res.statusCode, 200);
    assert.equal(res.headers['cache-control'], 'public, max-age=31536000, immutable');
    assert.match(res.headers['content-type'] as string, /javascript/);
    const missing = await app.inject({ url: '/assets/index-gone.js', headers: { accept: HTML } });
    assert.equal(missing.statusCode, 404);
    assert.equal(missing.json().error.code, 'NOT_FOUND');
  });

  test('the fallback never swallows the gateway\'s own prefixes: their 404s keep the contract shape', async () => {
    for (const url of ['/api/nope', '/api/vehicles/x/y/z', '/admin/nope', '/health/nope', '/metrics/nope', '/dev/nope', '/auth/nope']) {
      const res = await app.inject({ url, headers: { accept: HTML, authorization: `Bearer ${await env.sign({})}` } });
      assert.equal(res.statusCode, 404, url);
      assert.deepEqual(Object.keys(res.json()), ['error'], url);
      assert.equal(res.json().error.code, 'NOT_FOUND', url);
      if (url.startsWith('/api/vehicles')) assert.equal(res.headers['x-backend'], 'fastify', url);
    }
    // Not a page navigation: no HTML accepted, or not GET/HEAD.
    for (const [method, accept] of [['GET', 'application/json'], ['GET', '*/*'], ['POST', HTML], ['DELETE', HTML]] as const) {
      const res = await app.inject({ method, url: '/stations', headers: { accept } });
      assert.equal(res.statusCode, 404, `${method} ${accept}`);
      assert.equal(res.json().error.code, 'NOT_FOUND');
    }
    // The gateway's own routes are untouched.
    assert.equal((await app.inject({ url: '/health', headers: { accept: HTML } })).json().status !== undefined, true);
    assert.equal((await app.inject({ url: '/api/vehicles', headers: { accept: HTML } })).statusCode, 401);
  });
});

test('without a build the gateway starts (logging one warning) and / is a contract 404', async () => {
  const app = await gateway({ WEB_DIST_DIR: join(dir, 'not-built') });
  const res = await app.inject({ url: '/', headers: { accept: HTML } });
  assert.equal(res.statusCode, 404);
  assert.equal(res.json().error.code, 'NOT_FOUND');
  assert.equal((await app.inject({ url: '/auth/config' })).statusCode, 200);
});

describe('GET /auth/config', () => {
  test('auth0 when a client id is set (domain from AUTH_ISSUER unless AUTH0_DOMAIN), dev with the dev tools, else none', () => {
    const base = loadConfig({ ...env.env });
    assert.deepEqual(authConfigOf({ ...base, AUTH0_CLIENT_ID: 'abc', AUTH_ISSUER: 'https://tenant.eu.auth0.com/' }),
      { mode: 'auth0', domain: 'tenant.eu.auth0.com', clientId: 'abc', audience: base.AUTH_AUDIENCE });
    assert.equal((authConfigOf({ ...base, AUTH0_CLIENT_ID: 'abc', AUTH0_DOMAIN: 'login.example.com' }) as { domain: string }).domain, 'login.example.com');
    assert.deepEqual(authConfigOf({ ...base, DEV_TOOLS: true, AUTH_JWKS_URL: '', AUTH_JWKS_FILE: jwksFile }), { mode: 'dev' });
    assert.deepEqual(authConfigOf({ ...base, DEV_TOOLS: true }), { mode: 'none' }, 'no dev sign-in against a real issuer');
    assert.deepEqual(authConfigOf({ ...base, DEV_TOOLS: false }), { mode: 'none' });
  });

  test('is public and not cached', async () => {
    const app = await gateway({ DEV_TOOLS: 'true', AUTH_JWKS_URL: '', AUTH_JWKS_FILE: jwksFile });
    const res = await app.inject({ url: '/auth/config' });
    assert.equal(res.statusCode, 200);
    assert.deepEqual(res.json(), { mode: 'dev' });
    assert.equal(res.headers['cache-control'], 'no-store');
  });
});

describe('the dev token endpoint', () => {
  test('does not exist with DEV_TOOLS off', async () => {
    const app = await gateway({ DEV_TOOLS: 'false', AUTH_JWKS_URL: '', AUTH_JWKS_FILE: jwksFile });
    for (const method of ['GET', 'POST'] as const) {
      const res = await app.inject({ method, url: '/dev/token', payload: method === 'POST' ? { sub: 'alice' } : undefined });
      assert.equal(res.statusCode, 404, method);
      assert.equal(res.json().error.code, 'NOT_FOUND');
    }
  });

  test('with DEV_TOOLS on: 204 on GET, a token the API accepts on POST, contract 400s for bad bodies', async () => {
    const app = await gateway({ DEV_TOOLS: 'true', AUTH_JWKS_URL: '', AUTH_JWKS_FILE: jwksFile });
    assert.equal((await app.inject({ url: '/dev/token' })).statusCode, 204);
    const res = await app.inject({ method: 'POST', url: '/dev/token', payload: { sub: 'alice', permissions: ['admin:flags'] } });
    assert.equal(res.statusCode, 200);
    const { token, expiresAt } = res.json();
    assert.ok(Date.parse(expiresAt) > Date.now() + 3600_000);
    assert.equal((await app.inject({ url: '/api/vehicles', headers: { authorization: `Bearer ${token}` } })).statusCode, 200);
    assert.equal((await app.inject({ url: '/admin/flags', headers: { authorization: `Bearer ${token}` } })).statusCode, 200);
    for (const payload of [{}, { sub: '' }, { sub: 'bob', role: 'x' }, { sub: 'a b' }]) {
      const bad = await app.inject({ method: 'POST', url: '/dev/token', payload });
      assert.equal(bad.statusCode, 400, JSON.stringify(payload));
      assert.equal(bad.json().error.code, 'VALIDATION_ERROR');
    }
  });

  test('cannot be turned on in production: the config refuses DEV_TOOLS with NODE_ENV=production', () => {
    assert.throws(() => loadConfig({ ...env.env, NODE_ENV: 'production', DEV_TOOLS: 'true', AUTH_JWKS_URL: '', AUTH_JWKS_FILE: jwksFile }), ConfigError);
  });

  test('is off against a real issuer (AUTH_JWKS_URL), even with DEV_TOOLS on', async () => {
    const app = await gateway({ DEV_TOOLS: 'true' }); // the harness env trusts a JWKS URL
    assert.equal((await app.inject({ url: '/dev/token' })).statusCode, 404);
    assert.deepEqual((await app.inject({ url: '/auth/config' })).json(), { mode: 'none' });
  });
});
