// Shadow replays never pay a provider twice (issue 29): with vehicles and stations shadowed at 100 %, the
// vPIC and Places fakes count exactly the calls Express makes — failing or not. A replay answers from the
// shared cache Express filled (compared) or, when the cache has nothing, is skipped as `external`.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startStack, ALL_EXPRESS, type Stack } from '../faults/support/stack.ts';
import type { AppProcess } from '../../stack/apps.ts';
import { Client } from '../support/client.ts';
import { randomVin } from '../features/support/vehicles.ts';

const SHADOWED = {
  ...ALL_EXPRESS, VEHICLES_SHADOW_RATE: '100', STATIONS_SHADOW_RATE: '100',
  SHADOW_NOISE_RATE: '0', SHADOW_FLUSH_MS: '200', SHADOW_MAX_LAG_MS: '1000', SHADOW_MAX_WAIT_MS: '20000',
};
const DECODE = 'GET /api/vehicles/decode-vin/:vin';
const SEARCH = 'GET /api/stations/search';

interface RouteView { route: string; compared: number; mismatched: number; skipped: number; errored: number; skippedBy: Record<string, number> }

describe('shadow replays and paid providers (real processes)', () => {
  let stack: Stack;
  let gw: AppProcess;
  let user: Client;
  let admin: Client;
  let coord = 0;
  const freshSearch = () => `/api/stations/search?lat=${(30 + (coord++) * 0.01).toFixed(3)}&lng=${(-5 - Math.random()).toFixed(3)}&radius=5000`;

  const routes = async (expected: number): Promise<Map<string, RouteView>> => {
    const deadline = Date.now() + 20_000;
    for (;;) {
      const views: RouteView[] = [];
      for (const feature of ['vehicles', 'stations']) {
        const r = await admin.get(`/admin/shadow/${feature}`);
        assert.equal(r.status, 200, r.text);
        views.push(...(r.body.routes as RouteView[]));
      }
      const seen = views.reduce((n, v) => n + v.compared + v.skipped + v.errored, 0);
      if (seen >= expected || Date.now() > deadline) return new Map(views.map((v) => [v.route, v]));
      await new Promise((res) => setTimeout(res, 200));
    }
  };

  before(async () => {
    stack = await startStack({ label: 'shadow_ext', env: SHADOWED });
    const legacy = await stack.spawnLegacy();
    gw = await stack.spawnGateway(legacy.url, {}, 'gateway (vehicles and stations shadowed)');
    user = new Client(gw.url, (await stack.newUser()).token);
    admin = new Client(gw.url, await stack.sign({ sub: 'shadow-ext-admin', permissions: ['admin:flags'] }));
    const deadline = Date.now() + 30_000;
    while ((await admin.get('/admin/shadow')).body.replay?.ready !== true) {
      assert.ok(Date.now() < deadline, 'the shadow replay worker is not ready');
      await new Promise((res) => setTimeout(res, 200));
    }
  });
  after(async () => stack?.close());

  test('failing providers: the shadow stage adds no call; each replay is skipped as external', async () => {
    assert.equal((await admin.del('/admin/shadow')).status, 200);
    stack.fakes.reset();
    stack.fakes.setMode('all', 'fail');
    try {
      for (let i = 0; i < 5; i++) {
        const decoded = await user.get(`/api/vehicles/decode-vin/${randomVin()}`);
        assert.equal(decoded.status, 502, decoded.text);
        assert.equal(decoded.headers['x-backend'], 'express');
        const found = await user.get(freshSearch());
        assert.equal(found.status, 502, found.text);
      }
      const r = await routes(10);
      assert.deepEqual([r.get(DECODE)?.skippedBy, r.get(SEARCH)?.skippedBy], [{ external: 5 }, { external: 5 }]);
      assert.deepEqual([r.get(DECODE)?.compared, r.get(SEARCH)?.compared], [0, 0]);
      // Express called each provider once per request; the replays called neither.
      assert.deepEqual({ vpic: stack.fakes.calls('vpic'), places: stack.fakes.calls('places') }, { vpic: 5, places: 5 });
    } finally {
      stack.fakes.reset();
    }
  });

  test('working providers: a replay answers from what Express fetched (the shared cache) and matches', async () => {
    assert.equal((await admin.del('/admin/shadow')).status, 200);
    stack.fakes.reset();
    for (let i = 0; i < 5; i++) {
      assert.equal((await user.get(`/api/vehicles/decode-vin/${randomVin()}`)).status, 200);
      assert.equal((await user.get(freshSearch())).status, 200);
    }
    const r = await routes(10);
    for (const route of [DECODE, SEARCH]) {
      const view = r.get(route);
      assert.deepEqual(view && { compared: view.compared, mismatched: view.mismatched, skipped: view.skipped, errored: view.errored },
        { compared: 5, mismatched: 0, skipped: 0, errored: 0 }, route);
    }
    assert.deepEqual({ vpic: stack.fakes.calls('vpic'), places: stack.fakes.calls('places') }, { vpic: 5, places: 5 });
  });
});
