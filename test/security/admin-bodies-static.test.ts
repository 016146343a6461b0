// Issue 28 point 5 (second half), over real HTTP on a real gateway:
// - the admin routes take JSON bodies by the /api rules: a content coding other than identity, a charset other
//   than UTF-8 → 415; bytes that are not UTF-8, nesting past the depth limit → 400; the contract's error body,
//   and nothing changes;
// - a dotfile or unknown path under /assets/ and /admin/console/ (and a dotfile page URL) is the contract's
//   404, never a 500 with a stack trace.
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import Fastify, { type FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { buildApp } from '../../src/app.ts';
import { loadConfig } from '../../src/config/config.ts';
import { MAX_JSON_DEPTH } from '../../src/http/json-body.ts';
import { errorsPlugin } from '../../src/plugins/errors.ts';
import { consolePlugin } from '../../src/plugins/console.ts';
import { Client } from '../support/client.ts';
import { flagEnv, startBackends, type TestEnv } from '../support/in-process.ts';
import { assertError } from './support/contract.ts';

let env: TestEnv;
let admin: Client;
let dir: string;
const apps: FastifyInstance[] = [];

before(async () => {
  env = await startBackends();
  admin = new Client(env.targets.gatewayFastify, await env.sign({ sub: 'operator', permissions: ['admin:flags'] }));
  dir = await mkdtemp(join(tmpdir(), 'mvp-static-'));
  for (const d of ['web', 'web/assets', 'console', 'console/assets']) await mkdir(join(dir, d), { recursive: true });
  for (const d of ['web', 'console']) {
    await writeFile(join(dir, d, 'index.html'), '<!doctype html><title>x</title>');
    await writeFile(join(dir, d, '.env'), 'SECRET=1');
    await writeFile(join(dir, d, 'assets', '.hidden'), 'secret');
    await writeFile(join(dir, d, 'assets', 'app-1234.js'), 'console.log(1)');
  }
});
after(async () => {
  for (const a of apps) await a.close();
  await env?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('admin bodies follow the /api rules', () => {
  // The flag itself (the leader rewrites the guard's idle verdict now and then: not a change).
  const vehicles = async () => {
    const { stage, percent, shadowRate, source, changedAt, changedBy, reason, ramp } = (await admin.get('/admin/flags')).body.features.vehicles;
    return { stage, percent, shadowRate, source, changedAt, changedBy, reason, ramp };
  };
  const cases: Array<[string, Record<string, string>, string | Buffer, number, string]> = [
    ['content-encoding gzip', { 'content-type': 'application/json', 'content-encoding': 'gzip' }, '{"stage":"express"}', 415, 'UNSUPPORTED_MEDIA_TYPE'],
    ['content-encoding x-bogus', { 'content-type': 'application/json', 'content-encoding': 'x-bogus' }, '{"stage":"express"}', 415, 'UNSUPPORTED_MEDIA_TYPE'],
    ['charset=latin1', { 'content-type': 'application/json; charset=latin1' }, '{"stage":"express"}', 415, 'UNSUPPORTED_MEDIA_TYPE'],
    ['text/plain', { 'content-type': 'text/plain' }, '{"stage":"express"}', 415, 'UNSUPPORTED_MEDIA_TYPE'],
    ['bytes that are not UTF-8', { 'content-type': 'application/json' }, Buffer.from([0x7b, 0x22, 0x72, 0xff, 0x22, 0x3a, 0x31, 0x7d]), 400, 'INVALID_JSON'],
    [`nesting past ${MAX_JSON_DEPTH}`, { 'content-type': 'application/json' }, `{"reason":${'['.repeat(MAX_JSON_DEPTH + 1)}${']'.repeat(MAX_JSON_DEPTH + 1)},"stage":"express"}`, 400, 'INVALID_JSON'],
    ['__proto__ key', { 'content-type': 'application/json' }, '{"stage":"express","__proto__":{"x":1}}', 400, 'INVALID_JSON'],
  ];
  for (const [what, headers, body, status, code] of cases) {
    test(`PUT /admin/flags and POST …/ramp with ${what} → ${status} ${code}, nothing changes`, async () => {
      const before = await vehicles();
      assertError(await admin.raw('PUT', '/admin/flags/vehicles', { headers, body }), status, code, what);
      assertError(await admin.raw('POST', '/admin/flags/vehicles/ramp', { headers, body }), status, code, what);
      assert.deepEqual(await vehicles(), before, 'the flag is unchanged');
    });
  }

  test('a plain UTF-8 JSON body is still accepted (charset utf-8, identity coding)', async () => {
    const res = await admin.raw('PUT', '/admin/flags/vehicles', {
      headers: { 'content-type': 'application/json; charset=UTF-8', 'content-encoding': 'identity' }, body: '{"stage":"fastify","reason":"body rules test"}',
    });
    assert.equal(res.status, 200, res.text);
    assert.equal((await admin.del('/admin/flags/vehicles')).status, 200);
  });
});

describe('static files: a dotfile or unknown path is a 404', () => {
  let web: string;
  let console: string;
  before(async () => {
    const vars = { ...env.env, WEB_DIST_DIR: join(dir, 'web') };
    const gw = await buildApp({ config: loadConfig(vars), env: { ...vars, ...flagEnv('fastify') }, capsules: env.capsules });
    apps.push(gw);
    web = await gw.listen({ port: 0, host: '127.0.0.1' });
    // The console plugin with its real error handling, over a built console in a temporary folder.
    const c = Fastify();
    apps.push(c);
    await c.register(fp(async (a) => { a.decorate('deps', env.deps); }, { name: 'deps' }));
    await c.register(errorsPlugin);
    await c.register(consolePlugin, { root: join(dir, 'console') });
    console = await c.listen({ port: 0, host: '127.0.0.1' });
  });

  const paths = (prefix: string) => [`${prefix}.env`, `${prefix}assets/.hidden`, `${prefix}assets/.x`, `${prefix}assets/%2ehidden`, `${prefix}assets/nope.js`, `${prefix}.git/config`];
  for (const accept of ['*/*', 'text/html,application/xhtml+xml']) {
    test(`/assets/… and page URLs (accept ${accept})`, async () => {
      const c = new Client(web);
      for (const path of [...paths('/'), '/assets/', '/assets/..%2f.env']) {
        assertError(await c.request('GET', path, undefined, { headers: { accept } }), 404, 'NOT_FOUND', path, [path]);
      }
      assert.equal((await c.request('GET', '/assets/app-1234.js')).status, 200, 'a real asset is served');
    });
    test(`/admin/console/… (accept ${accept})`, async () => {
      const c = new Client(console);
      for (const path of paths('/admin/console/')) {
        assertError(await c.request('GET', path, undefined, { headers: { accept } }), 404, 'NOT_FOUND', path, [path]);
      }
      assert.equal((await c.request('GET', '/admin/console/assets/app-1234.js')).status, 200, 'a real asset is served');
    });
  }
});
