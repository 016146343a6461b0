// Fuel-logs request sequences for the parity runner: played against legacy, gateway→express and
// gateway→fastify with fresh users; the runner compares status, content type, Location and bodies.
import type { Scenario } from '../support/parity.ts';
import type { Client } from '../support/client.ts';

const NIL = '00000000-0000-4000-8000-000000000000';
const JSON_HEADERS = { 'content-type': 'application/json' };

/** Today + `days` in UTC (the date window of API.md). */
function utcDay(days: number): string {
  const now = new Date();
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + days)).toISOString().slice(0, 10);
}

async function vehicle(c: Client, odometer = 0): Promise<string> {
  return (await c.post('/api/vehicles', { make: 'Honda', model: 'Accord', year: 2003, odometer })).body.id;
}

const body = (vehicleId: string, over: Record<string, unknown> = {}) =>
  ({ vehicleId, date: '2026-01-10', odometer: 1000, gallons: 10.5, pricePerGallon: 3.499, ...over });

async function log(c: Client, vehicleId: string, over: Record<string, unknown> = {}): Promise<string> {
  return (await c.post('/api/fuel-logs', body(vehicleId, over))).body.id;
}

export const scenarios: Scenario[] = [
  {
    name: 'create with defaults, read it back, list it',
    async run({ as }) {
      const v = await vehicle(as);
      const { body: created } = await as.post('/api/fuel-logs', body(v));
      await as.get(`/api/fuel-logs/${created.id}`);
      await as.get('/api/fuel-logs');
      await as.get(`/api/fuel-logs?vehicleId=${v}`);
    },
  },
  {
    name: 'create with every field, and at every bound',
    async run({ as }) {
      const v = await vehicle(as);
      await as.post('/api/fuel-logs', body(v, { totalCost: 30, fullTank: false, stationPlaceId: 'ChIJ-station', notes: 'discount' }));
      await as.post('/api/fuel-logs', body(v, {
        date: utcDay(1), odometer: 2_000_000, gallons: 1000, pricePerGallon: 100, stationPlaceId: 's'.repeat(255), notes: 'n'.repeat(500),
      }));
      await as.post('/api/fuel-logs', body(v, {
        date: '1900-01-01', odometer: 0, gallons: 0.001, pricePerGallon: 0.001, totalCost: 0, stationPlaceId: null, notes: null,
      }));
      await as.post('/api/fuel-logs', body(v, { gallons: 1.005, pricePerGallon: 1 })); // half a cent rounds up
      await as.get(`/api/vehicles/${v}`); // odometer raised to 2,000,000
    },
  },
  {
    name: 'create: every field out of bounds or of the wrong type',
    async run({ as }) {
      const v = await vehicle(as);
      const bad: Record<string, unknown>[] = [
        { odometer: -1 }, { odometer: 2_000_001 }, { odometer: 1.5 }, { odometer: '5' }, { odometer: null },
        { gallons: 0 }, { gallons: -1 }, { gallons: 1000.001 }, { gallons: 1.2345 }, { gallons: '3' },
        { pricePerGallon: 0 }, { pricePerGallon: 100.001 }, { pricePerGallon: 3.4567 },
        { totalCost: -0.01 }, { totalCost: 1.234 }, { totalCost: null }, { totalCost: 1e10 },
        { fullTank: 'yes' }, { fullTank: null },
        { stationPlaceId: 's'.repeat(256) }, { stationPlaceId: 5 }, { notes: 'n'.repeat(501) }, { notes: ['a'] },
        { date: '2026-13-01' }, { date: '2025-02-29' }, { date: '10/01/2026' }, { date: utcDay(2) }, { date: '1899-12-31' },
        { date: '0000-01-01' }, { date: 20260110 },
        { vehicleId: 'abc' }, { vehicleId: `urn:uuid:${NIL}` }, { vehicleId: 7 },
        { color: 'red' }, { mpg: 30 }, { id: NIL },
      ];
      for (const over of bad) await as.post('/api/fuel-logs', body(v, over));
      for (const field of ['vehicleId', 'date', 'odometer', 'gallons', 'pricePerGallon']) {
        const b: Record<string, unknown> = body(v);
        delete b[field];
        await as.post('/api/fuel-logs', b);
      }
      await as.get('/api/fuel-logs'); // nothing was stored
    },
  },
  {
    name: 'create/update: numbers the columns cannot hold exactly → 400 on the field, never 500 or rounding',
    async run({ as }) {
      const v = await vehicle(as);
      const bad: Record<string, unknown>[] = [
        { gallons: 1e-10 }, { gallons: 1.0000000001 }, { gallons: 5e-324 }, { gallons: 999.9995 }, { gallons: 0.0004 },
        { pricePerGallon: 5e-324 }, { pricePerGallon: 1e-7 }, { pricePerGallon: 3.0000001 },
        { totalCost: 1e-300 }, { totalCost: 0.001 }, { totalCost: 12.0000000001 },
      ];
      for (const over of bad) await as.post('/api/fuel-logs', body(v, over));
      const id = await log(as, v);
      for (const over of bad) await as.put(`/api/fuel-logs/${id}`, over);
      await as.post('/api/fuel-logs', body(v, { odometer: 1001, gallons: 0.001, pricePerGallon: 0.001, totalCost: 0 }));
      await as.get(`/api/fuel-logs?vehicleId=${v}`);
      await as.post('/api/maintenance/records', { vehicleId: v, type: 'battery', date: '2025-01-01', cost: 1e-10 });
      await as.post('/api/maintenance/records', { vehicleId: v, type: 'battery', date: '2025-01-01', cost: 5e-324 });
    },
  },
  {
    name: 'create: bodies that are not a fuel log',
    async run({ as }) {
      await as.post('/api/fuel-logs', [1, 2]);
      await as.post('/api/fuel-logs', 'text');
      await as.post('/api/fuel-logs', null);
      await as.post('/api/fuel-logs', {});
      await as.post('/api/fuel-logs');
      await as.raw('POST', '/api/fuel-logs', { body: '{"vehicleId": ', headers: JSON_HEADERS });
      await as.raw('POST', '/api/fuel-logs', { body: '', headers: JSON_HEADERS });
      await as.raw('POST', '/api/fuel-logs', { body: 'gallons=3', headers: { 'content-type': 'text/plain' } });
      await as.raw('POST', '/api/fuel-logs', { body: 'gallons=3', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
      await as.raw('POST', '/api/fuel-logs', { body: '{}', headers: { 'content-type': 'application/vnd.api+json' } });
      await as.raw('POST', '/api/fuel-logs', { body: JSON.stringify({ notes: 'x'.repeat(1024 * 1024) }), headers: JSON_HEADERS });
    },
  },
  {
    name: 'create for a vehicle that is not a live vehicle of the user → 404',
    async run({ as, other }) {
      const theirs = await vehicle(other, 100);
      await as.post('/api/fuel-logs', body(theirs, { odometer: 900 }));
      await other.get(`/api/vehicles/${theirs}`); // odometer untouched
      await other.get('/api/fuel-logs');
      await as.post('/api/fuel-logs', body(NIL));
      const gone = await vehicle(as);
      await as.del(`/api/vehicles/${gone}`);
      await as.post('/api/fuel-logs', body(gone));
    },
  },
  {
    name: 'create raises the vehicle odometer, never lowers it',
    async run({ as }) {
      const v = await vehicle(as, 5000);
      await as.post('/api/fuel-logs', body(v, { odometer: 4000 }));
      await as.get(`/api/vehicles/${v}`);
      await as.post('/api/fuel-logs', body(v, { odometer: 6200 }));
      await as.get(`/api/vehicles/${v}`);
      const id = await log(as, v, { odometer: 6300 });
      await as.put(`/api/fuel-logs/${id}`, { odometer: 7000 });
      await as.get(`/api/vehicles/${v}`);
    },
  },
  {
    name: 'read: another user\'s log, unknown ids, non-UUID ids',
    async run({ as, other }) {
      const v = await vehicle(as);
      const id = await log(as, v);
      await other.get(`/api/fuel-logs/${id}`);
      await other.put(`/api/fuel-logs/${id}`, { notes: 'hijack' });
      await other.put(`/api/fuel-logs/${id}`, {});
      await other.del(`/api/fuel-logs/${id}`);
      await as.get(`/api/fuel-logs/${id}`); // unchanged
      await as.get(`/api/fuel-logs/${NIL}`);
      await as.get(`/api/fuel-logs/${id.toUpperCase()}`);
      for (const bad of ['123', 'not-a-uuid', `urn:uuid:${id}`, `${id}x`]) {
        await as.get(`/api/fuel-logs/${bad}`);
        await as.put(`/api/fuel-logs/${bad}`, { notes: 'x' });
        await as.del(`/api/fuel-logs/${bad}`);
      }
    },
  },
  {
    name: 'update: partial changes, totalCost recomputed, empty body, nulls',
    async run({ as }) {
      const v = await vehicle(as);
      const id = await log(as, v, { notes: 'first', stationPlaceId: 'p1' });
      const path = `/api/fuel-logs/${id}`;
      await as.put(path, { notes: 'second' });
      await as.put(path, { gallons: 12 });
      await as.put(path, { pricePerGallon: 4 });
      await as.put(path, { gallons: 10, totalCost: 35.5 });
      await as.put(path, { fullTank: false, stationPlaceId: null, notes: null, date: '2026-01-11' });
      await as.put(path, {});
      await as.get(path);
    },
  },
  {
    name: 'update: rejected input changes nothing',
    async run({ as }) {
      const v = await vehicle(as);
      const id = await log(as, v);
      const path = `/api/fuel-logs/${id}`;
      for (const b of [
        { vehicleId: v }, { color: 'red' }, { odometer: -1 }, { gallons: 0 }, { gallons: 1.0001 }, { pricePerGallon: 101 },
        { totalCost: -1 }, { totalCost: 0.001 }, { fullTank: 1 }, { notes: 'n'.repeat(501) }, { stationPlaceId: 's'.repeat(256) },
        { date: utcDay(2) }, { date: 'yesterday' }, { gallons: null }, [],
      ]) await as.put(path, b);
      await as.raw('PUT', path, { body: '{', headers: JSON_HEADERS });
      await as.raw('PUT', path, { body: 'x', headers: { 'content-type': 'text/plain' } });
      await as.raw('PUT', path, { body: '', headers: JSON_HEADERS });
      await as.put(path);
      await as.get(path);
    },
  },
  {
    name: 'delete: 204 then 404; bodies on DELETE',
    async run({ as }) {
      const v = await vehicle(as);
      const id = await log(as, v);
      const path = `/api/fuel-logs/${id}`;
      await as.raw('DELETE', path, { body: 'x', headers: { 'content-type': 'text/plain' } });
      await as.raw('DELETE', path, { body: '{', headers: JSON_HEADERS });
      await as.del(path);
      await as.del(path);
      await as.get(path);
      const second = await log(as, v);
      await as.raw('DELETE', `/api/fuel-logs/${second}`, { body: '{}', headers: JSON_HEADERS });
      await as.get('/api/fuel-logs');
    },
  },
  {
    name: 'list: newest first, pagination, vehicle filter, other users and deleted vehicles hidden',
    async run({ as, other }) {
      const car = await vehicle(as);
      const bike = await vehicle(as);
      const gone = await vehicle(as);
      const theirs = await vehicle(other);
      await log(as, car, { date: '2026-01-01', odometer: 1000 });
      await log(as, car, { date: '2026-01-05', odometer: 1300 });
      await log(as, bike, { date: '2026-01-05', odometer: 200 });
      await log(as, bike, { date: '2026-01-03', odometer: 150 });
      await log(as, gone, { date: '2026-01-09', odometer: 5 });
      await log(other, theirs, { date: '2026-01-09', odometer: 5 });
      await as.del(`/api/vehicles/${gone}`);
      await as.get('/api/fuel-logs');
      await as.get('/api/fuel-logs/');
      await as.get('/api/fuel-logs?limit=2&offset=1');
      await as.get('/api/fuel-logs?limit=1');
      await as.get('/api/fuel-logs?offset=10');
      await as.get('/api/fuel-logs?limit=200&offset=0');
      await as.get(`/api/fuel-logs?vehicleId=${bike}`);
      await as.get(`/api/fuel-logs?vehicleId=${bike.toUpperCase()}`);
      await as.get(`/api/fuel-logs?vehicleId=${theirs}`);
      await as.get(`/api/fuel-logs?vehicleId=${gone}`);
      await as.get(`/api/fuel-logs?vehicleId=${NIL}`);
      await as.get('/api/fuel-logs?_=123');
      await other.get('/api/fuel-logs');
    },
  },
  {
    name: 'list: bad query parameters',
    async run({ as }) {
      for (const q of [
        'limit=0', 'limit=201', 'limit=abc', 'limit=1.5', 'limit=', 'limit=1&limit=2', 'limit=%zz',
        'offset=-1', 'offset=x', 'offset=1.5', 'vehicleId=nope', 'vehicleId=', `vehicleId=urn:uuid:${NIL}`,
      ]) await as.get(`/api/fuel-logs?${q}`);
    },
  },
  {
    name: 'mpg: partial fills, previous full tank, edits that move the reference',
    async run({ as }) {
      const v = await vehicle(as);
      await log(as, v, { odometer: 900, gallons: 4, fullTank: false, date: '2026-01-01' });
      await log(as, v, { odometer: 1000, gallons: 12, date: '2026-01-02' });
      await log(as, v, { odometer: 1150, gallons: 4.5, fullTank: false, date: '2026-01-05' });
      const f2 = await log(as, v, { odometer: 1400, gallons: 8.25, date: '2026-01-09' });
      const f3 = await log(as, v, { odometer: 1700, gallons: 9, date: '2026-01-15' });
      await as.get(`/api/fuel-logs?vehicleId=${v}`);
      await as.get(`/api/fuel-logs?vehicleId=${v}&limit=1&offset=1`);
      await as.post('/api/fuel-logs', body(v, { odometer: 1550, gallons: 5, date: '2026-01-12' }));
      await as.get(`/api/fuel-logs/${f3}`);
      await as.put(`/api/fuel-logs/${f2}`, { fullTank: false });
      await as.get(`/api/fuel-logs?vehicleId=${v}`);
      await as.post('/api/fuel-logs', body(v, { odometer: 1700, gallons: 1, date: '2026-01-16' })); // same odometer as f3
      await as.get(`/api/fuel-logs?vehicleId=${v}`);
    },
  },
  {
    name: 'stats: empty, worked values, kept fresh across writes',
    async run({ as }) {
      const v = await vehicle(as);
      const path = `/api/fuel-logs/stats?vehicleId=${v}`;
      await as.get(path);
      await log(as, v, { date: '2026-01-01', odometer: 900, gallons: 3.333, totalCost: 10.01, fullTank: false });
      const first = await log(as, v, { date: '2026-01-03', odometer: 1000, gallons: 12, totalCost: 40 });
      await as.get(path);
      const last = await log(as, v, { date: '2026-01-10', odometer: 1400, gallons: 8.25, totalCost: 28.05 });
      await log(as, v, { date: '2026-01-20', odometer: 1150, gallons: 4.5, totalCost: 15.3, fullTank: false });
      await as.get(path);
      await as.get(path); // cached
      await as.get(`/api/fuel-logs/stats?vehicleId=${v.toUpperCase()}`);
      await as.put(`/api/fuel-logs/${last}`, { odometer: 1600 });
      await as.get(path);
      await as.del(`/api/fuel-logs/${first}`);
      await as.get(path);
      await as.get(`/api/fuel-logs/stats/?vehicleId=${v}`);
    },
  },
  {
    name: 'stats: errors',
    async run({ as, other }) {
      const theirs = await vehicle(other);
      await log(other, theirs);
      await other.get(`/api/fuel-logs/stats?vehicleId=${theirs}`); // cached for its owner
      await as.get(`/api/fuel-logs/stats?vehicleId=${theirs}`);
      await as.get(`/api/fuel-logs/stats?vehicleId=${NIL}`);
      await as.get('/api/fuel-logs/stats');
      await as.get('/api/fuel-logs/stats?vehicleId=');
      await as.get('/api/fuel-logs/stats?vehicleId=123');
      await as.get(`/api/fuel-logs/stats?vehicleId=${NIL}&vehicleId=${NIL}`);
      await as.get(`/api/fuel-logs/STATS?vehicleId=${NIL}`);
      await as.post('/api/fuel-logs/stats', {});
    },
  },
  {
    name: 'a soft-deleted vehicle takes its logs and stats with it',
    async run({ as }) {
      const v = await vehicle(as);
      const id = await log(as, v);
      await as.get(`/api/fuel-logs/stats?vehicleId=${v}`);
      await as.del(`/api/vehicles/${v}`);
      await as.get(`/api/fuel-logs/${id}`);
      await as.put(`/api/fuel-logs/${id}`, { notes: 'x' });
      await as.del(`/api/fuel-logs/${id}`);
      await as.get(`/api/fuel-logs/stats?vehicleId=${v}`);
      await as.get(`/api/fuel-logs?vehicleId=${v}`);
      await as.get('/api/fuel-logs');
    },
  },
  {
    name: 'no or bad token → 401 on every route',
    async run({ as, anon }) {
      const v = await vehicle(as);
      const id = await log(as, v);
      await anon.get('/api/fuel-logs');
      await anon.post('/api/fuel-logs', body(v));
      await anon.get(`/api/fuel-logs/${id}`);
      await anon.put(`/api/fuel-logs/${id}`, { notes: 'x' });
      await anon.del(`/api/fuel-logs/${id}`);
      await anon.get(`/api/fuel-logs/stats?vehicleId=${v}`);
      await anon.get('/api/fuel-logs/not-a-route/at-all');
      await anon.get('/api/fuel-logs', { headers: { authorization: 'Bearer not.a.jwt' } });
      await as.get(`/api/fuel-logs/${id}`); // untouched
    },
  },
  {
    name: 'routing: unknown sub-routes and methods',
    async run({ as }) {
      await as.get(`/api/fuel-logs/${NIL}/extra`);
      await as.request('PATCH', `/api/fuel-logs/${NIL}`, { notes: 'x' });
      await as.put('/api/fuel-logs', { notes: 'x' });
      await as.del('/api/fuel-logs');
      await as.get('/api/fuel-logsx');
    },
  },
  // HTTP-layer corners below are decided outside this feature (JSON parsing, URL decoding, OPTIONS);
  // they are here so that a drift between the two stacks shows up as a parity failure.
  {
    name: 'HTTP corners: JSON charsets and prototype keys',
    async run({ as }) {
      const v = await vehicle(as);
      // distinct odometers so that the final list has one possible order
      const b = (odometer: number) => JSON.stringify(body(v, { odometer }));
      await as.raw('POST', '/api/fuel-logs', { body: b(1), headers: { 'content-type': 'Application/JSON' } });
      await as.raw('POST', '/api/fuel-logs', { body: b(2), headers: { 'content-type': 'application/json; charset=utf-8' } });
      await as.raw('POST', '/api/fuel-logs', { body: b(3), headers: { 'content-type': 'application/json; charset=latin1' } });
      await as.raw('POST', '/api/fuel-logs', { body: '{"__proto__": {"x": 1}}', headers: JSON_HEADERS });
      await as.raw('POST', '/api/fuel-logs', { body: b(4).replace('{', '{"constructor": {"prototype": {"x": 1}},'), headers: JSON_HEADERS });
      await as.get(`/api/fuel-logs?vehicleId=${v}`);
    },
  },
  {
    name: 'HTTP corners: undecodable path, OPTIONS',
    async run({ as }) {
      await as.get('/api/fuel-logs/%zz');
      await as.request('OPTIONS', '/api/fuel-logs');
    },
  },
];
