// SIGTERM under load, for a real gateway process and a real legacy process: requests in flight when
// the signal arrives complete normally (slow native and slow proxied ones included), later requests
// are refused cleanly (connection refused, or 503), the process exits 0 within its grace period, and
// no write is half-done: every acknowledged write is stored, nothing unacknowledged is.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, test } from 'node:test';
import { build } from '../helper.ts';
import { call, describeRes, type TimedResponse } from './support/http.ts';

const SLOW_MS = 1200; // upstream (vPIC / Places) latency for the in-flight requests, below their timeout

const stack = await build({ level: 'processes', label: 'faults_sigterm', env: { VPIC_TIMEOUT_MS: '5000', GOOGLE_MAPS_TIMEOUT_MS: '5000', SHUTDOWN_GRACE_MS: '10000' } });

const CLEAN_REFUSAL = new Set(['ECONNREFUSED']);
const RACY_REFUSAL = new Set(['ECONNRESET', 'UND_ERR_SOCKET', 'other side closed', 'UND_ERR_CLOSED']);

interface LoadResult {
  acked: Set<string>;
  unacked: Set<string>;
  failures: string[];
  refusedAfterSignal: number;
  served: number;
}

/** Writers creating vehicles with unique nicknames until `stop()`; classifies every answer. */
function writeLoad(url: string, token: string, signalled: () => boolean, workers = 4) {
  const result: LoadResult = { acked: new Set(), unacked: new Set(), failures: [], refusedAfterSignal: 0, served: 0 };
  let stop = false;
  const loops = Array.from({ length: workers }, async (_, w) => {
    while (!stop) {
      const nickname = `sig-${w}-${randomUUID().slice(0, 8)}`;
      const before = signalled();
      const res = await call(url, 'POST', '/api/vehicles', { token, body: { make: 'Shut', model: 'Down', year: 2021, nickname }, timeoutMs: 15_000 });
      if (res.status === 201) {
        result.acked.add(nickname);
        result.served++;
        continue;
      }
      result.unacked.add(nickname);
      if (!before && !signalled()) result.failures.push(`before SIGTERM: ${describeRes(res)}`);
      else if (res.status === 503 || (res.error && CLEAN_REFUSAL.has(res.error))) result.refusedAfterSignal++;
      else if (res.error && RACY_REFUSAL.has(res.error)) result.refusedAfterSignal++; // checked below: must not have been executed
      else result.failures.push(`after SIGTERM: ${describeRes(res)}`);
      if (res.error === 'ECONNREFUSED') await new Promise((r) => setTimeout(r, 20));
    }
  });
  return { result, stop: async () => { stop = true; await Promise.all(loops); } };
}

async function assertNoHalfWrites(sub: string, r: LoadResult) {
  const { rows } = await stack.db.query('SELECT nickname, make, model, year FROM vehicles WHERE user_id = $1', [sub]);
  const stored = new Map(rows.map((x) => [x.nickname as string, x]));
  for (const n of r.acked) assert.ok(stored.has(n), `acknowledged write ${n} missing`);
  const ghosts = [...r.unacked].filter((n) => stored.has(n));
  assert.deepEqual(ghosts, [], 'writes stored although the client was told they failed (or never heard back)');
  for (const row of rows) assert.deepEqual([row.make, row.model, row.year], ['Shut', 'Down', 2021], 'partial row');
}

describe('SIGTERM', () => {
  test('gateway: in-flight native and proxied requests complete, new ones are refused, exit 0', async () => {
    const legacy = await stack.spawnLegacy();
    // vehicles proxied to legacy (decode-vin slow there), stations native (search slow here).
    const gw = await stack.spawnGateway(legacy.url, { VEHICLES_BACKEND: 'express', STATIONS_BACKEND: 'fastify', FUEL_LOGS_BACKEND: 'fastify', MAINTENANCE_BACKEND: 'fastify' });
    const user = await stack.newUser();
    let signalled = false;
    const load = writeLoad(gw.url, user.token, () => signalled);
    await new Promise((r) => setTimeout(r, 700));
    stack.fakes.setMode('all', 'slow', { delayMs: SLOW_MS });
    const inflight: Array<Promise<TimedResponse>> = [
      call(gw.url, 'GET', `/api/vehicles/decode-vin/1HGCM82633A00435${Math.floor(Math.random() * 10)}`, { token: user.token, timeoutMs: 15_000 }),
      call(gw.url, 'GET', `/api/stations/search?lat=${(Math.random() * 80).toFixed(3)}&lng=10&radius=1000`, { token: user.token, timeoutMs: 15_000 }),
      call(gw.url, 'GET', `/api/stations/search?lat=${(Math.random() * 80).toFixed(3)}&lng=11&radius=1000`, { token: user.token, timeoutMs: 15_000 }),
    ];
    await new Promise((r) => setTimeout(r, 300)); // the slow requests are now in flight
    const t0 = Date.now();
    signalled = true;
    gw.signal('SIGTERM');
    const done = await Promise.all(inflight);
    const { code, signal } = await gw.exited;
    const exitMs = Date.now() - t0;
    await load.stop();
    stack.fakes.reset();
    for (const [i, res] of done.entries()) assert.equal(res.status, 200, `in-flight request ${i}: ${describeRes(res)}`);
    assert.equal(signal, null, `killed by ${signal}`);
    assert.equal(code, 0, `exit code ${code}\n${gw.output().slice(-2000)}`);
    assert.ok(exitMs < 10_000, `took ${exitMs} ms to exit`);
    assert.deepEqual(load.result.failures, []);
    assert.ok(load.result.served > 5, `only ${load.result.served} writes before the signal`);
    const after = await call(gw.url, 'GET', '/health');
    assert.equal(after.error, 'ECONNREFUSED', `after exit: ${describeRes(after)}`);
    await assertNoHalfWrites(user.sub, load.result);
    await legacy.stop();
  });

  test('legacy: in-flight requests complete, the gateway answers 503 afterwards and keeps serving native features', async () => {
    const legacy = await stack.spawnLegacy();
    const gw = await stack.spawnGateway(legacy.url, { VEHICLES_BACKEND: 'express', STATIONS_BACKEND: 'fastify', FUEL_LOGS_BACKEND: 'fastify', MAINTENANCE_BACKEND: 'fastify' });
    const user = await stack.newUser();
    let signalled = false;
    const viaGateway = writeLoad(gw.url, user.token, () => signalled, 3);
    const direct = writeLoad(legacy.url, user.token, () => signalled, 1);
    await new Promise((r) => setTimeout(r, 700));
    stack.fakes.setMode('vpic', 'slow', { delayMs: SLOW_MS });
    const inflight = [
      call(gw.url, 'GET', `/api/vehicles/decode-vin/1HGCM82633A00436${Math.floor(Math.random() * 10)}`, { token: user.token, timeoutMs: 15_000 }),
      call(legacy.url, 'GET', `/api/vehicles/decode-vin/1HGCM82633A00437${Math.floor(Math.random() * 10)}`, { token: user.token, timeoutMs: 15_000 }),
    ];
    await new Promise((r) => setTimeout(r, 300));
    const t0 = Date.now();
    signalled = true;
    legacy.signal('SIGTERM');
    const done = await Promise.all(inflight);
    const { code } = await legacy.exited;
    const exitMs = Date.now() - t0;
    await Promise.all([viaGateway.stop(), direct.stop()]);
    stack.fakes.reset();
    const problems: string[] = [];
    for (const [i, res] of done.entries()) if (res.status !== 200) problems.push(`in-flight request ${i}: ${describeRes(res)}`);
    if (code !== 0) problems.push(`legacy exit code ${code} after ${exitMs} ms: ${legacy.output().trim().split('\n').slice(-2).join(' | ').slice(0, 300)}`);
    if (exitMs >= 10_000) problems.push(`legacy took ${exitMs} ms to exit (grace period 10 s): keep-alive connections from the gateway kept it busy`);
    problems.push(...viaGateway.result.failures, ...direct.result.failures);
    const proxied = await call(gw.url, 'GET', '/api/vehicles', { token: user.token });
    if (proxied.status !== 503 || proxied.body?.error?.code !== 'BACKEND_UNAVAILABLE') problems.push(`proxied after legacy exit: ${describeRes(proxied)}`);
    const native = await call(gw.url, 'GET', '/api/stations/saved', { token: user.token });
    if (native.status !== 200) problems.push(`native after legacy exit: ${describeRes(native)}`);
    const merged: LoadResult = { ...viaGateway.result, acked: new Set([...viaGateway.result.acked, ...direct.result.acked]), unacked: new Set([...viaGateway.result.unacked, ...direct.result.unacked]) };
    try {
      await assertNoHalfWrites(user.sub, merged);
    } catch (err) {
      problems.push((err as Error).message.split('\n')[0]);
    }
    assert.deepEqual(problems, [], 'legacy SIGTERM under load');
    await gw.stop();
  });
});
