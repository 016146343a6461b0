// Maintenance records, schedules and "upcoming" over real HTTP and PostgreSQL, against the legacy app and
// the gateway's native capsule alike: every route, every error row that applies, hand-worked values.
// (Receipts: receipt.test.ts. No cache or external service is involved in this feature.)
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { build, targetList } from '../helper.ts';
import { Client } from '../helper.ts';
import {
  ISO_MS_RE, MIB, UUID_RE, assertError, assertNotFound, assertValidation, insertVehicle, rowExists, softDeleteVehicle,
  startPair, utcDay, vehicleOdometer,
} from './support/maintenance.ts';

const env = await build();

const TARGETS = targetList(env, 'codePaths');

const R = '/api/maintenance/records';
const S = '/api/maintenance/schedules';
const U = '/api/maintenance/upcoming';

for (const target of TARGETS) {
  describe(`maintenance via ${target.name}`, () => {
    // Once the legacy app is deleted every target is the native gateway (see the harness).
    const backend = () => (env.expressFree ? 'fastify' : target.backend);
    /** A fresh user with a client on this target and one live vehicle. */
    async function setup(odometer = 0) {
      const u = await env.newUser();
      const api = u.client(target.endpoint);
      const vehicleId = await insertVehicle(env.deps, u.sub, odometer);
      return { ...u, api, vehicleId };
    }
    const newRecord = async (api: Client, body: Record<string, unknown>) => {
      const res = await api.post(R, body);
      assert.equal(res.status, 201, JSON.stringify(res.body));
      return res.body;
    };
    const newSchedule = async (api: Client, body: Record<string, unknown>) => {
      const res = await api.post(S, body);
      assert.equal(res.status, 201, JSON.stringify(res.body));
      return res.body;
    };

    describe('records', () => {
      test('POST creates with nulls for absent fields: 201, Location, x-backend; GET returns it', async () => {
        const { api, vehicleId } = await setup();
        const res = await api.post(R, { vehicleId, type: 'oil_change', date: '2025-01-10' });
        assert.equal(res.status, 201, JSON.stringify(res.body));
        assert.equal(res.headers['x-backend'], backend());
        assert.equal(res.headers['content-type'], 'application/json; charset=utf-8');
        const b = res.body;
        assert.match(b.id, UUID_RE);
        assert.equal(res.headers.location, `${R}/${b.id}`);
        assert.match(b.createdAt, ISO_MS_RE);
        assert.deepEqual(b, {
          id: b.id, vehicleId, type: 'oil_change', description: null, date: '2025-01-10', odometer: null, cost: null,
          shop: null, hasReceipt: false, createdAt: b.createdAt, updatedAt: b.createdAt,
        });
        const got = await api.get(`${R}/${b.id}`);
        assert.equal(got.status, 200);
        assert.deepEqual(got.body, b);
      });

      test('POST keeps every field at its upper bound', async () => {
        const { api, vehicleId } = await setup();
        const b = await newRecord(api, {
          vehicleId, type: 'transmission_service', description: 'd'.repeat(500), date: utcDay(1), odometer: 2_000_000,
          cost: 9_999_999_999.99, shop: 's'.repeat(100),
        });
        assert.equal(b.description, 'd'.repeat(500));
        assert.equal(b.date, utcDay(1)); // today + 1 (UTC) is allowed, like fuel logs
        assert.equal(b.odometer, 2_000_000);
        assert.equal(b.cost, 9_999_999_999.99);
        assert.equal(b.shop, 's'.repeat(100));
        const zero = await newRecord(api, { vehicleId, type: 'other', date: '1900-01-01', odometer: 0, cost: 0, description: '' });
        assert.deepEqual([zero.date, zero.odometer, zero.cost, zero.description], ['1900-01-01', 0, 0, '']);
      });

      test('POST raises the vehicle odometer to a higher reading, never lowers it', async () => {
        const { api, vehicleId } = await setup(5000);
        await newRecord(api, { vehicleId, type: 'oil_change', date: '2025-01-10', odometer: 4000 });
        assert.equal(await vehicleOdometer(env.deps, vehicleId), 5000);
        await newRecord(api, { vehicleId, type: 'oil_change', date: '2025-02-10', odometer: 6100 });
        assert.equal(await vehicleOdometer(env.deps, vehicleId), 6100);
        await newRecord(api, { vehicleId, type: 'battery', date: '2025-02-11' }); // no reading: unchanged
        assert.equal(await vehicleOdometer(env.deps, vehicleId), 6100);
      });

      test('POST rejects every field out of bounds with VALIDATION_ERROR on that field', async () => {
        const { api, vehicleId } = await setup();
        const ok = { vehicleId, type: 'oil_change', date: '2025-01-10' };
        const cases: Array<[Record<string, unknown>, string]> = [
          [{ type: 'oil_change', date: '2025-01-10' }, 'vehicleId'],
          [{ vehicleId, date: '2025-01-10' }, 'type'],
          [{ vehicleId, type: 'oil_change' }, 'date'],
          [{ ...ok, vehicleId: 'not-a-uuid' }, 'vehicleId'],
          [{ ...ok, vehicleId: `urn:uuid:${randomUUID()}` }, 'vehicleId'],
          [{ ...ok, type: 'car_wash' }, 'type'],
          [{ ...ok, type: null }, 'type'],
          [{ ...ok, date: '2025-02-30' }, 'date'],
          [{ ...ok, date: '10/01/2025' }, 'date'],
          [{ ...ok, date: utcDay(2) }, 'date'],
          [{ ...ok, date: '1899-12-31' }, 'date'],
          [{ ...ok, odometer: -1 }, 'odometer'],
          [{ ...ok, odometer: 2_000_001 }, 'odometer'],
          [{ ...ok, odometer: 1.5 }, 'odometer'],
          [{ ...ok, odometer: '100' }, 'odometer'],
          [{ ...ok, cost: -0.01 }, 'cost'],
          [{ ...ok, cost: 12.345 }, 'cost'],
          [{ ...ok, cost: '12' }, 'cost'],
          [{ ...ok, cost: 10_000_000_000 }, 'cost'],
          [{ ...ok, description: 'x'.repeat(501) }, 'description'],
          [{ ...ok, description: 5 }, 'description'],
          [{ ...ok, shop: 's'.repeat(101) }, 'shop'],
          [{ ...ok, hasReceipt: true }, 'hasReceipt'],
          [{ ...ok, id: randomUUID() }, 'id'],
        ];
        for (const [body, field] of cases) assertValidation(await api.post(R, body), field, JSON.stringify(body).slice(0, 80));
        assertValidation(await api.post(R, [ok]), 'body');
        assertValidation(await api.post(R, 'oil_change'), 'body');
        assertValidation(await api.request('POST', R), 'body'); // no body at all
        const list = await api.get(`${R}?vehicleId=${vehicleId}`);
        assert.equal(list.body.total, 0, 'nothing was stored');
      });

      test('POST with a future date names the last allowed day', async () => {
        const { api, vehicleId } = await setup();
        const res = await api.post(R, { vehicleId, type: 'oil_change', date: utcDay(2) });
        assert.deepEqual(res.body.error.details, [{ field: 'date', message: `must not be after ${utcDay(1)}` }]);
      });

      test('POST with malformed JSON, a non-JSON type, an empty JSON body or over 1 MiB', async () => {
        const { api, vehicleId } = await setup();
        assertError(await api.raw('POST', R, { headers: { 'content-type': 'application/json' }, body: '{"vehicleId":' }), 400, 'INVALID_JSON');
        assertError(await api.raw('POST', R, { headers: { 'content-type': 'application/json' }, body: '' }), 400, 'INVALID_JSON');
        assertError(await api.raw('POST', R, { headers: { 'content-type': 'text/plain' }, body: JSON.stringify({ vehicleId }) }), 415, 'UNSUPPORTED_MEDIA_TYPE');
        assertError(await api.raw('POST', R, { headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'type=oil_change' }), 415, 'UNSUPPORTED_MEDIA_TYPE');
        const huge = JSON.stringify({ vehicleId, type: 'other', date: '2025-01-01', description: 'x'.repeat(MIB) });
        assertError(await api.raw('POST', R, { headers: { 'content-type': 'application/json' }, body: huge }), 413, 'PAYLOAD_TOO_LARGE');
      });

      test('POST for another user\'s, a soft-deleted or an unknown vehicle → 404, nothing stored', async () => {
        const { api } = await setup();
        const other = await setup();
        const gone = await insertVehicle(env.deps, (await env.newUser()).sub);
        const mine = await setup();
        await softDeleteVehicle(env.deps, mine.vehicleId);
        for (const vehicleId of [other.vehicleId, randomUUID()]) {
          assertNotFound(await api.post(R, { vehicleId, type: 'oil_change', date: '2025-01-10' }));
        }
        assertNotFound(await mine.api.post(R, { vehicleId: mine.vehicleId, type: 'oil_change', date: '2025-01-10' }));
        assert.ok(gone);
        const { rows } = await env.deps.db.query('SELECT count(*)::int AS n FROM maintenance_records WHERE vehicle_id = ANY($1)', [[other.vehicleId, mine.vehicleId]]);
        assert.equal(rows[0].n, 0);
      });

      test('GET list: newest first (date, then creation), paginated, filtered by vehicle, only mine', async () => {
        const { api, vehicleId, sub } = await setup();
        const second = await insertVehicle(env.deps, sub);
        const a = await newRecord(api, { vehicleId, type: 'oil_change', date: '2025-01-10' });
        const b = await newRecord(api, { vehicleId, type: 'battery', date: '2025-03-01' });
        const c = await newRecord(api, { vehicleId: second, type: 'inspection', date: '2025-03-01' }); // same date, created later
        const d = await newRecord(api, { vehicleId, type: 'other', date: '2024-12-31' });
        const stranger = await setup();
        await newRecord(stranger.api, { vehicleId: stranger.vehicleId, type: 'oil_change', date: '2025-06-01' });

        const all = await api.get(R);
        assert.equal(all.status, 200);
        assert.deepEqual(all.body, { items: [c, b, a, d], total: 4, limit: 50, offset: 0 });
        const page = await api.get(`${R}?limit=2&offset=1`);
        assert.deepEqual(page.body, { items: [b, a], total: 4, limit: 2, offset: 1 });
        const beyond = await api.get(`${R}?limit=200&offset=10`);
        assert.deepEqual(beyond.body, { items: [], total: 4, limit: 200, offset: 10 });
        const one = await api.get(`${R}?vehicleId=${second}`);
        assert.deepEqual(one.body, { items: [c], total: 1, limit: 50, offset: 0 });
        const theirs = await api.get(`${R}?vehicleId=${stranger.vehicleId}`);
        assert.deepEqual(theirs.body, { items: [], total: 0, limit: 50, offset: 0 });
        const unknownParam = await api.get(`${R}?limit=1&_=123`);
        assert.deepEqual(unknownParam.body, { items: [c], total: 4, limit: 1, offset: 0 }); // unknown query params are ignored

        await softDeleteVehicle(env.deps, second);
        const afterDelete = await api.get(R);
        assert.deepEqual(afterDelete.body, { items: [b, a, d], total: 3, limit: 50, offset: 0 });
      });

      test('GET list rejects bad limit, offset and vehicleId', async () => {
        const { api } = await setup();
        for (const [qs, field] of [
          ['limit=0', 'limit'], ['limit=201', 'limit'], ['limit=abc', 'limit'], ['limit=1.5', 'limit'], ['limit=1&limit=2', 'limit'],
          ['offset=-1', 'offset'], ['offset=x', 'offset'], ['vehicleId=abc', 'vehicleId'], ['vehicleId=', 'vehicleId'],
        ]) assertValidation(await api.get(`${R}?${qs}`), field, qs);
      });

      test('GET/PUT/DELETE of another user\'s record, a soft-deleted vehicle\'s or an unknown id → 404', async () => {
        const owner = await setup();
        const rec = await newRecord(owner.api, { vehicleId: owner.vehicleId, type: 'oil_change', date: '2025-01-10', description: 'secret' });
        const { api } = await setup();
        for (const path of [`${R}/${rec.id}`, `${R}/${randomUUID()}`]) {
          assertNotFound(await api.get(path));
          assertNotFound(await api.put(path, { description: 'mine now' }));
          assertNotFound(await api.del(path));
        }
        assert.equal((await owner.api.get(`${R}/${rec.id}`)).body.description, 'secret', 'untouched');

        await softDeleteVehicle(env.deps, owner.vehicleId);
        assertNotFound(await owner.api.get(`${R}/${rec.id}`));
        assertNotFound(await owner.api.put(`${R}/${rec.id}`, { description: 'x' }));
        assertNotFound(await owner.api.del(`${R}/${rec.id}`));
        assert.ok(await rowExists(env.deps, 'maintenance_records', rec.id), 'a hidden record is not deleted');
      });

      test('a non-UUID id is a 400 on id for every record route', async () => {
        const { api } = await setup();
        assertValidation(await api.get(`${R}/123`), 'id');
        assertValidation(await api.put(`${R}/123`, { description: 'x' }), 'id');
        assertValidation(await api.del(`${R}/123`), 'id');
        assertValidation(await api.get(`${R}/urn:uuid:${randomUUID()}`), 'id');
      });

      test('PUT updates only the given fields; null clears; vehicleId cannot change', async () => {
        const { api, vehicleId } = await setup();
        const rec = await newRecord(api, { vehicleId, type: 'oil_change', date: '2025-01-10', description: 'synthetic', odometer: 1000, cost: 49.99, shop: 'Jiffy' });
        const res = await api.put(`${R}/${rec.id}`, { description: null, cost: 20.5, type: 'brake_service' });
        assert.equal(res.status, 200, JSON.stringify(res.body));
        assert.deepEqual(res.body, { ...rec, description: null, cost: 20.5, type: 'brake_service', updatedAt: res.body.updatedAt });
        assert.ok(Date.parse(res.body.updatedAt) >= Date.parse(rec.updatedAt));
        assert.deepEqual((await api.get(`${R}/${rec.id}`)).body, res.body);

        const same = await api.put(`${R}/${rec.id}`, {});
        assert.equal(same.status, 200);
        assert.deepEqual({ ...same.body, updatedAt: null }, { ...res.body, updatedAt: null });

        assertValidation(await api.put(`${R}/${rec.id}`, { vehicleId: randomUUID() }), 'vehicleId');
        assertValidation(await api.put(`${R}/${rec.id}`, { date: utcDay(2) }), 'date');
        assertValidation(await api.put(`${R}/${rec.id}`, { date: null }), 'date');
        assertValidation(await api.put(`${R}/${rec.id}`, { type: null }), 'type');
        assertValidation(await api.put(`${R}/${rec.id}`, { odometer: -5 }), 'odometer');
        assertValidation(await api.put(`${R}/${rec.id}`, { cost: 0.125 }), 'cost');
        assertValidation(await api.put(`${R}/${rec.id}`, { shop: 'x'.repeat(101) }), 'shop');
        assertValidation(await api.request('PUT', `${R}/${rec.id}`), 'body');
        assertError(await api.raw('PUT', `${R}/${rec.id}`, { headers: { 'content-type': 'application/json' }, body: '{' }), 400, 'INVALID_JSON');
        assertError(await api.raw('PUT', `${R}/${rec.id}`, { headers: { 'content-type': 'text/plain' }, body: '{}' }), 415, 'UNSUPPORTED_MEDIA_TYPE');
        assert.equal((await api.get(`${R}/${rec.id}`)).body.vehicleId, vehicleId);
      });

      test('PUT with a higher odometer raises the vehicle\'s', async () => {
        const { api, vehicleId } = await setup(1000);
        const rec = await newRecord(api, { vehicleId, type: 'oil_change', date: '2025-01-10' });
        await api.put(`${R}/${rec.id}`, { odometer: 900 });
        assert.equal(await vehicleOdometer(env.deps, vehicleId), 1000);
        await api.put(`${R}/${rec.id}`, { odometer: 1500 });
        assert.equal(await vehicleOdometer(env.deps, vehicleId), 1500);
      });

      test('DELETE → 204 without a body, then 404', async () => {
        const { api, vehicleId } = await setup();
        const rec = await newRecord(api, { vehicleId, type: 'oil_change', date: '2025-01-10' });
        const res = await api.del(`${R}/${rec.id}`);
        assert.equal(res.status, 204);
        assert.equal(res.text, '');
        assert.equal(res.headers['content-type'], undefined);
        assertNotFound(await api.get(`${R}/${rec.id}`));
        assertNotFound(await api.del(`${R}/${rec.id}`));
        assert.equal(await rowExists(env.deps, 'maintenance_records', rec.id), false, 'hard delete');
      });

      test('DELETE with a malformed JSON body is refused like on the other backend', async () => {
        const { api, vehicleId } = await setup();
        const rec = await newRecord(api, { vehicleId, type: 'oil_change', date: '2025-01-10' });
        assertError(await api.raw('DELETE', `${R}/${rec.id}`, { headers: { 'content-type': 'application/json' }, body: '{' }), 400, 'INVALID_JSON');
        assertError(await api.raw('DELETE', `${R}/${rec.id}`, { headers: { 'content-type': 'text/plain' }, body: 'x' }), 415, 'UNSUPPORTED_MEDIA_TYPE');
        assert.ok(await rowExists(env.deps, 'maintenance_records', rec.id));
      });
    });

    describe('schedules', () => {
      test('POST creates: 201, Location, exact body; one interval is enough', async () => {
        const { api, vehicleId } = await setup();
        const res = await api.post(S, { vehicleId, type: 'oil_change', intervalMiles: 5000, intervalMonths: 6, notes: 'synthetic' });
        assert.equal(res.status, 201, JSON.stringify(res.body));
        assert.equal(res.headers['x-backend'], backend());
        const b = res.body;
        assert.match(b.id, UUID_RE);
        assert.equal(res.headers.location, `${S}/${b.id}`);
        assert.match(b.createdAt, ISO_MS_RE);
        assert.deepEqual(b, { id: b.id, vehicleId, type: 'oil_change', intervalMiles: 5000, intervalMonths: 6, notes: 'synthetic', createdAt: b.createdAt, updatedAt: b.createdAt });
        const miles = await newSchedule(api, { vehicleId, type: 'tire_rotation', intervalMiles: 100 });
        assert.deepEqual([miles.intervalMiles, miles.intervalMonths, miles.notes], [100, null, null]);
        const months = await newSchedule(api, { vehicleId, type: 'inspection', intervalMiles: null, intervalMonths: 120 });
        assert.deepEqual([months.intervalMiles, months.intervalMonths], [null, 120]);
        const top = await newSchedule(api, { vehicleId, type: 'battery', intervalMiles: 100_000, intervalMonths: 1, notes: 'n'.repeat(500) });
        assert.deepEqual([top.intervalMiles, top.intervalMonths, top.notes.length], [100_000, 1, 500]);
      });

      test('POST without any interval → 400 on intervalMiles', async () => {
        const { api, vehicleId } = await setup();
        for (const body of [{ vehicleId, type: 'oil_change' }, { vehicleId, type: 'oil_change', intervalMiles: null, intervalMonths: null, notes: 'x' }]) {
          const res = await api.post(S, body);
          assertValidation(res, 'intervalMiles');
          assert.deepEqual(res.body.error.details, [{ field: 'intervalMiles', message: 'at least one of intervalMiles and intervalMonths must be set' }]);
        }
      });

      test('POST rejects out-of-bounds and unknown fields', async () => {
        const { api, vehicleId } = await setup();
        const ok = { vehicleId, type: 'oil_change', intervalMiles: 5000 };
        const cases: Array<[Record<string, unknown>, string]> = [
          [{ type: 'oil_change', intervalMiles: 5000 }, 'vehicleId'],
          [{ vehicleId, intervalMiles: 5000 }, 'type'],
          [{ ...ok, type: 'wash' }, 'type'],
          [{ ...ok, vehicleId: 'x' }, 'vehicleId'],
          [{ ...ok, intervalMiles: 99 }, 'intervalMiles'],
          [{ ...ok, intervalMiles: 100_001 }, 'intervalMiles'],
          [{ ...ok, intervalMiles: 150.5 }, 'intervalMiles'],
          [{ ...ok, intervalMonths: 0 }, 'intervalMonths'],
          [{ ...ok, intervalMonths: 121 }, 'intervalMonths'],
          [{ ...ok, intervalMonths: '6' }, 'intervalMonths'],
          [{ ...ok, notes: 'n'.repeat(501) }, 'notes'],
          [{ ...ok, interval: 5 }, 'interval'],
        ];
        for (const [body, field] of cases) assertValidation(await api.post(S, body), field, JSON.stringify(body));
        assertError(await api.raw('POST', S, { headers: { 'content-type': 'application/json' }, body: '{"a":}' }), 400, 'INVALID_JSON');
        assertError(await api.raw('POST', S, { headers: { 'content-type': 'text/csv' }, body: 'a,b' }), 415, 'UNSUPPORTED_MEDIA_TYPE');
        assert.deepEqual((await api.get(`${S}?vehicleId=${vehicleId}`)).body, { items: [] });
      });

      test('one schedule per vehicle and type → 409; the same type on another vehicle is fine', async () => {
        const { api, vehicleId, sub } = await setup();
        await newSchedule(api, { vehicleId, type: 'oil_change', intervalMiles: 5000 });
        const dup = await api.post(S, { vehicleId, type: 'oil_change', intervalMonths: 6 });
        assertError(dup, 409, 'CONFLICT');
        assert.equal(dup.body.error.message, 'A schedule for this vehicle and type already exists');
        const other = await insertVehicle(env.deps, sub);
        await newSchedule(api, { vehicleId: other, type: 'oil_change', intervalMonths: 6 });
      });

      test('POST for another user\'s, a soft-deleted or an unknown vehicle → 404', async () => {
        const { api } = await setup();
        const stranger = await setup();
        assertNotFound(await api.post(S, { vehicleId: stranger.vehicleId, type: 'oil_change', intervalMiles: 5000 }));
        assertNotFound(await api.post(S, { vehicleId: randomUUID(), type: 'oil_change', intervalMiles: 5000 }));
        const mine = await setup();
        await softDeleteVehicle(env.deps, mine.vehicleId);
        assertNotFound(await mine.api.post(S, { vehicleId: mine.vehicleId, type: 'oil_change', intervalMiles: 5000 }));
      });

      test('GET list: { items } ordered alphabetically by type, filtered by vehicle, only live vehicles of mine', async () => {
        const { api, vehicleId, sub } = await setup();
        const second = await insertVehicle(env.deps, sub);
        const tire = await newSchedule(api, { vehicleId, type: 'tire_rotation', intervalMiles: 6000 });
        const oil = await newSchedule(api, { vehicleId, type: 'oil_change', intervalMiles: 5000 });
        const air = await newSchedule(api, { vehicleId, type: 'air_filter', intervalMonths: 12 });
        const oil2 = await newSchedule(api, { vehicleId: second, type: 'oil_change', intervalMonths: 3 });
        const stranger = await setup();
        await newSchedule(stranger.api, { vehicleId: stranger.vehicleId, type: 'battery', intervalMonths: 48 });

        // air_filter < oil_change (first vehicle, created earlier) < oil_change (second) < tire_rotation
        assert.deepEqual((await api.get(S)).body, { items: [air, oil, oil2, tire] });
        assert.deepEqual((await api.get(`${S}?vehicleId=${vehicleId}`)).body, { items: [air, oil, tire] });
        assert.deepEqual((await api.get(`${S}?vehicleId=${stranger.vehicleId}`)).body, { items: [] });
        assertValidation(await api.get(`${S}?vehicleId=nope`), 'vehicleId');
        await softDeleteVehicle(env.deps, vehicleId);
        assert.deepEqual((await api.get(S)).body, { items: [oil2] });
      });

      test('PUT changes intervals and notes partially; the result must keep an interval', async () => {
        const { api, vehicleId } = await setup();
        const s = await newSchedule(api, { vehicleId, type: 'oil_change', intervalMiles: 5000, intervalMonths: 6, notes: 'a' });
        const r1 = await api.put(`${S}/${s.id}`, { intervalMonths: 12 });
        assert.equal(r1.status, 200, JSON.stringify(r1.body));
        assert.deepEqual(r1.body, { ...s, intervalMonths: 12, updatedAt: r1.body.updatedAt });
        const r2 = await api.put(`${S}/${s.id}`, { intervalMiles: null, notes: null });
        assert.deepEqual(r2.body, { ...s, intervalMiles: null, intervalMonths: 12, notes: null, updatedAt: r2.body.updatedAt });
        const bad = await api.put(`${S}/${s.id}`, { intervalMonths: null });
        assertValidation(bad, 'intervalMiles');
        assert.deepEqual(bad.body.error.details, [{ field: 'intervalMiles', message: 'at least one of intervalMiles and intervalMonths must be set' }]);
        assertValidation(await api.put(`${S}/${s.id}`, { intervalMiles: null, intervalMonths: null }), 'intervalMiles');
        const swap = await api.put(`${S}/${s.id}`, { intervalMiles: 3000, intervalMonths: null });
        assert.deepEqual([swap.body.intervalMiles, swap.body.intervalMonths], [3000, null]);
        assertValidation(await api.put(`${S}/${s.id}`, { type: 'battery' }), 'type');
        assertValidation(await api.put(`${S}/${s.id}`, { vehicleId }), 'vehicleId');
        assertValidation(await api.put(`${S}/${s.id}`, { intervalMiles: 50 }), 'intervalMiles');
        assertValidation(await api.put(`${S}/${s.id}`, { intervalMonths: 200 }), 'intervalMonths');
        assertValidation(await api.put(`${S}/${s.id}`, { notes: 'n'.repeat(501) }), 'notes');
        assertValidation(await api.put(`${S}/xyz`, { notes: 'x' }), 'id');
        assertError(await api.raw('PUT', `${S}/${s.id}`, { headers: { 'content-type': 'application/json' }, body: 'nope' }), 400, 'INVALID_JSON');
        assert.deepEqual((await api.get(`${S}?vehicleId=${vehicleId}`)).body.items, [{ ...swap.body }]);
      });

      test('PUT/DELETE of another user\'s schedule, a soft-deleted vehicle\'s or an unknown id → 404', async () => {
        const owner = await setup();
        const s = await newSchedule(owner.api, { vehicleId: owner.vehicleId, type: 'oil_change', intervalMiles: 5000 });
        const { api } = await setup();
        for (const id of [s.id, randomUUID()]) {
          assertNotFound(await api.put(`${S}/${id}`, { notes: 'x' }));
          assertNotFound(await api.del(`${S}/${id}`));
        }
        assert.equal((await owner.api.get(S)).body.items[0].notes, null, 'untouched');
        await softDeleteVehicle(env.deps, owner.vehicleId);
        assertNotFound(await owner.api.put(`${S}/${s.id}`, { notes: 'x' }));
        assertNotFound(await owner.api.del(`${S}/${s.id}`));
        assert.ok(await rowExists(env.deps, 'maintenance_schedules', s.id));
      });

      test('DELETE → 204, then 404; the type can be scheduled again', async () => {
        const { api, vehicleId } = await setup();
        const s = await newSchedule(api, { vehicleId, type: 'oil_change', intervalMiles: 5000 });
        const res = await api.del(`${S}/${s.id}`);
        assert.equal(res.status, 204);
        assert.equal(res.text, '');
        assertNotFound(await api.del(`${S}/${s.id}`));
        assertValidation(await api.del(`${S}/1`), 'id');
        assert.equal(await rowExists(env.deps, 'maintenance_schedules', s.id), false);
        await newSchedule(api, { vehicleId, type: 'oil_change', intervalMonths: 6 });
      });
    });

    describe('upcoming', () => {
      test('hand-worked example: last service by date then odometer, due values, status order', async () => {
        const { api, vehicleId, sub } = await setup(46_700);
        const elsewhere = await insertVehicle(env.deps, sub);
        const oil = await newSchedule(api, { vehicleId, type: 'oil_change', intervalMiles: 5000, intervalMonths: 6 });
        const tire = await newSchedule(api, { vehicleId, type: 'tire_rotation', intervalMiles: 6000, intervalMonths: 12 });
        const insp = await newSchedule(api, { vehicleId, type: 'inspection', intervalMonths: 12 });
        const batt = await newSchedule(api, { vehicleId, type: 'battery', intervalMiles: 30_000 });
        const air = await newSchedule(api, { vehicleId, type: 'air_filter', intervalMonths: 1 });
        await newSchedule(api, { vehicleId: elsewhere, type: 'battery', intervalMonths: 1 }); // another vehicle: ignored
        for (const r of [
          { type: 'oil_change', date: '2024-04-01', odometer: 37_000 },
          { type: 'oil_change', date: '2024-10-15', odometer: 42_000 }, // latest oil change
          { type: 'tire_rotation', date: '2024-12-01', odometer: 39_000 },
          { type: 'tire_rotation', date: '2024-12-01', odometer: 40_000 }, // same date, higher odometer wins
          { type: 'tire_rotation', date: '2024-12-01' }, // same date, no reading: loses
          { type: 'inspection', date: '2024-06-30' },
          { type: 'air_filter', date: '2025-01-31', odometer: 45_000 },
          { type: 'brake_service', date: '2025-03-01', odometer: 46_000 }, // no schedule: ignored
        ]) await newRecord(api, { vehicleId, ...r });
        await newRecord(api, { vehicleId: elsewhere, type: 'oil_change', date: '2025-03-01', odometer: 46_500 }); // other vehicle
        assert.equal(await vehicleOdometer(env.deps, vehicleId), 46_700);

        const res = await api.get(`${U}?vehicleId=${vehicleId}&asOf=2025-03-20`);
        assert.equal(res.status, 200, JSON.stringify(res.body));
        assert.deepEqual(res.body, {
          items: [
            // 2025-01-31 + 1 month = 2025-02-28 (clamped); 2025-03-20 is 20 days later → −20; 45,000 mi, no miles interval
            { scheduleId: air.id, type: 'air_filter', lastServiceDate: '2025-01-31', lastServiceOdometer: 45_000, dueDate: '2025-02-28', dueOdometer: null, daysRemaining: -20, milesRemaining: null, status: 'overdue' },
            // 40,000 + 6,000 = 46,000 − 46,700 = −700; 2024-12-01 + 12 = 2025-12-01: 11 (Mar) + 30+31+30+31+31+30+31+30 (Apr–Nov) + 1 = 256
            { scheduleId: tire.id, type: 'tire_rotation', lastServiceDate: '2024-12-01', lastServiceOdometer: 40_000, dueDate: '2025-12-01', dueOdometer: 46_000, daysRemaining: 256, milesRemaining: -700, status: 'overdue' },
            // 2024-10-15 + 6 = 2025-04-15: 11 + 15 = 26 ≤ 30; 42,000 + 5,000 = 47,000 − 46,700 = 300
            { scheduleId: oil.id, type: 'oil_change', lastServiceDate: '2024-10-15', lastServiceOdometer: 42_000, dueDate: '2025-04-15', dueOdometer: 47_000, daysRemaining: 26, milesRemaining: 300, status: 'due_soon' },
            // 2024-06-30 + 12 = 2025-06-30: 11 + 30 + 31 + 30 = 102
            { scheduleId: insp.id, type: 'inspection', lastServiceDate: '2024-06-30', lastServiceOdometer: null, dueDate: '2025-06-30', dueOdometer: null, daysRemaining: 102, milesRemaining: null, status: 'ok' },
            { scheduleId: batt.id, type: 'battery', lastServiceDate: null, lastServiceOdometer: null, dueDate: null, dueOdometer: null, daysRemaining: null, milesRemaining: null, status: 'unknown' },
          ],
        });
      });

      test('asOf defaults to today (UTC); no schedules → empty list', async () => {
        const { api, vehicleId } = await setup(10_000);
        assert.deepEqual((await api.get(`${U}?vehicleId=${vehicleId}`)).body, { items: [] });
        await newSchedule(api, { vehicleId, type: 'oil_change', intervalMonths: 3, intervalMiles: 3000 });
        await newRecord(api, { vehicleId, type: 'oil_change', date: utcDay(-40), odometer: 9_000 });
        const implicit = await api.get(`${U}?vehicleId=${vehicleId}`);
        const explicit = await api.get(`${U}?vehicleId=${vehicleId}&asOf=${utcDay(0)}`);
        assert.equal(implicit.status, 200);
        assert.deepEqual(implicit.body, explicit.body);
        assert.equal(implicit.body.items[0].milesRemaining, 2_000); // 9,000 + 3,000 − 10,000
        const tomorrow = await api.get(`${U}?vehicleId=${vehicleId}&asOf=${utcDay(1)}`);
        assert.equal(tomorrow.body.items[0].daysRemaining, implicit.body.items[0].daysRemaining - 1);
      });

      test('needs a valid vehicleId; asOf must be a date; other users\' and soft-deleted vehicles → 404', async () => {
        const { api, vehicleId } = await setup();
        assertValidation(await api.get(U), 'vehicleId');
        assertValidation(await api.get(`${U}?vehicleId=1`), 'vehicleId');
        assertValidation(await api.get(`${U}?vehicleId=${vehicleId}&asOf=2025-13-01`), 'asOf');
        assertValidation(await api.get(`${U}?vehicleId=${vehicleId}&asOf=today`), 'asOf');
        const stranger = await setup();
        await newSchedule(stranger.api, { vehicleId: stranger.vehicleId, type: 'oil_change', intervalMonths: 3 });
        assertNotFound(await api.get(`${U}?vehicleId=${stranger.vehicleId}`));
        assertNotFound(await api.get(`${U}?vehicleId=${randomUUID()}`));
        await softDeleteVehicle(env.deps, stranger.vehicleId);
        assertNotFound(await stranger.api.get(`${U}?vehicleId=${stranger.vehicleId}`));
      });
    });

    test('every route needs a token (401), unknown routes under the prefix are 404', async () => {
      const anon = new Client(target.endpoint);
      for (const [method, path] of [['GET', R], ['POST', R], ['GET', `${R}/${randomUUID()}`], ['PUT', `${R}/${randomUUID()}/receipt`],
        ['GET', S], ['DELETE', `${S}/${randomUUID()}`], ['GET', `${U}?vehicleId=${randomUUID()}`]]) {
        assertError(await anon.request(method, path), 401, 'UNAUTHORIZED', `${method} ${path}`);
      }
      const { api } = await setup();
      assertError(await api.get('/api/maintenance/nothing-here'), 404, 'NOT_FOUND');
      assertError(await api.request('PATCH', `${R}/${randomUUID()}`), 404, 'NOT_FOUND');
    });
  });
}

test('data written through one backend reads the same through the other', async () => {
  const u = await env.newUser();
  const vehicleId = await insertVehicle(env.deps, u.sub, 500);
  const legacy = u.client(env.targets.legacy);
  const native = u.client(env.targets.gatewayFastify);
  const rec = (await legacy.post(R, { vehicleId, type: 'coolant_flush', date: '2025-02-02', odometer: 800, cost: 89.9, shop: 'Dealer' })).body;
  const sched = (await native.post(S, { vehicleId, type: 'coolant_flush', intervalMiles: 30_000, intervalMonths: 24 })).body;
  assert.deepEqual((await native.get(`${R}/${rec.id}`)).body, rec);
  assert.deepEqual((await legacy.get(S)).body, { items: [sched] });
  const a = await legacy.get(`${U}?vehicleId=${vehicleId}&asOf=2025-03-01`);
  const b = await native.get(`${U}?vehicleId=${vehicleId}&asOf=2025-03-01`);
  assert.deepEqual(a.body, b.body);
  // 2025-02-02 + 24 months = 2027-02-02; 800 + 30,000 = 30,800 − 800 (raised by the record) = 30,000
  assert.deepEqual(a.body.items[0], {
    scheduleId: sched.id, type: 'coolant_flush', lastServiceDate: '2025-02-02', lastServiceOdometer: 800, dueDate: '2027-02-02',
    dueOdometer: 30_800, daysRemaining: 703, milesRemaining: 30_000, status: 'ok',
  });
});

test('Redis unreachable: nothing in this feature depends on it, every kind of route still answers', async () => {
  const pair = await startPair(env, { REDIS_URL: 'redis://127.0.0.1:1' });
  try {
    for (const url of [pair.legacy, pair.gatewayFastify]) {
      const u = await env.newUser();
      const api = u.client(url);
      const vehicleId = await insertVehicle(env.deps, u.sub);
      assert.equal((await api.post(R, { vehicleId, type: 'oil_change', date: '2025-01-10', odometer: 10 })).status, 201);
      assert.equal((await api.post(S, { vehicleId, type: 'oil_change', intervalMiles: 100 })).status, 201);
      const list = await api.get(R);
      assert.equal(list.body?.total, 1, `${url}: ${list.status} ${list.text.slice(0, 300)}`);
      const up = await api.get(`${U}?vehicleId=${vehicleId}&asOf=2025-02-01`);
      assert.deepEqual([up.status, up.body.items[0].dueOdometer, up.body.items[0].milesRemaining], [200, 110, 100]);
    }
  } finally {
    await pair.close();
  }
});
