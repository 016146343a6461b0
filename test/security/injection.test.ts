// SQL metacharacters (and other hostile text) in every string field of every create/update body are
// stored and returned verbatim on every backend, and the same text in query strings and path params is
// refused cleanly (400/404, never 500). A NUL byte, which PostgreSQL text cannot hold, must be a 400.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { test } from 'node:test';
import { Client } from '../support/client.ts';
import { targetList } from '../helper.ts';
import { assertError } from './support/contract.ts';
import { startSecurityEnv } from './support/env.ts';

const PAYLOADS = [
  "'; DROP TABLE vehicles; --",
  "' OR '1'='1",
  '" OR ""="',
  "1; SELECT pg_sleep(5)--",
  "Robert'); DELETE FROM fuel_logs;--",
  '\\',
  "\\'; --",
  '%_%',
  '$1 $2 $$ $tag$',
  "E'\\x41'",
  '/* */ UNION SELECT NULL--',
  '<script>alert(1)</script>',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a literal `${7*7}` is the template-injection payload under test
  '{{7*7}} ${7*7}',
  '🚗💨 ñ ü 中文 עברית',
  'line\nbreak\ttab\r',
];

type Field = { name: string; max: number };
interface Resource {
  feature: string;
  create: (vehicleId: string) => { path: string; body: Record<string, unknown> };
  fields: Field[];
  /** Fields that may change in an update (PUT on the created resource's path). */
  updatable: Field[];
  pathOf: (id: string) => string;
}

const today = new Date().toISOString().slice(0, 10);
const RESOURCES: Resource[] = [
  {
    feature: 'vehicles',
    create: () => ({ path: '/api/vehicles', body: { make: 'M', model: 'M', year: 2015 } }),
    fields: [{ name: 'make', max: 50 }, { name: 'model', max: 50 }, { name: 'nickname', max: 100 }, { name: 'color', max: 30 }, { name: 'licensePlate', max: 15 }],
    updatable: [{ name: 'make', max: 50 }, { name: 'model', max: 50 }, { name: 'nickname', max: 100 }, { name: 'color', max: 30 }, { name: 'licensePlate', max: 15 }],
    pathOf: (id) => `/api/vehicles/${id}`,
  },
  {
    feature: 'fuel-logs',
    create: (vehicleId) => ({ path: '/api/fuel-logs', body: { vehicleId, date: today, odometer: 100, gallons: 5, pricePerGallon: 3 } }),
    fields: [{ name: 'stationPlaceId', max: 255 }, { name: 'notes', max: 500 }],
    updatable: [{ name: 'stationPlaceId', max: 255 }, { name: 'notes', max: 500 }],
    pathOf: (id) => `/api/fuel-logs/${id}`,
  },
  {
    feature: 'stations',
    create: () => ({ path: '/api/stations/saved', body: { placeId: `p-${randomUUID()}`, name: 'N', lat: 1, lng: 1 } }),
    fields: [{ name: 'placeId', max: 255 }, { name: 'name', max: 200 }, { name: 'address', max: 500 }, { name: 'nickname', max: 100 }],
    updatable: [{ name: 'nickname', max: 100 }],
    pathOf: (id) => `/api/stations/saved/${id}`,
  },
  {
    feature: 'maintenance',
    create: (vehicleId) => ({ path: '/api/maintenance/records', body: { vehicleId, type: 'other', date: today } }),
    fields: [{ name: 'description', max: 500 }, { name: 'shop', max: 100 }],
    updatable: [{ name: 'description', max: 500 }, { name: 'shop', max: 100 }],
    pathOf: (id) => `/api/maintenance/records/${id}`,
  },
  {
    feature: 'maintenance',
    create: (vehicleId) => ({ path: '/api/maintenance/schedules', body: { vehicleId, type: 'other', intervalMonths: 3 } }),
    fields: [{ name: 'notes', max: 500 }],
    updatable: [{ name: 'notes', max: 500 }],
    pathOf: (id) => `/api/maintenance/schedules/${id}`,
  },
];

/** The payload cut to the field's length in characters (code points), as the schema counts them. */
const fit = (p: string, max: number) => [...p].slice(0, max).join('');

const env = await startSecurityEnv('sec_injection');

test('hostile text in every string field is stored and returned verbatim (create, read, update, list)', async () => {
  for (const t of targetList(env)) {
    const user = await env.newUser();
    const c = new Client(t.url, user.token);
    for (const r of RESOURCES) {
      let i = 0;
      for (const payload of PAYLOADS) {
        const vehicle = await c.post('/api/vehicles', { make: 'Host', model: 'Car', year: 2010 });
        assert.equal(vehicle.status, 201, vehicle.text);
        const { path, body } = r.create(vehicle.body.id);
        for (const f of r.fields) body[f.name] = fit(payload, f.max);
        if ('placeId' in body) body.placeId = fit(`${payload}${i++}`, 255); // unique per user
        if (r.feature === 'maintenance' && path.endsWith('schedules')) body.type = ['oil_change', 'tire_rotation', 'brake_service', 'inspection', 'battery', 'air_filter', 'transmission_service', 'coolant_flush', 'other'][i++ % 9];
        const where = `${t.name} POST ${path} ${JSON.stringify(payload)}`;
        const created = await c.post(path, body);
        assert.equal(created.status, 201, `${where}: ${created.status} ${created.text.slice(0, 300)}`);
        for (const f of r.fields) assert.equal(created.body[f.name], body[f.name], `${where} ${f.name} (create)`);
        const read = await c.get(r.pathOf(created.body.id));
        if (read.status !== 404 || !path.includes('schedules')) { // schedules have no GET by id
          assert.equal(read.status, 200, `${where} read: ${read.text.slice(0, 200)}`);
          for (const f of r.fields) assert.equal(read.body[f.name], body[f.name], `${where} ${f.name} (read)`);
        }
        const update = Object.fromEntries(r.updatable.map((f) => [f.name, fit(`${payload}'`, f.max)]));
        const updated = await c.put(r.pathOf(created.body.id), update);
        assert.equal(updated.status, 200, `${where} update: ${updated.text.slice(0, 300)}`);
        for (const f of r.updatable) assert.equal(updated.body[f.name], update[f.name], `${where} ${f.name} (update)`);
      }
    }
    // The tables are all still there and hold this user's rows.
    const { rows } = await env.deps.db.query('SELECT count(*)::int AS n FROM vehicles WHERE user_id = $1', [user.sub]);
    assert.ok(rows[0].n >= PAYLOADS.length, `${t.name}: vehicles table lost rows`);
    const list = await c.get('/api/vehicles?limit=200');
    assert.equal(list.status, 200);
    const makes = new Set((list.body.items as Array<{ make: string }>).map((v) => v.make));
    for (const p of PAYLOADS) assert.ok(makes.has(fit(`${p}'`, 50)), `${t.name}: list lost make ${JSON.stringify(p)}`);
  }
});

test('a NUL byte (which PostgreSQL text cannot hold) is a 400, never a 500; a lone surrogate is refused or stored as U+FFFD', async () => {
  const failures: string[] = [];
  for (const t of targetList(env)) {
    const user = await env.newUser();
    const c = new Client(t.url, user.token);
    const vehicle = await c.post('/api/vehicles', { make: 'Host', model: 'Car', year: 2010 });
    for (const r of RESOURCES) {
      for (const bad of ['nul\u0000byte', '\ud800lone']) {
        const { path, body } = r.create(vehicle.body.id);
        body[r.fields[0].name] = bad;
        const where = `${t.name} POST ${path} ${r.fields[0].name}=${JSON.stringify(bad)}`;
        const res = await c.post(path, body);
        if (res.status === 201) {
          // Accepted: it must then come back as sent (a lone surrogate cannot be encoded in UTF-8; U+FFFD is its honest stand-in).
          if (res.body[r.fields[0].name] !== bad.replace(/[\ud800-\udfff]/g, '\ufffd')) failures.push(`${where}: stored as ${JSON.stringify(res.body[r.fields[0].name])}`);
        } else if (res.status !== 400) {
          failures.push(`${where}: ${res.status} ${res.text.slice(0, 120)}`);
        } else {
          assertError(res, 400, undefined, where);
        }
      }
    }
  }
  assert.deepEqual(failures, [], 'strings PostgreSQL cannot store were not refused cleanly');
});

test('hostile text in query strings and path params is refused cleanly', async () => {
  for (const t of targetList(env)) {
    const c = new Client(t.url, (await env.newUser()).token);
    for (const p of PAYLOADS.filter((x) => !/[\r\n]/.test(x))) {
      const e = encodeURIComponent(p);
      const paths = [
        `/api/vehicles/${e}`, `/api/vehicles?limit=${e}`, `/api/vehicles?offset=${e}`, `/api/vehicles/decode-vin/${e}`,
        `/api/fuel-logs?vehicleId=${e}`, `/api/fuel-logs/stats?vehicleId=${e}`, `/api/fuel-logs/${e}`,
        `/api/stations/search?lat=${e}&lng=1`, `/api/stations/saved/${e}`,
        `/api/maintenance/records?vehicleId=${e}`, `/api/maintenance/records/${e}`, `/api/maintenance/upcoming?vehicleId=${e}`,
        `/api/maintenance/upcoming?vehicleId=${randomUUID()}&asOf=${e}`,
      ];
      for (const path of paths) {
        const res = await c.get(path);
        const where = `${t.name} GET ${path}`;
        assert.ok([400, 404].includes(res.status), `${where} → ${res.status} ${res.text.slice(0, 200)}`);
        assertError(res, undefined, undefined, where, [p, e, path.split('?')[0]]);
      }
    }
  }
});
