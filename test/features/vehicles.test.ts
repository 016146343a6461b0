// /api/vehicles over real HTTP against the legacy app and the gateway serving the native capsule:
// every route, every error row that applies, caching and invalidation, uploads.
import { afterEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { build, keysOf, redisOf, storeOf, targetList } from '../helper.ts';
import { cacheKeys } from '../../src/infrastructure/cache.ts';
import type { Client, ApiResponse } from '../support/client.ts';
import { randomVin, streamUpload } from './support/vehicles.ts';

const env = await build();
afterEach(() => env.fakes.reset());

const redis = env.redis;
const noRedis = redis ? false : 'REDIS_URL not set';
// Once legacy-express/ is deleted the harness serves everything natively: then only the gateway is tested.
const TARGETS = targetList(env, 'codePaths');

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const ISO_MS = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
const NOT_FOUND = { error: { code: 'NOT_FOUND', message: 'Resource not found' } };
const CLEAN_VIN = '1HGCM82633A004352'; // the recorded clean decode: HONDA Accord 2003
const MAX_YEAR = new Date().getUTCFullYear() + 1;
const MIB = 1024 * 1024;

/** 400 VALIDATION_ERROR whose every detail names `field` (a nullable field's anyOf gives several). */
function assertValidation(res: ApiResponse, field: string, message?: string) {
  assert.equal(res.status, 400, `expected 400 on ${field}, got ${res.status} ${res.text}`);
  assert.equal(res.body.error.code, 'VALIDATION_ERROR');
  assert.ok(res.body.error.details.length >= 1);
  for (const d of res.body.error.details) assert.equal(d.field, field, res.text);
  if (message) assert.equal(res.body.error.details[0].message, message);
}

function assertError(res: ApiResponse, status: number, code: string) {
  assert.equal(res.status, status, res.text);
  assert.equal(res.body.error.code, code, res.text);
  assert.equal(res.body.error.details, undefined);
}

async function dbRow(id: string) {
  const { rows } = await env.deps.db.query('SELECT * FROM vehicles WHERE id = $1', [id]);
  return rows[0];
}

for (const target of TARGETS) {
  describe(`vehicles via ${target.name}`, () => {
    const user = async () => (await env.newUser()).client(target.endpoint);
    const create = async (c: Client, body: Record<string, unknown> = {}) => {
      const res = await c.post('/api/vehicles', { make: 'Toyota', model: 'Corolla', year: 2015, ...body });
      assert.equal(res.status, 201, res.text);
      return res.body;
    };

    test('answers from the expected backend and needs a token', async () => {
      const c = await user();
      const res = await c.get('/api/vehicles');
      assert.equal(res.headers['x-backend'], target.backend);
      assert.equal(res.status, 200);
      const unauthorized = { error: { code: 'UNAUTHORIZED', message: 'Missing or invalid access token' } };
      for (const path of ['/api/vehicles', `/api/vehicles/${randomUUID()}`, `/api/vehicles/decode-vin/${CLEAN_VIN}`]) {
        const noToken = await fetch(`${target.url}${path}`);
        assert.equal(noToken.status, 401);
        assert.deepEqual(await noToken.json(), unauthorized);
      }
      const badToken = await fetch(`${target.url}/api/vehicles`, { headers: { authorization: 'Bearer a.b.c' } });
      assert.equal(badToken.status, 401);
    });

    test('POST creates with every field: 201, Location, exact body, stored for the user', async () => {
      const u = await env.newUser();
      const c = u.client(target.endpoint);
      const res = await c.post('/api/vehicles', {
        vin: CLEAN_VIN, make: 'Honda', model: 'Accord', year: 2003, nickname: 'Daily', color: 'Silver',
        licensePlate: 'ABC-123', odometer: 123456,
      });
      assert.equal(res.status, 201, res.text);
      assert.match(res.body.id, UUID_V4);
      assert.equal(res.headers.location, `/api/vehicles/${res.body.id}`);
      assert.match(res.body.createdAt, ISO_MS);
      assert.deepEqual(res.body, {
        id: res.body.id, vin: CLEAN_VIN, make: 'Honda', model: 'Accord', year: 2003, nickname: 'Daily',
        color: 'Silver', licensePlate: 'ABC-123', odometer: 123456, hasPhoto: false,
        createdAt: res.body.createdAt, updatedAt: res.body.createdAt,
      });
      const row = await dbRow(res.body.id);
      assert.equal(row.user_id, u.sub);
      assert.equal(row.deleted_at, null);
      assert.equal(row.created_at, res.body.createdAt);
      assert.deepEqual((await c.get(`/api/vehicles/${res.body.id}`)).body, res.body);
    });

    test('POST defaults odometer to 0 and absent optionals to null', async () => {
      const v = await create(await user());
      assert.deepEqual(
        { vin: v.vin, nickname: v.nickname, color: v.color, licensePlate: v.licensePlate, odometer: v.odometer, hasPhoto: v.hasPhoto },
        { vin: null, nickname: null, color: null, licensePlate: null, odometer: 0, hasPhoto: false },
      );
    });

    test('POST trims and uppercases the VIN and does not decode when make, model and year are given', async () => {
      const vin = randomVin();
      const before = env.fakes.calls('vpic');
      const v = await create(await user(), { vin: `  ${vin.toLowerCase()}\t` });
      assert.equal(v.vin, vin);
      assert.equal((await dbRow(v.id)).vin, vin);
      assert.equal(env.fakes.calls('vpic'), before);
    });

    test('POST with only a VIN fills make, model and year from the decode', async () => {
      const c = await user();
      const res = await c.post('/api/vehicles', { vin: randomVin(), nickname: 'From VIN' });
      assert.equal(res.status, 201, res.text);
      assert.deepEqual([res.body.make, res.body.model, res.body.year, res.body.nickname], ['HONDA', 'Accord', 2003, 'From VIN']);
    });

    test('POST fills only the missing fields from the decode', async () => {
      const c = await user();
      const res = await c.post('/api/vehicles', { vin: randomVin(), make: 'Honda', year: 2004 });
      assert.equal(res.status, 201, res.text);
      assert.deepEqual([res.body.make, res.body.model, res.body.year], ['Honda', 'Accord', 2004]);
    });

    test('POST with a VIN that decodes without a model → 400 on vin, unless the model is given', async () => {
      const c = await user();
      const vin = `ZZ${randomVin().slice(2)}`; // the fake answers the partial decode: ACURA, 2011, no model
      const res = await c.post('/api/vehicles', { vin });
      assertValidation(res, 'vin', 'could not be decoded to a make, model and year');
      assert.equal((await c.get('/api/vehicles')).body.total, 0);
      const ok = await c.post('/api/vehicles', { vin, model: 'MDX' });
      assert.equal(ok.status, 201, ok.text);
      assert.deepEqual([ok.body.make, ok.body.model, ok.body.year], ['ACURA', 'MDX', 2011]);
    });

    test('POST without a VIN needs make, model and year (first missing one is named)', async () => {
      const c = await user();
      assertValidation(await c.post('/api/vehicles', {}), 'make', 'is required when no vin is given');
      assertValidation(await c.post('/api/vehicles', { make: 'A', year: 2000 }), 'model');
      assertValidation(await c.post('/api/vehicles', { make: 'A', model: 'B', vin: null }), 'year');
    });

    test('POST rejects every field out of bounds on that field', async () => {
      const c = await user();
      const cases: Array<[Record<string, unknown>, string]> = [
        [{ make: '' }, 'make'], [{ make: 'm'.repeat(51) }, 'make'], [{ make: 5 }, 'make'], [{ make: null }, 'make'],
        [{ model: '' }, 'model'], [{ model: 'm'.repeat(51) }, 'model'],
        [{ year: 1899 }, 'year'], [{ year: MAX_YEAR + 1 }, 'year'], [{ year: 2000.5 }, 'year'], [{ year: '2000' }, 'year'],
        [{ nickname: 'n'.repeat(101) }, 'nickname'], [{ color: 'c'.repeat(31) }, 'color'],
        [{ licensePlate: 'p'.repeat(16) }, 'licensePlate'], [{ licensePlate: 7 }, 'licensePlate'],
        [{ odometer: -1 }, 'odometer'], [{ odometer: 2_000_001 }, 'odometer'], [{ odometer: 1.5 }, 'odometer'],
        [{ odometer: null }, 'odometer'],
        [{ vin: '1HGCM82633A00435I' }, 'vin'], [{ vin: '1HGCM82633A00435' }, 'vin'], [{ vin: 12345 }, 'vin'],
        [{ vin: 'X'.repeat(65) }, 'vin'],
        [{ unknownField: 1 }, 'unknownField'], [{ hasPhoto: true }, 'hasPhoto'], [{ id: randomUUID() }, 'id'],
      ];
      for (const [patch, field] of cases) {
        assertValidation(await c.post('/api/vehicles', { make: 'A', model: 'B', year: 2000, ...patch }), field);
      }
      assertValidation(await c.post('/api/vehicles', { make: 'A', model: 'B', year: MAX_YEAR + 1 }), 'year', `must be <= ${MAX_YEAR}`);
      assertValidation(await c.post('/api/vehicles', [1, 2]), 'body');
      assert.equal((await c.get('/api/vehicles')).body.total, 0);
    });

    test('POST accepts every field at its bounds', async () => {
      const v = await create(await user(), {
        make: 'M'.repeat(50), model: 'm', year: MAX_YEAR, nickname: 'n'.repeat(100), color: 'c'.repeat(30),
        licensePlate: 'p'.repeat(15), odometer: 2_000_000,
      });
      assert.deepEqual([v.make.length, v.model, v.year, v.nickname.length, v.color.length, v.licensePlate.length, v.odometer],
        [50, 'm', MAX_YEAR, 100, 30, 15, 2_000_000]);
      assert.equal((await create(await user(), { year: 1900, odometer: 0 })).year, 1900);
    });

    test('POST: malformed JSON → 400 INVALID_JSON, non-JSON → 415, over 1 MiB → 413', async () => {
      const c = await user();
      const json = { 'content-type': 'application/json' };
      assertError(await c.raw('POST', '/api/vehicles', { headers: json, body: '{"make": "A",' }), 400, 'INVALID_JSON');
      assertError(await c.raw('POST', '/api/vehicles', { headers: json, body: '' }), 400, 'INVALID_JSON');
      assertError(await c.raw('POST', '/api/vehicles', { headers: { 'content-type': 'application/xml' }, body: '<v/>' }), 415, 'UNSUPPORTED_MEDIA_TYPE');
      assertError(await c.raw('POST', '/api/vehicles', { headers: { 'content-type': 'text/plain' }, body: '{}' }), 415, 'UNSUPPORTED_MEDIA_TYPE');
      const big = JSON.stringify({ make: 'A', model: 'B', year: 2000, nickname: 'x'.repeat(MIB + 10) });
      assertError(await c.raw('POST', '/api/vehicles', { headers: json, body: big }), 413, 'PAYLOAD_TOO_LARGE');
      assert.equal((await c.get('/api/vehicles')).body.total, 0);
    });

    test('POST: same VIN twice among live vehicles → 409; after delete or for another user it is free', async () => {
      const c = await user();
      const vin = randomVin();
      const first = await create(c, { vin });
      const dup = await c.post('/api/vehicles', { vin: vin.toLowerCase(), make: 'A', model: 'B', year: 2000 });
      assertError(dup, 409, 'CONFLICT');
      assert.equal(dup.body.error.message, 'A vehicle with this VIN already exists');
      assert.equal((await create(await user(), { vin })).vin, vin);
      assert.equal((await c.del(`/api/vehicles/${first.id}`)).status, 204);
      assert.equal((await create(c, { vin })).vin, vin);
      assert.equal((await c.get('/api/vehicles')).body.total, 1);
    });

    test('POST needing a decode when vPIC fails, answers garbage or times out → 502, nothing stored', async () => {
      const c = await user();
      for (const mode of ['fail', 'garbage', 'hang'] as const) {
        env.fakes.setMode('vpic', mode);
        const res = await c.post('/api/vehicles', { vin: randomVin() });
        assertError(res, 502, 'EXTERNAL_SERVICE_ERROR');
      }
      assert.equal((await c.get('/api/vehicles')).body.total, 0);
    });

    test('GET list: oldest first, only own live vehicles, total, limit and offset', async () => {
      const c = await user();
      const a = await create(c, { nickname: 'a' });
      const b = await create(c, { nickname: 'b' });
      const gone = await create(c, { nickname: 'gone' });
      const d = await create(c, { nickname: 'd' });
      await create(await user(), { nickname: 'someone else' });
      assert.equal((await c.del(`/api/vehicles/${gone.id}`)).status, 204);

      const all = await c.get('/api/vehicles');
      assert.equal(all.status, 200);
      assert.deepEqual(all.body, { items: [a, b, d], total: 3, limit: 50, offset: 0 });
      const page = await c.get('/api/vehicles?limit=1&offset=1');
      assert.deepEqual(page.body, { items: [b], total: 3, limit: 1, offset: 1 });
      const past = await c.get('/api/vehicles?limit=200&offset=10');
      assert.deepEqual(past.body, { items: [], total: 3, limit: 200, offset: 10 });
      assert.deepEqual((await c.get('/api/vehicles?unknown=1')).body.total, 3); // unknown query params are ignored
    });

    test('GET list rejects limit and offset out of bounds', async () => {
      const c = await user();
      for (const q of ['limit=0', 'limit=201', 'limit=abc', 'limit=1.5', 'limit=']) assertValidation(await c.get(`/api/vehicles?${q}`), 'limit');
      for (const q of ['offset=-1', 'offset=x']) assertValidation(await c.get(`/api/vehicles?${q}`), 'offset');
    });

    test('GET one: own → 200; another user\'s, deleted or unknown → 404 with nothing leaked; bad id → 400', async () => {
      const c = await user();
      const v = await create(c);
      assert.deepEqual((await c.get(`/api/vehicles/${v.id}`)).body, v);
      assert.deepEqual((await c.get(`/api/vehicles/${v.id.toUpperCase()}`)).body, v);
      const other = await (await user()).get(`/api/vehicles/${v.id}`);
      assert.equal(other.status, 404);
      assert.deepEqual(other.body, NOT_FOUND);
      assert.deepEqual((await c.get(`/api/vehicles/${randomUUID()}`)).body, NOT_FOUND);
      await c.del(`/api/vehicles/${v.id}`);
      const deleted = await c.get(`/api/vehicles/${v.id}`);
      assert.equal(deleted.status, 404);
      assert.deepEqual(deleted.body, NOT_FOUND);
      assertValidation(await c.get('/api/vehicles/not-a-uuid'), 'id', 'must match format "uuid"');
      assertValidation(await c.get(`/api/vehicles/urn:uuid:${v.id}`), 'id');
    });

    test('PUT updates only the given fields, null clears a nullable one, updatedAt moves', async () => {
      const c = await user();
      const v = await create(c, { nickname: 'Old', color: 'Red', licensePlate: 'P1', odometer: 10 });
      const res = await c.put(`/api/vehicles/${v.id}`, { nickname: null, odometer: 20, year: MAX_YEAR, make: 'Lexus' });
      assert.equal(res.status, 200, res.text);
      assert.ok(res.body.updatedAt > v.updatedAt);
      assert.deepEqual(res.body, { ...v, nickname: null, odometer: 20, year: MAX_YEAR, make: 'Lexus', updatedAt: res.body.updatedAt });
      assert.deepEqual((await c.get(`/api/vehicles/${v.id}`)).body, res.body);
      const empty = await c.put(`/api/vehicles/${v.id}`, {});
      assert.equal(empty.status, 200);
      assert.deepEqual({ ...empty.body, updatedAt: null }, { ...res.body, updatedAt: null });
    });

    test('PUT rejects vin, unknown fields and out-of-bounds values on that field', async () => {
      const c = await user();
      const v = await create(c);
      const cases: Array<[Record<string, unknown>, string]> = [
        [{ vin: CLEAN_VIN }, 'vin'], [{ vin: null }, 'vin'], [{ hasPhoto: true }, 'hasPhoto'], [{ make: '' }, 'make'],
        [{ make: null }, 'make'], [{ model: 'm'.repeat(51) }, 'model'], [{ year: 1899 }, 'year'], [{ year: MAX_YEAR + 1 }, 'year'],
        [{ nickname: 'n'.repeat(101) }, 'nickname'], [{ color: 'c'.repeat(31) }, 'color'], [{ licensePlate: 'p'.repeat(16) }, 'licensePlate'],
        [{ odometer: -1 }, 'odometer'], [{ odometer: 2_000_001 }, 'odometer'], [{ odometer: '5' }, 'odometer'],
      ];
      for (const [body, field] of cases) assertValidation(await c.put(`/api/vehicles/${v.id}`, body), field);
      assertValidation(await c.put('/api/vehicles/123', { make: 'A' }), 'id');
      assertValidation(await c.request('PUT', `/api/vehicles/${v.id}`), 'body');
      assertError(await c.raw('PUT', `/api/vehicles/${v.id}`, { headers: { 'content-type': 'application/json' }, body: '{' }), 400, 'INVALID_JSON');
      assertError(await c.raw('PUT', `/api/vehicles/${v.id}`, { headers: { 'content-type': 'text/plain' }, body: 'x' }), 415, 'UNSUPPORTED_MEDIA_TYPE');
      assert.deepEqual((await c.get(`/api/vehicles/${v.id}`)).body, v);
    });

    test('PUT on another user\'s or a deleted vehicle → 404 and nothing changes', async () => {
      const c = await user();
      const v = await create(c);
      assert.deepEqual((await (await user()).put(`/api/vehicles/${v.id}`, { make: 'Stolen' })).body, NOT_FOUND);
      assert.equal((await dbRow(v.id)).make, 'Toyota');
      await c.del(`/api/vehicles/${v.id}`);
      const res = await c.put(`/api/vehicles/${v.id}`, { make: 'Ghost' });
      assert.equal(res.status, 404);
      assert.equal((await dbRow(v.id)).make, 'Toyota');
    });

    test('DELETE soft-deletes: 204 without body, row kept with deleted_at, gone from every route', async () => {
      const c = await user();
      const v = await create(c);
      const res = await c.del(`/api/vehicles/${v.id}`);
      assert.equal(res.status, 204);
      assert.equal(res.text, '');
      const row = await dbRow(v.id);
      assert.ok(typeof row.deleted_at === 'string' && !Number.isNaN(Date.parse(row.deleted_at)), String(row.deleted_at));
      assert.deepEqual((await c.get('/api/vehicles')).body.items, []);
      assert.deepEqual((await c.del(`/api/vehicles/${v.id}`)).body, NOT_FOUND);
      assert.deepEqual((await c.get(`/api/vehicles/${v.id}/photo`)).body, NOT_FOUND);
      assertValidation(await c.del('/api/vehicles/abc'), 'id');
    });

    test('DELETE of another user\'s vehicle → 404 and it stays', async () => {
      const c = await user();
      const v = await create(c);
      assert.deepEqual((await (await user()).del(`/api/vehicles/${v.id}`)).body, NOT_FOUND);
      assert.equal((await dbRow(v.id)).deleted_at, null);
    });

    test('DELETE ends the vehicle\'s fuel stats even while they are cached', { skip: noRedis }, async () => {
      const c = await user();
      const v = await create(c);
      const stats = `/api/fuel-logs/stats?vehicleId=${v.id}`;
      assert.equal((await c.get(stats)).status, 200);
      assert.equal((await keysOf(redisOf(env), `mvp:fuel-stats:${v.id}:*`)).length, 1, 'cached');
      assert.equal((await c.del(`/api/vehicles/${v.id}`)).status, 204);
      assert.deepEqual((await c.get(stats)).body, NOT_FOUND);
    });

    test('GET decode-vin maps the vPIC answer exactly', async () => {
      const c = await user();
      await redis?.del(cacheKeys.vinDecode(CLEAN_VIN));
      const res = await c.get(`/api/vehicles/decode-vin/${encodeURIComponent(' 1hgcm82633a004352 ')}`);
      assert.equal(res.status, 200, res.text);
      assert.deepEqual(res.body, {
        vin: CLEAN_VIN, make: 'HONDA', model: 'Accord', year: 2003, trim: 'EX-V6', bodyClass: 'Coupe',
        fuelType: 'Gasoline', engineCylinders: 6, displacementL: 3, manufacturer: 'AMERICAN HONDA MOTOR CO., INC.',
      });
      const partial = await c.get(`/api/vehicles/decode-vin/ZZ${randomVin().slice(2)}`);
      assert.deepEqual([partial.body.make, partial.body.model, partial.body.year, partial.body.trim, partial.body.engineCylinders, partial.body.displacementL],
        ['ACURA', null, 2011, null, null, null]);
    });

    test('GET decode-vin rejects a bad VIN on field vin without calling vPIC', async () => {
      const c = await user();
      const before = env.fakes.calls('vpic');
      for (const vin of ['1HGCM82633A00435', '1HGCM82633A0043521', 'IHGCM82633A004352', 'photo']) {
        assertValidation(await c.get(`/api/vehicles/decode-vin/${vin}`), 'vin', 'must be 17 characters of A-H, J-N, P, R-Z or 0-9');
      }
      assert.equal(env.fakes.calls('vpic'), before);
    });

    test('GET decode-vin is cached for 30 days and the cache serves POST too', { skip: noRedis }, async () => {
      const c = await user();
      const vin = randomVin();
      const before = env.fakes.calls('vpic');
      const first = await c.get(`/api/vehicles/decode-vin/${vin.toLowerCase()}`);
      assert.equal(first.status, 200);
      assert.equal(env.fakes.calls('vpic'), before + 1);
      const key = cacheKeys.vinDecode(vin);
      assert.deepEqual(JSON.parse((await redisOf(env).get(key)) ?? 'null'), first.body);
      const ttl = await redisOf(env).ttl(key);
      assert.ok(ttl > 30 * 24 * 3600 - 60 && ttl <= 30 * 24 * 3600, `ttl ${ttl}`);
      assert.deepEqual((await c.get(`/api/vehicles/decode-vin/${vin}`)).body, first.body);
      assert.equal((await c.post('/api/vehicles', { vin })).status, 201);
      assert.equal(env.fakes.calls('vpic'), before + 1);
    });

    test('GET decode-vin: vPIC 500, garbage, hang or too slow → 502, and failures are not cached', async () => {
      const c = await user();
      const vin = randomVin();
      const cases: Array<[Parameters<typeof env.fakes.setMode>[1], number | undefined]> = [['fail', undefined], ['garbage', undefined], ['hang', undefined], ['slow', 3000]];
      for (const [mode, delayMs] of cases) {
        env.fakes.setMode('vpic', mode, { delayMs });
        const res = await c.get(`/api/vehicles/decode-vin/${vin}`);
        assertError(res, 502, 'EXTERNAL_SERVICE_ERROR');
        assert.equal(res.body.error.message, 'VIN decoding service failed');
      }
      env.fakes.setMode('vpic', 'slow', { delayMs: 100 }); // well inside the 1 s timeout
      assert.equal((await c.get(`/api/vehicles/decode-vin/${vin}`)).body.make, 'HONDA');
    });

    test('photo: PUT stores it (200, hasPhoto), GET streams it back, PUT replaces, DELETE removes', async () => {
      const c = await user();
      const v = await create(c);
      const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3, 4]);
      const put = await c.raw('PUT', `/api/vehicles/${v.id}/photo`, { headers: { 'content-type': 'image/png' }, body: png });
      assert.equal(put.status, 200, put.text);
      assert.deepEqual(put.body, { ...v, hasPhoto: true, updatedAt: put.body.updatedAt });
      assert.equal((await dbRow(v.id)).photo_content_type, 'image/png');
      const got = await c.get(`/api/vehicles/${v.id}/photo`);
      assert.equal(got.status, 200);
      assert.equal(got.headers['content-type'], 'image/png');
      assert.equal(got.headers['content-length'], String(png.length));
      assert.deepEqual(got.bytes, png);

      const jpeg = Buffer.alloc(3 * MIB, 7);
      const replaced = await c.raw('PUT', `/api/vehicles/${v.id}/photo`, { headers: { 'content-type': 'Image/JPEG; q=1' }, body: jpeg });
      assert.equal(replaced.status, 200, replaced.text);
      const got2 = await c.get(`/api/vehicles/${v.id}/photo`);
      assert.equal(got2.headers['content-type'], 'image/jpeg');
      assert.ok(got2.bytes.equals(jpeg));
      assert.equal((await c.get(`/api/vehicles/${v.id}`)).body.hasPhoto, true);

      const del = await c.del(`/api/vehicles/${v.id}/photo`);
      assert.equal(del.status, 204);
      assert.equal(del.text, '');
      assert.equal((await c.get(`/api/vehicles/${v.id}`)).body.hasPhoto, false);
      assert.deepEqual((await c.get(`/api/vehicles/${v.id}/photo`)).body, NOT_FOUND);
      assert.deepEqual(await storeOf(env).list(`vehicles/${v.id}/`), [], 'no object left for the vehicle');
      assert.equal((await c.del(`/api/vehicles/${v.id}/photo`)).status, 204); // no photo: still 204
    });

    test('photo: exactly 5 MiB of webp is accepted, streamed without content-length too', async () => {
      const c = await user();
      const v = await create(c);
      const put = await c.raw('PUT', `/api/vehicles/${v.id}/photo`, { headers: { 'content-type': 'image/webp' }, body: Buffer.alloc(5 * MIB, 1) });
      assert.equal(put.status, 200, put.text);
      assert.ok(c.token);
      const chunked = await streamUpload(target.url, c.token, `/api/vehicles/${v.id}/photo`, 'image/webp', 5, MIB);
      assert.equal(chunked.status, 200, JSON.stringify(chunked.body));
      assert.equal((await c.get(`/api/vehicles/${v.id}/photo`)).bytes.length, 5 * MIB);
    });

    test('photo: wrong type → 415, over 5 MiB → 413 (declared or streamed), nothing stored', async () => {
      const c = await user();
      const v = await create(c);
      const path = `/api/vehicles/${v.id}/photo`;
      for (const type of ['image/gif', 'application/json', 'text/plain', 'application/pdf']) {
        assertError(await c.raw('PUT', path, { headers: { 'content-type': type }, body: '{}' }), 415, 'UNSUPPORTED_MEDIA_TYPE');
      }
      assertError(await c.request('PUT', path, undefined, { raw: Buffer.from('no type') }), 415, 'UNSUPPORTED_MEDIA_TYPE');
      assertError(await c.raw('PUT', path, { headers: { 'content-type': 'image/png' }, body: Buffer.alloc(5 * MIB + 1) }), 413, 'PAYLOAD_TOO_LARGE');
      assert.ok(c.token);
      const streamed = await streamUpload(target.url, c.token, path, 'image/png', 6, MIB);
      assert.equal(streamed.status, 413);
      assert.equal((streamed.body as { error: { code: string } }).error.code, 'PAYLOAD_TOO_LARGE');
      assert.deepEqual(await storeOf(env).list(`vehicles/${v.id}/`), [], 'no object left for the vehicle');
      assert.equal((await c.get(`/api/vehicles/${v.id}`)).body.hasPhoto, false);
    });

    test('photo routes: another user\'s or deleted vehicle → 404, no photo → GET 404, bad id → 400', async () => {
      const c = await user();
      const v = await create(c);
      const png = { headers: { 'content-type': 'image/png' }, body: Buffer.from('png') };
      assert.deepEqual((await c.get(`/api/vehicles/${v.id}/photo`)).body, NOT_FOUND);
      assert.equal((await c.raw('PUT', `/api/vehicles/${v.id}/photo`, png)).status, 200);
      const other = await user();
      assert.deepEqual((await other.raw('PUT', `/api/vehicles/${v.id}/photo`, png)).body, NOT_FOUND);
      assert.deepEqual((await other.get(`/api/vehicles/${v.id}/photo`)).body, NOT_FOUND);
      assert.deepEqual((await other.del(`/api/vehicles/${v.id}/photo`)).body, NOT_FOUND);
      assert.equal((await c.get(`/api/vehicles/${v.id}/photo`)).status, 200); // untouched by the other user
      assertValidation(await c.raw('PUT', '/api/vehicles/nope/photo', png), 'id');
      assertValidation(await c.get('/api/vehicles/nope/photo'), 'id');
      assertValidation(await c.del('/api/vehicles/nope/photo'), 'id');
      await c.del(`/api/vehicles/${v.id}`);
      assert.deepEqual((await c.get(`/api/vehicles/${v.id}/photo`)).body, NOT_FOUND);
      assert.deepEqual((await c.raw('PUT', `/api/vehicles/${v.id}/photo`, png)).body, NOT_FOUND);
      assert.deepEqual((await c.del(`/api/vehicles/${v.id}/photo`)).body, NOT_FOUND);
    });
  });
}
