// At the keyboard, over real HTTP (a gateway and the legacy app): `make canary FEATURE=vehicles PERCENT=50
// OPS=reads` sends half the users' reads to Fastify (each user's own sticky bucket) while every write stays
// on Express; `make status` shows both sides and explains the guard states it prints; `make ramp` refuses a
// parameter it would not honour, naming it; writes cannot lead reads; FORCE=1 leaves shadow as `forced`.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import { inCanary } from '../../flags/bucket.ts';
import { startStack, ALL_EXPRESS, type Stack } from '../faults/support/stack.ts';
import { call } from '../faults/support/http.ts';

const run = promisify(execFile);
let stack: Stack;
let gatewayUrl: string;
let adminToken: string;

before(async () => {
  stack = await startStack({ label: 'progressive_reads', env: { ...ALL_EXPRESS } });
  const legacy = await stack.spawnLegacy();
  gatewayUrl = (await stack.spawnGateway(legacy.url, {}, 'gateway')).url;
  adminToken = await stack.sign({ sub: 'operator', permissions: ['admin:flags'] });
});
after(async () => stack?.close());

/** `make <args>` against this gateway; `-o node_modules/.installed`: never reinstall from a test. */
async function make(...args: string[]): Promise<{ code: number; out: string }> {
  try {
    const { stdout, stderr } = await run('make', ['-s', '-o', 'node_modules/.installed', ...args], { env: { ...process.env, GATEWAY_URL: gatewayUrl, ADMIN_TOKEN: adminToken } });
    return { code: 0, out: stdout + stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, out: e.stdout + e.stderr };
  }
}

test('make canary FEATURE=vehicles PERCENT=50 OPS=reads: half the users read natively, every write stays on express', async () => {
  const done = await make('canary', 'FEATURE=vehicles', 'PERCENT=50', 'OPS=reads');
  assert.equal(done.code, 0, done.out);
  const users = await Promise.all(Array.from({ length: 40 }, () => stack.newUser()));
  let nativeReaders = 0;
  for (const u of users) {
    const created = await call(gatewayUrl, 'POST', '/api/vehicles', { token: u.token, body: { make: 'Ops', model: 'Reads', year: 2020, nickname: 'w', odometer: 1 } });
    assert.equal(created.status, 201, created.text);
    assert.equal(created.headers['x-backend'], 'express', 'a write stays on express');
    const updated = await call(gatewayUrl, 'PUT', `/api/vehicles/${created.body.id}`, { token: u.token, body: { nickname: 'w2' } });
    assert.equal(updated.headers['x-backend'], 'express', `${updated.status} ${updated.text}`);
    const expected = inCanary('vehicles', u.sub, 50) ? 'fastify' : 'express';
    for (let i = 0; i < 2; i++) {
      const read = await call(gatewayUrl, 'GET', `/api/vehicles/${created.body.id}`, { token: u.token });
      assert.equal(read.status, 200, read.text);
      assert.equal(read.headers['x-backend'], expected, 'the user\'s own sticky bucket decides the read');
      assert.equal(read.body.nickname, 'w2');
    }
    if (expected === 'fastify') nativeReaders++;
  }
  assert.ok(nativeReaders >= 10 && nativeReaders <= 30, `${nativeReaders} of 40 users read natively`);

  const status = await make('status');
  assert.equal(status.code, 0, status.out);
  assert.match(status.out, /^vehicles\s+canary 50%\s+express\s/m);
  assert.match(status.out, /guard states:\n(\s+\S+\s+.+\n)+/);
  assert.match(status.out, /vehicles: set reads express → canary 50%, writes express → express/);
});

test('writes may not lead reads; a ramp parameter it would not honour is refused by name; FORCE=1 out of shadow is audited as forced', async () => {
  const lead = await make('canary', 'FEATURE=vehicles', 'PERCENT=60', 'OPS=writes');
  assert.notEqual(lead.code, 0);
  assert.match(lead.out, /409 CONFLICT: .*writes may not lead reads/);
  const ramp = await make('ramp', 'FEATURE=vehicles', 'MIN_REQUESTS=20');
  assert.notEqual(ramp.code, 0);
  assert.match(ramp.out, /400 VALIDATION_ERROR.*minRequests must be at least the guard's minimum sample/);
  assert.match((await make('ramp', 'FEATURE=vehicles', 'DWELL=soon')).out, /DWELL must be a whole number/);
  assert.match((await make('canary', 'FEATURE=vehicles', 'PERCENT=5', 'OPS=everything')).out, /OPS must be reads, writes or both/);

  assert.equal((await make('shadow', 'FEATURE=vehicles')).code, 0);
  const gated = await make('canary', 'FEATURE=vehicles', 'PERCENT=5');
  assert.match(gated.out, /409 CONFLICT: .*shadow gate not passed/);
  const forced = await make('canary', 'FEATURE=vehicles', 'PERCENT=5', 'FORCE=1');
  assert.equal(forced.code, 0, forced.out);
  const view = (await call(gatewayUrl, 'GET', '/admin/flags', { token: adminToken })).body;
  assert.deepEqual([view.audit[0].reason, view.audit[0].fromRollout.reads.stage, view.audit[0].toRollout.reads.percent, typeof view.audit[0].details.shadowGate.compared],
    ['forced', 'shadow', 5, 'number']);
  assert.equal((await make('rollback', 'FEATURE=vehicles')).code, 0);
});
