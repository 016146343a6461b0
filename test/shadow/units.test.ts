// Unit tests of the shadow pieces around the comparison: the replay of one sample (external providers never
// called), the budget, route templates, the noise verdicts of the report, the gate and the field corruption
// used by the dev fault injection.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { replaySample, waitedTooLong, type Backend, type Sample } from '../../src/shadow/replay.ts';
import { refusingFetch } from '../../src/shadow/worker/externals.ts';
import { ShadowBudget } from '../../src/shadow/budget.ts';
import { RouteTemplates } from '../../src/routing/route-templates.ts';
import { ShadowRecorder } from '../../src/shadow/recorder.ts';
import { MemoryResultsStore } from '../../src/shadow/results-store.ts';
import { featureReport } from '../../src/shadow/report.ts';
import { compareAnswers, type Captured } from '../../src/shadow/compare.ts';
import { checkShadowGate, ShadowGateError } from '../../src/shadow/gate.ts';
import { mutateField } from '../../src/dev-tools/mutate.ts';
import { replayHeaders } from '../../src/shadow/runner.ts';
import { CalibrationPicker } from '../../src/shadow/calibration.ts';
import { ExpressContractCheck } from '../../src/shadow/contract-check.ts';
import { coreWaitMs, starvationAwareLimit, wasStarved } from '../../src/shadow/worker/starvation.ts';
import { RunSlots } from '../../src/shadow/worker/run-slots.ts';
import { Outbox } from '../../src/shadow/outbox.ts';
import { RunTable } from '../../src/shadow/run-table.ts';


test('the budget admits at most maxConcurrent runs and none while the event loop lags', async () => {
  const b = new ShadowBudget({ maxConcurrent: 2, maxLagMs: 100, sampleMs: 60_000 }); // judged by hand below
  b.start();
  try {
    assert.equal(b.acquire(), 'ok');
    assert.equal(b.acquire(), 'ok');
    assert.equal(b.acquire(), 'busy');
    b.release();
    assert.equal(b.acquire(), 'ok');
    b.release();
    b.release();
    await new Promise((r) => setTimeout(r, 50));
    const until = Date.now() + 300;
    while (Date.now() < until) { /* block the event loop */ }
    await new Promise((r) => setTimeout(r, 30)); // the monitor records the delay
    b.judge();
    assert.equal(b.acquire(), 'lag');
    await new Promise((r) => setTimeout(r, 100)); // a calm interval clears it
    b.judge();
    assert.equal(b.acquire(), 'ok');
  } finally {
    b.stop();
  }
});

test('route templates: static segments win over params, HEAD falls back to GET, query ignored', () => {
  const t = new RouteTemplates();
  t.add('GET', '/api/vehicles/');
  t.add('GET', '/api/vehicles/:id');
  t.add('GET', '/api/vehicles/:id/photo');
  t.add('GET', '/api/vehicles/decode-vin/:vin');
  assert.equal(t.match('GET', '/api/vehicles?limit=1'), 'GET /api/vehicles');
  assert.equal(t.match('GET', '/api/vehicles/abc'), 'GET /api/vehicles/:id');
  assert.equal(t.match('GET', '/api/vehicles/decode-vin/1HGCM82633A004352'), 'GET /api/vehicles/decode-vin/:vin');
  assert.equal(t.match('GET', '/api/vehicles/decode-vin'), 'GET /api/vehicles/:id');
  assert.equal(t.match('HEAD', '/api/vehicles/abc/photo'), 'HEAD /api/vehicles/:id/photo');
  assert.equal(t.match('GET', '/api/vehicles/a/b/c'), undefined);
  assert.equal(t.match('POST', '/api/vehicles'), undefined);
});

const json = (value: unknown): Captured => ({ status: 200, contentType: 'application/json; charset=utf-8', body: Buffer.from(JSON.stringify(value)) });

test('report: a field that also differs between Express answers is noise; a real difference stays a mismatch', async () => {
  const store = new MemoryResultsStore({ retentionMs: 3_600_000, maxExamples: 5 });
  const rec = new ShadowRecorder(store, { flushMs: 1000, maxExamples: 5, retentionMs: 3_600_000 });
  const base = { method: 'GET', route: 'GET /api/x/:id', query: '', status: { express: 200, native: 200 } };
  for (let i = 0; i < 10; i++) {
    const express = json({ id: 1, at: `t${i}`, name: 'a' });
    const native = json({ id: 1, at: `n${i}`, name: i < 2 ? 'b' : 'a' });
    const calibration = compareAnswers(express, json({ id: 1, at: `u${i}`, name: 'a' }));
    rec.compared('x', 'GET /api/x/:id', compareAnswers(express, native), i % 2 ? calibration : null, base);
  }
  await rec.flush();
  const r = featureReport('x', await store.read('x'));
  assert.equal(r.compared, 10);
  assert.equal(r.mismatched, 2, 'the two with a differing name');
  assert.equal(r.noisy, 8);
  assert.equal(r.calibrated, 5);
  const route = r.routes[0];
  assert.deepEqual(route.topFields.map((f) => [f.path, f.nativeDiffs, f.expressDiffs, f.verdict]), [['at', 10, 5, 'noise'], ['name', 2, 0, 'mismatch']]);
  assert.equal(route.examples.length, 5);
});

test('the gate: only leaving shadow for canary/fastify is judged; 409 with figures unless forced', async () => {
  const settings = { minComparisons: 100, maxMismatchRate: 0.001 };
  const figures = (compared: number, mismatched: number, errored = 0) => async () => ({
    compared, matched: compared - mismatched, mismatched, noisy: 0, skipped: 0, errored, calibrated: 0,
    mismatchRate: compared ? mismatched / compared : 0, errorRate: errored / (compared + errored || 1),
  });
  assert.deepEqual(await checkShadowGate(figures(0, 0), 'vehicles', 'express', 'fastify', false, settings), { forced: false });
  assert.deepEqual(await checkShadowGate(figures(0, 0), 'vehicles', 'shadow', 'express', false, settings), { forced: false });
  await assert.rejects(checkShadowGate(figures(99, 0), 'vehicles', 'shadow', 'canary', false, settings), ShadowGateError);
  await assert.rejects(checkShadowGate(figures(1000, 2), 'vehicles', 'shadow', 'fastify', false, settings), (err: ShadowGateError) =>
    err.status === 409 && err.toBody().error.figures.mismatched === 2 && err.toBody().error.code === 'CONFLICT');
  await assert.rejects(checkShadowGate(figures(1000, 0, 5), 'vehicles', 'shadow', 'fastify', false, settings), ShadowGateError);
  assert.equal((await checkShadowGate(figures(1000, 1), 'vehicles', 'shadow', 'fastify', false, settings)).forced, false);
  const forced = await checkShadowGate(figures(10, 5), 'vehicles', 'shadow', 'canary', true, settings);
  assert.equal(forced.forced, true);
  assert.equal(forced.figures?.compared, 10);
});

test('dev field corruption changes that field everywhere and nothing else', () => {
  const body = { nickname: 'a', n: 1, items: [{ nickname: 'b', year: 2 }, { color: 'red' }] };
  assert.equal(mutateField(body, 'nickname'), true);
  assert.deepEqual(body, { nickname: 'a~mutated', n: 1, items: [{ nickname: 'b~mutated', year: 2 }, { color: 'red' }] });
  assert.equal(mutateField({ x: 1 }, 'nickname'), false);
});

test('a replay: compared, native 5xx, timeout, and a provider call refused → skipped external, never made', async () => {
  const sample: Sample = { feature: 'x', route: 'GET /api/x/:id', method: 'GET', url: '/api/x/1', headers: {}, requestId: 'r1' };
  const express = json({ id: 1, name: 'a' });
  const settings = { timeoutMs: 200, maxWaitMs: 500, noiseRate: 0, noiseMaxPerSecond: 5, maxBodyBytes: 1024, matchById: false };
  const again: Backend = async () => { throw new Error('not called when no calibration is picked'); };
  const run = (native: Backend) => replaySample(sample, express, { native, express: again, settings, calibrate: () => false, checkContract: () => null });

  const compared = await run(async () => json({ id: 1, name: 'b' }));
  assert.equal(compared.kind, 'compared');
  assert.deepEqual(compared.kind === 'compared' && compared.result.diffs, [{ path: 'name', express: 'a', native: 'b' }]);
  assert.deepEqual(await run(async () => ({ ...json({}), status: 503 })), { kind: 'errored', reason: 'native_5xx', nativeStatus: 503 });
  const hang: Backend = (_s, signal) => new Promise((_resolve, reject) => signal.addEventListener('abort', () => reject(signal.reason)));
  assert.deepEqual(await run(hang), { kind: 'errored', reason: 'timeout', nativeStatus: null });

  // A capsule whose provider client is the replay's: the client refuses (no request leaves), the capsule
  // answers its 502, and the replay counts a skip instead of comparing that answer.
  let reached = 0;
  const provider: Backend = async () => {
    try {
      await refusingFetch('http://127.0.0.1:9/never');
      reached++;
    } catch {
      return { ...json({ error: { code: 'EXTERNAL_SERVICE_ERROR' } }), status: 502 };
    }
    return json({});
  };
  assert.deepEqual(await run(provider), { kind: 'skipped', reason: 'external' });
  assert.equal(reached, 0);
});

test('a sample that waited too long for the replay worker is dropped; the wait counts from the worker start for earlier posts', () => {
  const posted = 10_000;
  assert.equal(waitedTooLong(posted, 0, posted + 500, 500), false, 'exactly the limit still runs');
  assert.equal(waitedTooLong(posted, 0, posted + 501, 500), true, 'the CPU went to the clients: give way');
  // Posted while the worker started (ready 3 s later): the start is not the machine being busy.
  assert.equal(waitedTooLong(posted, posted + 3000, posted + 3200, 500), false);
  assert.equal(waitedTooLong(posted, posted + 3000, posted + 3600, 500), true);
});

test("a replay's headers: the client's own, without hop-by-hop or trace-context ones (a replay is never part of the client's trace)", () => {
  const headers = replayHeaders({
    authorization: 'Bearer t', accept: ['application/json', 'text/plain'], 'x-request-id': 'r1', cookie: undefined,
    connection: 'keep-alive', host: 'gw', 'content-length': '0', traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
    tracestate: 'vendor=1', baggage: 'user=1',
  });
  assert.deepEqual(headers, { authorization: 'Bearer t', accept: 'application/json, text/plain', 'x-request-id': 'r1' });
});

test('noise calibration: SHADOW_NOISE_RATE % of replays, at most SHADOW_NOISE_MAX_PER_SECOND per route each second', () => {
  let now = 10_000;
  let draw = 0;
  const draws = [0.05, 0.5, 0.01, 0.02, 0.03, 0.04];
  const picker = new CalibrationPicker({ noiseRate: 10, maxPerSecond: 2 }, () => now, () => draws[draw++ % draws.length]);
  // 0.05 → picked; 0.5 → over the 10 % rate; 0.01 → picked; 0.02 → the route's 2 this second are used.
  assert.deepEqual([picker.pick('a'), picker.pick('a'), picker.pick('a'), picker.pick('a')], [true, false, true, false]);
  assert.equal(picker.pick('b'), true); // another route has its own allowance (draw 0.03)
  now += 1000;
  assert.equal(picker.pick('a'), true); // a new second (draw 0.04)
  const never = new CalibrationPicker({ noiseRate: 0, maxPerSecond: 100 }, () => now, () => 0);
  assert.equal(never.pick('a'), false);
  const always = new CalibrationPicker({ noiseRate: 100, maxPerSecond: 3 }, () => now, Math.random);
  assert.equal(Array.from({ length: 10 }, () => always.pick('a')).filter(Boolean).length, 3);
});

test("the contract check of Express's answers: body, status and type against the document; the same answer judged once", () => {
  const doc = {
    openapi: '3.1.0',
    paths: {
      '/api/things/{id}': {
        get: {
          responses: {
            200: { content: { 'application/json': { schema: { type: 'object', required: ['id', 'name'], properties: { id: { type: 'integer' }, name: { type: 'string' } } } } } },
            404: { content: { 'application/json': { schema: { type: 'object' } } } },
          },
        },
      },
    },
  };
  const check = new ExpressContractCheck(doc);
  const route = 'GET /api/things/:id';
  const answer = (status: number, body: unknown, contentType = 'application/json; charset=utf-8') => ({ status, contentType, body: Buffer.from(JSON.stringify(body)) });
  assert.deepEqual(check.violations(route, answer(200, { id: 1, name: 'a' })), []);
  assert.deepEqual(check.violations(route, answer(200, { id: 1, name: 'a', servedAt: 'now' })), [{ path: 'body.servedAt', message: 'is not in the document' }]);
  const byPath = (vs: Array<{ path: string }> | null) => [...(vs ?? [])].sort((a, b) => a.path.localeCompare(b.path));
  assert.deepEqual(byPath(check.violations(route, answer(200, { id: '1' }))), [{ path: 'body.id', message: 'must be integer' }, { path: 'body.name', message: 'is required' }]);
  assert.deepEqual(check.violations(route, answer(500, {})), [{ path: 'status', message: '500 is not documented for GET /api/things/:id' }]);
  assert.deepEqual(check.violations(route, answer(200, { id: 1, name: 'a' }, 'text/html')), [{ path: 'content-type', message: 'text/html is not one of application/json' }]);
  assert.equal(check.violations('GET (no native route)', answer(200, {})), null);
  const first = check.violations(route, answer(200, { id: 1 }));
  assert.equal(check.violations(route, answer(200, { id: 1 })), first); // memoised: the very same verdict object
});

test('a timed-out replay is starved (skipped busy) when it waited for a core, or the loop was late and the worker used little CPU', () => {
  const run = { timeoutMs: 2000, wallMs: 2100, coreWaitMs: 0 };
  assert.equal(wasStarved({ ...run, lateMs: 1500, cpuMs: 40 }), true); // stopped: no CPU, the loop behind, no wait for a core
  assert.equal(wasStarved({ ...run, lateMs: 1500, cpuMs: 2000 }), false); // a handler spinning: late loop, but its own CPU
  assert.equal(wasStarved({ ...run, lateMs: 20, cpuMs: 30 }), false); // slow I/O (a slow query): the loop on time
  // Out-prioritised in slivers: the loop never far behind, but the thread spent 600 ms ready and not running.
  assert.equal(wasStarved({ ...run, lateMs: 120, cpuMs: 90, coreWaitMs: 600 }), true);
  assert.equal(wasStarved({ ...run, lateMs: 120, cpuMs: 90, coreWaitMs: 300 }), false);
  assert.equal(wasStarved({ ...run, lateMs: 120, cpuMs: 90, coreWaitMs: null }), false); // unknown: the loop rule alone
});

test('a run\'s time limit grants back the time its thread waited for a core, up to the allowance', async () => {
  let waited = 0;
  const expiredAfter = async (extraMs: number, waitBeforeFirstCheck: number, reader: () => number | null = () => waited) => {
    waited = 0;
    const t0 = performance.now();
    const expired = new Promise<number>((resolve) => starvationAwareLimit(100, extraMs, () => resolve(performance.now() - t0), 0, reader));
    setTimeout(() => { waited = waitBeforeFirstCheck; }, 50);
    return expired;
  };
  const plain = await expiredAfter(500, 0);
  assert.ok(plain >= 99 && plain < 180, `no wait for a core: the plain 100 ms (${plain})`);
  const extended = await expiredAfter(500, 150);
  assert.ok(extended >= 249, `150 ms waited for a core: granted back (${extended})`);
  const capped = await expiredAfter(60, 150);
  assert.ok(capped >= 159 && capped < 240, `the grant stops at the allowance (${capped})`);
  const unknown = await expiredAfter(500, 150, () => null);
  assert.ok(unknown < 180, `no schedstat: the plain limit (${unknown})`);
  const real = coreWaitMs();
  assert.ok(process.platform !== 'linux' || (typeof real === 'number' && real >= 0), `this thread's run-queue wait reads as ms (${real})`);
  let cancelledFired = false;
  starvationAwareLimit(30, 0, () => { cancelledFired = true; }, 0)();
  await new Promise((r) => setTimeout(r, 60));
  assert.equal(cancelledFired, false, 'a cancelled limit never expires');
});

test('the worker runs at most its slots\' worth of replays at once; the others start in arrival order as slots free', async () => {
  const slots = new RunSlots(2);
  const started: number[] = [];
  const ends: Array<() => void> = [];
  const runs = [1, 2, 3, 4].map(async (n) => {
    await slots.acquire();
    started.push(n);
    await new Promise<void>((resolve) => ends.push(resolve));
    slots.release();
  });
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(started, [1, 2]);
  ends[0]();
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(started, [1, 2, 3]);
  ends[1]();
  ends[2]();
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(started, [1, 2, 3, 4]);
  ends[3]();
  await Promise.all(runs);
  const both = Promise.all([slots.acquire(), slots.acquire()]).then(() => 'free');
  const late = new Promise((r) => setTimeout(() => r('still taken'), 200));
  assert.equal(await Promise.race([both, late]), 'free', 'every slot was given back');
});

test('samples go to the worker in batches: a window after the first one waited, at once when a batch is full, never after being taken back', (t) => {
  t.mock.timers.enable({ apis: ['setTimeout'] });
  const sent: number[][] = [];
  const outbox = new Outbox<number>({ windowMs: 20, maxBatch: 3, send: (batch) => sent.push(batch) });
  outbox.push(1);
  t.mock.timers.tick(10);
  outbox.push(2);
  assert.deepEqual(sent, [], 'nothing is sent inside the window');
  t.mock.timers.tick(10);
  assert.deepEqual(sent, [[1, 2]], 'the window counts from the first sample');
  outbox.push(3);
  outbox.push(4);
  outbox.push(5);
  assert.deepEqual(sent, [[1, 2], [3, 4, 5]], 'a full batch goes at once');
  t.mock.timers.tick(50);
  assert.equal(sent.length, 2, 'no empty batch after a full one');
  outbox.push(6);
  assert.deepEqual(outbox.take(), [6]);
  t.mock.timers.tick(50);
  outbox.flush();
  assert.equal(sent.length, 2, 'what was taken back is never sent');
  outbox.push(7);
  outbox.flush();
  assert.deepEqual(sent.at(-1), [7], 'flush sends what waits now');
});

test('the table of runs waiting for the worker: by id, grown when a slot is still taken, nothing kept of a settled run', () => {
  const table = new RunTable<{ n: number }>(4);
  for (let id = 0; id < 4; id++) table.set(id, { n: id });
  assert.equal(table.size, 4);
  assert.equal(table.get(2)?.n, 2);
  assert.equal(table.delete(2), true);
  assert.equal(table.delete(2), false, 'a run is settled once');
  assert.equal(table.get(2), undefined);
  table.set(6, { n: 6 }); // slot 2 of 4 is free again
  table.set(4, { n: 4 }); // slot 0 of 4 is still run 0's: the table grows
  assert.equal(table.size, 5);
  for (const id of [0, 1, 3, 4, 6]) assert.equal(table.get(id)?.n, id, `run ${id} survives the growth`);
  assert.equal(table.get(8), undefined, 'an id that only shares a slot is not there');
  assert.throws(() => table.set(4, { n: 4 }), RangeError, 'a run waits once');
  assert.deepEqual(table.entries().map(([id]) => id).sort((a, b) => a - b), [0, 1, 3, 4, 6]);
  for (const [id] of table.entries()) table.delete(id);
  assert.equal(table.size, 0);
  assert.deepEqual(table.entries(), []);
  const big = 2 ** 40 + 5; // ids past 32 bits keep their slot
  table.set(big, { n: 1 });
  assert.equal(table.get(big)?.n, 1);
  assert.equal(table.get(5), undefined);
});
