// Zero-loss flag flips: two real gateway processes and the legacy app on one database; a mixed
// read/write load runs through both gateways while the admin API flips features back and forth every
// ~300 ms (single features and `all`, through either gateway). No request may fail, every
// acknowledged write must be in the database afterwards with its acknowledged values, and reads see
// the caller's own acknowledged writes whichever backend answers.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { before, test } from 'node:test';
import { build, nativeFlags } from '../helper.ts';
import { call, describeRes, type TimedResponse } from './support/http.ts';
import type { AppProcess } from '../../stack/apps.ts';
import { FEATURE_NAMES } from '../../flags/registry.ts';

const DURATION_MS = Number(process.env.FLIP_TEST_MS ?? 8000);
const FLIP_EVERY_MS = 300;
const WORKERS = 6;

let gateways: AppProcess[];
let adminToken: string;

const stack = await build({ level: 'processes', label: 'faults_flip', env: { FLAG_SYNC_INTERVAL_MS: '200' } });
before(async () => {
  const legacy = await stack.spawnLegacy();
  const flags = await nativeFlags();
  gateways = await Promise.all([stack.spawnGateway(legacy.url, flags, 'gateway A'), stack.spawnGateway(legacy.url, flags, 'gateway B')]);
  adminToken = await stack.sign({ permissions: ['admin:flags'] });
});

interface Acked {
  vehicles: Map<string, { nickname: string | null; odometer: number }>;
  fuelLogs: Map<string, { vehicleId: string; odometer: number; notes: string }>;
  stations: Map<string, { placeId: string; nickname: string }>;
  records: Map<string, { vehicleId: string; description: string }>;
}

test(`flipping flags every ${FLIP_EVERY_MS} ms under a mixed read/write load loses nothing`, async (t) => {
  const failures: string[] = [];
  const backendsSeen = new Map<string, Set<string>>();
  const acked: Acked = { vehicles: new Map(), fuelLogs: new Map(), stations: new Map(), records: new Map() };
  const users = await Promise.all(Array.from({ length: WORKERS }, () => stack.newUser()));
  let stop = false;
  let requests = 0;
  const today = new Date().toISOString().slice(0, 10);

  const record = (what: string, res: TimedResponse, expected: number) => {
    requests++;
    const feature = /\/api\/([a-z-]+)/.exec(what)?.[1];
    if (feature && res.headers['x-backend']) {
      const seen = backendsSeen.get(feature) ?? new Set();
      seen.add(res.headers['x-backend']);
      backendsSeen.set(feature, seen);
    }
    if (res.status !== expected) failures.push(`${what}: expected ${expected}, got ${describeRes(res)}`);
    return res.status === expected;
  };

  async function worker(w: number) {
    const token = users[w].token;
    const mine: string[] = [];
    let n = 0;
    while (!stop) {
      const gw = gateways[n++ % 2].url;
      const o = { token, timeoutMs: 10_000 };
      const op = mine.length === 0 ? 0 : n % 7;
      if (op === 0) {
        const nickname = `w${w}-${n}`;
        const res = await call(gw, 'POST', '/api/vehicles', { ...o, body: { make: 'Flip', model: 'Load', year: 2020, nickname, odometer: 0 } });
        if (record('POST /api/vehicles', res, 201)) {
          acked.vehicles.set(res.body.id, { nickname, odometer: 0 });
          mine.push(res.body.id);
        }
      } else {
        const vehicleId = mine[n % mine.length];
        const expect = acked.vehicles.get(vehicleId);
        assert.ok(expect, `vehicle ${vehicleId} was acknowledged`);
        if (op === 1) {
          const nickname = `w${w}-upd-${n}`;
          const res = await call(gw, 'PUT', `/api/vehicles/${vehicleId}`, { ...o, body: { nickname } });
          if (record('PUT /api/vehicles/:id', res, 200)) expect.nickname = nickname;
        } else if (op === 2) {
          const res = await call(gw, 'GET', `/api/vehicles/${vehicleId}`, o);
          if (record('GET /api/vehicles/:id', res, 200) && (res.body.nickname !== expect.nickname || res.body.odometer !== expect.odometer)) {
            failures.push(`GET /api/vehicles/:id via ${res.headers['x-backend']}: read ${res.body.nickname}/${res.body.odometer}, acknowledged ${expect.nickname}/${expect.odometer}`);
          }
        } else if (op === 3) {
          const odometer = expect.odometer + 100;
          const notes = `w${w}-log-${n}`;
          const res = await call(gw, 'POST', '/api/fuel-logs', { ...o, body: { vehicleId, date: today, odometer, gallons: 5, pricePerGallon: 3.5, notes } });
          if (record('POST /api/fuel-logs', res, 201)) {
            acked.fuelLogs.set(res.body.id, { vehicleId, odometer, notes });
            expect.odometer = odometer; // a fuel log raises the vehicle's odometer
          }
        } else if (op === 4) {
          const res = await call(gw, 'GET', `/api/fuel-logs/stats?vehicleId=${vehicleId}`, o);
          if (record('GET /api/fuel-logs/stats', res, 200)) {
            const logs = [...acked.fuelLogs.values()].filter((l) => l.vehicleId === vehicleId).length;
            if (res.body.logCount !== logs) failures.push(`stats via ${res.headers['x-backend']}: logCount ${res.body.logCount}, acknowledged ${logs} (stale cache?)`);
          }
        } else if (op === 5) {
          const placeId = `place-${randomUUID()}`;
          const nickname = `w${w}-st-${n}`;
          const res = await call(gw, 'POST', '/api/stations/saved', { ...o, body: { placeId, name: 'Flip Fuel', lat: 45, lng: 9, nickname } });
          if (record('POST /api/stations/saved', res, 201)) acked.stations.set(res.body.id, { placeId, nickname });
          record('GET /api/stations/saved', await call(gw, 'GET', '/api/stations/saved', o), 200);
        } else {
          const description = `w${w}-rec-${n}`;
          const res = await call(gw, 'POST', '/api/maintenance/records', { ...o, body: { vehicleId, type: 'oil_change', date: today, description } });
          if (record('POST /api/maintenance/records', res, 201)) acked.records.set(res.body.id, { vehicleId, description });
          record('GET /api/maintenance/upcoming', await call(gw, 'GET', `/api/maintenance/upcoming?vehicleId=${vehicleId}`, o), 200);
        }
      }
    }
  }

  const flips: string[] = [];
  async function flipper() {
    const targets = [...FEATURE_NAMES, 'all'];
    let i = 0;
    while (!stop) {
      const feature = targets[i % targets.length];
      const backend = Math.floor(i / targets.length) % 2 === 0 ? 'express' : 'fastify';
      const gw = gateways[i % 2].url;
      const res = await call(gw, 'PUT', `/admin/flags/${feature}`, { token: adminToken, body: { backend }, timeoutMs: 5000 });
      if (res.status !== 200) failures.push(`flip ${feature}→${backend}: ${describeRes(res)}`);
      flips.push(`${feature}→${backend}`);
      i++;
      await new Promise((r) => setTimeout(r, FLIP_EVERY_MS));
    }
  }

  const running = [flipper(), ...users.map((_, w) => worker(w))];
  await new Promise((r) => setTimeout(r, DURATION_MS));
  stop = true;
  await Promise.all(running);

  t.diagnostic(`${requests} requests, ${flips.length} flips, acknowledged: ${acked.vehicles.size} vehicles, ${acked.fuelLogs.size} fuel logs, ${acked.stations.size} stations, ${acked.records.size} records`);
  assert.deepEqual(failures.slice(0, 30), [], `${failures.length} failed of ${requests} requests during ${flips.length} flips`);
  assert.ok(requests > 200, `only ${requests} requests ran`);
  assert.ok(flips.length >= DURATION_MS / FLIP_EVERY_MS / 2, `only ${flips.length} flips`);
  for (const f of FEATURE_NAMES) {
    assert.deepEqual([...(backendsSeen.get(f) ?? [])].sort(), ['express', 'fastify'], `${f} was not served by both backends during the run`);
  }

  // Every acknowledged write is in the database with its acknowledged values.
  const db = stack.db;
  const ids = (m: Map<string, unknown>) => [...m.keys()];
  const vehicles = new Map((await db.query('SELECT id, nickname, odometer, deleted_at FROM vehicles WHERE id = ANY($1)', [ids(acked.vehicles)])).rows.map((r) => [r.id, r]));
  for (const [id, v] of acked.vehicles) {
    const row = vehicles.get(id);
    assert.ok(row && !row.deleted_at, `acknowledged vehicle ${id} missing`);
    assert.equal(row.nickname, v.nickname, `vehicle ${id} nickname`);
    assert.equal(row.odometer, v.odometer, `vehicle ${id} odometer`);
  }
  const logs = new Map((await db.query('SELECT id, vehicle_id, odometer, notes FROM fuel_logs WHERE id = ANY($1)', [ids(acked.fuelLogs)])).rows.map((r) => [r.id, r]));
  for (const [id, l] of acked.fuelLogs) {
    const row = logs.get(id);
    assert.ok(row, `acknowledged fuel log ${id} missing`);
    assert.deepEqual([row.vehicle_id, row.odometer, row.notes], [l.vehicleId, l.odometer, l.notes], `fuel log ${id}`);
  }
  const stations = new Map((await db.query('SELECT id, place_id, nickname FROM saved_stations WHERE id = ANY($1)', [ids(acked.stations)])).rows.map((r) => [r.id, r]));
  for (const [id, s] of acked.stations) assert.deepEqual([stations.get(id)?.place_id, stations.get(id)?.nickname], [s.placeId, s.nickname], `station ${id}`);
  const records = new Map((await db.query('SELECT id, vehicle_id, description FROM maintenance_records WHERE id = ANY($1)', [ids(acked.records)])).rows.map((r) => [r.id, r]));
  for (const [id, r] of acked.records) assert.deepEqual([records.get(id)?.vehicle_id, records.get(id)?.description], [r.vehicleId, r.description], `record ${id}`);
  // And nothing unacknowledged slipped in.
  const subs = users.map((u) => u.sub);
  const { rows: [counts] } = await db.query(
    `SELECT (SELECT count(*) FROM vehicles WHERE user_id = ANY($1))::int AS v, (SELECT count(*) FROM fuel_logs WHERE user_id = ANY($1))::int AS f,
            (SELECT count(*) FROM saved_stations WHERE user_id = ANY($1))::int AS s, (SELECT count(*) FROM maintenance_records WHERE user_id = ANY($1))::int AS r`, [subs]);
  assert.deepEqual(counts, { v: acked.vehicles.size, f: acked.fuelLogs.size, s: acked.stations.size, r: acked.records.size });
  for (const g of gateways) assert.ok(g.alive, `${g.name} died`);
});
