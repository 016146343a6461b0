// The benchmark's data set, written straight into the shared schema with SQL: a few hundred users
// (`bench-user-N`), 2–4 vehicles each, ~20 fuel logs per vehicle, maintenance records and schedules,
// some saved stations. Previous bench rows are deleted first, so a rerun starts from the same shape.
import { randomUUID } from 'node:crypto';
import pg from 'pg';

export const USER_PREFIX = 'bench-user-';

export interface SeedOptions {
  users: number;
  /** Deterministic shape for a given seed (ids are fresh UUIDs every run). */
  seed?: number;
  /** Vehicles per user, inclusive range (default 2–4). */
  vehiclesPerUser?: readonly [number, number];
}

export interface SeededVehicle {
  id: string;
  odometer: number;
}

export interface SeededUser {
  sub: string;
  vehicles: SeededVehicle[];
}

export interface SeedResult {
  users: SeededUser[];
  counts: { users: number; vehicles: number; fuelLogs: number; maintenanceRecords: number; maintenanceSchedules: number; savedStations: number };
  ms: number;
}

const MAKES: Array<[string, string[]]> = [
  ['Honda', ['Civic', 'Accord', 'CR-V', 'Fit']],
  ['Toyota', ['Corolla', 'Camry', 'RAV4', 'Tacoma']],
  ['Ford', ['F-150', 'Focus', 'Escape', 'Mustang']],
  ['Subaru', ['Outback', 'Forester', 'Impreza']],
  ['Mazda', ['Mazda3', 'CX-5', 'MX-5']],
  ['Chevrolet', ['Silverado', 'Malibu', 'Equinox']],
];
const TYPES = ['oil_change', 'tire_rotation', 'brake_service', 'inspection', 'battery', 'air_filter', 'transmission_service', 'coolant_flush', 'other'];
const VIN_CHARS = 'ABCDEFGHJKLMNPRSTUVWXYZ0123456789';
const DAY = 86_400_000;

/** mulberry32: small, fast, deterministic. */
function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (min: number, max: number) => min + Math.floor(next() * (max - min + 1)),
    pick: <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)],
    round: (min: number, max: number, digits: number) => Number((min + next() * (max - min)).toFixed(digits)),
  };
}

const isoDate = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const isoTs = (ms: number) => new Date(ms).toISOString();

/** Column-wise rows, inserted with one `INSERT … SELECT * FROM unnest(…)` per batch. */
class Table {
  readonly name: string;
  readonly columns: Array<[string, string]>;
  readonly data: unknown[][];
  constructor(name: string, columns: Array<[string, string]>) {
    this.name = name;
    this.columns = columns;
    this.data = columns.map(() => []);
  }
  add(...values: unknown[]): void {
    values.forEach((v, i) => {
      this.data[i].push(v);
    });
  }
  get size(): number {
    return this.data[0].length;
  }
  async insert(client: pg.ClientBase, batch = 5000): Promise<void> {
    const cols = this.columns.map(([c]) => c).join(', ');
    const casts = this.columns.map(([, t], i) => `$${i + 1}::${t}[]`).join(', ');
    for (let start = 0; start < this.size; start += batch) {
      const params = this.data.map((col) => col.slice(start, start + batch));
      await client.query(`INSERT INTO ${this.name} (${cols}) SELECT * FROM unnest(${casts})`, params);
    }
  }
}

/** Deletes every row a previous bench run left (children first). */
export async function deleteBenchRows(client: pg.ClientBase): Promise<void> {
  for (const table of ['fuel_logs', 'maintenance_records', 'maintenance_schedules', 'saved_stations', 'vehicles']) {
    await client.query(`DELETE FROM ${table} WHERE user_id LIKE $1`, [`${USER_PREFIX}%`]);
  }
}

export async function seed(databaseUrl: string, opts: SeedOptions): Promise<SeedResult> {
  const t0 = Date.now();
  const rnd = prng(opts.seed ?? 42);
  const now = Date.now();

  const vehicles = new Table('vehicles', [
    ['id', 'uuid'], ['user_id', 'text'], ['vin', 'text'], ['make', 'text'], ['model', 'text'], ['year', 'int'],
    ['nickname', 'text'], ['color', 'text'], ['license_plate', 'text'], ['odometer', 'int'], ['created_at', 'timestamptz'], ['updated_at', 'timestamptz'],
  ]);
  const fuel = new Table('fuel_logs', [
    ['id', 'uuid'], ['user_id', 'text'], ['vehicle_id', 'uuid'], ['date', 'date'], ['odometer', 'int'], ['gallons', 'numeric'],
    ['price_per_gallon', 'numeric'], ['total_cost', 'numeric'], ['full_tank', 'bool'], ['station_place_id', 'text'], ['notes', 'text'],
    ['created_at', 'timestamptz'], ['updated_at', 'timestamptz'],
  ]);
  const records = new Table('maintenance_records', [
    ['id', 'uuid'], ['user_id', 'text'], ['vehicle_id', 'uuid'], ['type', 'maintenance_type'], ['description', 'text'], ['date', 'date'],
    ['odometer', 'int'], ['cost', 'numeric'], ['shop', 'text'], ['created_at', 'timestamptz'], ['updated_at', 'timestamptz'],
  ]);
  const schedules = new Table('maintenance_schedules', [
    ['id', 'uuid'], ['user_id', 'text'], ['vehicle_id', 'uuid'], ['type', 'maintenance_type'], ['interval_miles', 'int'],
    ['interval_months', 'int'], ['notes', 'text'], ['created_at', 'timestamptz'], ['updated_at', 'timestamptz'],
  ]);
  const saved = new Table('saved_stations', [
    ['id', 'uuid'], ['user_id', 'text'], ['place_id', 'text'], ['name', 'text'], ['address', 'text'], ['lat', 'float8'], ['lng', 'float8'],
    ['nickname', 'text'], ['is_favorite', 'bool'], ['created_at', 'timestamptz'], ['updated_at', 'timestamptz'],
  ]);

  const users: SeededUser[] = [];
  for (let u = 0; u < opts.users; u++) {
    const sub = `${USER_PREFIX}${u}`;
    const user: SeededUser = { sub, vehicles: [] };
    users.push(user);
    const nVehicles = rnd.int(...(opts.vehiclesPerUser ?? [2, 4]));
    for (let v = 0; v < nVehicles; v++) {
      const id = randomUUID();
      const [make, models] = rnd.pick(MAKES);
      const start = now - rnd.int(400, 900) * DAY;
      const nLogs = rnd.int(16, 24);
      let odo = rnd.int(1000, 60_000);
      let day = start;
      for (let l = 0; l < nLogs; l++) {
        odo += rnd.int(180, 420);
        day += rnd.int(10, 25) * DAY;
        const gallons = rnd.round(6, 16, 3);
        const price = rnd.round(2.8, 4.9, 3);
        const ts = isoTs(Math.min(day, now));
        fuel.add(randomUUID(), sub, id, isoDate(Math.min(day, now)), odo, gallons, price, Math.round(gallons * price * 100) / 100,
          rnd.next() < 0.85, rnd.next() < 0.5 ? `ChIJbench${rnd.int(1, 50)}` : null, rnd.next() < 0.2 ? 'road trip' : null, ts, ts);
      }
      const created = start - rnd.int(1, 30) * DAY;
      vehicles.add(id, sub, rnd.next() < 0.7 ? Array.from({ length: 17 }, () => rnd.pick([...VIN_CHARS])).join('') : null,
        make, rnd.pick(models), rnd.int(2005, 2025), rnd.next() < 0.5 ? `car ${v + 1}` : null, rnd.pick(['red', 'blue', 'grey', null]),
        rnd.next() < 0.6 ? `BNC${rnd.int(1000, 9999)}` : null, odo, isoTs(created), isoTs(created));
      user.vehicles.push({ id, odometer: odo });

      const types = [...TYPES].sort(() => rnd.next() - 0.5);
      const nSchedules = rnd.int(3, 5);
      for (let s = 0; s < nSchedules; s++) {
        const miles = rnd.next() < 0.8 ? rnd.pick([3000, 5000, 7500, 10000, 30000]) : null;
        const months = miles === null || rnd.next() < 0.6 ? rnd.pick([3, 6, 12, 24]) : null;
        schedules.add(randomUUID(), sub, id, types[s], miles, months, null, isoTs(created), isoTs(created));
      }
      const nRecords = rnd.int(4, 8);
      for (let r = 0; r < nRecords; r++) {
        const when = start + rnd.int(0, Math.max(1, Math.floor((now - start) / DAY))) * DAY;
        records.add(randomUUID(), sub, id, rnd.next() < 0.7 ? types[rnd.int(0, nSchedules - 1)] : rnd.pick(TYPES), rnd.next() < 0.5 ? 'routine service' : null,
          isoDate(when), rnd.next() < 0.9 ? rnd.int(1000, odo) : null, rnd.next() < 0.9 ? rnd.round(20, 900, 2) : null,
          rnd.next() < 0.5 ? 'Bench Garage' : null, isoTs(when), isoTs(when));
      }
    }
    const nSaved = rnd.int(0, 3);
    for (let s = 0; s < nSaved; s++) {
      saved.add(randomUUID(), sub, `ChIJbench${u}-${s}`, `Station ${s + 1}`, 'Calle Mayor 1', rnd.round(37.6, 37.8, 6), rnd.round(-5.2, -5.0, 6),
        null, rnd.next() < 0.3, isoTs(now - s * DAY), isoTs(now - s * DAY));
    }
  }

  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query('BEGIN');
    await deleteBenchRows(client);
    for (const t of [vehicles, fuel, records, schedules, saved]) await t.insert(client);
    await client.query('COMMIT');
    await client.query('ANALYZE vehicles, fuel_logs, maintenance_records, maintenance_schedules, saved_stations');
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    throw err;
  } finally {
    await client.end();
  }
  return {
    users,
    counts: { users: users.length, vehicles: vehicles.size, fuelLogs: fuel.size, maintenanceRecords: records.size, maintenanceSchedules: schedules.size, savedStations: saved.size },
    ms: Date.now() - t0,
  };
}

/** Removes the bench rows (used after a run when asked to clean up). */
export async function unseed(databaseUrl: string): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await deleteBenchRows(client);
  } finally {
    await client.end();
  }
}
