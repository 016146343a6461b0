// vPIC and Google Places down, slow, hanging, answering garbage or an error status → 502
// EXTERNAL_SERVICE_ERROR within the configured timeout (1 s here), on every backend; a failure is
// never cached and never stores anything; service resumes when the upstream does.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { before, describe, test } from 'node:test';
import { targetList } from '../helper.ts';
import { assertError } from '../security/support/contract.ts';
import { startSecurityEnv } from '../security/support/env.ts';
import { call, describeRes } from './support/http.ts';
import type { Mode } from '../../dev/fake-externals/index.ts';

const TIMEOUT_MS = 1000;
const BUDGET_MS = TIMEOUT_MS + 1500; // the timeout plus generous scheduling slack on a 2-core machine

let token: string;
let sub: string;

const env = await startSecurityEnv('faults_ext', { env: { VPIC_TIMEOUT_MS: String(TIMEOUT_MS), GOOGLE_MAPS_TIMEOUT_MS: String(TIMEOUT_MS) } });
before(async () => {
  ({ token, sub } = await env.newUser());
});

/** A VIN that is valid and not yet in the cache (the fake decodes any well-formed VIN). */
function freshVin(): string {
  const alphabet = 'ABCDEFGHJKLMNPRSTUVWXYZ0123456789';
  let v = '1HGCM8';
  while (v.length < 17) v += alphabet[Math.floor(Math.random() * alphabet.length)];
  return v;
}
let coord = 0;
/** Coordinates not yet in the cache. */
const freshSearch = () => `/api/stations/search?lat=${(10 + (coord++) * 0.01).toFixed(3)}&lng=${(20 + Math.random()).toFixed(3)}&radius=5000`;

const FAILURES: Array<{ mode: Mode; delayMs?: number }> = [
  { mode: 'fail' }, { mode: 'garbage' }, { mode: 'hang' }, { mode: 'slow', delayMs: TIMEOUT_MS * 3 },
];

describe('vPIC', () => {
  for (const f of FAILURES) {
    test(`${f.mode}: decode-vin and create-by-VIN → 502 within the timeout, nothing cached or stored`, async () => {
      env.fakes.reset();
      env.fakes.setMode('vpic', f.mode, { delayMs: f.delayMs });
      const vins: string[] = [];
      try {
        const failures: string[] = [];
        await Promise.all(targetList(env).map(async (t) => {
          const vin = freshVin();
          vins.push(vin);
          for (const [name, res] of [
            ['decode', await call(t.url, 'GET', `/api/vehicles/decode-vin/${vin}`, { token, timeoutMs: 15_000 })],
            ['create', await call(t.url, 'POST', '/api/vehicles', { token, body: { vin }, timeoutMs: 15_000 })],
          ] as const) {
            try {
              assert.ok(!res.error, `${t.name} ${name}: ${describeRes(res)}`);
              assertError(res, 502, 'EXTERNAL_SERVICE_ERROR', `${t.name} ${name} (${f.mode})`);
              assert.ok(res.ms < BUDGET_MS, `${t.name} ${name} (${f.mode}) took ${Math.round(res.ms)} ms`);
            } catch (err) {
              failures.push((err as Error).message.split('\n')[0]);
            }
          }
        }));
        assert.deepEqual(failures, []);
      } finally {
        env.fakes.reset();
      }
      const { rows } = await env.deps.db.query('SELECT count(*)::int AS n FROM vehicles WHERE user_id = $1 AND vin = ANY($2)', [sub, vins]);
      assert.equal(rows[0].n, 0, 'a vehicle was stored although its VIN could not be decoded');
      if (env.redis) for (const vin of vins) assert.equal(await env.redis.get(`mvp:vin:${vin}`), null, `failed decode of ${vin} was cached`);
      // The upstream is back: the same VINs decode now.
      for (const [i, t] of targetList(env).entries()) {
        const res = await call(t.url, 'GET', `/api/vehicles/decode-vin/${vins[i]}`, { token });
        assert.equal(res.status, 200, `${t.name} after recovery: ${describeRes(res)}`);
      }
    });
  }
});

describe('Google Places', () => {
  for (const f of [...FAILURES, { mode: 'over-query-limit' as Mode }, { mode: 'request-denied' as Mode }]) {
    test(`${f.mode}: station search → 502 within the timeout, not cached`, async () => {
      env.fakes.reset();
      env.fakes.setMode('places', f.mode, { delayMs: f.delayMs });
      const paths: string[] = [];
      try {
        const failures: string[] = [];
        await Promise.all(targetList(env).map(async (t) => {
          const path = freshSearch();
          paths.push(path);
          const res = await call(t.url, 'GET', path, { token, timeoutMs: 15_000 });
          try {
            assert.ok(!res.error, `${t.name}: ${describeRes(res)}`);
            assertError(res, 502, 'EXTERNAL_SERVICE_ERROR', `${t.name} search (${f.mode})`);
            assert.ok(res.ms < BUDGET_MS, `${t.name} search (${f.mode}) took ${Math.round(res.ms)} ms`);
          } catch (err) {
            failures.push((err as Error).message.split('\n')[0]);
          }
        }));
        assert.deepEqual(failures, []);
      } finally {
        env.fakes.reset();
      }
      for (const [i, t] of targetList(env).entries()) {
        const res = await call(t.url, 'GET', paths[i], { token });
        assert.equal(res.status, 200, `${t.name} after recovery (a failure was cached?): ${describeRes(res)}`);
      }
    });
  }

  test('ZERO_RESULTS is an empty list, not an error', async () => {
    env.fakes.setMode('places', 'zero-results');
    try {
      for (const t of targetList(env)) {
        const res = await call(t.url, 'GET', freshSearch(), { token });
        assert.equal(res.status, 200, `${t.name}: ${describeRes(res)}`);
        assert.deepEqual(res.body.items, []);
      }
    } finally {
      env.fakes.reset();
    }
  });

  test('other routes keep working while both externals hang', async () => {
    env.fakes.setMode('all', 'hang');
    try {
      for (const t of targetList(env)) {
        const created = await call(t.url, 'POST', '/api/vehicles', { token, body: { make: 'VW', model: 'Golf', year: 2018 } });
        assert.equal(created.status, 201, `${t.name}: ${describeRes(created)}`);
        assert.ok(created.ms < 1000, `${t.name} create took ${Math.round(created.ms)} ms while externals hang`);
        const saved = await call(t.url, 'POST', '/api/stations/saved', { token, body: { placeId: `p-${randomUUID()}`, name: 'X', lat: 1, lng: 2 } });
        assert.equal(saved.status, 201, `${t.name}: ${describeRes(saved)}`);
      }
    } finally {
      env.fakes.reset();
    }
  });
});

test('no Places API key configured → 503 SERVICE_UNAVAILABLE on every backend', async (ctx) => {
  const noKey = await startSecurityEnv('faults_ext_nokey', { env: { GOOGLE_MAPS_API_KEY: '' } }, ctx);
  const { token: tk } = await noKey.newUser();
  for (const t of targetList(noKey)) {
    const res = await call(t.url, 'GET', '/api/stations/search?lat=1&lng=1', { token: tk });
    assertError(res, 503, 'SERVICE_UNAVAILABLE', `${t.name} search without key`);
  }
  assert.equal(noKey.fakes.calls('places'), 0, 'Places was called without a key');
});
