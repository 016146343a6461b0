// Maintenance request sequences for the parity runner: played against legacy, gateway→express and
// gateway→fastify with fresh users; the runner compares status, content type, Location and bodies.
import type { Scenario } from '../support/parity.ts';
import type { Client } from '../support/client.ts';

const R = '/api/maintenance/records';
const S = '/api/maintenance/schedules';
const U = '/api/maintenance/upcoming';
const NIL = '00000000-0000-4000-8000-000000000000';
const JSON_TYPE = { 'content-type': 'application/json' };
const PDF = Buffer.from('%PDF-1.4\n%%EOF\n');
const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');
const MIB = 1024 * 1024;

/** Today + `days` in UTC (the date window of a record). */
function utcDay(days: number): string {
  const now = new Date();
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + days)).toISOString().slice(0, 10);
}

async function vehicle(c: Client, odometer = 0): Promise<string> {
  return (await c.post('/api/vehicles', { make: 'Honda', model: 'Accord', year: 2003, odometer })).body.id;
}

const rec = (vehicleId: string, over: Record<string, unknown> = {}) => ({ vehicleId, type: 'oil_change', date: '2025-01-10', ...over });

async function record(c: Client, vehicleId: string, over: Record<string, unknown> = {}): Promise<string> {
  return (await c.post(R, rec(vehicleId, over))).body.id;
}

async function schedule(c: Client, vehicleId: string, over: Record<string, unknown> = {}): Promise<string> {
  return (await c.post(S, { vehicleId, type: 'oil_change', intervalMiles: 5000, ...over })).body.id;
}

const upload = (c: Client, id: string, contentType: string | undefined, body: Buffer) =>
  c.raw('PUT', `${R}/${id}/receipt`, { headers: contentType ? { 'content-type': contentType } : {}, body });

export const scenarios: Scenario[] = [
  {
    name: 'records: create minimal and full, read back, list',
    async run({ as }) {
      const v = await vehicle(as);
      const { body: created } = await as.post(R, rec(v));
      await as.get(`${R}/${created.id}`);
      await as.post(R, rec(v, { type: 'brake_service', description: 'pads', date: '2025-02-01', odometer: 1200, cost: 320.5, shop: 'Dealer' }));
      await as.get(R);
      await as.get(`${R}?vehicleId=${v}`);
      await as.get(`${R}/`); // trailing slash
    },
  },
  {
    name: 'records: every bound, and the vehicle odometer raised by a higher reading',
    async run({ as }) {
      const v = await vehicle(as, 5000);
      await as.post(R, rec(v, { date: utcDay(1), odometer: 2_000_000, cost: 9_999_999_999.99, description: 'd'.repeat(500), shop: 's'.repeat(100) }));
      await as.post(R, rec(v, { date: '1900-01-01', odometer: 0, cost: 0, description: '', shop: null }));
      await as.post(R, rec(v, { description: null, odometer: null, cost: null, shop: null }));
      for (const type of ['oil_change', 'tire_rotation', 'brake_service', 'inspection', 'battery', 'air_filter', 'transmission_service', 'coolant_flush', 'other']) {
        await as.post(R, rec(v, { type, cost: 0.29 }));
      }
      await as.get(`/api/vehicles/${v}`);
    },
  },
  {
    name: 'records: every field out of bounds, of the wrong type, missing or unknown',
    async run({ as }) {
      const v = await vehicle(as);
      const bad: Record<string, unknown>[] = [
        { vehicleId: 'abc' }, { vehicleId: `urn:uuid:${NIL}` }, { vehicleId: 7 }, { vehicleId: null },
        { type: 'car_wash' }, { type: null }, { type: 1 },
        { date: '2025-02-29' }, { date: '2025-13-01' }, { date: '10/01/2025' }, { date: utcDay(2) }, { date: '1899-12-31' },
        { date: '0000-01-01' }, { date: 20250110 }, { date: null },
        { odometer: -1 }, { odometer: 2_000_001 }, { odometer: 1.5 }, { odometer: '100' },
        { cost: -0.01 }, { cost: 12.345 }, { cost: '12' }, { cost: 1e10 },
        { description: 'x'.repeat(501) }, { description: 5 }, { shop: 's'.repeat(101) }, { shop: ['a'] },
        { hasReceipt: true }, { id: NIL }, { createdAt: '2025-01-01T00:00:00.000Z' }, { notes: 'x' },
      ];
      for (const over of bad) await as.post(R, rec(v, over));
      for (const field of ['vehicleId', 'type', 'date']) {
        const b: Record<string, unknown> = rec(v);
        delete b[field];
        await as.post(R, b);
      }
      await as.get(R); // nothing was stored
    },
  },
  {
    name: 'records: bodies that are not a record',
    async run({ as }) {
      const v = await vehicle(as);
      await as.post(R, [rec(v)]);
      await as.post(R, 'oil_change');
      await as.post(R, null);
      await as.post(R, 42);
      await as.request('POST', R); // no body at all
      await as.raw('POST', R, { headers: JSON_TYPE, body: '{"vehicleId":' });
      await as.raw('POST', R, { headers: JSON_TYPE, body: '' });
      await as.raw('POST', R, { headers: { 'content-type': 'text/plain' }, body: JSON.stringify(rec(v)) });
      await as.raw('POST', R, { headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'type=oil_change' });
      await as.raw('POST', R, { headers: { 'content-type': 'application/json; charset=utf-8' }, body: JSON.stringify(rec(v)) });
      await as.raw('POST', R, { headers: JSON_TYPE, body: JSON.stringify(rec(v, { description: 'x'.repeat(MIB) })) });
      await as.get(R);
    },
  },
  {
    name: 'records: list order, pagination and query validation',
    async run({ as }) {
      const v1 = await vehicle(as);
      const v2 = await vehicle(as);
      await record(as, v1, { date: '2025-01-10' });
      await record(as, v1, { date: '2025-03-01', type: 'battery' });
      await record(as, v2, { date: '2025-03-01', type: 'inspection' });
      await record(as, v1, { date: '2024-12-31', type: 'other' });
      await as.get(R);
      await as.get(`${R}?limit=2&offset=1`);
      await as.get(`${R}?limit=200&offset=10`);
      await as.get(`${R}?vehicleId=${v2}`);
      await as.get(`${R}?vehicleId=${NIL}`);
      await as.get(`${R}?limit=1&unknown=1`);
      for (const qs of ['limit=0', 'limit=201', 'limit=abc', 'limit=1.5', 'limit=1&limit=2', 'offset=-1', 'offset=x', 'vehicleId=abc', 'vehicleId=', `vehicleId=${v1}&vehicleId=${v2}`]) {
        await as.get(`${R}?${qs}`);
      }
    },
  },
  {
    name: 'records: partial update, clearing, and refused updates',
    async run({ as }) {
      const v = await vehicle(as, 1000);
      const id = await record(as, v, { description: 'synthetic', odometer: 1000, cost: 49.99, shop: 'Jiffy' });
      await as.put(`${R}/${id}`, { description: null, cost: 20.5, type: 'brake_service' });
      await as.put(`${R}/${id}`, {});
      await as.put(`${R}/${id}`, { odometer: 1500, date: utcDay(1) });
      await as.get(`/api/vehicles/${v}`);
      for (const b of [{ vehicleId: v }, { date: utcDay(2) }, { date: null }, { type: null }, { odometer: -5 }, { cost: 0.125 }, { shop: 'x'.repeat(101) }, { hasReceipt: true }]) {
        await as.put(`${R}/${id}`, b);
      }
      await as.request('PUT', `${R}/${id}`);
      await as.raw('PUT', `${R}/${id}`, { headers: JSON_TYPE, body: '{' });
      await as.raw('PUT', `${R}/${id}`, { headers: { 'content-type': 'text/plain' }, body: '{}' });
      await as.put(`${R}/${id}`, [1]);
      await as.get(`${R}/${id}`);
    },
  },
  {
    name: 'records: delete, then gone; bodies on DELETE',
    async run({ as }) {
      const v = await vehicle(as);
      const id = await record(as, v);
      await as.raw('DELETE', `${R}/${id}`, { headers: JSON_TYPE, body: '{' });
      await as.raw('DELETE', `${R}/${id}`, { headers: { 'content-type': 'text/plain' }, body: 'x' });
      await as.del(`${R}/${id}`);
      await as.get(`${R}/${id}`);
      await as.del(`${R}/${id}`);
      await as.put(`${R}/${id}`, { description: 'x' });
      await as.get(R);
    },
  },
  {
    name: 'records: another user\'s, unknown and non-UUID ids',
    async run({ as, other }) {
      const mine = await vehicle(as);
      const theirs = await vehicle(other);
      const id = await record(other, theirs, { description: 'secret' });
      await as.get(`${R}/${id}`);
      await as.put(`${R}/${id}`, { description: 'mine now' });
      await as.del(`${R}/${id}`);
      await as.post(R, rec(theirs));
      await as.get(`${R}?vehicleId=${theirs}`);
      await as.get(R);
      await other.get(`${R}/${id}`);
      for (const path of [`${R}/${NIL}`, `${R}/123`, `${R}/urn:uuid:${NIL}`, `${R}/${NIL.toUpperCase()}`]) {
        await as.get(path);
        await as.put(path, { description: 'x' });
        await as.del(path);
      }
      await as.post(R, rec(mine, { vehicleId: NIL }));
    },
  },
  {
    name: 'records and schedules of a soft-deleted vehicle disappear',
    async run({ as }) {
      const v = await vehicle(as);
      const keep = await vehicle(as);
      const id = await record(as, v);
      await record(as, keep, { type: 'battery' });
      const sid = await schedule(as, v);
      await as.del(`/api/vehicles/${v}`);
      await as.get(R);
      await as.get(`${R}?vehicleId=${v}`);
      await as.get(`${R}/${id}`);
      await as.put(`${R}/${id}`, { description: 'x' });
      await as.del(`${R}/${id}`);
      await as.get(`${R}/${id}/receipt`);
      await upload(as, id, 'application/pdf', PDF);
      await as.post(R, rec(v));
      await as.get(S);
      await as.put(`${S}/${sid}`, { notes: 'x' });
      await as.del(`${S}/${sid}`);
      await as.post(S, { vehicleId: v, type: 'battery', intervalMonths: 12 });
      await as.get(`${U}?vehicleId=${v}`);
    },
  },
  {
    name: 'receipt: upload, download, replace, delete',
    async run({ as }) {
      const v = await vehicle(as);
      const id = await record(as, v);
      await as.get(`${R}/${id}/receipt`);
      await as.del(`${R}/${id}/receipt`);
      await upload(as, id, 'application/pdf', PDF);
      await as.get(`${R}/${id}/receipt`);
      await as.request('HEAD', `${R}/${id}/receipt`);
      await as.get(`${R}/${id}`);
      await upload(as, id, 'Image/PNG; foo=bar', PNG);
      await as.get(`${R}/${id}/receipt`);
      await upload(as, id, 'image/jpeg', Buffer.from([0xff, 0xd8, 0xff, 0xd9]));
      await as.get(`${R}/${id}/receipt`);
      await as.del(`${R}/${id}/receipt`);
      await as.get(`${R}/${id}/receipt`);
      await as.del(`${R}/${id}/receipt`);
      await as.get(`${R}/${id}`);
      await upload(as, id, 'application/pdf', PDF);
      await as.del(`${R}/${id}`);
      await as.get(`${R}/${id}/receipt`);
    },
  },
  {
    name: 'receipt: wrong types and sizes store nothing',
    async run({ as }) {
      const v = await vehicle(as);
      const id = await record(as, v);
      for (const type of ['image/webp', 'text/plain', 'application/json', 'application/octet-stream', 'multipart/form-data; boundary=x', undefined]) {
        await upload(as, id, type, PDF);
      }
      await upload(as, id, 'application/pdf', Buffer.alloc(10 * MIB + 1));
      await as.get(`${R}/${id}`);
      await as.get(`${R}/${id}/receipt`);
      await upload(as, id, 'application/pdf', PDF);
      await upload(as, id, 'image/png', Buffer.alloc(10 * MIB + 1)); // a failed replacement keeps the old one
      await as.get(`${R}/${id}/receipt`);
    },
  },
  {
    name: 'receipt: another user\'s, unknown and non-UUID ids',
    async run({ as, other }) {
      const theirs = await vehicle(other);
      const id = await record(other, theirs);
      await upload(other, id, 'application/pdf', PDF);
      for (const rid of [id, NIL]) {
        await upload(as, rid, 'image/png', PNG);
        await as.get(`${R}/${rid}/receipt`);
        await as.del(`${R}/${rid}/receipt`);
      }
      await upload(as, 'abc', 'image/png', PNG);
      await as.get(`${R}/abc/receipt`);
      await as.del(`${R}/abc/receipt`);
      await other.get(`${R}/${id}/receipt`);
    },
  },
  {
    name: 'schedules: create, list order, 409, missing interval',
    async run({ as }) {
      const v1 = await vehicle(as);
      const v2 = await vehicle(as);
      await as.post(S, { vehicleId: v1, type: 'tire_rotation', intervalMiles: 6000, intervalMonths: 12, notes: 'rotate' });
      await as.post(S, { vehicleId: v1, type: 'oil_change', intervalMiles: 100 });
      await as.post(S, { vehicleId: v1, type: 'air_filter', intervalMiles: null, intervalMonths: 120 });
      await as.post(S, { vehicleId: v2, type: 'oil_change', intervalMiles: 100_000, intervalMonths: 1, notes: 'n'.repeat(500) });
      await as.post(S, { vehicleId: v1, type: 'oil_change', intervalMonths: 6 }); // 409
      await as.post(S, { vehicleId: v1, type: 'battery' });
      await as.post(S, { vehicleId: v1, type: 'battery', intervalMiles: null, intervalMonths: null, notes: 'x' });
      await as.get(S);
      await as.get(`${S}?vehicleId=${v1}`);
      await as.get(`${S}?vehicleId=${NIL}`);
      await as.get(`${S}?vehicleId=nope`);
      await as.get(`${S}/`);
    },
  },
  {
    name: 'schedules: every field out of bounds, wrong bodies',
    async run({ as }) {
      const v = await vehicle(as);
      const ok = { vehicleId: v, type: 'oil_change', intervalMiles: 5000 };
      const bad: Record<string, unknown>[] = [
        { vehicleId: 'x' }, { vehicleId: NIL }, { type: 'wash' }, { type: null },
        { intervalMiles: 99 }, { intervalMiles: 100_001 }, { intervalMiles: 150.5 }, { intervalMiles: '5000' },
        { intervalMonths: 0 }, { intervalMonths: 121 }, { intervalMonths: '6' }, { notes: 'n'.repeat(501) }, { notes: 1 },
        { interval: 5 }, { id: NIL },
      ];
      for (const over of bad) await as.post(S, { ...ok, ...over });
      await as.post(S, { type: 'oil_change', intervalMiles: 5000 });
      await as.post(S, { vehicleId: v, intervalMiles: 5000 });
      await as.post(S, [ok]);
      await as.request('POST', S);
      await as.raw('POST', S, { headers: JSON_TYPE, body: '{"a":}' });
      await as.raw('POST', S, { headers: { 'content-type': 'text/csv' }, body: 'a,b' });
      await as.get(S);
    },
  },
  {
    name: 'schedules: partial update, keeping an interval, delete',
    async run({ as }) {
      const v = await vehicle(as);
      const id = await schedule(as, v, { intervalMonths: 6, notes: 'a' });
      await as.put(`${S}/${id}`, { intervalMonths: 12 });
      await as.put(`${S}/${id}`, { intervalMiles: null, notes: null });
      await as.put(`${S}/${id}`, { intervalMonths: null });
      await as.put(`${S}/${id}`, { intervalMiles: null, intervalMonths: null });
      await as.put(`${S}/${id}`, { intervalMiles: 3000, intervalMonths: null });
      for (const b of [{ type: 'battery' }, { vehicleId: v }, { intervalMiles: 50 }, { intervalMonths: 200 }, { notes: 'n'.repeat(501) }]) {
        await as.put(`${S}/${id}`, b);
      }
      await as.put(`${S}/xyz`, { notes: 'x' });
      await as.raw('PUT', `${S}/${id}`, { headers: JSON_TYPE, body: 'nope' });
      await as.request('PUT', `${S}/${id}`);
      await as.get(S);
      await as.del(`${S}/${id}`);
      await as.del(`${S}/${id}`);
      await as.del(`${S}/1`);
      await as.post(S, { vehicleId: v, type: 'oil_change', intervalMonths: 6 });
    },
  },
  {
    name: 'schedules: the Location of a created schedule is followable (GET /schedules/:id)',
    async run({ as, other }) {
      const v = await vehicle(as);
      const created = await as.post(S, { vehicleId: v, type: 'battery', intervalMonths: 24 });
      await as.get(created.headers.location);
      await as.get(`${S}/${created.body.id.toUpperCase()}`);
      await other.get(created.headers.location);
      await as.get(`${S}/${NIL}`);
      await as.get(`${S}/not-a-uuid`);
      await as.del(`/api/vehicles/${v}`);
      await as.get(created.headers.location);
    },
  },
  {
    name: 'schedules: another user\'s',
    async run({ as, other }) {
      const theirs = await vehicle(other);
      const id = await schedule(other, theirs);
      await as.put(`${S}/${id}`, { notes: 'x' });
      await as.del(`${S}/${id}`);
      await as.post(S, { vehicleId: theirs, type: 'battery', intervalMonths: 12 });
      await as.get(`${S}?vehicleId=${theirs}`);
      await as.get(S);
      await other.get(S);
    },
  },
  {
    name: 'upcoming: worked example, default asOf, validation, 404s',
    async run({ as, other }) {
      const v = await vehicle(as, 46_700);
      await schedule(as, v, { type: 'oil_change', intervalMiles: 5000, intervalMonths: 6 });
      await schedule(as, v, { type: 'tire_rotation', intervalMiles: 6000, intervalMonths: 12 });
      await schedule(as, v, { type: 'inspection', intervalMiles: null, intervalMonths: 12 });
      await schedule(as, v, { type: 'battery', intervalMiles: 30_000 });
      await schedule(as, v, { type: 'air_filter', intervalMiles: null, intervalMonths: 1 });
      for (const r of [
        { type: 'oil_change', date: '2024-04-01', odometer: 37_000 },
        { type: 'oil_change', date: '2024-10-15', odometer: 42_000 },
        { type: 'tire_rotation', date: '2024-12-01', odometer: 40_000 },
        { type: 'tire_rotation', date: '2024-12-01' },
        { type: 'inspection', date: '2024-06-30' },
        { type: 'air_filter', date: '2025-01-31', odometer: 45_000 },
        { type: 'other', date: utcDay(-3), odometer: 46_000 },
      ]) await record(as, v, r);
      await as.get(`${U}?vehicleId=${v}&asOf=2025-03-20`);
      await as.get(`${U}?vehicleId=${v}&asOf=2024-01-01`);
      await as.get(`${U}?vehicleId=${v}`);
      await as.get(`${U}?vehicleId=${v}&asOf=${utcDay(0)}`);
      const empty = await vehicle(as);
      await as.get(`${U}?vehicleId=${empty}`);
      for (const qs of ['', 'vehicleId=1', `vehicleId=${v}&asOf=2025-13-01`, `vehicleId=${v}&asOf=today`, `vehicleId=${NIL}`]) {
        await as.get(`${U}?${qs}`);
      }
      await other.get(`${U}?vehicleId=${v}`);
    },
  },
  {
    name: 'auth, unknown routes and methods',
    async run({ as, anon }) {
      for (const [method, path] of [['GET', R], ['POST', R], ['GET', `${R}/${NIL}`], ['PUT', `${R}/${NIL}`], ['DELETE', `${R}/${NIL}`],
        ['PUT', `${R}/${NIL}/receipt`], ['GET', `${R}/${NIL}/receipt`], ['DELETE', `${R}/${NIL}/receipt`],
        ['GET', S], ['POST', S], ['PUT', `${S}/${NIL}`], ['DELETE', `${S}/${NIL}`], ['GET', `${U}?vehicleId=${NIL}`], ['GET', '/api/maintenance/nope']]) {
        await anon.request(method, path);
      }
      await anon.get(R, { headers: { authorization: 'Bearer a.b.c' } });
      await anon.get(R, { headers: { authorization: 'Basic dXNlcjpwYXNz' } });
      await as.get('/api/maintenance/nothing-here');
      await as.get('/api/maintenance');
      await as.get('/api/maintenance/RECORDS');
      await as.request('PATCH', `${R}/${NIL}`);
      await as.request('POST', `${R}/${NIL}`);
      await as.request('POST', U);
      await as.request('HEAD', R);
    },
  },
];
