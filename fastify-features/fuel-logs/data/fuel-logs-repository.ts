// SQL for fuel logs. Every read is scoped to the user and hides logs of soft-deleted vehicles.
import type pg from 'pg';
import type { MpgLog } from '../domain/mpg.ts';
import type { StatsLog } from '../domain/stats.ts';
import { named } from '../../../src/db/prepared.ts';

type Queryable = pg.Pool | pg.PoolClient;

/** A stored fuel log in API shape, without the computed mpg. */
export interface FuelLogRecord {
  id: string;
  vehicleId: string;
  date: string;
  odometer: number;
  gallons: number;
  pricePerGallon: number;
  totalCost: number;
  fullTank: boolean;
  stationPlaceId: string | null;
  notes: string | null;
  createdAt: string;
  updatedAt: string;
}

export type FuelLogWrite = Omit<FuelLogRecord, 'id' | 'vehicleId' | 'createdAt' | 'updatedAt'>;

const COLUMNS = `f.id, f.vehicle_id, f.date, f.odometer, f.gallons, f.price_per_gallon, f.total_cost, f.full_tank,
  f.station_place_id, f.notes, f.created_at, f.updated_at`;

// Logs of live vehicles. A log's user_id is always its vehicle's owner (set from the checked vehicle on insert).
const VISIBLE = `fuel_logs f JOIN vehicles v ON v.id = f.vehicle_id AND v.deleted_at IS NULL`;

interface FuelLogRow {
  id: string;
  vehicle_id: string;
  date: string;
  odometer: number;
  gallons: number;
  price_per_gallon: number;
  total_cost: number;
  full_tank: boolean;
  station_place_id: string | null;
  notes: string | null;
  created_at: string; // timestamps arrive as ISO 8601 UTC strings (src/db/pool.ts)
  updated_at: string;
}

function toRecord(r: Omit<FuelLogRow, 'id'>, id: string): FuelLogRecord {
  return {
    id,
    vehicleId: r.vehicle_id,
    date: r.date,
    odometer: r.odometer,
    gallons: r.gallons,
    pricePerGallon: r.price_per_gallon,
    totalCost: r.total_cost,
    fullTank: r.full_tank,
    stationPlaceId: r.station_place_id,
    notes: r.notes,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

export async function findLog(db: Queryable, userId: string, id: string, forUpdate = false): Promise<FuelLogRecord | null> {
  const { rows } = await db.query<FuelLogRow>(named({
    text: `SELECT ${COLUMNS} FROM ${VISIBLE} WHERE f.id = $1 AND f.user_id = $2${forUpdate ? ' FOR UPDATE OF f' : ''}`,
    values: [id, userId],
  }));
  return rows[0] ? toRecord(rows[0], rows[0].id) : null;
}

/** A page of logs, the user's total, and the history their mpg depends on (see mpgHistory), by vehicle. */
export interface LogPage {
  items: FuelLogRecord[];
  total: number;
  history: Map<string, MpgLog[]>;
}

// The slice of each vehicle's history that the mpg of the given logs depends on: from the last full tank
// below the lowest given odometer up to the highest given odometer (index fuel_logs_vehicle_odometer_idx).
// `logs` names a relation with vehicle_id and odometer columns.
const historyOf = (logs: string) => `
  span AS (
    SELECT vehicle_id, min(odometer) AS lo, max(odometer) AS hi FROM ${logs} GROUP BY vehicle_id
  ), bounds AS MATERIALIZED ( -- evaluated once per vehicle, then range scans of the index
    SELECT span.vehicle_id, span.hi,
           COALESCE((SELECT max(p.odometer) FROM fuel_logs p
                      WHERE p.vehicle_id = span.vehicle_id AND p.full_tank AND p.odometer < span.lo), span.lo) AS lo
      FROM span
  ), history AS (
    SELECT h.id, h.vehicle_id, h.odometer, h.gallons, h.full_tank
      FROM bounds b JOIN fuel_logs h ON h.vehicle_id = b.vehicle_id AND h.odometer BETWEEN b.lo AND b.hi
  )`;

interface PageRow extends Omit<FuelLogRow, 'id'> {
  /**
   * 0: the total (with the page's logs, if any); 1: a history log that is not on the page (only id, vehicle_id,
   * odometer, gallons, full_tank). The mpg history is both.
   */
  part: 0 | 1;
  total: number | null;
  vehicles: number | null;
  id: string | null;
}

/**
 * One page, newest first, the total and the page's mpg history — in one statement, so one round trip
 * and one snapshot. The total is computed once (per live vehicle of the user, from the (vehicle_id,
 * odometer) index) and the page is LEFT JOINed to it so that an offset past the end still reports the
 * total. The page walks fuel_logs_user_date_idx. With `vehicleId`, null when it is not a live vehicle of
 * the user (the caller's 404), counted in the same statement.
 */
export async function listLogs(db: Queryable, userId: string, vehicleId: string | undefined, limit: number, offset: number):
  Promise<LogPage | null> {
  const params: unknown[] = [userId, limit, offset];
  if (vehicleId) params.push(vehicleId);
  const { rows } = await db.query<PageRow>(named({
    // Named: PostgreSQL plans this statement once per connection; planning it on every call costs PostgreSQL
    // several times the execution (benchmarks/pg-cost.ts; docs/performance.md).
    text: `WITH t AS (
       SELECT coalesce(sum((SELECT count(*) FROM fuel_logs c WHERE c.vehicle_id = v.id)), 0)::int AS total,
              count(*)::int AS vehicles
         FROM vehicles v
        WHERE v.user_id = $1 AND v.deleted_at IS NULL${vehicleId ? ' AND v.id = $4' : ''}
     ), page AS (
       SELECT ${COLUMNS} FROM ${VISIBLE}
        WHERE f.user_id = $1${vehicleId ? ' AND f.vehicle_id = $4' : ''}
        ORDER BY f.date DESC, f.odometer DESC, f.id
        LIMIT $2 OFFSET $3
     ), ${historyOf('page')}
     SELECT 0 AS part, t.total, t.vehicles, p.* FROM t LEFT JOIN page p ON true
     UNION ALL
     SELECT 1, NULL, NULL, h.id, h.vehicle_id, NULL, h.odometer, h.gallons, NULL, NULL, h.full_tank, NULL, NULL, NULL, NULL
       FROM history h
      WHERE NOT EXISTS (SELECT 1 FROM page p WHERE p.id = h.id) -- the page's own logs are history too: sent once
     ORDER BY part, date DESC, odometer DESC, id`,
    values: params,
  }));
  const head = rows[0];
  if (vehicleId && !head?.vehicles) return null;
  const items: FuelLogRecord[] = [];
  const history = new Map<string, MpgLog[]>();
  for (const r of rows) {
    if (r.id === null) continue; // the total's row when the page is empty
    if (r.part === 0) items.push(toRecord(r, r.id));
    addHistory(history, r.vehicle_id, { id: r.id, odometer: r.odometer, gallons: r.gallons, fullTank: r.full_tank });
  }
  return { items, total: head?.total ?? 0, history };
}

function addHistory(byVehicle: Map<string, MpgLog[]>, vehicleId: string, log: MpgLog): void {
  const list = byVehicle.get(vehicleId);
  if (list) list.push(log);
  else byVehicle.set(vehicleId, [log]);
}

/** The history the mpg of the given logs depends on (historyOf), grouped by vehicle id. */
export async function mpgHistory(db: Queryable, logs: readonly { vehicleId: string; odometer: number }[]):
  Promise<Map<string, MpgLog[]>> {
  const byVehicle = new Map<string, MpgLog[]>();
  if (logs.length === 0) return byVehicle;
  const { rows } = await db.query<{ id: string; vehicle_id: string; odometer: number; gallons: number; full_tank: boolean }>(named({
    text: `WITH given AS (
       SELECT * FROM unnest($1::uuid[], $2::int[]) AS t(vehicle_id, odometer)
     ), ${historyOf('given')}
     SELECT * FROM history`,
    values: [logs.map((l) => l.vehicleId), logs.map((l) => l.odometer)],
  }));
  for (const r of rows) addHistory(byVehicle, r.vehicle_id, { id: r.id, odometer: r.odometer, gallons: r.gallons, fullTank: r.full_tank });
  return byVehicle;
}

export async function insertLog(client: Queryable, id: string, userId: string, vehicleId: string, w: FuelLogWrite): Promise<void> {
  await client.query(named({
    text: `INSERT INTO fuel_logs (id, user_id, vehicle_id, date, odometer, gallons, price_per_gallon, total_cost, full_tank,
       station_place_id, notes)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
    values: [id, userId, vehicleId, w.date, w.odometer, w.gallons, w.pricePerGallon, w.totalCost, w.fullTank, w.stationPlaceId, w.notes],
  }));
}

export async function updateLog(client: Queryable, id: string, w: FuelLogWrite): Promise<void> {
  await client.query(
    `UPDATE fuel_logs SET date = $2, odometer = $3, gallons = $4, price_per_gallon = $5, total_cost = $6, full_tank = $7,
       station_place_id = $8, notes = $9, updated_at = now()
     WHERE id = $1`,
    [id, w.date, w.odometer, w.gallons, w.pricePerGallon, w.totalCost, w.fullTank, w.stationPlaceId, w.notes],
  );
}

/** Deletes a visible log; returns its vehicle id, or null when there was none to delete. */
/** Deletes the log and bumps its vehicle's fuel-logs version in one statement; the vehicle id, or null. */
export async function deleteLog(db: Queryable, userId: string, id: string): Promise<string | null> {
  const { rows } = await db.query<{ vehicle_id: string }>(
    `WITH deleted AS (
       DELETE FROM fuel_logs f USING vehicles v
        WHERE f.id = $1 AND f.user_id = $2 AND v.id = f.vehicle_id AND v.deleted_at IS NULL
        RETURNING f.vehicle_id)
     UPDATE vehicles SET fuel_logs_version = fuel_logs_version + 1
       FROM deleted WHERE vehicles.id = deleted.vehicle_id
       RETURNING deleted.vehicle_id`,
    [id, userId],
  );
  return rows[0]?.vehicle_id ?? null;
}

/** Every log of one vehicle, in the shape the stats computation needs. */
export async function statsLogs(db: Queryable, vehicleId: string): Promise<StatsLog[]> {
  const { rows } = await db.query<{ date: string; odometer: number; gallons: number; total_cost: number; full_tank: boolean }>(named({
    text: 'SELECT date, odometer, gallons, total_cost, full_tank FROM fuel_logs WHERE vehicle_id = $1',
    values: [vehicleId],
  }));
  return rows.map((r) => ({ date: r.date, odometer: r.odometer, gallons: r.gallons, totalCost: r.total_cost, fullTank: r.full_tank }));
}
