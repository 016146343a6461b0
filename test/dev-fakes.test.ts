// The dev stack's stand-ins: the vPIC/Places fakes (wire formats, every control mode, the call counter)
// and the dev signing keys (tokens verify with the apps' own verifier; wrong audience/issuer do not).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, beforeEach, describe, test } from 'node:test';
import { createTokenVerifier } from '../src/policy/auth.ts';
import { AppError } from '../src/policy/errors.ts';
import { startFakeExternals, type FakeExternals, type Mode } from '../dev/fake-externals/index.ts';
import { DEV_AUDIENCE, DEV_ISSUER, ensureDevKeys, generateDevKeyPair, signToken, type KeyPair } from '../dev/keys.ts';

/** A recorded vPIC (`Results`) or Places (`results`) answer; each test reads the one its file has. */
type RecordedAnswer = { Results: Array<Record<string, unknown>>; results: Array<Record<string, unknown>> };
const fixture = (rel: string) =>
  JSON.parse(readFileSync(new URL(`../dev/fake-externals/fixtures/${rel}`, import.meta.url), 'utf8')) as RecordedAnswer;
const CLEAN_VIN = '1HGCM82633A004352';

let fakes: FakeExternals;
let keys: KeyPair;

before(async () => {
  keys = await generateDevKeyPair('test-kid');
  fakes = await startFakeExternals({ jwks: keys.jwks });
});
after(() => fakes.close());
beforeEach(() => fakes.reset());

const vpic = (vin: string, init?: RequestInit) => fetch(`${fakes.vpicBaseUrl}/vehicles/DecodeVinValues/${vin}?format=json`, init);
const places = (lat: number, lng: number, key = fakes.apiKey, init?: RequestInit) =>
  fetch(`${fakes.placesBaseUrl}/place/nearbysearch/json?location=${lat},${lng}&radius=5000&type=gas_station&key=${key}`, init);
const control = (body: unknown) =>
  fetch(`${fakes.url}/__control`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

describe('vPIC DecodeVinValues', () => {
  test('the recorded clean decode for its VIN, as JSON', async () => {
    const res = await vpic(CLEAN_VIN);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
    assert.deepEqual(await res.json(), fixture(`vpic/DecodeVinValues-${CLEAN_VIN}.json`));
  });

  test('VINs starting with ZZ get the partial-errors decode, labelled with that VIN', async () => {
    const body = await (await vpic('ZZ3AB12CD45678901')).json();
    const recorded = fixture('vpic/DecodeVinValues-partial-errors.json');
    assert.equal(body.SearchCriteria, 'VIN(s): ZZ3AB12CD45678901');
    assert.equal(body.Results[0].VIN, 'ZZ3AB12CD45678901');
    assert.equal(body.Results[0].ErrorCode, '5,14');
    assert.equal(body.Results[0].Model, '');
    assert.deepEqual({ ...body.Results[0], VIN: recorded.Results[0].VIN }, recorded.Results[0]);
  });

  test('any other VIN gets the clean decode with the VIN replaced', async () => {
    const body = await (await vpic('5YJ3E1EA7KF317000')).json();
    assert.equal(body.Count, 1);
    assert.equal(body.SearchCriteria, 'VIN(s): 5YJ3E1EA7KF317000');
    assert.equal(body.Results[0].VIN, '5YJ3E1EA7KF317000');
    assert.equal(body.Results[0].Make, 'HONDA');
    assert.equal(Object.keys(body.Results[0]).length, 154);
  });
});

describe('Places Nearby Search', () => {
  test('the recorded nearby search: status OK, results with vicinity', async () => {
    const res = await places(37.7, -5.1);
    assert.equal(res.status, 200);
    const body = await res.json();
    assert.deepEqual(body, fixture('places/nearbysearch-fuente-palmera.json'));
    assert.ok(body.results.every((r: Record<string, unknown>) => typeof r.vicinity === 'string' && !('formatted_address' in r)));
  });

  test('a wrong or missing key → REQUEST_DENIED with HTTP 200', async () => {
    for (const url of [
      `${fakes.placesBaseUrl}/place/nearbysearch/json?location=37.7,-5.1&radius=5000&type=gas_station&key=nope`,
      `${fakes.placesBaseUrl}/place/nearbysearch/json?location=37.7,-5.1&radius=5000&type=gas_station`,
    ]) {
      const res = await fetch(url);
      assert.equal(res.status, 200);
      assert.deepEqual(await res.json(), fixture('places/nearbysearch-request-denied.json'));
    }
  });

  test('near 0,0 → ZERO_RESULTS', async () => {
    assert.deepEqual(await (await places(0.5, -0.2)).json(), fixture('places/nearbysearch-zero-results.json'));
  });

  test('lat 10..11 → the text-search results (formatted_address, some without opening_hours) as a nearby search', async () => {
    const body = await (await places(10.5, 3)).json();
    assert.equal(body.status, 'OK');
    assert.deepEqual(body.results, fixture('places/textsearch-gas-stations-fuente-palmera.json').results);
    assert.ok(body.results.every((r: Record<string, unknown>) => typeof r.formatted_address === 'string' && !('vicinity' in r)));
    assert.ok(body.results.some((r: Record<string, unknown>) => !('opening_hours' in r)));
  });

  test('no location → INVALID_REQUEST', async () => {
    const body = await (await fetch(`${fakes.placesBaseUrl}/place/nearbysearch/json?key=${fakes.apiKey}`)).json();
    assert.equal(body.status, 'INVALID_REQUEST');
  });
});

describe('control modes', () => {
  test('fail → HTTP 500 from both services', async () => {
    fakes.setMode('all', 'fail');
    assert.equal((await vpic(CLEAN_VIN)).status, 500);
    assert.equal((await places(37.7, -5.1)).status, 500);
  });

  test('garbage → HTTP 200 with a body that is not JSON', async () => {
    fakes.setMode('vpic', 'garbage');
    const res = await vpic(CLEAN_VIN);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /json/, 'it even claims to be JSON');
    const text = await res.text();
    assert.throws(() => JSON.parse(text), SyntaxError);
    assert.equal((await places(37.7, -5.1)).status, 200, 'places unaffected');
  });

  test('slow → answers normally after delayMs', async () => {
    fakes.setMode('places', 'slow', { delayMs: 300 });
    const started = Date.now();
    const body = await (await places(37.7, -5.1)).json();
    assert.ok(Date.now() - started >= 280, `answered after ${Date.now() - started} ms`);
    assert.equal(body.status, 'OK');
  });

  test('slow without delayMs waits 10 s by default', async () => {
    fakes.setMode('vpic', 'slow');
    await assert.rejects(vpic(CLEAN_VIN, { signal: AbortSignal.timeout(300) }), { name: 'TimeoutError' });
    const state = await (await fetch(`${fakes.url}/__control/calls`)).json();
    assert.equal(state.modes.vpic.delayMs, 10_000);
  });

  test('hang → never answers', async () => {
    fakes.setMode('vpic', 'hang');
    await assert.rejects(vpic(CLEAN_VIN, { signal: AbortSignal.timeout(300) }), { name: 'TimeoutError' });
  });

  for (const [mode, file] of [
    ['over-query-limit', 'nearbysearch-over-query-limit.json'],
    ['request-denied', 'nearbysearch-request-denied.json'],
    ['zero-results', 'nearbysearch-zero-results.json'],
  ] as const) {
    test(`places ${mode} → the recorded status envelope with HTTP 200`, async () => {
      fakes.setMode('places', mode);
      const res = await places(37.7, -5.1);
      assert.equal(res.status, 200);
      assert.deepEqual(await res.json(), fixture(`places/${file}`));
      assert.equal((await vpic(CLEAN_VIN)).status, 200, 'vpic unaffected');
    });
  }

  test('Places status modes are refused for vpic and for all', () => {
    assert.throws(() => fakes.setMode('vpic', 'zero-results'), /Places status/);
    assert.throws(() => fakes.setMode('all', 'over-query-limit'), /Places status/);
    assert.throws(() => fakes.setMode('vpic', 'nope' as Mode), /unknown mode/);
  });

  test('reset → every service back to ok', async () => {
    fakes.setMode('all', 'fail');
    fakes.reset();
    assert.equal((await vpic(CLEAN_VIN)).status, 200);
    assert.equal((await places(37.7, -5.1)).status, 200);
  });

  test('close() does not wait for hanging or slow requests', async () => {
    const own = await startFakeExternals();
    own.setMode('vpic', 'hang');
    own.setMode('places', 'slow', { delayMs: 60_000 });
    const pending = [
      fetch(`${own.vpicBaseUrl}/vehicles/DecodeVinValues/${CLEAN_VIN}?format=json`).catch((e: Error) => e),
      fetch(`${own.placesBaseUrl}/place/nearbysearch/json?location=1,1&key=${own.apiKey}`).catch((e: Error) => e),
    ];
    await new Promise((r) => setTimeout(r, 100));
    const started = Date.now();
    await own.close();
    assert.ok(Date.now() - started < 1000);
    for (const result of await Promise.all(pending)) assert.ok(result instanceof Error);
  });
});

describe('call counter', () => {
  test('counts upstream requests per service, whatever the mode, and not control calls', async () => {
    await (await vpic(CLEAN_VIN)).text();
    await (await vpic('ZZ3AB12CD45678901')).text();
    fakes.setMode('places', 'fail');
    await (await places(37.7, -5.1)).text();
    await (await fetch(`${fakes.url}/__control/calls`)).text();
    assert.equal(fakes.calls('vpic'), 2);
    assert.equal(fakes.calls('places'), 1);
    fakes.reset();
    assert.equal(fakes.calls('vpic'), 0);
    assert.equal(fakes.calls('places'), 0);
  });
});

describe('HTTP control', () => {
  test('POST /__control sets a mode, GET /__control/calls reports counts, POST /__control/reset resets', async () => {
    const set = await control({ service: 'places', mode: 'over-query-limit' });
    assert.equal(set.status, 200);
    assert.equal((await (await places(37.7, -5.1)).json()).status, 'OVER_QUERY_LIMIT');
    const calls = await (await fetch(`${fakes.url}/__control/calls`)).json();
    assert.equal(calls.places, 1);
    assert.equal(calls.vpic, 0);
    assert.equal((await fetch(`${fakes.url}/__control/reset`, { method: 'POST' })).status, 200);
    assert.equal(fakes.calls('places'), 0);
    assert.equal((await (await places(37.7, -5.1)).json()).status, 'OK');
  });

  test('delayMs over HTTP', async () => {
    await control({ service: 'vpic', mode: 'slow', delayMs: 200 });
    const started = Date.now();
    assert.equal((await vpic(CLEAN_VIN)).status, 200);
    assert.ok(Date.now() - started >= 180);
  });

  test('bad control requests → 400 with a message', async () => {
    for (const body of [{ service: 'vpic', mode: 'zero-results' }, { service: 'x', mode: 'ok' }, { mode: 'slow', delayMs: -1 }]) {
      const res = await control(body);
      assert.equal(res.status, 400);
      assert.equal(typeof (await res.json()).error, 'string');
    }
    const res = await fetch(`${fakes.url}/__control`, { method: 'POST', body: 'not json' });
    assert.equal(res.status, 400);
    await res.text();
  });
});

describe('JWKS', () => {
  test('served at /.well-known/jwks.json when given, counted apart', async () => {
    const res = await fetch(`${fakes.url}/.well-known/jwks.json`);
    assert.deepEqual(await res.json(), keys.jwks);
    assert.equal(fakes.calls('jwks'), 1);
  });

  test('404 without a key set', async () => {
    const own = await startFakeExternals();
    try {
      assert.equal((await fetch(`${own.url}/.well-known/jwks.json`)).status, 404);
    } finally {
      await own.close();
    }
  });
});

describe('dev signing keys', () => {
  let dir: string;
  before(async () => { dir = await mkdtemp(join(tmpdir(), 'mvp-keys-')); });
  after(() => rm(dir, { recursive: true, force: true }));

  const sign = (privateJwk: KeyPair['privateJwk'], o: Partial<Parameters<typeof signToken>[0]> = {}) =>
    signToken({ privateJwk, issuer: DEV_ISSUER, audience: DEV_AUDIENCE, sub: 'alice', ...o });

  test('ensureDevKeys persists one RS256 pair; jwks.json holds only the public key', async () => {
    const first = await ensureDevKeys(dir);
    const second = await ensureDevKeys(dir);
    assert.equal(second.kid, first.kid);
    assert.deepEqual(second.privateJwk, first.privateJwk);
    const jwks = JSON.parse(await readFile(join(dir, 'jwks.json'), 'utf8'));
    assert.equal(jwks.keys.length, 1);
    assert.deepEqual(Object.keys(jwks.keys[0]).sort(), ['alg', 'e', 'kid', 'kty', 'n', 'use']);
    assert.equal(jwks.keys[0].alg, 'RS256');
    assert.equal(jwks.keys[0].use, 'sig');
  });

  test('a signed token verifies with the apps\' verifier against the JWKS file', async () => {
    const k = await ensureDevKeys(dir);
    const verify = createTokenVerifier({ issuer: DEV_ISSUER, audience: DEV_AUDIENCE, jwksFile: k.jwksFile });
    const token = await sign(k.privateJwk, { permissions: ['admin:flags'] });
    const { expiresAt, ...user } = await verify(`Bearer ${token}`);
    assert.deepEqual(user, { sub: 'alice', permissions: ['admin:flags'] });
    assert.ok(expiresAt !== undefined && expiresAt > Date.now() / 1000, 'the token expiry is reported');
    const { expiresAt: _exp, ...plain } = await verify(`Bearer ${await sign(k.privateJwk)}`);
    assert.deepEqual(plain, { sub: 'alice', permissions: [] });
  });

  test('wrong audience, wrong issuer, expired, not yet valid, or another key → UNAUTHORIZED', async () => {
    const k = await ensureDevKeys(dir);
    const verify = createTokenVerifier({ issuer: DEV_ISSUER, audience: DEV_AUDIENCE, jwksFile: k.jwksFile });
    const other = await generateDevKeyPair(k.kid); // same kid, different key
    const bad = [
      await sign(k.privateJwk, { audience: 'https://someone-else.example' }),
      await sign(k.privateJwk, { issuer: 'https://evil.example/' }),
      await sign(k.privateJwk, { expiresIn: Math.floor(Date.now() / 1000) - 60 }),
      await sign(k.privateJwk, { notBefore: '1h' }),
      await sign(other.privateJwk),
    ];
    for (const token of bad) {
      await assert.rejects(verify(`Bearer ${token}`), (err: unknown) => err instanceof AppError && err.code === 'UNAUTHORIZED');
    }
  });

  test('tokens verify against the JWKS served over HTTP by the fakes', async () => {
    const verify = createTokenVerifier({ issuer: DEV_ISSUER, audience: DEV_AUDIENCE, jwksUrl: `${fakes.url}/.well-known/jwks.json` });
    const token = await sign(keys.privateJwk, { sub: 'bob', extraClaims: { scope: 'openid' } });
    const { expiresAt: _bobExp, ...bob } = await verify(`Bearer ${token}`);
    assert.deepEqual(bob, { sub: 'bob', permissions: [] });
  });
});
