// The fuel-logs feature's view of the vehicles table: ownership/liveness checks and the odometer raise.
// (A capsule reads another feature's table through its own repository, as the legacy code did.)
import type pg from 'pg';
import { named } from '../../../src/db/prepared.ts';

type Queryable = pg.Pool | pg.PoolClient;

/** true when the vehicle exists, belongs to the user and is not soft-deleted. */
export async function isLiveVehicleOfUser(db: Queryable, userId: string, vehicleId: string): Promise<boolean> {
  const { rowCount } = await db.query(named({ // named: prepared once per connection (on every fuel read)
    text: 'SELECT 1 FROM vehicles WHERE id = $1 AND user_id = $2 AND deleted_at IS NULL',
    values: [vehicleId, userId],
  }));
  return rowCount === 1;
}

/** Same check, locking the vehicle row for the rest of the transaction (no concurrent delete). */
export async function lockLiveVehicleOfUser(client: pg.PoolClient, userId: string, vehicleId: string): Promise<boolean> {
  const { rowCount } = await client.query(named({
    text: 'SELECT 1 FROM vehicles WHERE id = $1 AND user_id = $2 AND deleted_at IS NULL FOR UPDATE',
    values: [vehicleId, userId],
  }));
  return rowCount === 1;
}

/** Raises the vehicle's odometer to `odometer` when that is higher; never lowers it. */
export async function raiseVehicleOdometer(client: pg.PoolClient, vehicleId: string, odometer: number): Promise<void> {
  await client.query(named({
    text: 'UPDATE vehicles SET odometer = $2, updated_at = now() WHERE id = $1 AND odometer < $2',
    values: [vehicleId, odometer],
  }));
}
