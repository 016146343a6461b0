// SQL for fuel logs. Every read is scoped to the user and hides logs of soft-deleted vehicles.
import type pg from 'pg';
import type { MpgLog } from '../domain/mpg.ts';
import type { StatsLog } from '../domain/stats.ts';

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
  created_at: Date;
  updated_at: Date;
}

function toRecord(r: FuelLogRow): FuelLogRecord {
  return {
    id: r.id,
    vehicleId: r.vehicle_id,
    date: r.date,
    odometer: r.odometer,
    gallons: r.gallons,
    pricePerGallon: r.price_per_gallon,
    totalCost: r.total_cost,
    fullTank: r.full_tank,
    stationPlaceId: r.station_place_id,
    notes: r.notes,
    createdAt: r.created_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
  };
}

export async function findLog(db: Queryable, userId: string, id: string, forUpdate = false): Promise<FuelLogRecord | null> {
  const { rows } = await db.query<FuelLogRow>(
    `SELECT ${COLUMNS} FROM ${VISIBLE} WHERE f.id = $1 AND f.user_id = $2${forUpdate ? ' FOR UPDATE OF f' : ''}`,
    [id, userId],
  );
  return rows[0] ? toRecord(rows[0]) : null;
}

/**
 * One page, newest first, and the total — in one round trip: the total is computed once (per live
 * vehicle of the user, from the (vehicle_id, odometer) index) and the page is LEFT JOINed to it so that
 * an offset past the end still reports the total. The page walks fuel_logs_user_date_idx. With
 * `vehicleId`, null when it is not a live vehicle of the user (the caller's 404), counted in the same
 * statement, so the check and the page come from one snapshot.
 */
export async function listLogs(db: Queryable, userId: string, vehicleId: string | undefined, limit: number, offset: number):
  Promise<{ items: FuelLogRecord[]; total: number } | null> {
  const params: unknown[] = [userId, limit, offset];
  if (vehicleId) params.push(vehicleId);
  const { rows } = await db.query<FuelLogRow & { total: number; vehicles: number }>(
    `SELECT t.total, t.vehicles, p.*
       FROM (SELECT coalesce(sum((SELECT count(*) FROM fuel_logs c WHERE c.vehicle_id = v.id)), 0)::int AS total,
                    count(*)::int AS vehicles
               FROM vehicles v
              WHERE v.user_id = $1 AND v.deleted_at IS NULL${vehicleId ? ' AND v.id = $4' : ''}) t
       LEFT JOIN LATERAL (
         SELECT ${COLUMNS} FROM ${VISIBLE}
          WHERE f.user_id = $1${vehicleId ? ' AND f.vehicle_id = $4' : ''}
          ORDER BY f.date DESC, f.odometer DESC, f.id
          LIMIT $2 OFFSET $3
       ) p ON true`,
    params,
  );
  if (vehicleId && !rows[0]?.vehicles) return null;
  const total = rows[0]?.total ?? 0;
  return { total, items: rows.filter((r) => r.id !== null).map(toRecord) };
}

/**
 * The slice of each vehicle's history that the mpg of the given logs depends on: from the last full
 * tank below the lowest given odometer up to the highest given odometer (index fuel_logs_vehicle_odometer_idx).
 * Returns the logs grouped by vehicle id.
 */
export async function mpgHistory(db: Queryable, logs: readonly { vehicleId: string; odometer: number }[]):
  Promise<Map<string, MpgLog[]>> {
  const byVehicle = new Map<string, MpgLog[]>();
  if (logs.length === 0) return byVehicle;
  const { rows } = await db.query<{ id: string; vehicle_id: string; odometer: number; gallons: number; full_tank: boolean }>(
    `WITH page AS (
       SELECT vehicle_id, min(odometer) AS lo, max(odometer) AS hi
         FROM unnest($1::uuid[], $2::int[]) AS t(vehicle_id, odometer)
        GROUP BY vehicle_id
     ), bounds AS MATERIALIZED ( -- evaluated once per vehicle, then range scans of the index
       SELECT page.vehicle_id, page.hi,
              COALESCE((SELECT max(p.odometer) FROM fuel_logs p
                         WHERE p.vehicle_id = page.vehicle_id AND p.full_tank AND p.odometer < page.lo), page.lo) AS lo
         FROM page
     )
     SELECT f.id, f.vehicle_id, f.odometer, f.gallons, f.full_tank
       FROM bounds b JOIN fuel_logs f ON f.vehicle_id = b.vehicle_id AND f.odometer BETWEEN b.lo AND b.hi`,
    [logs.map((l) => l.vehicleId), logs.map((l) => l.odometer)],
  );
  for (const r of rows) {
    let list = byVehicle.get(r.vehicle_id);
    if (!list) {
      list = [];
      byVehicle.set(r.vehicle_id, list);
    }
    list.push({ id: r.id, odometer: r.odometer, gallons: r.gallons, fullTank: r.full_tank });
  }
  return byVehicle;
}

export async function insertLog(client: Queryable, id: string, userId: string, vehicleId: string, w: FuelLogWrite): Promise<void> {
  await client.query(
    `INSERT INTO fuel_logs (id, user_id, vehicle_id, date, odometer, gallons, price_per_gallon, total_cost, full_tank,
       station_place_id, notes)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
    [id, userId, vehicleId, w.date, w.odometer, w.gallons, w.pricePerGallon, w.totalCost, w.fullTank, w.stationPlaceId, w.notes],
  );
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
export async function deleteLog(db: Queryable, userId: string, id: string): Promise<string | null> {
  const { rows } = await db.query<{ vehicle_id: string }>(
    `DELETE FROM fuel_logs f USING vehicles v
      WHERE f.id = $1 AND f.user_id = $2 AND v.id = f.vehicle_id AND v.deleted_at IS NULL
      RETURNING f.vehicle_id`,
    [id, userId],
  );
  return rows[0]?.vehicle_id ?? null;
}

/** Every log of one vehicle, in the shape the stats computation needs. */
export async function statsLogs(db: Queryable, vehicleId: string): Promise<StatsLog[]> {
  const { rows } = await db.query<{ date: string; odometer: number; gallons: number; total_cost: number; full_tank: boolean }>(
    'SELECT date, odometer, gallons, total_cost, full_tank FROM fuel_logs WHERE vehicle_id = $1',
    [vehicleId],
  );
  return rows.map((r) => ({ date: r.date, odometer: r.odometer, gallons: r.gallons, totalCost: r.total_cost, fullTank: r.full_tank }));
}
