// The progressive admin API on a real gateway process: stage/percent and the legacy {backend} shape,
// bad input → 400/404/409 with nothing changed, ramp control, GET /admin/live, and no fault injection
// routes without DEV_TOOLS.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startStack, ALL_EXPRESS, type Stack } from '../faults/support/stack.ts';
import { call } from '../faults/support/http.ts';

type Proc = Awaited<ReturnType<Stack['spawnGateway']>>;
let stack: Stack;
let gw: Proc;
let admin: string;

before(async () => {
  stack = await startStack({ label: 'progressive_admin', env: { ...ALL_EXPRESS } });
  const legacy = await stack.spawnLegacy();
  gw = await stack.spawnGateway(legacy.url, {}, 'gateway (no DEV_TOOLS)');
  admin = await stack.sign({ sub: 'operator', permissions: ['admin:flags'] });
});
after(async () => stack?.close());

const req = (method: string, path: string, body?: unknown) => call(gw.url, method, path, { token: admin, body });

test('stage/percent and the legacy {backend} shape both work; the view says stage, percent, source, guard, ramp', async () => {
  const set = await req('PUT', '/admin/flags/vehicles', { stage: 'canary', percent: 25, reason: 'try it' });
  assert.equal(set.status, 200, set.text);
  const v = set.body.features.vehicles;
  assert.deepEqual([v.stage, v.percent, v.source, v.changedBy, v.reason, v.guard.state, v.ramp], ['canary', 25, 'override', 'operator', 'manual', v.guard.state, null]);
  assert.deepEqual([set.body.audit[0].to, set.body.audit[0].toPercent, set.body.audit[0].details], ['canary', 25, { ops: ['reads', 'writes'], note: 'try it' }]);
  const legacyShape = await req('PUT', '/admin/flags/vehicles', { backend: 'fastify' });
  assert.equal(legacyShape.body.features.vehicles.stage, 'fastify');
  const forced = await req('PUT', '/admin/flags/vehicles', { stage: 'fastify', force: true });
  assert.equal(forced.body.audit[0].reason, 'forced');
  assert.equal((await req('PUT', '/admin/flags/all', { stage: 'express' })).status, 200);
  assert.equal((await req('DELETE', '/admin/flags/all')).status, 200);
});

test('bad input → the contract body (400/404/409) and nothing changes', async () => {
  await req('PUT', '/admin/flags/vehicles', { stage: 'canary', percent: 10 });
  const before = (await req('GET', '/admin/flags')).body;
  const cases: Array<[string, string, unknown, number, string?]> = [
    ['PUT', '/admin/flags/vehicles', { stage: 'canary', percent: 101 }, 400, 'percent'],
    ['PUT', '/admin/flags/vehicles', { stage: 'canary', percent: 2.5 }, 400, 'percent'],
    ['PUT', '/admin/flags/vehicles', { stage: 'canary', percent: '25' }, 400, 'percent'],
    ['PUT', '/admin/flags/vehicles', { stage: 'canary' }, 400, 'percent'],
    ['PUT', '/admin/flags/vehicles', { stage: 'express', percent: 5 }, 400, 'percent'],
    ['PUT', '/admin/flags/vehicles', { stage: 'blue-green' }, 400, 'stage'],
    ['PUT', '/admin/flags/vehicles', { stage: 'canary', backend: 'express', percent: 5 }, 400, 'backend'],
    ['PUT', '/admin/flags/vehicles', { stage: 'express', force: true }, 400, 'force'],
    ['PUT', '/admin/flags/vehicles', {}, 400, 'stage'],
    ['PUT', '/admin/flags/all', { stage: 'canary', percent: 5 }, 400, 'stage'],
    ['PUT', '/admin/flags/rockets', { stage: 'canary', percent: 5 }, 404],
    ['POST', '/admin/flags/vehicles/ramp', { steps: [50, 25] }, 400, 'steps'],
    ['POST', '/admin/flags/vehicles/ramp', { steps: [5, 101] }, 400],
    ['POST', '/admin/flags/vehicles/ramp', { dwellSeconds: -1 }, 400],
    ['POST', '/admin/flags/all/ramp', {}, 404],
    ['POST', '/admin/flags/vehicles/ramp/pause', {}, 409],
    ['POST', '/admin/flags/vehicles/ramp/explode', {}, 400],
    ['POST', '/admin/flags/vehicles/ramp', { minRequests: 10 }, 400, 'minRequests'], // below the guard's sample: would not be honoured
    ['POST', '/admin/flags/vehicles/ramp', { ops: 'everything' }, 400, 'ops'],
    ['PUT', '/admin/flags/vehicles', { stage: 'canary', percent: 20, ops: 'writes' }, 409], // writes may not lead reads
    ['PUT', '/admin/flags/vehicles', { stage: 'express', ops: 'reads' }, 409],
    ['PUT', '/admin/flags/vehicles', { stage: 'shadow', ops: 'writes' }, 400, 'stage'],
    ['PUT', '/admin/flags/vehicles', { stage: 'express', ops: 'some' }, 400, 'ops'],
  ];
  for (const [method, path, body, status, field] of cases) {
    const res = await req(method, path, body);
    assert.equal(res.status, status, `${method} ${path} ${JSON.stringify(body)} → ${res.status} ${res.text}`);
    assert.equal(typeof res.body.error.code, 'string');
    if (field) assert.equal(res.body.error.details[0].field, field, res.text);
  }
  const afterView = (await req('GET', '/admin/flags')).body;
  assert.deepEqual(afterView.features.vehicles.stage, before.features.vehicles.stage);
  assert.deepEqual(afterView.features.vehicles.percent, 10);
  assert.deepEqual(afterView.audit[0], before.audit[0], 'no audit entry for refused input');
});

test('a ramp starts at its first step, can be paused, resumed and aborted (abort → express)', async () => {
  const started = await req('POST', '/admin/flags/vehicles/ramp', { steps: [5, 50, 100], dwellSeconds: 600, minRequests: 200 });
  assert.equal(started.status, 200, started.text);
  assert.deepEqual([started.body.features.vehicles.stage, started.body.features.vehicles.percent, started.body.features.vehicles.ramp.state], ['canary', 5, 'running']);
  assert.equal((await req('POST', '/admin/flags/vehicles/ramp/pause')).body.features.vehicles.ramp.state, 'paused');
  assert.equal((await req('POST', '/admin/flags/vehicles/ramp/resume')).body.features.vehicles.ramp.state, 'running');
  const aborted = (await req('POST', '/admin/flags/vehicles/ramp/abort')).body;
  assert.deepEqual([aborted.features.vehicles.ramp.state, aborted.features.vehicles.stage], ['aborted', 'express']);
  assert.deepEqual(aborted.audit.slice(0, 3).map((a: { action: string }) => a.action), ['ramp-abort', 'ramp-resume', 'ramp-pause']);
  assert.equal(aborted.features.vehicles.writes.stage, 'express');
});

test('reads and writes move separately: a reads-only ramp leaves writes on express; views show both sides', async () => {
  await req('PUT', '/admin/flags/vehicles', { stage: 'express' });
  const started = await req('POST', '/admin/flags/vehicles/ramp', { steps: [10, 100], dwellSeconds: 600, ops: 'reads' });
  assert.equal(started.status, 200, started.text);
  const v = started.body.features.vehicles;
  assert.deepEqual([v.reads.stage, v.reads.percent, v.writes.stage, v.ramp.ops], ['canary', 10, 'express', ['reads']]);
  assert.deepEqual([v.guards.reads.state === 'collecting' || v.guards.reads.state === 'stale', v.guards.writes.state], [true, 'idle']);
  const writes = await req('PUT', '/admin/flags/vehicles', { stage: 'canary', percent: 10, ops: 'writes' });
  assert.equal(writes.status, 200, writes.text);
  assert.deepEqual([writes.body.features.vehicles.writes.percent, writes.body.features.vehicles.ramp.state], [10, 'aborted'], 'a manual change ends the ramp');
  assert.equal((await req('PUT', '/admin/flags/vehicles', { stage: 'express' })).status, 200);
});

test('parallel PUT shadow and PUT canary: never an unforced move out of shadow without the gate, the audit chain unbroken', async () => {
  await req('PUT', '/admin/flags/vehicles', { stage: 'express' });
  const from = (await req('GET', '/admin/flags')).body.features.vehicles.version;
  for (let round = 0; round < 4; round++) {
    await Promise.all([
      req('PUT', '/admin/flags/vehicles', { stage: 'shadow' }), req('PUT', '/admin/flags/vehicles', { stage: 'canary', percent: 50 }),
      req('PUT', '/admin/flags/vehicles', { stage: 'shadow' }), req('PUT', '/admin/flags/vehicles', { stage: 'canary', percent: 30 }),
    ]);
  }
  const { audit } = (await req('GET', '/admin/flags')).body;
  const rows = audit.filter((a: { feature: string; version: number }) => a.feature === 'vehicles' && a.version > from).reverse();
  assert.ok(rows.length > 0);
  for (let i = 0; i < rows.length; i++) {
    if (i > 0) assert.deepEqual(rows[i].fromRollout, rows[i - 1].toRollout, `audit row ${i} starts where the previous one ended`);
    if (rows[i].fromRollout.reads.stage === 'shadow' && rows[i].toRollout.reads.stage === 'canary') {
      assert.ok(rows[i].reason === 'forced' || rows[i].details?.shadowGate, `unforced shadow → canary without the gate: ${JSON.stringify(rows[i])}`);
    }
  }
  await req('PUT', '/admin/flags/vehicles', { stage: 'express' });
});

test('GET /admin/live: both backends and both sides of every feature, 1m/5m stats and a 60-point series', async () => {
  const user = await stack.newUser();
  for (let i = 0; i < 5; i++) await call(gw.url, 'GET', '/api/vehicles', { token: user.token });
  await new Promise((r) => setTimeout(r, 2200));
  const live = (await req('GET', '/admin/live')).body;
  assert.equal(live.shared, Boolean(process.env.REDIS_URL));
  const w = live.features.vehicles.express;
  assert.ok(w['1m'].requests >= 5, JSON.stringify(w['1m']));
  assert.deepEqual(Object.keys(w['5m']).sort(), ['errorRate', 'errors5xx', 'p50', 'p99', 'refused', 'requests', 'rps']);
  assert.equal(w.series.length, 60);
  assert.ok(live.features.vehicles.reads.express['1m'].requests >= 5, 'the GETs are reads');
  assert.equal(live.features.vehicles.writes.express.series.length, 60);
  assert.ok(live.features.maintenance.fastify);
});

test('without DEV_TOOLS there is no fault injection route', async () => {
  const res = await req('PUT', '/dev/chaos/vehicles', { errors: 30, latencyMs: 0 });
  assert.equal(res.status, 404);
});
