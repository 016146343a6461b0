// Fuel logs over real HTTP, PostgreSQL and Redis, against the legacy app and the gateway's native
// capsule alike: every route, every error row that applies, mpg/stats values, caching.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { build, keysOf, redisOf, targetList, type TestUser } from '../helper.ts';
import type { Client } from '../support/client.ts';
import { cacheKeys } from '../../src/infrastructure/cache.ts';
import {
  ISO_MS_RE, NOT_FOUND_BODY, UUID_RE, assertValidation, countLogs, insertVehicle, logBody, softDeleteVehicle, utcDay, vehicleRow,
} from './support/fuel-logs.ts';

const env = await build();
const TARGETS = targetList(env, 'codePaths');

for (const target of TARGETS) {
  describe(`fuel logs via ${target.name}`, () => {
    async function user(): Promise<TestUser & { api: Client }> {
      const u = await env.newUser();
      return { ...u, api: u.client(target.endpoint) };
    }
    const create = (api: Client, body: Record<string, unknown>) => api.post('/api/fuel-logs', body);

    describe('POST /api/fuel-logs', () => {
      test('creates with defaults: 201, Location, computed totalCost, fullTank true, nulls, mpg null', async () => {
        const u = await user();
        const vehicleId = await insertVehicle(env.deps, u.sub);
        const res = await create(u.api, logBody(vehicleId));
        assert.equal(res.status, 201, JSON.stringify(res.body));
        assert.equal(res.headers['x-backend'], env.expressFree ? 'fastify' : target.backend); // express-free: every target is native
        assert.match(res.headers['content-type'], /^application\/json/);
        const b = res.body;
        assert.match(b.id, UUID_RE);
        assert.equal(res.headers.location, `/api/fuel-logs/${b.id}`);
        assert.match(b.createdAt, ISO_MS_RE);
        assert.equal(b.updatedAt, b.createdAt);
        assert.deepEqual(b, {
          id: b.id, vehicleId, date: '2026-01-10', odometer: 1000, gallons: 10.5, pricePerGallon: 3.499,
          totalCost: 36.74, // 10.5 × 3.499 = 36.7395 → 36.74
          fullTank: true, stationPlaceId: null, notes: null, mpg: null, createdAt: b.createdAt, updatedAt: b.updatedAt,
        });
        const again = await u.api.get(`/api/fuel-logs/${b.id}`);
        assert.equal(again.status, 200);
        assert.deepEqual(again.body, b);
      });

      test('keeps explicit totalCost, fullTank, stationPlaceId and notes', async () => {
        const u = await user();
        const vehicleId = await insertVehicle(env.deps, u.sub);
        const res = await create(u.api, logBody(vehicleId, {
          totalCost: 30, fullTank: false, stationPlaceId: 'ChIJ-station', notes: 'discount card',
        }));
        assert.equal(res.status, 201);
        assert.equal(res.body.totalCost, 30);
        assert.equal(res.body.fullTank, false);
        assert.equal(res.body.stationPlaceId, 'ChIJ-station');
        assert.equal(res.body.notes, 'discount card');
      });

      test('accepts every bound at its limit', async () => {
        const u = await user();
        const vehicleId = await insertVehicle(env.deps, u.sub);
        const res = await create(u.api, logBody(vehicleId, {
          date: utcDay(1), odometer: 2_000_000, gallons: 1000, pricePerGallon: 100, stationPlaceId: 's'.repeat(255), notes: 'n'.repeat(500),
        }));
        assert.equal(res.status, 201, JSON.stringify(res.body));
        assert.equal(res.body.totalCost, 100000);
        assert.equal(res.body.date, utcDay(1));
        const low = await create(u.api, logBody(vehicleId, { date: '1900-01-01', odometer: 0, gallons: 0.001, pricePerGallon: 0.001, totalCost: 0, stationPlaceId: null, notes: null }));
        assert.equal(low.status, 201, JSON.stringify(low.body));
        assert.equal(low.body.totalCost, 0);
        assert.equal(low.body.gallons, 0.001);
      });

      test('raises the vehicle odometer when higher, never lowers it', async () => {
        const u = await user();
        const vehicleId = await insertVehicle(env.deps, u.sub, 5000);
        const before0 = await vehicleRow(env.deps, vehicleId);
        assert.equal((await create(u.api, logBody(vehicleId, { odometer: 4000 }))).status, 201);
        const lower = await vehicleRow(env.deps, vehicleId);
        assert.equal(lower.odometer, 5000);
        assert.equal(lower.updatedAt, before0.updatedAt);
        assert.equal((await create(u.api, logBody(vehicleId, { odometer: 6200 }))).status, 201);
        const raised = await vehicleRow(env.deps, vehicleId);
        assert.equal(raised.odometer, 6200);
        assert.ok(raised.updatedAt > before0.updatedAt); // ISO strings of one format order as their instants
      });

      test('404 for another user\'s, an unknown or a soft-deleted vehicle; nothing stored', async () => {
        const [u, other] = [await user(), await user()];
        const theirs = await insertVehicle(env.deps, other.sub, 100);
        const r1 = await create(u.api, logBody(theirs, { odometer: 900 }));
        assert.equal(r1.status, 404);
        assert.deepEqual(r1.body, NOT_FOUND_BODY);
        assert.equal(await countLogs(env.deps, theirs), 0);
        assert.equal((await vehicleRow(env.deps, theirs)).odometer, 100);

        const r2 = await create(u.api, logBody(randomUUID()));
        assert.equal(r2.status, 404);
        assert.deepEqual(r2.body, NOT_FOUND_BODY);

        const gone = await insertVehicle(env.deps, u.sub);
        await softDeleteVehicle(env.deps, gone);
        const r3 = await create(u.api, logBody(gone));
        assert.equal(r3.status, 404);
        assert.deepEqual(r3.body, NOT_FOUND_BODY);
        assert.equal(await countLogs(env.deps, gone), 0);
      });

      test('400 on the right field for every bound and type', async () => {
        const u = await user();
        const vehicleId = await insertVehicle(env.deps, u.sub);
        const cases: Array<[string, Record<string, unknown>]> = [
          ['odometer', { odometer: -1 }], ['odometer', { odometer: 2_000_001 }], ['odometer', { odometer: 1.5 }], ['odometer', { odometer: '5' }],
          ['gallons', { gallons: 0 }], ['gallons', { gallons: -1 }], ['gallons', { gallons: 1000.001 }], ['gallons', { gallons: 1.2345 }], ['gallons', { gallons: null }],
          ['pricePerGallon', { pricePerGallon: 0 }], ['pricePerGallon', { pricePerGallon: 100.001 }], ['pricePerGallon', { pricePerGallon: 3.4567 }],
          ['totalCost', { totalCost: -0.01 }], ['totalCost', { totalCost: 1.234 }], ['totalCost', { totalCost: null }], ['totalCost', { totalCost: 1e10 }],
          ['fullTank', { fullTank: 'yes' }], ['fullTank', { fullTank: null }],
          ['stationPlaceId', { stationPlaceId: 's'.repeat(256) }], ['stationPlaceId', { stationPlaceId: 5 }],
          ['notes', { notes: 'n'.repeat(501) }],
          ['date', { date: '2026-13-01' }], ['date', { date: '2025-02-29' }], ['date', { date: '10/01/2026' }], ['date', { date: utcDay(2) }],
          ['date', { date: '1899-12-31' }], ['date', { date: '0000-01-01' }],
          ['vehicleId', { vehicleId: 'abc' }], ['vehicleId', { vehicleId: `urn:uuid:${randomUUID()}` }], ['vehicleId', { vehicleId: 7 }],
          ['color', { color: 'red' }],
        ];
        for (const [field, over] of cases) {
          assertValidation(await create(u.api, logBody(vehicleId, over)), field, JSON.stringify(over).slice(0, 60));
        }
        for (const field of ['vehicleId', 'date', 'odometer', 'gallons', 'pricePerGallon']) {
          const body = logBody(vehicleId);
          delete body[field];
          const res = await create(u.api, body);
          assertValidation(res, field, `missing ${field}`);
          assert.equal(res.body.error.details[0].message, 'is required');
        }
        const future = await create(u.api, logBody(vehicleId, { date: utcDay(2) }));
        assert.deepEqual(future.body, {
          error: { code: 'VALIDATION_ERROR', message: 'Request validation failed', details: [{ field: 'date', message: `must not be after ${utcDay(1)}` }] },
        });
        const unknown = await create(u.api, logBody(vehicleId, { color: 'red' }));
        assert.deepEqual(unknown.body.error.details, [{ field: 'color', message: 'is not allowed' }]);
        assert.equal(await countLogs(env.deps, vehicleId), 0);
      });

      test('400 for a body that is not an object', async () => {
        const u = await user();
        assertValidation(await u.api.post('/api/fuel-logs', [1, 2]), 'body');
        assertValidation(await u.api.post('/api/fuel-logs', 'text'), 'body');
        assertValidation(await u.api.post('/api/fuel-logs', null), 'body');
        assertValidation(await u.api.post('/api/fuel-logs'), 'body'); // no body at all
      });

      test('malformed JSON → 400 INVALID_JSON, wrong content type → 415, over 1 MiB → 413', async () => {
        const u = await user();
        const bad = await u.api.raw('POST', '/api/fuel-logs', { body: '{"vehicleId": ', headers: { 'content-type': 'application/json' } });
        assert.equal(bad.status, 400);
        assert.deepEqual(bad.body, { error: { code: 'INVALID_JSON', message: 'Request body is not valid JSON' } });
        const empty = await u.api.raw('POST', '/api/fuel-logs', { body: '', headers: { 'content-type': 'application/json', 'content-length': '0' } });
        assert.equal(empty.status, 400);
        assert.equal(empty.body.error.code, 'INVALID_JSON');
        const text = await u.api.raw('POST', '/api/fuel-logs', { body: 'gallons=3', headers: { 'content-type': 'text/plain' } });
        assert.equal(text.status, 415);
        assert.deepEqual(text.body, { error: { code: 'UNSUPPORTED_MEDIA_TYPE', message: 'Unsupported content type' } });
        const big = await u.api.raw('POST', '/api/fuel-logs', {
          body: JSON.stringify({ notes: 'x'.repeat(1024 * 1024) }), headers: { 'content-type': 'application/json' },
        });
        assert.equal(big.status, 413);
        assert.deepEqual(big.body, { error: { code: 'PAYLOAD_TOO_LARGE', message: 'Request body is too large' } });
      });

      test('401 without a token', async () => {
        const u = await user();
        const vehicleId = await insertVehicle(env.deps, u.sub);
        const anon = await fetch(`${target.url}/api/fuel-logs`, {
          method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(logBody(vehicleId)),
        });
        assert.equal(anon.status, 401);
        assert.deepEqual(await anon.json(), { error: { code: 'UNAUTHORIZED', message: 'Missing or invalid access token' } });
        assert.equal(await countLogs(env.deps, vehicleId), 0);
      });
    });

    describe('GET /api/fuel-logs/:id', () => {
      test('404 for another user\'s log and for a log of a soft-deleted vehicle; 400 for a non-UUID id', async () => {
        const [u, other] = [await user(), await user()];
        const vehicleId = await insertVehicle(env.deps, u.sub);
        const log = (await create(u.api, logBody(vehicleId))).body;
        const stranger = await other.api.get(`/api/fuel-logs/${log.id}`);
        assert.equal(stranger.status, 404);
        assert.deepEqual(stranger.body, NOT_FOUND_BODY);
        const unknown = await u.api.get(`/api/fuel-logs/${randomUUID()}`);
        assert.deepEqual([unknown.status, unknown.body], [404, NOT_FOUND_BODY]);
        const upper = await u.api.get(`/api/fuel-logs/${log.id.toUpperCase()}`);
        assert.equal(upper.status, 200);
        assert.equal(upper.body.id, log.id);
        for (const bad of ['123', 'not-a-uuid', `urn:uuid:${log.id}`, `${log.id}x`]) {
          const res = await u.api.get(`/api/fuel-logs/${bad}`);
          assertValidation(res, 'id', bad);
        }
        await softDeleteVehicle(env.deps, vehicleId);
        const gone = await u.api.get(`/api/fuel-logs/${log.id}`);
        assert.deepEqual([gone.status, gone.body], [404, NOT_FOUND_BODY]);
      });
    });

    describe('PUT /api/fuel-logs/:id', () => {
      test('partial update keeps other fields; gallons/price recompute totalCost unless it is sent', async () => {
        const u = await user();
        const vehicleId = await insertVehicle(env.deps, u.sub);
        const log = (await create(u.api, logBody(vehicleId, { notes: 'first', stationPlaceId: 'p1' }))).body;
        await new Promise((r) => setTimeout(r, 5));

        const notes = await u.api.put(`/api/fuel-logs/${log.id}`, { notes: 'second' });
        assert.equal(notes.status, 200, JSON.stringify(notes.body));
        assert.deepEqual({ ...notes.body, updatedAt: '' }, { ...log, notes: 'second', updatedAt: '' });
        assert.ok(notes.body.updatedAt > log.updatedAt);
        assert.equal(notes.body.createdAt, log.createdAt);

        const gallons = await u.api.put(`/api/fuel-logs/${log.id}`, { gallons: 12 });
        assert.equal(gallons.body.gallons, 12);
        assert.equal(gallons.body.totalCost, 41.99); // 12 × 3.499 = 41.988 → 41.99

        const price = await u.api.put(`/api/fuel-logs/${log.id}`, { pricePerGallon: 4 });
        assert.equal(price.body.totalCost, 48); // 12 × 4

        const both = await u.api.put(`/api/fuel-logs/${log.id}`, { gallons: 10, totalCost: 35.5 });
        assert.equal(both.body.totalCost, 35.5);

        const flags = await u.api.put(`/api/fuel-logs/${log.id}`, { fullTank: false, stationPlaceId: null, notes: null, date: '2026-01-11' });
        assert.deepEqual(
          [flags.body.fullTank, flags.body.stationPlaceId, flags.body.notes, flags.body.date, flags.body.totalCost],
          [false, null, null, '2026-01-11', 35.5],
        );
        const stored = await u.api.get(`/api/fuel-logs/${log.id}`);
        assert.deepEqual(stored.body, flags.body);
      });

      test('empty body changes nothing; odometer raise applies to the vehicle', async () => {
        const u = await user();
        const vehicleId = await insertVehicle(env.deps, u.sub);
        const log = (await create(u.api, logBody(vehicleId))).body;
        const same = await u.api.put(`/api/fuel-logs/${log.id}`, {});
        assert.equal(same.status, 200);
        assert.deepEqual(same.body, log);
        const moved = await u.api.put(`/api/fuel-logs/${log.id}`, { odometer: 1500 });
        assert.equal(moved.body.odometer, 1500);
        assert.equal((await vehicleRow(env.deps, vehicleId)).odometer, 1500);
        await u.api.put(`/api/fuel-logs/${log.id}`, { odometer: 1200 });
        assert.equal((await vehicleRow(env.deps, vehicleId)).odometer, 1500);
      });

      test('400 for vehicleId, unknown fields, bounds and the date window; 404 for others; nothing changed', async () => {
        const [u, other] = [await user(), await user()];
        const vehicleId = await insertVehicle(env.deps, u.sub);
        const log = (await create(u.api, logBody(vehicleId))).body;
        const path = `/api/fuel-logs/${log.id}`;
        const noVehicle = await u.api.put(path, { vehicleId: randomUUID() });
        assert.deepEqual(noVehicle.body.error.details, [{ field: 'vehicleId', message: 'is not allowed' }]);
        const cases: Array<[string, Record<string, unknown>]> = [
          ['odometer', { odometer: -1 }], ['gallons', { gallons: 0 }], ['gallons', { gallons: 1.0001 }],
          ['pricePerGallon', { pricePerGallon: 101 }], ['totalCost', { totalCost: -1 }], ['totalCost', { totalCost: 0.001 }],
          ['fullTank', { fullTank: 1 }], ['notes', { notes: 'n'.repeat(501) }], ['stationPlaceId', { stationPlaceId: 's'.repeat(256) }],
          ['date', { date: utcDay(2) }], ['date', { date: 'yesterday' }], ['id', { notes: 'x' }],
        ];
        for (const [field, body] of cases) {
          const res = field === 'id' ? await u.api.put('/api/fuel-logs/nope', body) : await u.api.put(path, body);
          assertValidation(res, field, JSON.stringify(body).slice(0, 60));
        }
        const bad = await u.api.raw('PUT', path, { body: '{', headers: { 'content-type': 'application/json' } });
        assert.deepEqual([bad.status, bad.body.error.code], [400, 'INVALID_JSON']);
        const text = await u.api.raw('PUT', path, { body: 'x', headers: { 'content-type': 'text/plain' } });
        assert.equal(text.status, 415);

        const theirs = await other.api.put(path, { notes: 'hijack' });
        assert.deepEqual([theirs.status, theirs.body], [404, NOT_FOUND_BODY]);
        const theirsEmpty = await other.api.put(path, {});
        assert.deepEqual([theirsEmpty.status, theirsEmpty.body], [404, NOT_FOUND_BODY]);
        assert.deepEqual((await u.api.get(path)).body, log);

        await softDeleteVehicle(env.deps, vehicleId);
        const gone = await u.api.put(path, { notes: 'x' });
        assert.deepEqual([gone.status, gone.body], [404, NOT_FOUND_BODY]);
      });
    });

    describe('DELETE /api/fuel-logs/:id', () => {
      test('204 with no body, then 404; another user gets 404 and the log survives', async () => {
        const [u, other] = [await user(), await user()];
        const vehicleId = await insertVehicle(env.deps, u.sub);
        const log = (await create(u.api, logBody(vehicleId))).body;
        const path = `/api/fuel-logs/${log.id}`;
        const theirs = await other.api.del(path);
        assert.deepEqual([theirs.status, theirs.body], [404, NOT_FOUND_BODY]);
        assert.equal(await countLogs(env.deps, vehicleId), 1);
        assertValidation(await u.api.del('/api/fuel-logs/12'), 'id');

        const res = await u.api.del(path);
        assert.equal(res.status, 204);
        assert.equal(res.text, '');
        assert.equal(await countLogs(env.deps, vehicleId), 0);
        const again = await u.api.del(path);
        assert.deepEqual([again.status, again.body], [404, NOT_FOUND_BODY]);
        assert.equal((await u.api.get(path)).status, 404);
      });

      test('a log of a soft-deleted vehicle cannot be deleted (404)', async () => {
        const u = await user();
        const vehicleId = await insertVehicle(env.deps, u.sub);
        const log = (await create(u.api, logBody(vehicleId))).body;
        await softDeleteVehicle(env.deps, vehicleId);
        const res = await u.api.del(`/api/fuel-logs/${log.id}`);
        assert.deepEqual([res.status, res.body], [404, NOT_FOUND_BODY]);
        assert.equal(await countLogs(env.deps, vehicleId), 1);
      });
    });

    describe('GET /api/fuel-logs (list)', () => {
      test('newest first (date, odometer, id), paginated, scoped to the user and live vehicles', async () => {
        const [u, other] = [await user(), await user()];
        const car = await insertVehicle(env.deps, u.sub);
        const bike = await insertVehicle(env.deps, u.sub);
        const gone = await insertVehicle(env.deps, u.sub);
        const theirs = await insertVehicle(env.deps, other.sub);
        const mk = async (vehicleId: string, date: string, odometer: number) =>
          (await create(vehicleId === theirs ? other.api : u.api, logBody(vehicleId, { date, odometer }))).body.id as string;
        const a = await mk(car, '2026-01-01', 1000);
        const b = await mk(car, '2026-01-05', 1300);
        const c = await mk(bike, '2026-01-05', 200);
        const d = await mk(bike, '2026-01-03', 150);
        await mk(gone, '2026-01-09', 5);
        await mk(theirs, '2026-01-09', 5);
        await softDeleteVehicle(env.deps, gone);

        const all = await u.api.get('/api/fuel-logs');
        assert.equal(all.status, 200);
        assert.deepEqual(all.body.items.map((l: { id: string }) => l.id), [b, c, d, a]);
        assert.deepEqual([all.body.total, all.body.limit, all.body.offset], [4, 50, 0]);

        const page = await u.api.get('/api/fuel-logs?limit=2&offset=1');
        assert.deepEqual(page.body.items.map((l: { id: string }) => l.id), [c, d]);
        assert.deepEqual([page.body.total, page.body.limit, page.body.offset], [4, 2, 1]);

        const past = await u.api.get('/api/fuel-logs?offset=10');
        assert.deepEqual(past.body, { items: [], total: 4, limit: 50, offset: 10 });

        const bikes = await u.api.get(`/api/fuel-logs?vehicleId=${bike}&limit=200`);
        assert.deepEqual(bikes.body.items.map((l: { id: string }) => l.id), [c, d]);
        assert.deepEqual([bikes.body.total, bikes.body.limit], [2, 200]);

        // Same date and odometer: the id decides, ascending.
        const t1 = await mk(car, '2026-02-01', 2000);
        const t2 = await mk(car, '2026-02-01', 2000);
        const ties = await u.api.get(`/api/fuel-logs?vehicleId=${car}&limit=2`);
        assert.deepEqual(ties.body.items.map((l: { id: string }) => l.id), [t1, t2].sort());

        const empty = await (await user()).api.get('/api/fuel-logs');
        assert.deepEqual(empty.body, { items: [], total: 0, limit: 50, offset: 0 });
      });

      test('vehicleId of another user, unknown or soft-deleted → 404; bad query → 400 on the field', async () => {
        const [u, other] = [await user(), await user()];
        const theirs = await insertVehicle(env.deps, other.sub);
        await create(other.api, logBody(theirs));
        for (const id of [theirs, randomUUID()]) {
          const res = await u.api.get(`/api/fuel-logs?vehicleId=${id}`);
          assert.deepEqual([res.status, res.body], [404, NOT_FOUND_BODY]);
        }
        const gone = await insertVehicle(env.deps, u.sub);
        await softDeleteVehicle(env.deps, gone);
        assert.equal((await u.api.get(`/api/fuel-logs?vehicleId=${gone}`)).status, 404);

        for (const [query, field] of [
          ['limit=0', 'limit'], ['limit=201', 'limit'], ['limit=abc', 'limit'], ['limit=1.5', 'limit'], ['limit=1&limit=2', 'limit'],
          ['offset=-1', 'offset'], ['offset=x', 'offset'], ['vehicleId=nope', 'vehicleId'], ['vehicleId=', 'vehicleId'],
        ]) {
          assertValidation(await u.api.get(`/api/fuel-logs?${query}`), field, query);
        }
        // Unknown query parameters are ignored (only bodies are strict).
        assert.equal((await u.api.get('/api/fuel-logs?_=123')).status, 200);
      });

      test('mpg per log, worked by hand, in list and single reads', async () => {
        const u = await user();
        const vehicleId = await insertVehicle(env.deps, u.sub);
        const ids: Record<string, string> = {};
        const add = async (name: string, odometer: number, gallons: number, fullTank: boolean, date: string) => {
          const res = await create(u.api, logBody(vehicleId, { odometer, gallons, fullTank, date }));
          assert.equal(res.status, 201);
          ids[name] = res.body.id;
          return res.body;
        };
        assert.equal((await add('p0', 900, 4, false, '2026-01-01')).mpg, null); // partial before any full tank
        assert.equal((await add('f1', 1000, 12, true, '2026-01-02')).mpg, null); // first full tank
        await add('p1', 1150, 4.5, false, '2026-01-05');
        // f2: P = f1 (1000); gallons in (1000, 1400] = 4.5 + 8.25 = 12.75; 400 / 12.75 = 31.37
        assert.equal((await add('f2', 1400, 8.25, true, '2026-01-09')).mpg, 31.37);
        // f3: P = f2 (1400); gallons in (1400, 1700] = 9; 300 / 9 = 33.33
        assert.equal((await add('f3', 1700, 9, true, '2026-01-15')).mpg, 33.33);

        const list = await u.api.get(`/api/fuel-logs?vehicleId=${vehicleId}`);
        const mpgs = Object.fromEntries(list.body.items.map((l: { id: string; mpg: number | null }) => [l.id, l.mpg]));
        assert.deepEqual(mpgs, { [ids.p0]: null, [ids.f1]: null, [ids.p1]: null, [ids.f2]: 31.37, [ids.f3]: 33.33 });

        // Page of one (the oldest full tank with a P): history below the page is still used.
        const one = await u.api.get(`/api/fuel-logs?vehicleId=${vehicleId}&limit=1&offset=1`);
        assert.deepEqual(one.body.items.map((l: { id: string; mpg: number }) => [l.id, l.mpg]), [[ids.f2, 31.37]]);

        // Inserting a full tank between f2 and f3 (by odometer) changes f3's P.
        // mid: P = f2; 150 / 5 = 30.  f3: P = mid (1550); 150 / 9 = 16.67
        assert.equal((await add('mid', 1550, 5, true, '2026-01-12')).mpg, 30);
        assert.equal((await u.api.get(`/api/fuel-logs/${ids.f3}`)).body.mpg, 16.67);

        // Turning f2 into a partial fill: f2.mpg null, mid's P becomes f1: (1550 − 1000) / (4.5 + 8.25 + 5) = 550 / 17.75 = 30.99
        const partial = await u.api.put(`/api/fuel-logs/${ids.f2}`, { fullTank: false });
        assert.equal(partial.body.mpg, null);
        assert.equal((await u.api.get(`/api/fuel-logs/${ids.mid}`)).body.mpg, 30.99);
      });
    });

    describe('GET /api/fuel-logs/stats', () => {
      test('values worked by hand; empty vehicle; uppercase id answers the canonical id', async () => {
        const u = await user();
        const vehicleId = await insertVehicle(env.deps, u.sub);
        const empty = await u.api.get(`/api/fuel-logs/stats?vehicleId=${vehicleId}`);
        assert.equal(empty.status, 200);
        assert.deepEqual(empty.body, {
          vehicleId, logCount: 0, totalGallons: 0, totalCost: 0, distance: 0, averageMpg: null, costPerMile: null, lastFillUpDate: null,
        });

        for (const [date, odometer, gallons, totalCost, fullTank] of [
          ['2026-01-01', 900, 3.333, 10.01, false],
          ['2026-01-03', 1000, 12, 40, true],
          ['2026-01-20', 1150, 4.5, 15.3, false],
          ['2026-01-10', 1400, 8.25, 28.05, true],
        ] as const) {
          assert.equal((await create(u.api, logBody(vehicleId, { date, odometer, gallons, totalCost, fullTank }))).status, 201);
        }
        const stats = await u.api.get(`/api/fuel-logs/stats?vehicleId=${vehicleId.toUpperCase()}`);
        assert.equal(stats.status, 200);
        assert.deepEqual(stats.body, {
          vehicleId,
          logCount: 4,
          totalGallons: 28.083, // 3.333 + 12 + 4.5 + 8.25
          totalCost: 93.36, // 10.01 + 40 + 15.30 + 28.05
          distance: 500, // 1400 − 900
          averageMpg: 31.37, // (1400 − 1000) / (4.5 + 8.25) = 400 / 12.75
          costPerMile: 0.187, // 93.36 / 500 = 0.18672
          lastFillUpDate: '2026-01-20', // latest date, not highest odometer
        });
      });

      test('cached under the vehicle\'s versioned key; every write (create, update, delete, any id case) moves the key', { skip: !process.env.REDIS_URL && 'REDIS_URL not set' }, async () => {
        const u = await user();
        const vehicleId = await insertVehicle(env.deps, u.sub);
        const version = async () => (await env.deps.db.query<{ v: number }>('SELECT fuel_logs_version AS v FROM vehicles WHERE id = $1', [vehicleId])).rows[0].v;
        const key = async () => cacheKeys.fuelStats(vehicleId, await version());
        const path = `/api/fuel-logs/stats?vehicleId=${vehicleId}`;
        const first = (await create(u.api, logBody(vehicleId, { odometer: 1000, gallons: 10, totalCost: 30 }))).body;
        const k1 = await key();
        assert.equal(await redisOf(env).get(k1), null);

        const s1 = await u.api.get(path);
        assert.equal(s1.body.logCount, 1);
        assert.deepEqual(JSON.parse((await redisOf(env).get(k1)) ?? 'null'), s1.body);
        const ttl = await redisOf(env).ttl(k1);
        assert.ok(ttl > 590 && ttl <= 600, `ttl ${ttl}`);

        // A planted value is served: proof the read comes from the cache.
        await redisOf(env).set(k1, JSON.stringify({ ...s1.body, logCount: 99 }), 'EX', 600);
        assert.equal((await u.api.get(path)).body.logCount, 99);

        const second = (await create(u.api, logBody(vehicleId, { odometer: 1300, gallons: 10, totalCost: 30 }))).body;
        const k2 = await key();
        assert.notEqual(k2, k1, 'create moves the key');
        const s2 = (await u.api.get(path)).body;
        assert.deepEqual([s2.logCount, s2.averageMpg, s2.distance, s2.totalCost, s2.costPerMile], [2, 30, 300, 60, 0.2]);

        await u.api.put(`/api/fuel-logs/${second.id}`, { odometer: 1600 });
        assert.notEqual(await key(), k2, 'update moves the key');
        assert.equal((await u.api.get(path)).body.averageMpg, 60); // 600 / 10

        const k3 = await key();
        await u.api.del(`/api/fuel-logs/${first.id}`);
        assert.notEqual(await key(), k3, 'delete moves the key');
        const s3 = (await u.api.get(path)).body;
        assert.deepEqual([s3.logCount, s3.averageMpg, s3.distance], [1, null, 0]);

        // Writes through the uppercase form of the id move the same (canonical) vehicle's key.
        const k4 = await key();
        await create(u.api, logBody(vehicleId.toUpperCase(), { odometer: 1700 }));
        assert.notEqual(await key(), k4);
        assert.equal((await u.api.get(path)).body.logCount, 2);
      });

      test('a failed write moves nothing: the cached stats stay valid', { skip: !process.env.REDIS_URL && 'REDIS_URL not set' }, async () => {
        const u = await user();
        const vehicleId = await insertVehicle(env.deps, u.sub);
        await create(u.api, logBody(vehicleId, { odometer: 1000 }));
        const path = `/api/fuel-logs/stats?vehicleId=${vehicleId}`;
        await u.api.get(path);
        const before = await keysOf(redisOf(env), `mvp:fuel-stats:${vehicleId}:*`);
        assert.equal(before.length, 1);
        assert.equal((await create(u.api, logBody(vehicleId, { odometer: -5 }))).status, 400);
        assert.equal((await u.api.del(`/api/fuel-logs/${randomUUID()}`)).status, 404);
        assert.deepEqual(await keysOf(redisOf(env), `mvp:fuel-stats:${vehicleId}:*`), before);
      });

      test('another user\'s vehicle → 404 even when its stats are cached; missing/bad vehicleId → 400', async () => {
        const [u, other] = [await user(), await user()];
        const theirs = await insertVehicle(env.deps, other.sub);
        await create(other.api, logBody(theirs));
        assert.equal((await other.api.get(`/api/fuel-logs/stats?vehicleId=${theirs}`)).status, 200); // now cached
        const res = await u.api.get(`/api/fuel-logs/stats?vehicleId=${theirs}`);
        assert.deepEqual([res.status, res.body], [404, NOT_FOUND_BODY]);
        assert.deepEqual([(await u.api.get(`/api/fuel-logs/stats?vehicleId=${randomUUID()}`)).status], [404]);

        await softDeleteVehicle(env.deps, theirs);
        const gone = await other.api.get(`/api/fuel-logs/stats?vehicleId=${theirs}`);
        assert.deepEqual([gone.status, gone.body], [404, NOT_FOUND_BODY]);

        const missing = await u.api.get('/api/fuel-logs/stats');
        assert.deepEqual(missing.body, {
          error: { code: 'VALIDATION_ERROR', message: 'Request validation failed', details: [{ field: 'vehicleId', message: 'is required' }] },
        });
        assertValidation(await u.api.get('/api/fuel-logs/stats?vehicleId=123'), 'vehicleId');
      });
    });

    test('routing details: trailing slash, case-sensitive /stats, unknown sub-route', async () => {
      const u = await user();
      const vehicleId = await insertVehicle(env.deps, u.sub);
      assert.equal((await u.api.get('/api/fuel-logs/')).status, 200);
      assert.equal((await u.api.get(`/api/fuel-logs/stats/?vehicleId=${vehicleId}`)).status, 200);
      assertValidation(await u.api.get(`/api/fuel-logs/STATS?vehicleId=${vehicleId}`), 'id');
      const unknown = await u.api.get(`/api/fuel-logs/${randomUUID()}/extra`);
      assert.equal(unknown.status, 404);
      assert.equal(unknown.body.error.code, 'NOT_FOUND');
      const patch = await u.api.request('PATCH', `/api/fuel-logs/${randomUUID()}`, { notes: 'x' });
      assert.equal(patch.status, 404);
    });
  });
}

test('one data set across backends: write through one, read through the other, stats cache stays coherent', async () => {
  const u = await env.newUser();
  const legacy = u.client(env.targets.legacy);
  const native = u.client(env.targets.gatewayFastify);
  const vehicleId = await insertVehicle(env.deps, u.sub);
  const stats = `/api/fuel-logs/stats?vehicleId=${vehicleId}`;

  const created = (await legacy.post('/api/fuel-logs', logBody(vehicleId, { odometer: 1000, gallons: 10, totalCost: 30 }))).body;
  assert.deepEqual((await native.get(`/api/fuel-logs/${created.id}`)).body, created);
  assert.equal((await native.get(stats)).body.logCount, 1); // cached by the native side

  await legacy.post('/api/fuel-logs', logBody(vehicleId, { odometer: 1200, gallons: 8, totalCost: 24 }));
  const fresh = (await native.get(stats)).body; // the legacy write dropped the shared key
  assert.deepEqual([fresh.logCount, fresh.averageMpg], [2, 25]); // 200 / 8

  const updated = (await native.put(`/api/fuel-logs/${created.id}`, { notes: 'via fastify' })).body;
  assert.deepEqual((await legacy.get(`/api/fuel-logs/${created.id}`)).body, updated);
  assert.equal((await legacy.get(stats)).body.logCount, 2);
  assert.equal((await native.del(`/api/fuel-logs/${created.id}`)).status, 204);
  assert.equal((await legacy.get(stats)).body.logCount, 1);
  assert.deepEqual((await legacy.get('/api/fuel-logs')).body.items, (await native.get('/api/fuel-logs')).body.items);
});
