// maintenance_schedules, scoped like records: through the user's live vehicles.
import { randomUUID } from 'node:crypto';
import type { Db } from '../../../src/db/pool.ts';
import { NO_INTERVAL } from '../domain/rules.ts';
import type { MaintenanceSchedule, ScheduleCreateBody, ScheduleUpdateBody } from '../model.ts';
import { conflict, validationError } from '../../../src/policy/errors.ts';
import { liveVehicle, pgConstraint, setClauses } from './sql.ts';
import { named } from '../../../src/db/prepared.ts';

interface ScheduleRow {
  id: string;
  vehicle_id: string;
  type: MaintenanceSchedule['type'];
  interval_miles: number | null;
  interval_months: number | null;
  notes: string | null;
  created_at: string; // timestamps arrive as ISO 8601 UTC strings (src/db/pool.ts)
  updated_at: string;
}

const UPDATABLE = { intervalMiles: 'interval_miles', intervalMonths: 'interval_months', notes: 'notes' };

const COLUMNS = 's.id, s.vehicle_id, s.type, s.interval_miles, s.interval_months, s.notes, s.created_at, s.updated_at';

function toSchedule(row: ScheduleRow): MaintenanceSchedule {
  return {
    id: row.id,
    vehicleId: row.vehicle_id,
    type: row.type,
    intervalMiles: row.interval_miles,
    intervalMonths: row.interval_months,
    notes: row.notes,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

const one = (rows: ScheduleRow[]) => (rows[0] ? toSchedule(rows[0]) : null);

// The table's own constraints are the last word when two requests race past the service's checks.
function constraintError(err: unknown): unknown {
  const c = pgConstraint(err);
  if (c?.code === '23505' && c.constraint === 'maintenance_schedules_vehicle_type_uniq') {
    return conflict('A schedule for this vehicle and type already exists');
  }
  if (c?.code === '23514' && c.constraint === 'maintenance_schedules_interval_set') {
    return validationError(NO_INTERVAL.field, NO_INTERVAL.message);
  }
  return err;
}

/** Ordered by type name (alphabetical, COLLATE "C"), then oldest first across vehicles. */
export async function listSchedules(db: Db, userId: string, vehicleId: string | undefined): Promise<MaintenanceSchedule[]> {
  const { rows } = await db.query<ScheduleRow>(named({
    text: `SELECT ${COLUMNS} FROM maintenance_schedules s JOIN vehicles v ON v.id = s.vehicle_id
     WHERE s.user_id = $1 AND ${liveVehicle(1)} AND ($2::uuid IS NULL OR s.vehicle_id = $2::uuid)
     ORDER BY s.type::text COLLATE "C", s.created_at, s.id`,
    values: [userId, vehicleId ?? null],
  }));
  return rows.map(toSchedule);
}

export async function findSchedule(db: Db, userId: string, id: string): Promise<MaintenanceSchedule | null> {
  const { rows } = await db.query<ScheduleRow>(named({
    text: `SELECT ${COLUMNS} FROM maintenance_schedules s JOIN vehicles v ON v.id = s.vehicle_id
     WHERE s.id = $1 AND s.user_id = $2 AND ${liveVehicle(2)}`,
    values: [id, userId],
  }));
  return one(rows);
}

/** Inserts the schedule, or returns null when the vehicle is not a live vehicle of the user. */
export async function insertSchedule(db: Db, userId: string, input: ScheduleCreateBody): Promise<MaintenanceSchedule | null> {
  try {
    const { rows } = await db.query<ScheduleRow>(
      `INSERT INTO maintenance_schedules AS s (id, user_id, vehicle_id, type, interval_miles, interval_months, notes)
       SELECT $1::uuid, $2::text, v.id, $4::maintenance_type, $5::integer, $6::integer, $7::varchar
       FROM vehicles v WHERE v.id = $3::uuid AND ${liveVehicle(2)}
       RETURNING ${COLUMNS}`,
      [randomUUID(), userId, input.vehicleId, input.type, input.intervalMiles ?? null, input.intervalMonths ?? null, input.notes ?? null]);
    return one(rows);
  } catch (err) {
    throw constraintError(err);
  }
}

/** Partial update: absent keys keep their value, null clears (the CHECK constraint keeps one interval). */
export async function updateSchedule(db: Db, userId: string, id: string, patch: ScheduleUpdateBody): Promise<MaintenanceSchedule | null> {
  const params: unknown[] = [id, userId];
  const sets = [...setClauses(patch, UPDATABLE, params), 'updated_at = now()'];
  try {
    const { rows } = await db.query<ScheduleRow>(
      `UPDATE maintenance_schedules s SET ${sets.join(', ')}
       FROM vehicles v WHERE s.id = $1 AND s.user_id = $2 AND v.id = s.vehicle_id AND ${liveVehicle(2)}
       RETURNING ${COLUMNS}`, params);
    return one(rows);
  } catch (err) {
    throw constraintError(err);
  }
}

export async function deleteSchedule(db: Db, userId: string, id: string): Promise<boolean> {
  const { rowCount } = await db.query(
    `DELETE FROM maintenance_schedules s USING vehicles v
     WHERE s.id = $1 AND s.user_id = $2 AND v.id = s.vehicle_id AND ${liveVehicle(2)}`, [id, userId]);
  return (rowCount ?? 0) > 0;
}
