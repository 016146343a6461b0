// Property-based fuzzing (fast-check) of every route on the legacy app directly and the gateway's
// native capsules: generated bodies, query strings and path params — near-valid mutations of real
// requests and plain junk. Never a 5xx; every rejection has the contract's error body with no
// internals in it; a rejected request changes nothing in the database.
// FUZZ_RUNS (default 800 per target) and FUZZ_SEED make runs longer or reproducible.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { test } from 'node:test';
import fc from 'fast-check';
import { Client } from '../support/client.ts';
import { assertError } from './support/contract.ts';
import { ROUTES, countUser, fill, makeFixture, type Fixture, type RouteDef } from './support/routes.ts';
import { startSecurityEnv } from './support/env.ts';

const RUNS = Number(process.env.FUZZ_RUNS ?? 800);
const SEED = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : undefined;

const env = await startSecurityEnv('sec_fuzz');

// Field names each route knows (so mutations hit real validation paths), plus the query keys.
const FIELDS = [
  'make', 'model', 'year', 'vin', 'nickname', 'color', 'licensePlate', 'odometer', 'vehicleId', 'date', 'gallons',
  'pricePerGallon', 'totalCost', 'fullTank', 'stationPlaceId', 'notes', 'placeId', 'name', 'address', 'lat', 'lng',
  'isFavorite', 'type', 'description', 'cost', 'shop', 'intervalMiles', 'intervalMonths', 'id', '__proto__', 'constructor',
];
const QUERY_KEYS = ['limit', 'offset', 'vehicleId', 'lat', 'lng', 'radius', 'asOf', 'q', 'limit[]', 'offset[a]'];

const specialStrings = fc.constantFrom(
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a literal `${x}` is one of the payloads under test, not a template
  '', ' ', '\u0000', 'a\u0000b', '\ud800', '\u202e', "'", '"', '\\', '%', '%00', '../..', '${x}', 'null', 'true', '0', '-1', '1e309',
  'NaN', 'Infinity', '2024-02-30', '2024-13-01', '0000-00-00', '9999-12-31', '1900-01-01', '2026-02-29', '20240101',
  '1HGCM82633A004352', '1hgcm82633a004352 ', 'IOQIOQIOQIOQIOQIO', 'x'.repeat(17), 'x'.repeat(256), 'é'.repeat(501),
  'oil_change', 'OIL_CHANGE', 'express', randomUUID(), randomUUID().toUpperCase(), `urn:uuid:${randomUUID()}`, `{${randomUUID()}}`,
  '00000000-0000-0000-0000-000000000000', 'ffffffff-ffff-ffff-ffff-ffffffffffff',
);
const numbers = fc.oneof(
  fc.integer(), fc.double(), fc.constantFrom(0, -0, -1, 1.5, 0.0001, 1.23456, 99.9999, 1000.0001, 2_000_001, 2 ** 31, 2 ** 53 + 1, 1e21, 1e308, -1e308, Number.MIN_VALUE),
);
const strings = fc.oneof(fc.string(), fc.string({ unit: 'binary', maxLength: 40 }), specialStrings);
const scalar = fc.oneof(strings, numbers, fc.boolean(), fc.constant(null));
const value = fc.oneof({ weight: 6, arbitrary: scalar }, { weight: 1, arbitrary: fc.array(scalar, { maxLength: 3 }) }, { weight: 1, arbitrary: fc.dictionary(fc.constantFrom(...FIELDS), scalar, { maxKeys: 3 }) });

/** A body: the route's valid one with fields replaced/removed/added, or a junk JSON value. */
function bodyArb(route: RouteDef, f: Fixture) {
  const valid = (route.body?.(f) ?? {}) as Record<string, unknown>;
  const mutated = fc.tuple(
    fc.dictionary(fc.constantFrom(...FIELDS), value, { maxKeys: 3 }),
    fc.subarray(Object.keys(valid)),
  ).map(([changes, drop]) => {
    const b: Record<string, unknown> = { ...valid };
    for (const k of drop) delete b[k];
    for (const [k, v] of Object.entries(changes)) Object.defineProperty(b, k, { value: v, enumerable: true, configurable: true, writable: true });
    return b;
  });
  return fc.oneof({ weight: 5, arbitrary: mutated }, { weight: 1, arbitrary: value }, { weight: 1, arbitrary: fc.json().map((j) => JSON.parse(j) as unknown) });
}

interface Req { route: RouteDef; path: string; body?: unknown; raw?: { bytes: Buffer | string; contentType?: string } }

function requestArb(f: Fixture): fc.Arbitrary<Req> {
  return fc.constantFrom(...ROUTES).chain((route) => {
    // Path: the real ids, or a junk segment in place of one (never the fixture's id on a DELETE, so the fixture survives).
    const ids: Partial<Fixture> = route.method === 'DELETE' ? {} : f;
    const junkId = fc.oneof(strings, fc.uuid().map((u) => u.toUpperCase()), fc.constant(randomUUID())).map((s) => enc(s) || '%20');
    const path = fc.oneof(
      { weight: 3, arbitrary: fc.constant(fill(route.path, ids)) },
      { weight: 1, arbitrary: junkId.map((j) => route.path.replace(/:(vehicleId|fuelLogId|stationId|recordId|scheduleId)\b/, j).replace(/:(vehicleId|fuelLogId|stationId|recordId|scheduleId)\b/g, randomUUID())) },
    );
    const query = fc.oneof(
      fc.constant(route.query ? fill(route.query, f) : ''),
      fc.array(fc.tuple(fc.constantFrom(...QUERY_KEYS), fc.oneof(strings, numbers.map(String))), { maxLength: 4 })
        .map((pairs) => pairs.map(([k, v]) => `${enc(k)}=${enc(v)}`).join('&'))
        .map((q) => [route.query ? fill(route.query, f) : '', q].filter(Boolean).join('&')),
    );
    const hasBody = route.method === 'POST' || route.method === 'PUT';
    const payload: fc.Arbitrary<Pick<Req, 'body' | 'raw'>> = route.upload
      ? fc.record({
          raw: fc.record({
            bytes: fc.uint8Array({ maxLength: 64 }).map((a) => Buffer.from(a)),
            contentType: fc.constantFrom(route.upload.contentType, 'image/gif', 'text/html', 'application/json', 'image/png; charset=utf-8', 'IMAGE/JPEG', ''),
          }),
        })
      : hasBody
        ? fc.oneof(
            { weight: 6, arbitrary: bodyArb(route, f).map((body) => ({ body })) },
            { weight: 1, arbitrary: fc.record({ raw: fc.record({ bytes: fc.oneof(fc.string(), fc.constantFrom('{', '{"a":', '[1,', '\u0000', '{"make": "a"}garbage', '"str"', 'null')), contentType: fc.constantFrom('application/json', 'text/plain', 'application/x-www-form-urlencoded', 'application/json; charset=latin1') }) }) },
          )
        : fc.constant({});
    return fc.tuple(path, query, payload).map(([p, q, pl]) => ({ route, path: q ? `${p}?${q}` : p, ...pl }));
  });
}

async function send(c: Client, r: Req) {
  if (r.raw) {
    const headers: Record<string, string> = {};
    if (r.raw.contentType) headers['content-type'] = r.raw.contentType;
    return c.raw(r.route.method, r.path, { body: r.raw.bytes, headers });
  }
  return c.request(r.route.method, r.path, r.body);
}

for (const target of ['legacy direct', 'gateway → fastify'] as const) {
  test(`fuzz every route on ${target}: no 5xx, contract errors, rejected requests change nothing`, async (t) => {
    const url = target === 'legacy direct' ? env.targets.legacy : env.targets.gatewayFastify;
    const user = await env.newUser();
    const c = new Client(url, user.token);
    const fixture = await makeFixture(c);
    const failures = new Map<string, string>();
    let rejected = 0;
    let accepted = 0;
    await fc.assert(
      fc.asyncProperty(requestArb(fixture), async (r) => {
        const before = await countUser(env.deps.db, user.sub);
        const res = await send(c, r);
        const key = `${r.route.method} ${r.route.path} → ${res.status}`;
        const repro = `${r.route.method} ${r.path} ${r.raw ? `[${r.raw.contentType}] ${JSON.stringify(String(r.raw.bytes)).slice(0, 120)}` : JSON.stringify(r.body)?.slice(0, 200)}`;
        if (res.status >= 500) {
          if (!failures.has(key)) failures.set(key, `${repro} ⇒ ${res.text.slice(0, 150)}`);
          return true;
        }
        if (res.status >= 400) {
          rejected++;
          try {
            assertError(res, undefined, undefined, repro, [r.path.split('?')[0], decodeURIComponentSafe(r.path.split('?')[0])]);
            assert.deepEqual(await countUser(env.deps.db, user.sub), before, 'a rejected request changed the database');
          } catch (err) {
            const k = `${key} (contract)`;
            if (!failures.has(k)) failures.set(k, (err as Error).message.split('\n')[0].slice(0, 300));
          }
        } else {
          accepted++;
        }
        return true;
      }),
      { numRuns: RUNS, seed: SEED, endOnFailure: true },
    );
    t.diagnostic(`${RUNS} requests: ${accepted} accepted, ${rejected} rejected, ${failures.size} distinct failures`);
    assert.deepEqual([...failures.entries()].map(([k, v]) => `${k}: ${v}`), [], `fuzzing ${target} found`);
  });
}

/** encodeURIComponent, with lone surrogates (which it cannot encode) replaced. */
function enc(s: string): string {
  return encodeURIComponent(s.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd'));
}

function decodeURIComponentSafe(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

// Boundary values the fuzzer found or that sit at PostgreSQL's limits, checked deterministically on
// every target so a regression does not depend on the random seed.
test('boundary values at PostgreSQL limits are refused cleanly on every backend', async () => {
  const user = await env.newUser();
  const failures: string[] = [];
  const urn = `urn:uuid:${randomUUID()}`;
  const paths = [
    '/api/vehicles?offset=100000000000000000000', '/api/vehicles?offset=9223372036854775808', '/api/vehicles?offset=2147483648',
    '/api/fuel-logs?offset=100000000000000000000', '/api/maintenance/records?offset=100000000000000000000',
    `/api/vehicles/${urn}`, `/api/fuel-logs/${urn}`, `/api/stations/saved/${urn}`, `/api/maintenance/records/${urn}`,
    `/api/fuel-logs?vehicleId=${urn}`, `/api/fuel-logs/stats?vehicleId=${urn}`, `/api/maintenance/upcoming?vehicleId=${urn}`,
    `/api/maintenance/upcoming?vehicleId=${randomUUID()}&asOf=275760-09-13`, '/api/stations/search?lat=1e-400&lng=1',
  ];
  for (const [name, url] of [['legacy direct', env.targets.legacy], ['gateway → express', env.targets.gatewayExpress], ['gateway → fastify', env.targets.gatewayFastify]]) {
    const c = new Client(url, user.token);
    for (const p of paths) {
      const res = await c.get(p);
      if (res.status >= 500) failures.push(`${name} GET ${p} → ${res.status}`);
    }
    for (const [p, body] of [
      [`/api/stations/saved/${urn}`, { nickname: 'x' }],
      [`/api/vehicles/${urn}`, { nickname: 'x' }],
      ['/api/fuel-logs', { vehicleId: urn, date: '2024-01-01', odometer: 1, gallons: 1, pricePerGallon: 1 }],
    ] as const) {
      const res = await c.put(p, body);
      const res2 = p === '/api/fuel-logs' ? await c.post(p, body) : res;
      for (const r of [res, res2]) if (r.status >= 500) failures.push(`${name} ${r === res ? 'PUT' : 'POST'} ${p} → ${r.status}`);
    }
  }
  assert.deepEqual([...new Set(failures)], [], 'boundary values answered with a 5xx');
});
