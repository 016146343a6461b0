// The fuel-logs feature's view of the vehicles table: ownership/liveness checks, the odometer raise and the
// fuel-logs version that keys the cached stats.
// (A capsule reads another feature's table through its own repository, as the legacy code did.)
import type pg from 'pg';
import { named } from '../../../src/db/prepared.ts';

type Queryable = pg.Pool | pg.PoolClient;

/**
 * The vehicle's fuel-logs version (bumped by every write to its logs) when it exists, belongs to the user
 * and is not soft-deleted; null otherwise. One query is both the ownership check and the cache version.
 */
export async function liveVehicleFuelLogsVersion(db: Queryable, userId: string, vehicleId: string): Promise<number | null> {
  const { rows } = await db.query<{ fuel_logs_version: number }>(named({ // named: prepared once per connection (on every fuel read)
    text: 'SELECT fuel_logs_version FROM vehicles WHERE id = $1 AND user_id = $2 AND deleted_at IS NULL',
    values: [vehicleId, userId],
  }));
  return rows[0]?.fuel_logs_version ?? null;
}

/** Same check, locking the vehicle row for the rest of the transaction (no concurrent delete). */
export async function lockLiveVehicleOfUser(client: pg.PoolClient, userId: string, vehicleId: string): Promise<boolean> {
  const { rowCount } = await client.query(named({
    text: 'SELECT 1 FROM vehicles WHERE id = $1 AND user_id = $2 AND deleted_at IS NULL FOR UPDATE',
    values: [vehicleId, userId],
  }));
  return rowCount === 1;
}

/**
 * After a log of the vehicle was written at `odometer`, in the same transaction: bumps the vehicle's
 * fuel-logs version (the stats cache key's) and raises its odometer when that is higher (never lowers it;
 * `updated_at` moves only with the odometer).
 */
export async function recordFuelLogWrite(client: pg.PoolClient, vehicleId: string, odometer: number): Promise<void> {
  await client.query(named({
    text: `UPDATE vehicles SET fuel_logs_version = fuel_logs_version + 1, odometer = GREATEST(odometer, $2),
             updated_at = CASE WHEN odometer < $2 THEN now() ELSE updated_at END
           WHERE id = $1`,
    values: [vehicleId, odometer],
  }));
}
