// The inputs of "upcoming": the vehicle's odometer and each schedule with its last service record.
import type { Db } from '../../../src/db/pool.ts';
import type { ScheduleFacts } from '../domain/upcoming.ts';
import { liveVehicle } from './sql.ts';

/** The odometer of a live vehicle of the user, or null when there is no such vehicle. */
export async function vehicleOdometer(db: Db, userId: string, vehicleId: string): Promise<number | null> {
  const { rows } = await db.query<{ odometer: number }>({ // named: prepared once per connection
    name: 'maintenance-vehicle-odometer',
    text: `SELECT v.odometer FROM vehicles v WHERE v.id = $1 AND ${liveVehicle(2)}`,
    values: [vehicleId, userId],
  });
  return rows[0] ? rows[0].odometer : null;
}

// Last service = latest record of the type by date, then odometer (a reading beats none), then newest row.
export async function scheduleFacts(db: Db, userId: string, vehicleId: string): Promise<ScheduleFacts[]> {
  const { rows } = await db.query<{ id: string; type: string; interval_miles: number | null; interval_months: number | null; date: string | null; odometer: number | null }>({
    name: 'maintenance-schedule-facts',
    text: `SELECT s.id, s.type, s.interval_miles, s.interval_months, last.date, last.odometer
     FROM maintenance_schedules s
     LEFT JOIN LATERAL (
       SELECT r.date, r.odometer FROM maintenance_records r
       WHERE r.vehicle_id = s.vehicle_id AND r.user_id = s.user_id AND r.type = s.type
       ORDER BY r.date DESC, r.odometer DESC NULLS LAST, r.created_at DESC, r.id
       LIMIT 1
     ) last ON true
     WHERE s.vehicle_id = $1 AND s.user_id = $2`,
    values: [vehicleId, userId],
  });
  return rows.map((r) => ({
    scheduleId: r.id,
    type: r.type,
    intervalMiles: r.interval_miles,
    intervalMonths: r.interval_months,
    lastServiceDate: r.date,
    lastServiceOdometer: r.odometer,
  }));
}
