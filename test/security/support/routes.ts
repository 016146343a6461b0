// Every route of API.md with a valid request for it, and a fixture builder that gives a user one of
// each resource (vehicle with photo, fuel log, saved station, maintenance record with receipt,
// schedule), so the security and fuzz suites can walk "every route × every backend".
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { FeatureName } from '../../../flags/registry.ts';
import type { Client, ApiResponse } from '../../support/client.ts';

export type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';

export interface Fixture {
  vehicleId: string;
  fuelLogId: string;
  stationId: string;
  recordId: string;
  scheduleId: string;
}

export type IdKind = keyof Fixture;

export interface RouteDef {
  feature: FeatureName;
  method: Method;
  /** Template: `:vehicleId`, `:fuelLogId`, `:stationId`, `:recordId`, `:scheduleId` are filled from a fixture. */
  path: string;
  /** Query string template (same placeholders), without '?'. */
  query?: string;
  body?: (f: Fixture) => unknown;
  /** Raw upload instead of JSON. */
  upload?: { contentType: string; bytes: Buffer };
  /** The id placeholder that names a user-owned resource (path or query or body). */
  owned?: IdKind;
  /** Changes data (for "nothing changed" checks). */
  writes: boolean;
}

export const PNG = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex');
export const PDF = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');
export const TEST_VIN = '1HGCM82633A004352';

const today = () => new Date().toISOString().slice(0, 10);

export const ROUTES: RouteDef[] = [
  // vehicles
  { feature: 'vehicles', method: 'GET', path: '/api/vehicles', writes: false },
  { feature: 'vehicles', method: 'POST', path: '/api/vehicles', body: () => ({ make: 'Honda', model: 'Civic', year: 2012 }), writes: true },
  { feature: 'vehicles', method: 'GET', path: `/api/vehicles/decode-vin/${TEST_VIN}`, writes: false },
  { feature: 'vehicles', method: 'GET', path: '/api/vehicles/:vehicleId', owned: 'vehicleId', writes: false },
  { feature: 'vehicles', method: 'PUT', path: '/api/vehicles/:vehicleId', body: () => ({ nickname: 'stolen' }), owned: 'vehicleId', writes: true },
  { feature: 'vehicles', method: 'PUT', path: '/api/vehicles/:vehicleId/photo', upload: { contentType: 'image/png', bytes: PNG }, owned: 'vehicleId', writes: true },
  { feature: 'vehicles', method: 'GET', path: '/api/vehicles/:vehicleId/photo', owned: 'vehicleId', writes: false },
  { feature: 'vehicles', method: 'DELETE', path: '/api/vehicles/:vehicleId/photo', owned: 'vehicleId', writes: true },
  // fuel logs
  { feature: 'fuel-logs', method: 'GET', path: '/api/fuel-logs', writes: false },
  { feature: 'fuel-logs', method: 'GET', path: '/api/fuel-logs', query: 'vehicleId=:vehicleId', owned: 'vehicleId', writes: false },
  { feature: 'fuel-logs', method: 'POST', path: '/api/fuel-logs', owned: 'vehicleId', writes: true,
    body: (f) => ({ vehicleId: f.vehicleId, date: today(), odometer: 1500, gallons: 10, pricePerGallon: 3.5 }) },
  { feature: 'fuel-logs', method: 'GET', path: '/api/fuel-logs/stats', query: 'vehicleId=:vehicleId', owned: 'vehicleId', writes: false },
  { feature: 'fuel-logs', method: 'GET', path: '/api/fuel-logs/:fuelLogId', owned: 'fuelLogId', writes: false },
  { feature: 'fuel-logs', method: 'PUT', path: '/api/fuel-logs/:fuelLogId', body: () => ({ notes: 'stolen' }), owned: 'fuelLogId', writes: true },
  // stations
  { feature: 'stations', method: 'GET', path: '/api/stations/search', query: 'lat=37.7749&lng=-122.4194&radius=5000', writes: false },
  { feature: 'stations', method: 'GET', path: '/api/stations/saved', writes: false },
  { feature: 'stations', method: 'POST', path: '/api/stations/saved', writes: true,
    body: () => ({ placeId: `place-${randomUUID()}`, name: 'Shell', lat: 37.77, lng: -122.41 }) },
  { feature: 'stations', method: 'GET', path: '/api/stations/saved/:stationId', owned: 'stationId', writes: false },
  { feature: 'stations', method: 'PUT', path: '/api/stations/saved/:stationId', body: () => ({ nickname: 'stolen' }), owned: 'stationId', writes: true },
  // maintenance
  { feature: 'maintenance', method: 'GET', path: '/api/maintenance/records', writes: false },
  { feature: 'maintenance', method: 'GET', path: '/api/maintenance/records', query: 'vehicleId=:vehicleId', owned: 'vehicleId', writes: false },
  { feature: 'maintenance', method: 'POST', path: '/api/maintenance/records', owned: 'vehicleId', writes: true,
    body: (f) => ({ vehicleId: f.vehicleId, type: 'oil_change', date: today(), odometer: 1000, cost: 49.99 }) },
  { feature: 'maintenance', method: 'GET', path: '/api/maintenance/records/:recordId', owned: 'recordId', writes: false },
  { feature: 'maintenance', method: 'PUT', path: '/api/maintenance/records/:recordId', body: () => ({ shop: 'stolen' }), owned: 'recordId', writes: true },
  { feature: 'maintenance', method: 'PUT', path: '/api/maintenance/records/:recordId/receipt', upload: { contentType: 'application/pdf', bytes: PDF }, owned: 'recordId', writes: true },
  { feature: 'maintenance', method: 'GET', path: '/api/maintenance/records/:recordId/receipt', owned: 'recordId', writes: false },
  { feature: 'maintenance', method: 'DELETE', path: '/api/maintenance/records/:recordId/receipt', owned: 'recordId', writes: true },
  { feature: 'maintenance', method: 'GET', path: '/api/maintenance/schedules', writes: false },
  { feature: 'maintenance', method: 'GET', path: '/api/maintenance/schedules', query: 'vehicleId=:vehicleId', owned: 'vehicleId', writes: false },
  { feature: 'maintenance', method: 'POST', path: '/api/maintenance/schedules', owned: 'vehicleId', writes: true,
    body: (f) => ({ vehicleId: f.vehicleId, type: 'battery', intervalMonths: 24 }) },
  { feature: 'maintenance', method: 'GET', path: '/api/maintenance/schedules/:scheduleId', owned: 'scheduleId', writes: false },
  { feature: 'maintenance', method: 'PUT', path: '/api/maintenance/schedules/:scheduleId', body: () => ({ notes: 'stolen' }), owned: 'scheduleId', writes: true },
  { feature: 'maintenance', method: 'GET', path: '/api/maintenance/upcoming', query: 'vehicleId=:vehicleId', owned: 'vehicleId', writes: false },
  // deletes last, so a walk in this order leaves the other routes their resources
  { feature: 'fuel-logs', method: 'DELETE', path: '/api/fuel-logs/:fuelLogId', owned: 'fuelLogId', writes: true },
  { feature: 'stations', method: 'DELETE', path: '/api/stations/saved/:stationId', owned: 'stationId', writes: true },
  { feature: 'maintenance', method: 'DELETE', path: '/api/maintenance/records/:recordId', owned: 'recordId', writes: true },
  { feature: 'maintenance', method: 'DELETE', path: '/api/maintenance/schedules/:scheduleId', owned: 'scheduleId', writes: true },
  { feature: 'vehicles', method: 'DELETE', path: '/api/vehicles/:vehicleId', owned: 'vehicleId', writes: true },
];

export function fill(template: string, f: Partial<Fixture>): string {
  return template.replace(/:(vehicleId|fuelLogId|stationId|recordId|scheduleId)\b/g, (_m, k: IdKind) => f[k] ?? randomUUID());
}

export function urlOf(route: RouteDef, f: Partial<Fixture>): string {
  return fill(route.path, f) + (route.query ? `?${fill(route.query, f)}` : '');
}

export function label(route: RouteDef): string {
  return `${route.method} ${route.path}${route.query ? `?${route.query}` : ''}`;
}

/** Sends the route's valid request (with `f`'s ids) as `client`. */
export function send(client: Client, route: RouteDef, f: Fixture, headers: Record<string, string> = {}): Promise<ApiResponse> {
  const url = urlOf(route, f);
  if (route.upload) return client.raw(route.method, url, { body: route.upload.bytes, headers: { 'content-type': route.upload.contentType, ...headers } });
  if (route.body) return client.request(route.method, url, route.body(f), { headers });
  return client.request(route.method, url, undefined, { headers });
}

/** Is the feature served (its list route answers 200 on this target)? */
export async function featureServed(client: Client, feature: FeatureName): Promise<boolean> {
  const probe: Record<FeatureName, string> = {
    vehicles: '/api/vehicles', 'fuel-logs': '/api/fuel-logs', stations: '/api/stations/saved', maintenance: '/api/maintenance/schedules',
  };
  const res = await client.get(probe[feature]);
  return res.status === 200;
}

async function created(res: ApiResponse, what: string): Promise<string> {
  assert.equal(res.status, 201, `create ${what}: ${res.status} ${res.text.slice(0, 300)}`);
  return (res.body as { id: string }).id;
}

/** One of each resource (every feature) for `client`'s user. */
export async function makeFixture(client: Client): Promise<Fixture> {
  const f: Fixture = { vehicleId: randomUUID(), fuelLogId: randomUUID(), stationId: randomUUID(), recordId: randomUUID(), scheduleId: randomUUID() };
  f.vehicleId = await created(await client.post('/api/vehicles', { make: 'Toyota', model: 'Corolla', year: 2015, nickname: 'mine', odometer: 1000 }), 'vehicle');
  const photo = await client.raw('PUT', `/api/vehicles/${f.vehicleId}/photo`, { body: PNG, headers: { 'content-type': 'image/png' } });
  assert.equal(photo.status, 200, `photo upload: ${photo.status} ${photo.text.slice(0, 200)}`);
  f.fuelLogId = await created(await client.post('/api/fuel-logs', { vehicleId: f.vehicleId, date: today(), odometer: 1200, gallons: 9.5, pricePerGallon: 3.299, notes: 'first' }), 'fuel log');
  f.stationId = await created(await client.post('/api/stations/saved', { placeId: `place-${randomUUID()}`, name: 'Chevron', lat: 37.7, lng: -122.4, nickname: 'home' }), 'saved station');
  f.recordId = await created(await client.post('/api/maintenance/records', { vehicleId: f.vehicleId, type: 'oil_change', date: today(), odometer: 1100, cost: 39.5, shop: 'Jiffy' }), 'record');
  const receipt = await client.raw('PUT', `/api/maintenance/records/${f.recordId}/receipt`, { body: PDF, headers: { 'content-type': 'application/pdf' } });
  assert.equal(receipt.status, 200, `receipt upload: ${receipt.status} ${receipt.text.slice(0, 200)}`);
  f.scheduleId = await created(await client.post('/api/maintenance/schedules', { vehicleId: f.vehicleId, type: 'oil_change', intervalMiles: 5000, intervalMonths: 6 }), 'schedule');
  return f;
}

/** Everything stored for a user, straight from PostgreSQL (for "nothing changed" checks). */
export async function snapshotUser(db: { query: (sql: string, params: unknown[]) => Promise<{ rows: unknown[] }> }, userId: string): Promise<string> {
  const tables = ['vehicles', 'fuel_logs', 'saved_stations', 'maintenance_records', 'maintenance_schedules'];
  const out: Record<string, unknown> = {};
  for (const t of tables) out[t] = (await db.query(`SELECT * FROM ${t} WHERE user_id = $1 ORDER BY id`, [userId])).rows;
  return JSON.stringify(out);
}

/** Row counts per table for a user (fuzz: a rejected request must not change them). */
export async function countUser(db: { query: (sql: string, params: unknown[]) => Promise<{ rows: unknown[] }> }, userId: string): Promise<Record<string, number>> {
  const { rows } = await db.query(
    `SELECT (SELECT count(*) FROM vehicles WHERE user_id = $1 AND deleted_at IS NULL)::int AS vehicles,
            (SELECT count(*) FROM fuel_logs WHERE user_id = $1)::int AS fuel_logs,
            (SELECT count(*) FROM saved_stations WHERE user_id = $1)::int AS saved_stations,
            (SELECT count(*) FROM maintenance_records WHERE user_id = $1)::int AS maintenance_records,
            (SELECT count(*) FROM maintenance_schedules WHERE user_id = $1)::int AS maintenance_schedules`, [userId]);
  return rows[0] as Record<string, number>;
}
