// PostgreSQL's CPU per call of the fuel-logs service, for two or more builds alternating (one connection each):
// what a change to the SQL (or to how it is sent) costs the database, which "requests per server CPU-second"
// does not show. The backend's CPU is read from /proc, so PostgreSQL must run on this machine.
//
//   npm run build && DATABASE_URL=postgres://…/test_bench node benchmarks/pg-cost.ts before=/tmp/before/dist after=dist
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { migrateUp } from '../src/db/migrate.ts';
import { loadConfig } from '../src/config/config.ts';
import { closeDeps, createDeps, type Deps } from '../src/infrastructure/deps.ts';
import type * as FuelLogs from '../fastify-features/fuel-logs/service.ts';
import { cpuSeconds } from './processes.ts';
import { seed } from './seed.ts';

const { values: opts, positionals } = parseArgs({
  options: { rounds: { type: 'string', default: '3' }, calls: { type: 'string', default: '1000' } },
  allowPositionals: true,
});
const databaseUrl = process.env.DATABASE_URL;
if (!databaseUrl || positionals.length < 2) {
  console.error('usage: DATABASE_URL=… node benchmarks/pg-cost.ts [--rounds 3] [--calls 1000] NAME=DIST NAME=DIST…');
  process.exit(2);
}
const builds = positionals.map((p) => {
  const [name, dist] = p.split('=');
  return { name, dist: resolve(dist) };
});

await migrateUp(databaseUrl);
await seed(databaseUrl, { users: 60 });
// Each build on its own single connection (their named statements may share a name with a different text),
// no Redis (so no cache): every call reaches PostgreSQL, on the backend measured.
const config = loadConfig({
  DATABASE_URL: databaseUrl, DB_POOL_MAX: '1',
  AUTH_ISSUER: 'https://pg-cost.invalid/', AUTH_AUDIENCE: 'pg-cost', AUTH_JWKS_URL: 'https://pg-cost.invalid/jwks.json', // no token is verified
});
const services = await Promise.all(builds.map(async ({ name, dist }) => {
  const service: typeof FuelLogs = await import(`${dist}/fastify-features/fuel-logs/service.js`);
  const deps = createDeps(config, { warn: (obj, msg) => console.warn(msg, obj) });
  const { rows: [{ pid }] } = await deps.db.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
  return { name, service, deps, pid };
}));
const { db } = services[0].deps;
const { rows: vehicles } = await db.query<{ user_id: string; id: string }>(
  "SELECT user_id, id FROM vehicles WHERE user_id LIKE 'bench-user-%' AND deleted_at IS NULL ORDER BY id");
type Vehicle = { user_id: string; id: string };
const MARKER = 'pg-cost';
const operations = {
  'GET /api/fuel-logs?vehicleId=': (s: typeof FuelLogs, deps: Deps, v: Vehicle) =>
    s.listFuelLogs(deps, v.user_id, { vehicleId: v.id, limit: 50, offset: 0 }),
  'POST /api/fuel-logs': (s: typeof FuelLogs, deps: Deps, v: Vehicle) =>
    s.createFuelLog(deps, v.user_id, { vehicleId: v.id, date: '2026-01-01', odometer: 1, gallons: 10, pricePerGallon: 3, notes: MARKER }),
};

try {
  const calls = Number(opts.calls);
  for (let round = 1; round <= Number(opts.rounds); round++) {
    for (const [title, call] of Object.entries(operations)) {
      for (const { name, service, deps, pid } of services) {
        const cpu0 = cpuSeconds(pid);
        const t0 = process.hrtime.bigint();
        for (let i = 0; i < calls; i++) await call(service, deps, vehicles[i % vehicles.length]);
        const wallUs = Number(process.hrtime.bigint() - t0) / 1e3 / calls;
        const pgUs = ((cpuSeconds(pid) - cpu0) * 1e6) / calls;
        console.log(`[${round}] ${title.padEnd(30)} ${name.padEnd(10)} PostgreSQL ${pgUs.toFixed(0).padStart(5)} µs CPU per call, wall ${wallUs.toFixed(0).padStart(5)} µs`);
      }
    }
  }
} finally {
  await db.query('DELETE FROM fuel_logs WHERE notes = $1', [MARKER]);
  for (const { deps } of services) await closeDeps(deps);
}
