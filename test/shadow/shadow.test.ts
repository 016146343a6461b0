// Shadow traffic over real processes: the legacy app and gateways spawned as servers, one PostgreSQL, one
// Redis. Vehicles is in the shadow stage (env VEHICLES_SHADOW_RATE=100): clients get Express's bytes,
// the native capsule answers the same reads in-process, and the comparisons add up in one report.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startStack, ALL_EXPRESS, type Stack } from '../faults/support/stack.ts';
import type { AppProcess } from '../../stack/apps.ts';
import { Client } from '../support/client.ts';
import { randomVin } from '../features/support/vehicles.ts';
import { startVolatileProxy } from './support/volatile-proxy.ts';
import type { FeatureReport } from '../../src/shadow/report.ts';

const SHADOW_ENV = {
  ...ALL_EXPRESS,
  VEHICLES_SHADOW_RATE: '100',
  SHADOW_NOISE_RATE: '0',
  SHADOW_FLUSH_MS: '200',
  SHADOW_MAX_LAG_MS: '1000', // a shared 2-core CI box lags; the budget rule itself is unit-tested
  // There the replay thread, at the lowest priority, gets what the suite's bursts leave of the cores: a longer
  // queue and longer waits, not fewer samples (the budget's rules themselves: units.test.ts).
  SHADOW_MAX_CONCURRENT: '1000',
  SHADOW_MAX_WAIT_MS: '20000',
  SHADOW_GATE_MIN_COMPARISONS: '500',
  DEV_TOOLS: 'true',
};

/** GET /admin/shadow/:feature, as the gateway builds it. */
type Report = FeatureReport;

/** One route's tally in a shadow report (fails the test when the report lacks it). */
function routeOf<R extends { route: string }>(report: { routes: R[] }, route: string): R {
  const found = report.routes.find((x) => x.route === route);
  assert.ok(found, `${route} is in the shadow report`);
  return found;
}

async function pool<T>(items: T[], concurrency: number, work: (item: T, i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < items.length) {
      const i = next++;
      await work(items[i], i);
    }
  }));
}

describe('shadow traffic (real processes)', () => {
  let stack: Stack;
  let legacy: AppProcess;
  let gwA: AppProcess;
  let gwB: AppProcess;
  let admin: Client;
  const users: Array<{ sub: string; token: string; vehicles: string[] }> = [];

  const report = async (gw: AppProcess = gwA): Promise<Report> => {
    const r = await new Client(gw.url, admin.token).get('/admin/shadow/vehicles');
    assert.equal(r.status, 200, r.text);
    return r.body as Report;
  };
  const reset = async () => {
    const r = await new Client(gwA.url, admin.token).del('/admin/shadow');
    assert.equal(r.status, 200, r.text);
  };
  /** Waits until the gateway's replay worker (started in the background at start-up) is ready. */
  const replayReady = async (gw: AppProcess) => {
    const deadline = Date.now() + 30_000;
    const ready = async () => (await new Client(gw.url, admin.token).get('/admin/shadow')).body.replay?.ready === true;
    while (!(await ready())) {
      assert.ok(Date.now() < deadline, `${gw.name}: the shadow replay worker is not ready`);
      await new Promise((res) => setTimeout(res, 200));
    }
  };
  /** Polls until `expected` samples are accounted for (compared + skipped + errored) — other instances flush every 200 ms. */
  const settled = async (expected: number, gw: AppProcess = gwA): Promise<Report> => {
    const deadline = Date.now() + 20_000;
    let r = await report(gw);
    while (r.compared + r.skipped + r.errored < expected && Date.now() < deadline) {
      await new Promise((res) => setTimeout(res, 200));
      r = await report(gw);
    }
    return r;
  };

  before(async () => {
    stack = await startStack({ label: 'shadow', env: SHADOW_ENV });
    legacy = await stack.spawnLegacy();
    [gwA, gwB] = await Promise.all([stack.spawnGateway(legacy.url, {}, 'gateway A'), stack.spawnGateway(legacy.url, {}, 'gateway B')]);
    admin = new Client(gwA.url, await stack.sign({ sub: 'shadow-admin', permissions: ['admin:flags'] }));
    for (let i = 0; i < 25; i++) {
      const u = await stack.newUser();
      const c = new Client(gwA.url, u.token);
      const vehicles: string[] = [];
      for (let j = 0; j < 2; j++) {
        const res = await c.post('/api/vehicles', { vin: randomVin(), nickname: `car ${i}.${j}`, odometer: 1000 * j });
        assert.equal(res.status, 201, res.text);
        vehicles.push(res.body.id);
      }
      users.push({ sub: u.sub, token: u.token, vehicles });
    }
    await Promise.all([replayReady(gwA), replayReady(gwB)]);
  });

  after(async () => {
    await stack?.close();
  });

  test('1,000 reads across 25 users: clients get Express bytes, ≥ 99% compared, zero mismatches', async () => {
    await reset();
    const reads = Array.from({ length: 1000 }, (_, i) => {
      const u = users[i % users.length];
      const kind = i % 10;
      const path = kind < 3 ? '/api/vehicles' : kind === 3 ? '/api/vehicles?limit=1&offset=1' : kind === 4 ? `/api/vehicles/${crypto.randomUUID()}`
        : `/api/vehicles/${u.vehicles[i % 2]}`;
      return { u, path, method: kind === 9 ? 'HEAD' : 'GET' };
    });
    let nonExpress = 0;
    const differing: string[] = [];
    await pool(reads, 8, async ({ u, path, method }) => {
      const viaGateway = await new Client(gwA.url, u.token).request(method, path);
      const direct = await new Client(legacy.url, u.token).request(method, path);
      if (viaGateway.headers['x-backend'] !== 'express') nonExpress++;
      if (viaGateway.status !== direct.status || !viaGateway.bytes.equals(direct.bytes)) differing.push(`${method} ${path}`);
    });
    assert.equal(nonExpress, 0, 'every client answer comes from Express');
    assert.deepEqual(differing, [], 'every client answer has the bytes Express gives directly');

    const r = await settled(1000);
    assert.equal(r.compared + r.skipped + r.errored, 1000, JSON.stringify(r.routes.map((x) => [x.route, x.skippedBy, x.erroredBy])));
    assert.ok(r.compared >= 990, `compared ${r.compared} of 1000: ${JSON.stringify(r.routes.map((x) => [x.route, x.skippedBy, x.erroredBy]))}`);
    assert.equal(r.mismatched, 0, JSON.stringify(r.routes.flatMap((x) => x.examples).slice(0, 3)));
    assert.equal(r.errored, 0);
    assert.deepEqual(r.routes.map((x) => x.route).sort(), ['GET /api/vehicles', 'GET /api/vehicles/:id', 'HEAD /api/vehicles/:id']);
    // Express's answers were checked against the OpenAPI document the gateway serves: the legacy app keeps it.
    assert.equal(r.contractChecked, r.compared);
    assert.equal(r.contractViolations, 0, JSON.stringify(r.routes.flatMap((x) => x.contractFields)));

    const metrics = await (await fetch(`${gwA.url}/metrics`)).text();
    assert.match(metrics, /gateway_shadow_comparisons_total\{feature="vehicles",route="GET \/api\/vehicles\/:id",result="matched"\} \d+/);
    // Shadow runs are not user traffic: no native request is counted.
    assert.doesNotMatch(metrics, /gateway_requests_total\{feature="vehicles",backend="fastify"/);
    let live = await admin.get('/admin/live');
    for (let i = 0; i < 30 && live.body.features.vehicles.express['5m'].requests < 1000; i++) { // pushed every second
      await new Promise((res) => setTimeout(res, 200));
      live = await admin.get('/admin/live');
    }
    assert.equal(live.status, 200, live.text);
    assert.equal(live.body.features.vehicles.fastify['5m'].requests, 0, 'the canary guard never sees shadow runs');
    assert.ok(live.body.features.vehicles.express['5m'].requests >= 1000, JSON.stringify(live.body.features.vehicles));

    // The gate passes with these figures (≥ 500 comparisons in this suite's config, 0% mismatches).
    const moved = await admin.put('/admin/flags/vehicles', { stage: 'canary', percent: 5 });
    assert.equal(moved.status, 200, moved.text);
    assert.equal(moved.body.audit[0].reason, 'manual');
    assert.equal(moved.body.audit[0].details.shadowGate.compared, r.compared);
    assert.equal((await admin.del('/admin/flags/vehicles')).status, 200); // back to the env stage: shadow
  });

  test('a write during shadow runs on Express only: the database holds exactly one row', async () => {
    await reset();
    const u = await stack.newUser();
    const vin = randomVin();
    const res = await new Client(gwA.url, u.token).post('/api/vehicles', { vin, nickname: 'once' });
    assert.equal(res.status, 201);
    assert.equal(res.headers['x-backend'], 'express');
    const read = await new Client(gwA.url, u.token).request('GET', `/api/vehicles/${res.body.id}`);
    assert.equal(read.status, 200);
    await new Promise((r) => setTimeout(r, 500)); // any native replay would have happened by now
    const { rows } = await stack.db.query('SELECT count(*)::int AS n FROM vehicles WHERE user_id = $1', [u.sub]);
    assert.equal(rows[0].n, 1);
    const r = await settled(1);
    assert.deepEqual(r.routes.map((x) => x.route), ['GET /api/vehicles/:id'], 'only the read was shadowed');
  });

  test('anonymous and forged-token reads are counted apart (unverified), never compared: they cannot feed the gate', async () => {
    await reset();
    const valid = users[0].token;
    const forged = `${valid.slice(0, valid.lastIndexOf('.') + 1)}${'A'.repeat(43)}`; // a chosen sub, a bad signature
    await pool(Array.from({ length: 60 }, (_, i) => i), 8, async (i) => {
      const res = await new Client(gwA.url, i % 2 ? forged : undefined).get('/api/vehicles');
      assert.equal(res.status, 401, res.text);
    });
    const r = await settled(60);
    assert.equal(r.compared, 0, 'no unverified request was compared');
    assert.equal(r.matched, 0);
    assert.equal(routeOf(r, 'GET /api/vehicles').skippedBy.unverified, 60);
  });

  test('two gateway instances add up to one report', async () => {
    await reset();
    const u = users[0];
    await pool(Array.from({ length: 60 }, (_, i) => i), 4, async (i) => {
      const res = await new Client(i % 2 ? gwA.url : gwB.url, u.token).get(`/api/vehicles/${u.vehicles[0]}`);
      assert.equal(res.status, 200);
    });
    const fromA = await settled(60, gwA);
    const fromB = await settled(60, gwB);
    assert.equal(fromA.compared, 60, JSON.stringify(fromA.routes.map((x) => [x.route, x.skippedBy, x.erroredBy])));
    assert.equal(fromB.compared, 60);
    assert.equal(fromA.mismatched, 0);
  });

  /** A gateway whose legacy app adds a volatile `servedAt` to every answer, ready and reset, stopped after `run`. */
  const withVolatileLegacy = async (env: Record<string, string>, name: string, run: (gw: AppProcess) => Promise<void>) => {
    const volatile = await startVolatileProxy(legacy.url, 'servedAt');
    const gw = await stack.spawnGateway(volatile.url, env, name);
    try {
      await replayReady(gw);
      await reset();
      await run(gw);
    } finally {
      await gw.stop(3000);
      await volatile.close();
    }
  };

  test('a field that differs between two Express answers is noise, not a native mismatch', async () => {
    await withVolatileLegacy({ SHADOW_NOISE_RATE: '100', SHADOW_NOISE_MAX_PER_SECOND: '1000' }, 'gateway C (volatile legacy)', async (gwC) => {
      const u = users[1];
      for (let i = 0; i < 30; i++) {
        const res = await new Client(gwC.url, u.token).get(`/api/vehicles/${u.vehicles[1]}`);
        assert.equal(res.status, 200);
        assert.equal(typeof res.body.servedAt, 'string'); // the client sees Express's (volatile) answer
      }
      const r = await settled(30, gwC);
      const route = routeOf(r, 'GET /api/vehicles/:id');
      assert.equal(route.compared, 30);
      assert.equal(route.mismatched, 0);
      assert.equal(route.noisy, 30);
      assert.equal(r.calibrated, 30);
      const field = route.noiseFields.find((f) => f.path === 'servedAt');
      assert.deepEqual(field && { nativeDiffs: field.nativeDiffs, expressDiffs: field.expressDiffs, verdict: field.verdict },
        { nativeDiffs: 30, expressDiffs: 30, verdict: 'noise' });
      assert.equal(route.examples[0]?.fields[0]?.verdict, 'noise');
      // The field the volatile legacy adds is not in the contract: counted apart, on its path; it blocks nothing.
      assert.equal(route.contractViolations, 30);
      assert.deepEqual(route.contractFields, [{ path: 'body.servedAt', message: 'is not in the document', answers: 30 }]);
    });
  });

  test('noise calibrations are capped per route per second: a busy route does not call Express twice for every read', async () => {
    await withVolatileLegacy({ SHADOW_NOISE_RATE: '100', SHADOW_NOISE_MAX_PER_SECOND: '2' }, 'gateway D (calibration cap)', async (gwD) => {
      const u = users[1];
      const from = Date.now();
      await pool(Array.from({ length: 24 }, (_, i) => i), 4, async () => {
        assert.equal((await new Client(gwD.url, u.token).get(`/api/vehicles/${u.vehicles[1]}`)).status, 200);
      });
      const r = await settled(24, gwD);
      const seconds = Math.floor(Date.now() / 1000) - Math.floor(from / 1000) + 1; // every second a replay can have run in
      assert.equal(routeOf(r, 'GET /api/vehicles/:id').compared, 24);
      assert.ok(r.calibrated >= 1 && r.calibrated <= 2 * seconds, `calibrated ${r.calibrated} over ${seconds} s`);
      assert.ok(r.calibrated < 24); // at rate 100 % without the cap every replay would have been calibrated
    });
  });

  const chaos = async (fault: { errors: number; latencyMs: number; mutate?: string }) => {
    const res = await admin.put('/dev/chaos/vehicles', fault);
    assert.equal(res.status, 200, res.text);
  };
  const chaosOff = async () => assert.equal((await admin.del('/dev/chaos/vehicles')).status, 200);

  test('a corrupted native field is counted on exactly that field path, with examples; the client never sees it', async () => {
    await reset();
    await chaos({ errors: 0, latencyMs: 0, mutate: 'nickname' });
    try {
      const u = users[2];
      const c = new Client(gwA.url, u.token);
      for (let i = 0; i < 20; i++) {
        const one = await c.get(`/api/vehicles/${u.vehicles[0]}`);
        assert.equal(one.body.nickname, 'car 2.0');
        if (i < 10) assert.doesNotMatch((await c.get('/api/vehicles')).text, /mutated/);
      }
      const r = await settled(30);
      assert.equal(r.mismatched, 30);
      const byId = routeOf(r, 'GET /api/vehicles/:id');
      assert.deepEqual(byId.topFields.map((f) => [f.path, f.nativeDiffs, f.verdict]), [['nickname', 20, 'mismatch']]);
      assert.deepEqual(byId.examples[0].fields, [{ path: 'nickname', express: 'car 2.0', native: 'car 2.0~mutated', verdict: 'mismatch' }]);
      assert.equal(byId.examples.length, 20);
      assert.deepEqual(byId.examples[0].status, { express: 200, native: 200 });
      const list = routeOf(r, 'GET /api/vehicles');
      assert.deepEqual(list.topFields.map((f) => f.path).sort(), ['items[0].nickname', 'items[1].nickname']);
      assert.ok(!JSON.stringify(r).includes('authorization') && !JSON.stringify(r).includes(u.token));

      // The gate refuses to leave shadow with these figures, unless forced (audited as forced).
      const refused = await admin.put('/admin/flags/vehicles', { stage: 'fastify' });
      assert.equal(refused.status, 409);
      assert.equal(refused.body.error.code, 'CONFLICT');
      assert.equal(refused.body.error.figures.mismatched, 30);
      assert.equal((await admin.get('/admin/flags')).body.features.vehicles.stage, 'shadow', 'nothing changed');
      const forced = await admin.put('/admin/flags/vehicles', { stage: 'canary', percent: 5, force: true });
      assert.equal(forced.status, 200, forced.text);
      assert.equal(forced.body.audit[0].reason, 'forced');
      assert.equal(forced.body.audit[0].details.shadowGate.mismatched, 30);
      assert.equal((await admin.del('/admin/flags/vehicles')).status, 200);
    } finally {
      await chaosOff();
    }
  });

  test('a native capsule that hangs or throws leaves the client untouched; samples count as errored', async () => {
    await reset();
    const u = users[3];
    const c = new Client(gwA.url, u.token);
    await chaos({ errors: 0, latencyMs: 3000 }); // beyond the 2 s shadow timeout
    try {
      for (let i = 0; i < 5; i++) {
        const t0 = performance.now();
        const res = await c.get(`/api/vehicles/${u.vehicles[0]}`);
        assert.equal(res.status, 200);
        assert.equal(res.headers['x-backend'], 'express');
        assert.ok(performance.now() - t0 < 1000, 'the hanging native run does not delay the client');
      }
      // The replays run after the answers, on another thread: the next fault waits until these five have
      // read theirs (they are recorded once they time out).
      await settled(5);
      await chaos({ errors: 100, latencyMs: 0 });
      for (let i = 0; i < 5; i++) assert.equal((await c.get(`/api/vehicles/${u.vehicles[1]}`)).status, 200);
      await settled(10); // before the faults go: these replays read theirs too
    } finally {
      await chaosOff();
    }
    const r = await settled(10);
    const route = routeOf(r, 'GET /api/vehicles/:id');
    assert.deepEqual(route.erroredBy, { timeout: 5, native_5xx: 5 });
    assert.equal(route.mismatched, 0);
    assert.equal(route.examples.filter((e) => e.error === 'timeout').length, 5);
  });

  test('the replay worker runs only while some feature is shadowed', async () => {
    const replay = async () => (await admin.get('/admin/shadow')).body.replay as { running: boolean; ready: boolean; starts: number };
    const until = async (want: (r: { running: boolean; ready: boolean }) => boolean, what: string) => {
      const deadline = Date.now() + 20_000;
      while (!want(await replay())) {
        assert.ok(Date.now() < deadline, what);
        await new Promise((res) => setTimeout(res, 200));
      }
    };
    assert.equal((await replay()).running, true);
    const starts = (await replay()).starts;
    assert.equal((await admin.put('/admin/flags/vehicles', { stage: 'express' })).status, 200);
    try {
      await until((r) => !r.running, 'the worker stops once no feature is shadowed');
      const u = users[4];
      assert.equal((await new Client(gwA.url, u.token).get(`/api/vehicles/${u.vehicles[0]}`)).status, 200);
      await new Promise((res) => setTimeout(res, 300));
      assert.equal((await replay()).running, false, 'a read in the express stage starts nothing');
    } finally {
      assert.equal((await admin.del('/admin/flags/vehicles')).status, 200); // back to the env stage: shadow
    }
    await until((r) => r.running && r.ready, 'the worker starts again with the shadow stage');
    assert.equal((await replay()).starts, starts + 1);
  });
});
