// What is measured: GET /health, the main read of every feature and one write, each as a list of
// requests spread over every seeded user (their own token, their own vehicle ids).
import type { FeatureName } from '../flags/registry.ts';
import type { SeededUser } from './seed.ts';

export interface RequestSpec {
  method: 'GET' | 'POST';
  path: string;
  headers: Record<string, string>;
  /** For writes: a fresh body per request (n = how many were built so far). */
  body?: (n: number) => string;
}

export interface BenchUser extends SeededUser {
  token: string;
}

export interface Scenario {
  name: string;
  title: string;
  /** null: gateway-only route, not a feature (not proxied, not part of the per-feature targets). */
  feature: FeatureName | null;
  kind: 'read' | 'write';
  requests(users: BenchUser[]): RequestSpec[];
}

/** Station searches rotate over these points (all answered by the fake Places' recorded search). */
export const STATION_POINTS: Array<{ lat: number; lng: number }> = Array.from({ length: 12 }, (_, i) => ({
  lat: Number((37.69 + 0.004 * i).toFixed(3)),
  lng: Number((-5.11 + 0.003 * i).toFixed(3)),
}));

/** Notes of the rows the write scenario creates, so they can be removed after each measurement. */
export const WRITE_MARKER = 'bench-write';

const auth = (u: BenchUser) => ({ authorization: `Bearer ${u.token}` });

/** Every vehicle but the last of each user is read; the last one receives the writes. */
export const readVehicles = (u: BenchUser) => u.vehicles.slice(0, -1);
export const writeVehicle = (u: BenchUser) => u.vehicles[u.vehicles.length - 1];

/** A fixed interleaving of users (round-robin over users, then their vehicles) so consecutive requests hit different users. */
function perVehicle(users: BenchUser[], path: (vehicleId: string) => string): RequestSpec[] {
  const out: RequestSpec[] = [];
  const max = Math.max(...users.map((u) => readVehicles(u).length));
  for (let v = 0; v < max; v++) {
    for (const u of users) {
      const vehicle = readVehicles(u)[v];
      if (vehicle) out.push({ method: 'GET', path: path(vehicle.id), headers: auth(u) });
    }
  }
  return out;
}

const today = () => new Date().toISOString().slice(0, 10);

export const SCENARIOS: Scenario[] = [
  {
    name: 'health',
    title: 'GET /health',
    feature: null,
    kind: 'read',
    requests: () => [{ method: 'GET', path: '/health', headers: {} }],
  },
  {
    name: 'vehicles-list',
    title: 'GET /api/vehicles',
    feature: 'vehicles',
    kind: 'read',
    requests: (users) => users.map((u) => ({ method: 'GET', path: '/api/vehicles', headers: auth(u) })),
  },
  {
    name: 'fuel-logs-list',
    title: 'GET /api/fuel-logs?vehicleId=',
    feature: 'fuel-logs',
    kind: 'read',
    requests: (users) => perVehicle(users, (id) => `/api/fuel-logs?vehicleId=${id}`),
  },
  {
    name: 'fuel-stats',
    title: 'GET /api/fuel-logs/stats?vehicleId= (cached)',
    feature: 'fuel-logs',
    kind: 'read',
    requests: (users) => perVehicle(users, (id) => `/api/fuel-logs/stats?vehicleId=${id}`),
  },
  {
    name: 'stations-search',
    title: 'GET /api/stations/search?lat=&lng= (cached)',
    feature: 'stations',
    kind: 'read',
    requests: (users) => users.map((u, i) => {
      const p = STATION_POINTS[i % STATION_POINTS.length];
      return { method: 'GET', path: `/api/stations/search?lat=${p.lat}&lng=${p.lng}`, headers: auth(u) };
    }),
  },
  {
    name: 'maintenance-upcoming',
    title: 'GET /api/maintenance/upcoming?vehicleId=',
    feature: 'maintenance',
    kind: 'read',
    requests: (users) => perVehicle(users, (id) => `/api/maintenance/upcoming?vehicleId=${id}`),
  },
  {
    name: 'fuel-logs-create',
    title: 'POST /api/fuel-logs',
    feature: 'fuel-logs',
    kind: 'write',
    requests: (users) => users.map((u) => {
      const vehicle = writeVehicle(u);
      return {
        method: 'POST',
        path: '/api/fuel-logs',
        headers: { ...auth(u), 'content-type': 'application/json' },
        body: (n: number) => JSON.stringify({
          vehicleId: vehicle.id,
          date: today(),
          odometer: vehicle.odometer + 1 + (n % 100_000),
          gallons: (800 + (n % 700)) / 100, // one division: a two-decimal value (8 + x / 100 can be 8.290000000000001)
          pricePerGallon: 3.459,
          fullTank: n % 5 !== 0,
          notes: WRITE_MARKER,
        }),
      };
    }),
  },
];

/** The x-backend header each path must answer with (null: not checked, e.g. /health). */
export type PathName = 'express-direct' | 'gateway-proxy' | 'gateway-native' | 'floor';
export const PATHS: PathName[] = ['express-direct', 'gateway-proxy', 'gateway-native', 'floor'];
export const PATH_TITLES: Record<PathName, string> = {
  'express-direct': 'Express direct',
  'gateway-proxy': 'gateway → proxy → Express',
  'gateway-native': 'gateway native',
  floor: 'floor (bare node:http)',
};

/** The floor (benchmarks/floor/server.ts) serves the feature read scenarios only. */
export function floorServes(scenario: Scenario): boolean {
  return scenario.feature !== null && scenario.kind === 'read';
}

export function expectedBackend(scenario: Scenario, path: PathName): string | null {
  if (!scenario.feature) return null;
  return path === 'gateway-native' ? 'fastify' : path === 'floor' ? 'floor' : 'express';
}
