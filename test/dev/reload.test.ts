// `make dev` reloads, and deleting Express is a clean end state under it too: the real supervisor
// (dev/stack.ts) runs in a copy of the app's folders without legacy-express/ and no flag set. Every feature
// is then native, an unclaimed /api path is the gateway's own 404 NOT_FOUND (no legacy URL, no 503); an edit to a capsule file
// is answered by the new code; a syntax error is printed while the last good gateway keeps serving, and
// fixing it is picked up. A poller checks throughout that the gateway's port never stops answering.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { DEV_AUDIENCE, DEV_ISSUER, ensureDevKeys, signToken } from '../../dev/keys.ts';
import { freePort, REPO_ROOT } from '../../stack/apps.ts';
import { createScratchDb, type ScratchDb } from '../../stack/scratch-db.ts';
import { eventually } from '../support/wait.ts';

/** What the apps and the supervisor run from: no legacy-express/, no tests, no benchmarks. */
const COPIED = ['src', 'fastify-features', 'flags', 'dev', 'stack', 'deploy/gateway.env', 'package.json', 'tsconfig.json'];
const ROUTES = 'fastify-features/vehicles/api/vehicles-routes.ts';
const ANCHOR = "app.addHook('onRequest', app.authenticate);";

describe('make dev without legacy-express/, reloading on edits', () => {
  let scratch: ScratchDb;
  let copy: string;
  let supervisor: ChildProcess;
  let out = '';
  let exited: Promise<unknown>;
  let gateway: string;
  let token: string;
  const original = readFileSync(join(REPO_ROOT, ROUTES), 'utf8');
  const failures: string[] = [];
  let polling = true;
  let poller: Promise<void> = Promise.resolve();

  /** The capsule's routes file with one extra route answering `body` (a source text, possibly broken). */
  const withProbe = (body: string) => original.replace(ANCHOR, `${ANCHOR}\n  app.get('/reload-probe', async () => ${body});`);
  const probe = async () => {
    const res = await fetch(`${gateway}/api/vehicles/reload-probe`, { headers: { authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(5000) });
    return { status: res.status, body: await res.text() };
  };

  before(async () => {
    assert.ok(original.includes(ANCHOR), `${ROUTES} still has the line the test edits after`);
    scratch = await createScratchDb('reload');
    copy = await mkdtemp(join(tmpdir(), 'mvp-reload-'));
    for (const entry of COPIED) cpSync(join(REPO_ROOT, entry), join(copy, entry), { recursive: true, filter: (p) => !p.endsWith('.test.ts') });
    symlinkSync(join(REPO_ROOT, 'node_modules'), join(copy, 'node_modules'));
    assert.equal(existsSync(join(copy, 'legacy-express')), false);
    const [port, legacyPort, s3Port, fakesPort] = [await freePort(), await freePort(), await freePort(), await freePort()];
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '',
      DEV_DATA_DIR: join(copy, '.data'), DATABASE_URL: scratch.url, REDIS_URL: process.env.REDIS_URL ?? '',
      PORT: String(port), LEGACY_PORT: String(legacyPort), DEV_S3_PORT: String(s3Port), FAKE_EXTERNALS_PORT: String(fakesPort),
      APPS_FROM: 'source', DEV_TOOLS: 'true', LOG_LEVEL: 'warn', RATE_LIMIT_MAX: '1000000',
      // No *_BACKEND: without a legacy app `make dev` defaults every feature to its capsule.
    };
    gateway = `http://127.0.0.1:${port}`;
    supervisor = spawn(process.execPath, ['dev/stack.ts'], { cwd: copy, env, stdio: ['ignore', 'pipe', 'pipe'] });
    supervisor.stdout?.on('data', (b: Buffer) => { out += b.toString(); });
    supervisor.stderr?.on('data', (b: Buffer) => { out += b.toString(); });
    exited = new Promise((resolve) => supervisor.once('exit', resolve));
    await eventually(async () => {
      assert.equal(supervisor.exitCode, null, out);
      assert.match(out, /MotoVaultPro dev stack/);
    }, { timeoutMs: 90_000, intervalMs: 200 });
    const keys = await ensureDevKeys(join(copy, '.data', 'dev-keys'));
    token = await signToken({ privateJwk: keys.privateJwk, issuer: DEV_ISSUER, audience: DEV_AUDIENCE, sub: 'reload-test' });
    // From here on the gateway's port must answer every request, through every reload.
    poller = (async () => {
      while (polling) {
        try {
          const res = await fetch(`${gateway}/health/live`, { signal: AbortSignal.timeout(5000) });
          if (res.status !== 200) failures.push(`/health/live ${res.status}`);
        } catch (err) {
          failures.push(`/health/live: ${(err as Error).message}`);
        }
        await new Promise((r) => setTimeout(r, 50));
      }
    })();
  });

  after(async () => {
    polling = false;
    await poller;
    if (supervisor && supervisor.exitCode === null && supervisor.signalCode === null) {
      supervisor.kill('SIGTERM');
      await exited;
    }
    await scratch?.drop().catch(() => {});
    if (copy) await rm(copy, { recursive: true, force: true });
  });

  test('no legacy app, no legacy URL: an unclaimed /api path is the gateway\'s 404 NOT_FOUND (x-backend: fastify)', async () => {
    assert.match(out, /legacy\s+not started \(legacy-express\/ is gone\)/);
    const res = await fetch(`${gateway}/api/no-such-feature`, { headers: { authorization: `Bearer ${token}` } });
    assert.equal(res.status, 404);
    assert.equal(res.headers.get('x-backend'), 'fastify');
    assert.equal((await res.json()).error.code, 'NOT_FOUND');
    for (const path of ['/api/vehicles', '/api/fuel-logs', '/api/stations/saved', '/api/maintenance/records']) {
      const res = await fetch(`${gateway}${path}`, { headers: { authorization: `Bearer ${token}` } });
      assert.equal(res.status, 200, `${path}: every feature defaults to its native capsule`);
      assert.equal(res.headers.get('x-backend'), 'fastify', path);
    }
  });

  test('an edit to a capsule file is answered by the new code, with PostgreSQL, S3 and the fakes still up', async () => {
    const reloads = () => out.match(/\[stack\].*gateway reloaded/g)?.length ?? 0;
    const reloadsBefore = reloads();
    assert.notDeepEqual((await probe()).body, '{"edition":1}');
    const edited = Date.now();
    writeFileSync(join(copy, ROUTES), withProbe('({ edition: 1 })'));
    await eventually(async () => assert.deepEqual(await probe(), { status: 200, body: '{"edition":1}' }), { timeoutMs: 60_000, intervalMs: 100 });
    console.log(`[reload] the edit answered after ${Date.now() - edited} ms`);
    assert.equal(reloads(), reloadsBefore + 1, 'one reload');
    assert.doesNotMatch(out, /applying migrations[\s\S]*applying migrations/, 'the infrastructure was not restarted');
    assert.equal((await fetch(`${gateway}/api/vehicles`, { headers: { authorization: `Bearer ${token}` } })).status, 200, 'PostgreSQL still serves the new process');
  });

  test('a syntax error is printed and the last good gateway keeps serving; the fix is picked up', async () => {
    writeFileSync(join(copy, ROUTES), withProbe('({ edition: 2 }'));
    await eventually(async () => assert.match(out, /the new gateway code does not start/), { timeoutMs: 60_000, intervalMs: 100 });
    assert.match(out, /SyntaxError/, 'the error itself is printed');
    assert.match(out, /the running gateway \(PID \d+\) keeps serving until it is fixed/);
    assert.deepEqual(await probe(), { status: 200, body: '{"edition":1}' }, 'the last good code answers');
    writeFileSync(join(copy, ROUTES), withProbe('({ edition: 3 })'));
    await eventually(async () => assert.deepEqual(await probe(), { status: 200, body: '{"edition":3}' }), { timeoutMs: 60_000, intervalMs: 100 });
    polling = false;
    await poller;
    assert.deepEqual(failures, [], 'the gateway port answered throughout');
  });
});
