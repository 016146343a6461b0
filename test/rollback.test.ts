// Nothing is lost in either direction: through ONE gateway, each feature is moved to fastify with the
// admin API, data is created and edited there, the flag is rolled back, and everything is read and
// changed through Express (and the reverse), including the cached fuel stats and VIN decodes.
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { build, Client, eventually, keysOf } from './helper.ts';

const env = await build();
const gw = env.endpoint('gatewayExpress'); // every flag defaults to express here
let admin: Client;

before(async () => {
  admin = new Client(gw, (await env.newUser({ permissions: ['admin:flags'] })).token);
});

async function flip(feature: string, backend: 'express' | 'fastify', probe: Client, probePath: string) {
  const res = await admin.put(`/admin/flags/${feature}`, { backend });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  await eventually(async () => assert.equal((await probe.get(probePath)).headers['x-backend'], backend), { timeoutMs: 2000 });
}

describe('flip to fastify, write, roll back to express', () => {
  test('vehicles: created and edited natively, photo included, all visible and editable through Express', async () => {
    const user = await env.newUser();
    const c = user.client(gw);
    await flip('vehicles', 'fastify', c, '/api/vehicles');
    const created = await c.post('/api/vehicles', { vin: '1HGCM82633A004352', nickname: 'daily' });
    assert.equal(created.status, 201);
    assert.equal(created.headers['x-backend'], 'fastify');
    const id = created.body.id;
    const edited = await c.put(`/api/vehicles/${id}`, { odometer: 1234, color: 'blue' });
    assert.equal(edited.status, 200);
    const photo = Buffer.from('\x89PNG fake image bytes');
    assert.equal((await c.raw('PUT', `/api/vehicles/${id}/photo`, { headers: { 'content-type': 'image/png' }, body: photo })).status, 200);

    await flip('vehicles', 'express', c, '/api/vehicles');
    const seen = await c.get(`/api/vehicles/${id}`);
    assert.equal(seen.headers['x-backend'], 'express');
    assert.deepEqual(seen.body, { ...edited.body, hasPhoto: true, updatedAt: seen.body.updatedAt });
    const bytes = await c.get(`/api/vehicles/${id}/photo`);
    assert.equal(bytes.headers['content-type'], 'image/png');
    assert.deepEqual(bytes.bytes, photo);
    assert.equal((await c.post('/api/vehicles', { vin: '1HGCM82633A004352' })).status, 409, 'the VIN is still taken');
    // The decode cached by the native side is served by Express without calling vPIC again.
    const calls = env.fakes.calls('vpic');
    const decoded = await c.get('/api/vehicles/decode-vin/1HGCM82633A004352');
    assert.equal(decoded.status, 200);
    if (env.redis) assert.equal(env.fakes.calls('vpic'), calls, 'decode served from the shared cache');
    assert.equal((await c.put(`/api/vehicles/${id}`, { nickname: 'renamed' })).body.nickname, 'renamed');
    assert.equal((await c.del(`/api/vehicles/${id}`)).status, 204);
  });

  test('fuel logs: stats cached natively are invalidated by a write through Express, and the reverse', async () => {
    const user = await env.newUser();
    const c = user.client(gw);
    const vehicle = (await c.post('/api/vehicles', { make: 'Honda', model: 'Fit', year: 2015 })).body;
    const log = (date: string, odometer: number, gallons: number) => ({ vehicleId: vehicle.id, date, odometer, gallons, pricePerGallon: 3.5 });
    await flip('fuel-logs', 'fastify', c, '/api/fuel-logs');
    assert.equal((await c.post('/api/fuel-logs', log('2026-01-01', 1000, 10))).status, 201);
    const second = await c.post('/api/fuel-logs', log('2026-01-10', 1300, 10));
    assert.equal(second.headers['x-backend'], 'fastify');
    const statsPath = `/api/fuel-logs/stats?vehicleId=${vehicle.id}`;
    const nativeStats = await c.get(statsPath);
    // 300 miles on the 10 gallons bought after the first full tank → 30 mpg.
    assert.equal(nativeStats.body.averageMpg, 30);
    if (env.redis) assert.equal((await keysOf(env.redis, `mvp:fuel-stats:${vehicle.id}:*`)).length, 1, 'stats cached');

    await flip('fuel-logs', 'express', c, '/api/fuel-logs');
    const third = await c.post('/api/fuel-logs', log('2026-01-20', 1700, 8));
    assert.equal(third.headers['x-backend'], 'express');
    // (1700 − 1000) miles / (10 + 8) gallons = 38.89 mpg; never the stale 30.
    const expressStats = await c.get(statsPath);
    assert.equal(expressStats.body.logCount, 3);
    assert.equal(expressStats.body.averageMpg, 38.89);
    assert.equal((await c.get(`/api/fuel-logs/${second.body.id}`)).body.mpg, 30);

    await flip('fuel-logs', 'fastify', c, '/api/fuel-logs');
    assert.equal((await c.del(`/api/fuel-logs/${third.body.id}`)).status, 204);
    await flip('fuel-logs', 'express', c, '/api/fuel-logs');
    assert.equal((await c.get(statsPath)).body.averageMpg, 30, 'a native delete invalidated the stats Express serves');
  });

  test('stations: saved and edited natively, visible, editable and deletable through Express', async () => {
    const user = await env.newUser();
    const c = user.client(gw);
    await flip('stations', 'fastify', c, '/api/stations/saved');
    const saved = await c.post('/api/stations/saved', { placeId: 'place-rollback', name: 'Repsol', lat: 37.7, lng: -5.1 });
    assert.equal(saved.status, 201);
    const edited = await c.put(`/api/stations/saved/${saved.body.id}`, { nickname: 'cheap one', isFavorite: true });
    await flip('stations', 'express', c, '/api/stations/saved');
    const list = await c.get('/api/stations/saved');
    assert.equal(list.headers['x-backend'], 'express');
    assert.deepEqual(list.body.items, [edited.body]);
    assert.equal((await c.post('/api/stations/saved', { placeId: 'place-rollback', name: 'again', lat: 1, lng: 1 })).status, 409);
    assert.equal((await c.del(`/api/stations/saved/${saved.body.id}`)).status, 204);
  });

  test('maintenance: records, receipts and schedules written natively; upcoming identical after rollback', async () => {
    const user = await env.newUser();
    const c = user.client(gw);
    const vehicle = (await c.post('/api/vehicles', { make: 'Mazda', model: '3', year: 2019, odometer: 20000 })).body;
    await flip('maintenance', 'fastify', c, '/api/maintenance/records');
    const record = await c.post('/api/maintenance/records', { vehicleId: vehicle.id, type: 'oil_change', date: '2026-01-15', odometer: 20000 });
    assert.equal(record.status, 201);
    const receipt = Buffer.from('%PDF-1.4 receipt');
    assert.equal((await c.raw('PUT', `/api/maintenance/records/${record.body.id}/receipt`, { headers: { 'content-type': 'application/pdf' }, body: receipt })).status, 200);
    assert.equal((await c.post('/api/maintenance/schedules', { vehicleId: vehicle.id, type: 'oil_change', intervalMiles: 5000, intervalMonths: 6 })).status, 201);
    const upcomingPath = `/api/maintenance/upcoming?vehicleId=${vehicle.id}&asOf=2026-06-01`;
    const nativeUpcoming = await c.get(upcomingPath);
    // Due 2026-07-15 (Jan 15 + 6 months) → 44 days after Jun 1; due at 25,000 miles → 5,000 to go: ok.
    assert.equal(nativeUpcoming.body.items[0].daysRemaining, 44);
    assert.equal(nativeUpcoming.body.items[0].status, 'ok');

    await flip('maintenance', 'express', c, '/api/maintenance/records');
    const expressUpcoming = await c.get(upcomingPath);
    assert.equal(expressUpcoming.headers['x-backend'], 'express');
    assert.deepEqual(expressUpcoming.body, nativeUpcoming.body);
    const got = await c.get(`/api/maintenance/records/${record.body.id}/receipt`);
    assert.deepEqual(got.bytes, receipt);
    const edited = await c.put(`/api/maintenance/records/${record.body.id}`, { cost: 49.99, shop: 'Quick Lube' });
    assert.equal(edited.body.hasReceipt, true);
    assert.equal(edited.body.cost, 49.99);
  });

  test('the global switch rolls every feature back at once, data intact', async () => {
    const user = await env.newUser();
    const c = user.client(gw);
    assert.equal((await admin.put('/admin/flags/all', { backend: 'fastify' })).status, 200);
    await eventually(async () => assert.equal((await c.get('/api/vehicles')).headers['x-backend'], 'fastify'));
    const v = (await c.post('/api/vehicles', { make: 'Kia', model: 'Rio', year: 2018 })).body;
    assert.equal((await admin.put('/admin/flags/all', { backend: 'express' })).status, 200);
    await eventually(async () => assert.equal((await c.get('/api/vehicles')).headers['x-backend'], 'express'));
    assert.deepEqual((await c.get('/api/vehicles')).body.items, [v]);
  });
});
