// The inputs of "upcoming": the vehicle's odometer and each schedule with its last service record, read in
// one statement (one round trip, one snapshot: the odometer and the schedules cannot come from two moments).
import type { Db } from '../../../src/db/pool.ts';
import type { ScheduleFacts } from '../domain/upcoming.ts';
import { liveVehicle } from './sql.ts';
import { named } from '../../../src/db/prepared.ts';

export interface UpcomingInputs {
  odometer: number;
  schedules: ScheduleFacts[];
}

type Row = { vehicle_odometer: number; id: string | null; type: string; interval_miles: number | null; interval_months: number | null; date: string | null; odometer: number | null };

/**
 * The odometer of a live vehicle of the user and its schedules, each with its last service record
 * (latest of the type by date, then odometer — a reading beats none — then newest row); null when the user
 * has no such vehicle. No row: no vehicle; one row with a null id: the vehicle, without schedules.
 */
export async function upcomingInputs(db: Db, userId: string, vehicleId: string): Promise<UpcomingInputs | null> {
  const { rows } = await db.query<Row>(named({ // named: prepared once per connection
    text: `SELECT v.odometer AS vehicle_odometer, f.*
     FROM vehicles v
     LEFT JOIN LATERAL (
       SELECT s.id, s.type, s.interval_miles, s.interval_months, last.date, last.odometer
       FROM maintenance_schedules s
       LEFT JOIN LATERAL (
         SELECT r.date, r.odometer FROM maintenance_records r
         WHERE r.vehicle_id = s.vehicle_id AND r.user_id = s.user_id AND r.type = s.type
         ORDER BY r.date DESC, r.odometer DESC NULLS LAST, r.created_at DESC, r.id
         LIMIT 1
       ) last ON true
       WHERE s.vehicle_id = v.id AND s.user_id = $2
     ) f ON true
     WHERE v.id = $1 AND ${liveVehicle(2)}`,
    values: [vehicleId, userId],
  }));
  if (rows.length === 0) return null;
  const schedules: ScheduleFacts[] = [];
  for (const r of rows) {
    if (r.id === null) continue;
    schedules.push({
      scheduleId: r.id,
      type: r.type,
      intervalMiles: r.interval_miles,
      intervalMonths: r.interval_months,
      lastServiceDate: r.date,
      lastServiceOdometer: r.odometer,
    });
  }
  return { odometer: rows[0].vehicle_odometer, schedules };
}
