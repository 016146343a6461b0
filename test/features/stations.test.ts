// Stations over real HTTP against the legacy app and the native capsule behind the gateway, with the real
// PostgreSQL and Redis and the Places fake. Every test makes its own user and data.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { build, clearKeys, redisOf, targetList } from '../helper.ts';
import { Client, type ApiResponse } from '../support/client.ts';
import { cacheKeys } from '../../src/infrastructure/cache.ts';
import { UNKNOWN_ID, savedBody, searchPath, startPair, type BackendPair } from './support/stations.ts';

const env = await build();

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
const noRedis = !process.env.REDIS_URL;

async function clearStationCache() {
  if (env.redis) await clearKeys(env.redis, 'mvp:stations:*');
}

function assertError(res: Pick<ApiResponse, 'status' | 'body'>, status: number, code: string) {
  assert.equal(res.status, status, JSON.stringify(res.body));
  assert.equal(res.body?.error?.code, code);
  if (code !== 'VALIDATION_ERROR') assert.equal(res.body.error.details, undefined);
}

function assertInvalid(res: Pick<ApiResponse, 'status' | 'body'>, field: string) {
  assertError(res, 400, 'VALIDATION_ERROR');
  assert.ok(res.body.error.details.length > 0);
  for (const d of res.body.error.details) assert.equal(d.field, field, JSON.stringify(res.body.error.details));
}

// The recorded Fuente Palmera nearby search, ranked from the first result's own location
// (distances worked out in domain/stations.test.ts: 0, 427, 451, 2881 m).
const FUENTE_PALMERA = { lat: 37.7053654, lng: -5.1002203 };
const FUENTE_PALMERA_ITEMS = [
  { placeId: 'ChIJ65Bkb4fSEg0RRd5kIZITgWA', name: 'Fuente Palmera', address: 'Fuente Palmera', lat: 37.7053654, lng: -5.1002203, rating: null, userRatingsTotal: null, openNow: null, distanceMeters: 0 },
  { placeId: 'ChIJtz1_EXzSEg0RO4X7yjiU778', name: 'Comunidad de Regantes de Fuente Palmera', address: 'Calle Ingeniero Práxedes Cañete, 2, Fuente Palmera', lat: 37.7054, lng: -5.10507, rating: null, userRatingsTotal: null, openNow: null, distanceMeters: 427 },
  { placeId: 'ChIJuxAZK4bSEg0RlPfcJlnQpcM', name: 'ELECTROMECANICA ESPECIALIZADA EN LIMPIEZA DE MOTORES', address: 'Calle Velázquez, Córdoba', lat: 37.7092681, lng: -5.098828399999999, rating: 3, userRatingsTotal: 1, openNow: null, distanceMeters: 451 },
  { placeId: 'ChIJcUVFCI_SEg0RqyAWWsYE9qs', name: 'CASA RURAL ECUESTRE', address: 'A-440, Km 7, Fuente Palmera', lat: 37.71547440000001, lng: -5.0700609, rating: 4.7, userRatingsTotal: 19, openNow: true, distanceMeters: 2881 },
];

for (const target of targetList(env, 'codePaths')) {
  describe(`stations via ${target.name}`, () => {
    const url = () => target.endpoint;
    const client = async (): Promise<Client> => (await env.newUser()).client(url());

    describe('GET /search', () => {
      test('ranks the Places answer by distance, every field mapped', async () => {
        await clearStationCache();
        const res = await (await client()).get(searchPath(FUENTE_PALMERA.lat, FUENTE_PALMERA.lng, 1000));
        assert.equal(res.status, 200);
        assert.match(res.headers['content-type'], /^application\/json/);
        assert.deepEqual(res.body, { items: FUENTE_PALMERA_ITEMS });
      });

      test('text-search shaped results: formatted_address, zero ratings kept, missing opening hours null', async () => {
        await clearStationCache();
        // The fake answers 10 ≤ lat < 11 with the recorded text search (8 stations in Andalusia, ~3000 km north).
        const res = await (await client()).get(searchPath(10.5, -5.1));
        assert.equal(res.status, 200);
        assert.deepEqual(res.body.items.map((s: { placeId: string; distanceMeters: number }) => [s.placeId, s.distanceMeters]), [
          ['ChIJ-72ujG_JEg0R3OFzCLTd6_0', 3013439], ['ChIJbenAIWgzbQ0ResM7dH01c6c', 3016559],
          ['ChIJc3E6R4bSEg0R-oJvO9fFT4k', 3025409], ['ChIJjYzYFIbSEg0RAe9gQxkMCU4', 3025417],
          ['ChIJNez5x5fSEg0RllsoLAMDAvY', 3025850], ['ChIJv3w7fL3SEg0R-yBzy4ujaqc', 3025893],
          ['ChIJTW1nIObSEg0RQEenXGNWhSU', 3027950], ['ChIJi5T_QcvQEg0ReXHn5XHAA-0', 3033175],
        ]);
        assert.deepEqual(res.body.items[0], {
          placeId: 'ChIJ-72ujG_JEg0R3OFzCLTd6_0', name: 'GASOLINERA CAÑADA ROSAL SL',
          address: 'CARRETERA CAÑADA, Calle Écija, KM 0 35, 41439 Cañada Rosal, Sevilla, España',
          lat: 37.60029, lng: -5.208749999999999, rating: 0, userRatingsTotal: 0, openNow: null, distanceMeters: 3013439,
        });
        assert.equal(res.body.items[2].openNow, true);
      });

      test('ZERO_RESULTS is an empty list', async () => {
        await clearStationCache();
        const c = await client();
        assert.deepEqual((await c.get(searchPath(0.5, 0.5))).body, { items: [] }); // fake: |lat|,|lng| < 1
        env.fakes.setMode('places', 'zero-results');
        const res = await c.get(searchPath(40, 3));
        assert.equal(res.status, 200);
        assert.deepEqual(res.body, { items: [] });
        env.fakes.reset();
      });

      for (const [mode, label] of [['fail', 'HTTP 500'], ['garbage', 'unparseable body'], ['over-query-limit', 'OVER_QUERY_LIMIT'], ['request-denied', 'REQUEST_DENIED']] as const) {
        test(`Places ${label} → 502, nothing cached, no key or address leaked`, async () => {
          await clearStationCache();
          env.fakes.reset();
          env.fakes.setMode('places', mode);
          const c = await client();
          const res = await c.get(searchPath(41, 2));
          assertError(res, 502, 'EXTERNAL_SERVICE_ERROR');
          assert.ok(!res.text.includes(env.fakes.apiKey) && !res.text.includes('127.0.0.1') && !res.text.includes('nearbysearch'), res.text);
          env.fakes.reset();
          assert.equal((await c.get(searchPath(41, 2))).status, 200); // the failure was not cached
          assert.equal(env.fakes.calls('places'), 1);
        });
      }

      test('Places timeout → 502 within the configured timeout', async () => {
        await clearStationCache();
        env.fakes.setMode('places', 'hang');
        const started = Date.now();
        const res = await (await client()).get(searchPath(42, 2));
        env.fakes.reset();
        assertError(res, 502, 'EXTERNAL_SERVICE_ERROR');
        const ms = Date.now() - started;
        assert.ok(ms >= 900 && ms < 4000, `answered after ${ms} ms (GOOGLE_MAPS_TIMEOUT_MS=1000)`);
      });

      test('cached under the rounded key; distances are recomputed from each exact query point', { skip: noRedis }, async () => {
        await clearStationCache();
        env.fakes.reset();
        const c = await client();
        assert.deepEqual((await c.get(searchPath(FUENTE_PALMERA.lat, FUENTE_PALMERA.lng))).body.items, FUENTE_PALMERA_ITEMS);
        // The default radius is part of the key; the value is the place list without distances.
        const cachedValue = JSON.parse((await redisOf(env).get(cacheKeys.stationSearch(37.705, -5.100, 5000))) ?? 'null');
        assert.equal(cachedValue.length, 4);
        assert.equal(cachedValue[0].distanceMeters, undefined);
        assert.ok((await redisOf(env).ttl('mvp:stations:37.705:-5.100:5000')) > 3500);
        // (37.7049, -5.1004) rounds to the same key: no new Places call, but its own distances
        // (54, 415, 505, 2916 m from the second point, by the same haversine).
        const res = await c.get(searchPath(37.7049, -5.1004, 5000));
        assert.deepEqual(res.body.items.map((s: { distanceMeters: number }) => s.distanceMeters), [54, 415, 505, 2916]);
        assert.equal(env.fakes.calls('places'), 1);
        // A different radius is a different key.
        await c.get(searchPath(37.7049, -5.1004, 1000));
        assert.equal(env.fakes.calls('places'), 2);
      });

      const bad: Array<[string, string, string]> = [
        ['lat above 90', searchPath(90.0001, 0), 'lat'], ['lat below -90', searchPath(-90.0001, 0), 'lat'],
        ['lat not a number', searchPath('north', 0), 'lat'], ['lat missing', '/api/stations/search?lng=1', 'lat'],
        ['lat empty', searchPath('', 1), 'lat'], ['lat repeated', '/api/stations/search?lat=1&lat=2&lng=1', 'lat'],
        ['lng above 180', searchPath(0, 180.0001), 'lng'], ['lng below -180', searchPath(0, -180.5), 'lng'],
        ['lng missing', '/api/stations/search?lat=1', 'lng'],
        ['radius below 100', searchPath(1, 1, 99), 'radius'], ['radius above 50000', searchPath(1, 1, 50001), 'radius'],
        ['radius fractional', searchPath(1, 1, 100.5), 'radius'], ['radius not a number', searchPath(1, 1, 'far'), 'radius'],
      ];
      for (const [label, path, field] of bad) {
        test(`400 when ${label}`, async () => {
          assertInvalid(await (await client()).get(path), field);
        });
      }

      test('bounds are inclusive', async () => {
        const c = await client();
        for (const path of [searchPath(90, 180, 100), searchPath(-90, -180, 50000)]) assert.equal((await c.get(path)).status, 200, path);
      });

      test('401 without a token', async () => {
        assertError(await new Client(url()).get(searchPath(1, 1)), 401, 'UNAUTHORIZED');
      });
    });

    describe('saved stations', () => {
      test('POST creates with defaults, Location points at the new station, row stored for the user', async () => {
        const user = await env.newUser();
        const c = user.client(url());
        const res = await c.post('/api/stations/saved', { placeId: 'ChIJv3w7fL3SEg0R-yBzy4ujaqc', name: 'Repsol', lat: 37.712465, lng: -5.0804691 });
        assert.equal(res.status, 201);
        const s = res.body;
        assert.match(s.id, UUID);
        assert.equal(res.headers.location, `/api/stations/saved/${s.id}`);
        assert.deepEqual({ ...s, id: '', createdAt: '', updatedAt: '' }, {
          id: '', placeId: 'ChIJv3w7fL3SEg0R-yBzy4ujaqc', name: 'Repsol', address: null, lat: 37.712465, lng: -5.0804691,
          nickname: null, isFavorite: false, createdAt: '', updatedAt: '',
        });
        assert.match(s.createdAt, ISO);
        assert.equal(s.updatedAt, s.createdAt);
        const { rows } = await env.deps.db.query('SELECT user_id, place_id, is_favorite FROM saved_stations WHERE id = $1', [s.id]);
        assert.deepEqual(rows, [{ user_id: user.sub, place_id: 'ChIJv3w7fL3SEg0R-yBzy4ujaqc', is_favorite: false }]);
        assert.deepEqual((await c.get(res.headers.location)).body, s);
      });

      test('POST with every field, at their maximum lengths and coordinate bounds', async () => {
        const c = await client();
        const body = { placeId: 'p'.repeat(255), name: 'n'.repeat(200), address: 'a'.repeat(500), lat: -90, lng: 180, nickname: 'k'.repeat(100), isFavorite: true };
        const res = await c.post('/api/stations/saved', body);
        assert.equal(res.status, 201, JSON.stringify(res.body));
        const { id, createdAt, updatedAt, ...rest } = res.body;
        assert.deepEqual(rest, body);
        // Lengths count characters, not UTF-16 units: 100 emoji (200 units) is a valid nickname.
        const emoji = await c.post('/api/stations/saved', savedBody({ name: '⛽'.repeat(200), nickname: '😀'.repeat(100) }));
        assert.equal(emoji.status, 201, JSON.stringify(emoji.body));
        assert.equal(emoji.body.nickname, '😀'.repeat(100));
        assertInvalid(await c.post('/api/stations/saved', savedBody({ nickname: '😀'.repeat(101) })), 'nickname');
        const explicitNulls = await c.post('/api/stations/saved', savedBody({ placeId: 'nulls', address: null, nickname: null }));
        assert.equal(explicitNulls.status, 201);
        assert.equal(explicitNulls.body.address, null);
        assert.equal(explicitNulls.body.nickname, null);
      });

      test('GET /saved lists only the caller\'s stations, oldest first', async () => {
        const c = await client();
        const other = await client();
        const ids: string[] = [];
        for (const placeId of ['zeta', 'alpha', 'mid']) ids.push((await c.post('/api/stations/saved', savedBody({ placeId }))).body.id);
        await other.post('/api/stations/saved', savedBody({ placeId: 'alpha' }));
        const res = await c.get('/api/stations/saved');
        assert.equal(res.status, 200);
        assert.deepEqual(Object.keys(res.body), ['items']);
        assert.deepEqual(res.body.items.map((s: { id: string }) => s.id), ids);
        assert.deepEqual(res.body.items.map((s: { placeId: string }) => s.placeId), ['zeta', 'alpha', 'mid']);
        assert.deepEqual((await (await client()).get('/api/stations/saved')).body, { items: [] });
      });

      test('409 when the same place is saved twice by one user; another user may save it', async () => {
        const c = await client();
        assert.equal((await c.post('/api/stations/saved', savedBody({ placeId: 'dup' }))).status, 201);
        assertError(await c.post('/api/stations/saved', savedBody({ placeId: 'dup', name: 'Other name' })), 409, 'CONFLICT');
        assert.equal((await c.get('/api/stations/saved')).body.items.length, 1);
        assert.equal((await (await client()).post('/api/stations/saved', savedBody({ placeId: 'dup' }))).status, 201);
      });

      test('PUT changes only the given fields and bumps updatedAt', async () => {
        const c = await client();
        const created = (await c.post('/api/stations/saved', savedBody({ nickname: 'home', isFavorite: false }))).body;
        await new Promise((r) => setTimeout(r, 5));
        const fav = await c.put(`/api/stations/saved/${created.id}`, { isFavorite: true });
        assert.equal(fav.status, 200);
        assert.deepEqual({ ...fav.body, updatedAt: '' }, { ...created, isFavorite: true, updatedAt: '' });
        assert.ok(fav.body.updatedAt > created.updatedAt);
        const renamed = (await c.put(`/api/stations/saved/${created.id}`, { nickname: 'work' })).body;
        assert.equal(renamed.nickname, 'work');
        assert.equal(renamed.isFavorite, true);
        const cleared = (await c.put(`/api/stations/saved/${created.id}`, { nickname: null, isFavorite: false })).body;
        assert.deepEqual([cleared.nickname, cleared.isFavorite], [null, false]);
        const empty = await c.put(`/api/stations/saved/${created.id}`, {});
        assert.equal(empty.status, 200);
        assert.deepEqual([empty.body.nickname, empty.body.isFavorite, empty.body.name], [null, false, 'Repsol']);
        assert.deepEqual((await c.get(`/api/stations/saved/${created.id}`)).body, empty.body);
      });

      test('DELETE removes the row for good (204, no body), then 404', async () => {
        const c = await client();
        const created = (await c.post('/api/stations/saved', savedBody({ placeId: 'gone' }))).body;
        const res = await c.del(`/api/stations/saved/${created.id}`);
        assert.equal(res.status, 204);
        assert.equal(res.text, '');
        const { rowCount } = await env.deps.db.query('SELECT 1 FROM saved_stations WHERE id = $1', [created.id]);
        assert.equal(rowCount, 0);
        assertError(await c.del(`/api/stations/saved/${created.id}`), 404, 'NOT_FOUND');
        assertError(await c.get(`/api/stations/saved/${created.id}`), 404, 'NOT_FOUND');
        assertError(await c.put(`/api/stations/saved/${created.id}`, { nickname: 'x' }), 404, 'NOT_FOUND');
        assert.deepEqual((await c.get('/api/stations/saved')).body, { items: [] });
        assert.equal((await c.post('/api/stations/saved', savedBody({ placeId: 'gone' }))).status, 201); // hard delete frees the place
      });

      test('another user\'s station is a 404 on every route and stays untouched', async () => {
        const owner = await client();
        const intruder = await client();
        const created = (await owner.post('/api/stations/saved', savedBody({ nickname: 'mine' }))).body;
        const path = `/api/stations/saved/${created.id}`;
        for (const res of [await intruder.get(path), await intruder.put(path, { nickname: 'stolen' }), await intruder.del(path)]) {
          assertError(res, 404, 'NOT_FOUND');
          assert.ok(!res.text.includes(created.id) && !res.text.includes('mine'));
        }
        assert.deepEqual((await owner.get(path)).body, created);
        assertError(await owner.get(`/api/stations/saved/${UNKNOWN_ID}`), 404, 'NOT_FOUND');
      });

      const badCreate: Array<[string, Record<string, unknown>, string]> = [
        ['placeId missing', { placeId: undefined }, 'placeId'], ['placeId empty', { placeId: '' }, 'placeId'],
        ['placeId too long', { placeId: 'p'.repeat(256) }, 'placeId'], ['placeId not a string', { placeId: 5 }, 'placeId'],
        ['name missing', { name: undefined }, 'name'], ['name empty', { name: '' }, 'name'],
        ['name too long', { name: 'n'.repeat(201) }, 'name'], ['name null', { name: null }, 'name'],
        ['address too long', { address: 'a'.repeat(501) }, 'address'], ['address not a string', { address: 12 }, 'address'],
        ['lat missing', { lat: undefined }, 'lat'], ['lat above 90', { lat: 90.5 }, 'lat'], ['lat below -90', { lat: -91 }, 'lat'],
        ['lat as text', { lat: '37.7' }, 'lat'], ['lng missing', { lng: undefined }, 'lng'], ['lng above 180', { lng: 181 }, 'lng'],
        ['lng below -180', { lng: -180.01 }, 'lng'], ['nickname too long', { nickname: 'k'.repeat(101) }, 'nickname'],
        ['isFavorite as text', { isFavorite: 'true' }, 'isFavorite'], ['unknown field', { rating: 4 }, 'rating'],
        ['id supplied', { id: UNKNOWN_ID }, 'id'], ['name with a NUL character', { name: 'a\u0000b' }, 'name'],
        ['placeId with a NUL character', { placeId: '\u0000' }, 'placeId'], ['address with a NUL character', { address: 'x\u0000' }, 'address'],
      ];
      for (const [label, over, field] of badCreate) {
        test(`POST 400 when ${label}`, async () => {
          const c = await client();
          assertInvalid(await c.post('/api/stations/saved', savedBody(over)), field);
          assert.deepEqual((await c.get('/api/stations/saved')).body, { items: [] });
        });
      }

      const badUpdate: Array<[string, Record<string, unknown>, string]> = [
        ['nickname too long', { nickname: 'k'.repeat(101) }, 'nickname'], ['isFavorite not boolean', { isFavorite: 1 }, 'isFavorite'],
        ['name is not updatable', { name: 'New' }, 'name'], ['placeId is not updatable', { placeId: 'x' }, 'placeId'],
        ['lat is not updatable', { lat: 1 }, 'lat'], ['nickname with a NUL character', { nickname: '\u0000' }, 'nickname'],
      ];
      for (const [label, body, field] of badUpdate) {
        test(`PUT 400 when ${label}`, async () => {
          const c = await client();
          const created = (await c.post('/api/stations/saved', savedBody())).body;
          assertInvalid(await c.put(`/api/stations/saved/${created.id}`, body), field);
          assert.deepEqual((await c.get(`/api/stations/saved/${created.id}`)).body, created);
        });
      }

      test('non-UUID ids are a 400 on id', async () => {
        const c = await client();
        assertInvalid(await c.get('/api/stations/saved/123'), 'id');
        assertInvalid(await c.put('/api/stations/saved/not-a-uuid', { nickname: 'x' }), 'id');
        assertInvalid(await c.del(`/api/stations/saved/${UNKNOWN_ID}x`), 'id');
      });

      test('body that is not an object, malformed JSON, wrong content type, too large', async () => {
        const c = await client();
        const json = { 'content-type': 'application/json' };
        assertInvalid(await c.post('/api/stations/saved', [savedBody()]), 'body');
        assertInvalid(await c.raw('POST', '/api/stations/saved', { headers: json, body: 'null' }), 'body');
        assertInvalid(await c.post('/api/stations/saved'), 'body'); // no body at all
        assertError(await c.raw('POST', '/api/stations/saved', { headers: json, body: '{"placeId":' }), 400, 'INVALID_JSON');
        assertError(await c.raw('POST', '/api/stations/saved', { headers: json, body: '' }), 400, 'INVALID_JSON');
        assertError(await c.raw('POST', '/api/stations/saved', { headers: { 'content-type': 'text/plain' }, body: JSON.stringify(savedBody()) }), 415, 'UNSUPPORTED_MEDIA_TYPE');
        assertError(await c.raw('POST', '/api/stations/saved', { headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'placeId=x' }), 415, 'UNSUPPORTED_MEDIA_TYPE');
        const big = JSON.stringify({ ...savedBody(), address: 'a'.repeat(1024 * 1024) });
        assertError(await c.raw('POST', '/api/stations/saved', { headers: json, body: big }), 413, 'PAYLOAD_TOO_LARGE');
        assertError(await c.raw('PUT', `/api/stations/saved/${UNKNOWN_ID}`, { headers: json, body: '{nickname' }), 400, 'INVALID_JSON');
        assertError(await c.raw('DELETE', `/api/stations/saved/${UNKNOWN_ID}`, { headers: json, body: '{' }), 400, 'INVALID_JSON');
        assert.deepEqual((await c.get('/api/stations/saved')).body, { items: [] });
      });

      test('401 without a token, 404 for routes the feature does not have', async () => {
        const c = await client();
        const anon = new Client(url());
        assertError(await anon.get('/api/stations/saved'), 401, 'UNAUTHORIZED');
        assertError(await anon.post('/api/stations/saved', savedBody()), 401, 'UNAUTHORIZED');
        assertError(await c.get('/api/stations'), 404, 'NOT_FOUND');
        assertError(await c.raw('PATCH', `/api/stations/saved/${UNKNOWN_ID}`, { headers: { 'content-type': 'application/json' }, body: '{}' }), 404, 'NOT_FOUND');
        assertError(await c.raw('OPTIONS', '/api/stations/saved'), 404, 'NOT_FOUND');
        assertError(await c.get('/api/stations/SAVED'), 404, 'NOT_FOUND');
      });
    });
  });
}

describe('stations across backends and degraded dependencies', () => {
  test('a search cached by one backend is served by the other', { skip: noRedis }, async () => {
    await clearStationCache();
    env.fakes.reset();
    const user = await env.newUser();
    const first = await user.client(env.targets.legacy).get(searchPath(FUENTE_PALMERA.lat, FUENTE_PALMERA.lng));
    const second = await user.client(env.targets.gatewayFastify).get(searchPath(FUENTE_PALMERA.lat, FUENTE_PALMERA.lng));
    assert.deepEqual(second.body, first.body);
    assert.equal(second.headers['x-backend'], 'fastify');
    assert.equal(env.fakes.calls('places'), 1);
  });

  test('a station saved through one backend is read, updated and deleted through the other', async () => {
    const user = await env.newUser();
    const legacy = user.client(env.targets.legacy);
    const native = user.client(env.targets.gatewayFastify);
    const created = (await legacy.post('/api/stations/saved', savedBody({ placeId: 'shared' }))).body;
    assert.deepEqual((await native.get('/api/stations/saved')).body, { items: [created] });
    assertError(await native.post('/api/stations/saved', savedBody({ placeId: 'shared' })), 409, 'CONFLICT');
    const updated = (await native.put(`/api/stations/saved/${created.id}`, { isFavorite: true })).body;
    assert.deepEqual((await legacy.get(`/api/stations/saved/${created.id}`)).body, updated);
    assert.equal((await native.del(`/api/stations/saved/${created.id}`)).status, 204);
    assertError(await legacy.get(`/api/stations/saved/${created.id}`), 404, 'NOT_FOUND');
  });

  describe('without a Google Maps API key', () => {
    let pair: BackendPair;
    before(async () => { pair = await startPair(env, { GOOGLE_MAPS_API_KEY: '' }); });
    after(async () => { await pair?.close(); });

    test('search answers 503 on both backends, after validation, without calling Places', async () => {
      env.fakes.reset();
      const user = await env.newUser();
      for (const base of [pair.legacy, pair.gatewayFastify]) {
        const c = user.client(base);
        const res = await c.get(searchPath(38, -5));
        assertError(res, 503, 'SERVICE_UNAVAILABLE');
        assertInvalid(await c.get(searchPath(91, -5)), 'lat');
        assert.equal((await c.get('/api/stations/saved')).status, 200); // saved stations need no key
      }
      assert.equal(env.fakes.calls('places'), 0);
    });
  });

  describe('with Redis unreachable', () => {
    let pair: BackendPair;
    before(async () => { pair = await startPair(env, { REDIS_URL: 'redis://127.0.0.1:1' }); });
    after(async () => { await pair?.close(); });

    test('search is served uncached on both backends', async () => {
      env.fakes.reset();
      const user = await env.newUser();
      for (const base of [pair.legacy, pair.gatewayFastify]) {
        for (let i = 0; i < 2; i++) {
          const res = await user.client(base).get(searchPath(FUENTE_PALMERA.lat, FUENTE_PALMERA.lng));
          assert.equal(res.status, 200);
          assert.deepEqual(res.body.items, FUENTE_PALMERA_ITEMS);
        }
      }
      assert.equal(env.fakes.calls('places'), 4);
    });
  });
});
