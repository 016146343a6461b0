// Progressive delivery across three real gateway processes (one legacy app, one PostgreSQL, one Redis):
// sticky canary split and push time, the guard rolling back injected native errors on every instance,
// the guard ignoring a slower legacy, leader handover after SIGKILL, and a flip + ramp step + rollback
// under a read/write load with zero failures and every acknowledged write kept. Short guard window.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startStack, ALL_EXPRESS, type Stack } from '../faults/support/stack.ts';
import { call } from '../faults/support/http.ts';
import { inCanary } from '../../flags/bucket.ts';
import { startSlowProxy, type SlowProxy } from './support/slow-proxy.ts';
import { failures, injected, startLoad } from './support/load.ts';

type Proc = Awaited<ReturnType<Stack['spawnGateway']>>;

const WINDOW_MS = 4000;
const USERS = 1200;
const skip = process.env.REDIS_URL ? false : 'REDIS_URL not set: the shared window needs Redis';

let stack: Stack;
let slow: SlowProxy;
let gateways: Proc[];
let admin: string;
const subs: string[] = [];
const tokens: string[] = [];
const figures: Record<string, unknown> = {};

const urls = () => gateways.filter((g) => g.alive).map((g) => g.url);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function put(path: string, body: unknown, gw = urls()[0]) {
  const res = await call(gw, 'PUT', path, { token: admin, body });
  assert.equal(res.status, 200, `PUT ${path}: ${res.status} ${res.text}`);
  return res;
}

async function flags(gw = urls()[0]) {
  return (await call(gw, 'GET', '/admin/flags', { token: admin })).body;
}

/** Sets the stage on gateway 0 and measures how long until every instance routes `probe` to `expect`. */
async function setAndTimePush(body: unknown, probe: number, expect: string): Promise<number> {
  const t0 = Date.now();
  await put('/admin/flags/vehicles', body, gateways[0].url);
  const times = await Promise.all(urls().map(async (gw) => {
    for (;;) {
      const res = await call(gw, 'GET', '/api/vehicles', { token: tokens[probe] });
      if (res.headers['x-backend'] === expect) return Date.now() - t0;
      if (Date.now() - t0 > 5000) return Infinity;
      await sleep(10);
    }
  }));
  return Math.max(...times);
}

async function leaderIndex(): Promise<number> {
  for (const [i, g] of gateways.entries()) {
    if (!g.alive) continue;
    const res = await call(g.url, 'GET', '/metrics');
    if (/^progressive_leader 1$/m.test(res.text)) return i;
  }
  return -1;
}

before(async () => {
  if (skip) return;
  stack = await startStack({
    label: 'progressive',
    env: {
      ...ALL_EXPRESS, GUARD_WINDOW_MS: String(WINDOW_MS), GUARD_MIN_REQUESTS: '100', GUARD_INTERVAL_MS: '250',
      WINDOW_PUSH_INTERVAL_MS: '250', LEADER_RETRY_MS: '500', FLAG_SYNC_INTERVAL_MS: '1000', DEV_TOOLS: 'true',
    },
  });
  const legacy = await stack.spawnLegacy();
  slow = await startSlowProxy(new URL(legacy.url));
  gateways = await Promise.all(['A', 'B', 'C'].map((n) => stack.spawnGateway(slow.url, {}, `gateway ${n}`)));
  admin = await stack.sign({ sub: 'operator', permissions: ['admin:flags'] });
  for (let i = 0; i < USERS; i++) {
    subs.push(`auth0|canary-user-${i}`);
    tokens.push(await stack.sign({ sub: subs[i] }));
  }
});

after(async () => {
  if (skip) return;
  console.log(`[progressive] figures: ${JSON.stringify(figures)}`);
  await slow?.close();
  await stack?.close();
});

test('canary 25% → sticky per user on all instances, share 25 ± 5%; 50% keeps every native user native; 0% → all express', { skip }, async () => {
  const probe = subs.findIndex((s) => inCanary('vehicles', s, 25));
  figures.pushMs = [await setAndTimePush({ stage: 'canary', percent: 25 }, probe, 'fastify')];

  // every user on every instance (A, B, C, then A again), 12 at a time
  const perUser = new Map<number, Set<string>>();
  const bad: string[] = [];
  let next = 0;
  await Promise.all(Array.from({ length: 12 }, async () => {
    for (let u = next++; u < USERS; u = next++) {
      const backends = new Set<string>();
      for (const g of [0, 1, 2, 0]) {
        const res = await call(gateways[g].url, 'GET', '/api/vehicles', { token: tokens[u] });
        if (res.status !== 200) bad.push(`user ${u} on gateway ${g}: ${res.status} ${res.text}`);
        backends.add(res.headers['x-backend']);
      }
      perUser.set(u, backends);
    }
  }));
  assert.deepEqual(bad, []);
  for (let u = 0; u < USERS; u++) {
    const backends = perUser.get(u);
    assert.ok(backends, `user ${u} made requests`);
    assert.equal(backends.size, 1, `user ${u} saw ${[...backends]}`);
    assert.equal([...backends][0], inCanary('vehicles', subs[u], 25) ? 'fastify' : 'express', `user ${u} is in the bucket the hash says`);
  }
  const native = [...perUser.entries()].filter(([, b]) => b.has('fastify')).map(([u]) => u);
  const share = native.length / USERS;
  figures.share25 = share;
  figures.stickiness = 'every user one backend on 3 instances × ≥ 4 requests';
  assert.ok(Math.abs(share - 0.25) <= 0.05, `native share ${share}`);

  figures.pushMs = [...(figures.pushMs as number[]), await setAndTimePush({ stage: 'canary', percent: 50 }, subs.findIndex((s) => !inCanary('vehicles', s, 25) && inCanary('vehicles', s, 50)), 'fastify')];
  let native50 = 0;
  for (let u = 0; u < USERS; u++) {
    const res = await call(gateways[u % 3].url, 'GET', '/api/vehicles', { token: tokens[u] });
    if (res.headers['x-backend'] === 'fastify') native50++;
    if (native.includes(u)) assert.equal(res.headers['x-backend'], 'fastify', `native user ${u} went back to express at 50%`);
  }
  figures.share50 = native50 / USERS;
  assert.ok(Math.abs(native50 / USERS - 0.5) <= 0.05, `share at 50%: ${native50 / USERS}`);

  figures.pushMs = [...(figures.pushMs as number[]), await setAndTimePush({ stage: 'canary', percent: 0 }, probe, 'express')];
  for (let u = 0; u < USERS; u += 7) {
    assert.equal((await call(gateways[u % 3].url, 'GET', '/api/vehicles', { token: tokens[u] })).headers['x-backend'], 'express');
  }
  // no readable sub (no token) → express even at 100%
  await put('/admin/flags/vehicles', { stage: 'canary', percent: 100 });
  assert.equal((await call(gateways[1].url, 'GET', '/api/vehicles')).headers['x-backend'], 'express');
  for (const ms of figures.pushMs as number[]) assert.ok(ms <= 1000, `push took ${ms} ms`);
  await put('/admin/flags/vehicles', { stage: 'express' });
});

test('injected native errors (30%) during a canary → guard rolls back within two windows, every instance on express within 1 s, audit has the figures', { skip }, async () => {
  await put('/dev/chaos/vehicles', { errors: 30, latencyMs: 0 });
  const load = startLoad({ gateways: urls, tokens, concurrency: 12 });
  await sleep(300);
  const started = Date.now();
  await put('/admin/flags/vehicles', { stage: 'canary', percent: 50 });
  // per instance: when did a native user last get fastify, first get express after it
  const probe = subs.findIndex((s) => inCanary('vehicles', s, 50));
  const switched: number[] = [];
  await Promise.all(urls().map(async (gw, i) => {
    let wasNative = false;
    for (;;) {
      const res = await call(gw, 'GET', '/api/vehicles', { token: tokens[probe] });
      if (res.headers['x-backend'] === 'fastify') wasNative = true;
      else if (wasNative) { switched[i] = Date.now(); return; }
      if (Date.now() - started > 3 * WINDOW_MS) return;
      await sleep(20);
    }
  }));
  const hits = await load.stop();
  await call(urls()[0], 'DELETE', '/dev/chaos/vehicles', { token: admin });
  const view = await flags();
  const entry = view.audit.find((a: { reason: string }) => a.reason === 'guard');
  assert.ok(entry, 'a guard entry in the audit');
  const decidedAt = Date.parse(entry.changedAt);
  figures.timeToRollbackMs = decidedAt - started;
  figures.instanceSwitchAfterDecisionMs = switched.map((t) => t - decidedAt);
  assert.equal(view.features.vehicles.stage, 'express');
  assert.ok(decidedAt - started <= 2 * WINDOW_MS, `rolled back after ${decidedAt - started} ms`);
  for (const t of switched) assert.ok(t !== undefined && t - decidedAt <= 1000, `an instance switched ${t - decidedAt} ms after the decision`);
  assert.equal(entry.from, 'canary');
  assert.equal(entry.fromPercent, 50);
  assert.ok(entry.details.native.requests >= 100 && entry.details.native.successRate < 0.99, JSON.stringify(entry.details));
  assert.ok(entry.details.breaches.some((b: string) => /native success/.test(b)));
  assert.equal(view.features.vehicles.guard.state, 'rolled-back');
  assert.ok(hits.some((h) => injected(h.res)), 'faults were injected');
  assert.deepEqual(failures(hits), [], 'no failures but the injected ones');
  const metrics = (await call(gateways[await leaderIndex()].url, 'GET', '/metrics')).text;
  assert.match(metrics, /progressive_guard_rollbacks_total\{feature="vehicles"\} 1/);
});

test('a slower legacy does not make the guard roll back', { skip }, async () => {
  slow.delayMs = 120;
  const load = startLoad({ gateways: urls, tokens, concurrency: 12 });
  await put('/admin/flags/vehicles', { stage: 'canary', percent: 50 });
  await sleep(2.5 * WINDOW_MS);
  const view = await flags();
  const hits = await load.stop();
  slow.delayMs = 0;
  assert.equal(view.features.vehicles.stage, 'canary', JSON.stringify(view.features.vehicles.guard));
  assert.equal(view.features.vehicles.guard.state, 'healthy');
  const f = view.features.vehicles.guard.figures;
  assert.ok(f.legacy.p99 > f.native.p99 + 50, `legacy slower in the figures: ${JSON.stringify(f)}`);
  assert.deepEqual(failures(hits), []);
  figures.slowLegacy = { nativeP99: f.native.p99, legacyP99: f.legacy.p99, stage: view.features.vehicles.stage };
});

test('the leader killed with SIGKILL → another instance leads and decides within 5 s', { skip }, async () => {
  const first = await leaderIndex();
  assert.ok(first >= 0, 'one instance leads');
  gateways[first].signal('SIGKILL');
  const killed = Date.now();
  await gateways[first].exited;
  let next = -1;
  while (next < 0 && Date.now() - killed < 10_000) {
    next = await leaderIndex();
    if (next < 0) await sleep(100);
  }
  figures.leaderHandoverMs = Date.now() - killed;
  assert.ok(next >= 0 && next !== first, 'a new leader');
  assert.ok(Date.now() - killed <= 5000, `handover took ${Date.now() - killed} ms`);
  // and it decides: injected errors roll the (still running) canary back
  await put('/dev/chaos/vehicles', { errors: 50, latencyMs: 0 });
  const load = startLoad({ gateways: urls, tokens, concurrency: 12 });
  const t0 = Date.now();
  let stage = 'canary';
  while (stage === 'canary' && Date.now() - t0 < 3 * WINDOW_MS) {
    await sleep(200);
    stage = (await flags()).features.vehicles.stage;
  }
  await load.stop();
  await call(urls()[0], 'DELETE', '/dev/chaos/vehicles', { token: admin });
  assert.equal(stage, 'express', 'the new leader rolled back');
  figures.newLeaderDecisionMs = Date.now() - t0;
});

test('a flip, a ramp step and a rollback under a read/write load: zero failures, every acknowledged write present', { skip }, async () => {
  const acked = new Map<string, string>();
  let n = 0;
  const load = startLoad({ gateways: urls, tokens: tokens.slice(0, 200), concurrency: 10, request: async (u, gw, token) => {
    if (n++ % 3 === 0) {
      const nickname = `pd-${u}-${n}`;
      const res = await call(gw, 'POST', '/api/vehicles', { token, body: { make: 'Ramp', model: 'Load', year: 2021, nickname, odometer: 1 } });
      if (res.status === 201) acked.set(res.body.id, nickname);
      return res;
    }
    return call(gw, 'GET', '/api/vehicles', { token });
  } });
  await sleep(500);
  await put('/admin/flags/vehicles', { stage: 'canary', percent: 25 }); // the flip
  await sleep(500);
  const ramp = await call(urls()[0], 'POST', '/admin/flags/vehicles/ramp', { token: admin, body: { steps: [25, 50, 75], dwellSeconds: 1, minRequests: 100 } });
  assert.equal(ramp.status, 200, ramp.text);
  let percent = 25;
  const t0 = Date.now();
  while (percent !== 50 && Date.now() - t0 < 4 * WINDOW_MS) {
    await sleep(200);
    percent = (await flags()).features.vehicles.percent;
  }
  assert.equal(percent, 50, 'the ramp stepped to 50 under load');
  await put('/admin/flags/vehicles', { stage: 'express' }); // the rollback
  await sleep(800);
  const hits = await load.stop();
  assert.deepEqual(failures(hits), []);
  const backends = new Set(hits.map((h) => h.res.headers['x-backend']));
  assert.deepEqual([...backends].sort(), ['express', 'fastify']);
  const ids = [...acked.keys()];
  const { rows } = await stack.db.query('SELECT id, nickname FROM vehicles WHERE id = ANY($1)', [ids]);
  assert.equal(rows.length, ids.length, 'every acknowledged write is in the database');
  for (const r of rows) assert.equal(r.nickname, acked.get(r.id));
  const view = await flags();
  assert.equal(view.features.vehicles.ramp.state, 'aborted', 'the manual rollback stopped the ramp');
  assert.ok(view.audit.some((a: { reason: string; toPercent: number }) => a.reason === 'ramp' && a.toPercent === 50));
  figures.zeroLoss = { requests: hits.length, writes: ids.length };
});
