// PostgreSQL unreachable (connection refused, then a network black hole) for real processes: the
// legacy app, a gateway proxying every feature to it, and a gateway serving every feature natively.
// Every /api call → 503 SERVICE_UNAVAILABLE within a few seconds, /health → 503 "down"; when the
// database comes back everything recovers without a restart.
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { call, describeRes, type TimedResponse } from './support/http.ts';
import { eventually } from '../support/wait.ts';
import { Client } from '../support/client.ts';
import { assertError } from '../security/support/contract.ts';
import { spawnAllTargets, build, type ProcessEnv, type ProcessTarget as Target } from '../helper.ts';
import type { ProxyMode } from '../../stack/tcp-proxy.ts';

let targets: Target[];
let user: Awaited<ReturnType<ProcessEnv['newUser']>>;
let vehicleId: string;

const stack = await build({ level: 'processes', label: 'faults_pg', proxy: { postgres: true } });
before(async () => {
  targets = await spawnAllTargets(stack);
  user = await stack.newUser({ permissions: ['admin:flags'] }); // admin:flags: /health shows its detail to admins only
  const v = await user.client(targets[0].proc.url).post('/api/vehicles', { make: 'Ford', model: 'Focus', year: 2014 });
  assert.equal(v.status, 201, v.text);
  vehicleId = v.body.id;
});


async function assertAllUp() {
  for (const t of targets) {
    const c = user.client(t.proc.url);
    const list = await c.get('/api/vehicles');
    assert.equal(list.status, 200, `${t.name} list: ${list.status} ${list.text}`);
    const h = await c.get('/health');
    assert.equal(h.status, 200, `${t.name} /health: ${h.text}`);
    assert.equal(h.body.dependencies.postgres, 'up');
  }
}

for (const mode of ['refuse', 'blackhole', 'reset'] as ProxyMode[]) {
  describe(`PostgreSQL ${mode}`, () => {
    test('reads and writes → 503 SERVICE_UNAVAILABLE quickly; /health → 503 down', async () => {
      await assertAllUp(); // warm pools: the outage hits live pooled connections too
      await stack.proxy('postgres').setMode(mode);
      const failures: string[] = [];
      // Refused/reset connections fail at once; a black hole (packets dropped) is only noticed by the
      // client-side timeouts: the pool's connect timeout (2 s) and, on an already-open pooled connection,
      // the query timeout, which must stay below the gateway's proxy timeout (15 s).
      const DEADLINE = mode === 'blackhole' ? 12_500 : 6000;
      try {
        await Promise.all(targets.map(async (t) => {
          const u = t.proc.url;
          const o = { token: user.token, timeoutMs: DEADLINE + 2000 };
          const calls: Array<[string, () => Promise<TimedResponse>]> = [
            ['GET list', () => call(u, 'GET', '/api/vehicles', o)],
            ['GET one', () => call(u, 'GET', `/api/vehicles/${vehicleId}`, o)],
            ['POST', () => call(u, 'POST', '/api/vehicles', { ...o, body: { make: 'Kia', model: 'Rio', year: 2016 } })],
            ['PUT', () => call(u, 'PUT', `/api/vehicles/${vehicleId}`, { ...o, body: { nickname: 'outage' } })],
            ['fuel-logs', () => call(u, 'GET', '/api/fuel-logs', o)],
            ['stations saved', () => call(u, 'GET', '/api/stations/saved', o)],
            ['maintenance', () => call(u, 'GET', '/api/maintenance/records', o)],
          ];
          await Promise.all(calls.map(async ([name, run]) => {
            const res = await run();
            try {
              assert.ok(!res.error, `${t.name} ${name}: ${describeRes(res)}`);
              assertError(res, 503, 'SERVICE_UNAVAILABLE', `${t.name} ${name}`);
              assert.ok(res.ms < DEADLINE, `${t.name} ${name} took ${Math.round(res.ms)} ms`);
            } catch (err) {
              failures.push((err as Error).message.split('\n')[0]);
            }
          }));
          const h = await call(u, 'GET', '/health', o);
          try {
            assert.equal(h.status, 503, `${t.name} /health: ${describeRes(h)}`);
            assert.equal(h.body.status, 'down', `${t.name} /health status`);
            assert.equal(h.body.dependencies.postgres, 'down', `${t.name} /health postgres`);
            assert.ok(h.ms < DEADLINE, `${t.name} /health took ${Math.round(h.ms)} ms`);
          } catch (err) {
            failures.push((err as Error).message.split('\n')[0]);
          }
        }));
      } finally {
        await stack.proxy('postgres').setMode('up');
      }
      assert.deepEqual(failures.sort(), [], `PostgreSQL ${mode}: requests not answered 503 in time`);
    });

    test('recovers without a restart once PostgreSQL is back', async () => {
      await stack.proxy('postgres').setMode('up');
      await eventually(assertAllUp, { timeoutMs: 15_000, intervalMs: 250 });
      // Writes land again and the outage left nothing half-done.
      for (const t of targets) {
        assert.ok(t.proc.alive, `${t.name} died during the outage:\n${t.proc.output().slice(-2000)}`);
        const res = await user.client(t.proc.url).put(`/api/vehicles/${vehicleId}`, { nickname: `back via ${t.name}` });
        assert.equal(res.status, 200, res.text);
      }
      const { rows } = await stack.db.query('SELECT nickname FROM vehicles WHERE id = $1', [vehicleId]);
      assert.equal(rows[0].nickname, 'back via gateway → fastify');
    });
  });
}

// /health must not hang with the database: each ping has a deadline below 1 s (src/infrastructure/deadline.ts);
// the readiness and liveness probes check no dependency and stay 200.
test('/health answers "down" within 1 s while PostgreSQL hangs (black hole); /health/ready and /health/live stay 200', async () => {
  await assertAllUp();
  await stack.proxy('postgres').setMode('blackhole');
  try {
    // Twice: the second call meets the pool still waiting on the first call's hung query.
    for (let round = 0; round < 2; round++) {
      await Promise.all(targets.map(async (t) => {
        const h = await call(t.proc.url, 'GET', '/health', { token: user.token, timeoutMs: 5000 });
        assert.equal(h.status, 503, `${t.name} /health: ${describeRes(h)}`);
        assert.equal(h.body.status, 'down', `${t.name} /health status`);
        assert.equal(h.body.dependencies.postgres, 'down', `${t.name} /health postgres`);
        assert.ok(h.ms < 1000, `${t.name} /health took ${Math.round(h.ms)} ms`);
        // A database shared by every replica must not take them all out of the Service (deploy/README.md).
        for (const probe of ['/health/ready', '/health/live']) {
          const p = await call(t.proc.url, 'GET', probe, { timeoutMs: 5000 });
          assert.equal(p.status, 200, `${t.name} ${probe} while PostgreSQL hangs: ${describeRes(p)}`);
        }
      }));
    }
  } finally {
    await stack.proxy('postgres').setMode('up');
  }
  await eventually(assertAllUp, { timeoutMs: 15_000, intervalMs: 250 });
});

// Issue 11: a PostgreSQL outage keeps the last known flags. An override made before the outage (stations on
// fastify on the all-express gateway) keeps routing during it — the answer is the native 503, never a flip
// back to the env default — and is still in force after it.
test('an outage keeps the last known flags: an override keeps routing during and after it', async () => {
  const gateway = targets.find((t) => t.name === 'gateway → express');
  assert.ok(gateway, 'the all-express gateway');
  const admin = new Client(gateway.proc.url, await stack.sign({ permissions: ['admin:flags'] }));
  const backendOf = async () => (await call(gateway.proc.url, 'GET', '/api/stations/saved', { token: user.token, timeoutMs: 8000 })).headers['x-backend'];
  assert.equal((await admin.put('/admin/flags/stations', { stage: 'fastify' })).status, 200);
  try {
    await eventually(async () => assert.equal(await backendOf(), 'fastify'), { timeoutMs: 5000, intervalMs: 100 });
    await stack.proxy('postgres').setMode('refuse');
    try {
      const seen: unknown[] = [];
      for (let i = 0; i < 6; i++) { // over several flag-sync intervals and push reconnect attempts
        seen.push(await backendOf());
        await new Promise((r) => setTimeout(r, 500));
      }
      assert.deepEqual(seen, Array(6).fill('fastify'), 'routing during the outage');
    } finally {
      await stack.proxy('postgres').setMode('up');
    }
    await eventually(assertAllUp, { timeoutMs: 15_000, intervalMs: 250 });
    assert.equal(await backendOf(), 'fastify', 'after the outage');
  } finally {
    await eventually(async () => assert.equal((await admin.del('/admin/flags/stations')).status, 200), { timeoutMs: 10_000, intervalMs: 250 });
  }
});

test('no process crashed or logged an unhandled error', () => {
  for (const t of targets) {
    assert.ok(t.proc.alive, `${t.name} exited`);
    assert.ok(!/unhandled|uncaught|FATAL/i.test(t.proc.output()), `${t.name} output:\n${t.proc.output().slice(-3000)}`);
  }
});
