// The `vehicles` table: parameterised SQL, scoped to the user and to live (not soft-deleted) rows.
import type { Db } from '../../../src/db/pool.ts';
import { conflict } from '../../../src/policy/errors.ts';
import type { Vehicle } from '../model.ts';
import { named } from '../../../src/db/prepared.ts';

interface VehicleRow {
  id: string;
  vin: string | null;
  make: string;
  model: string;
  year: number;
  nickname: string | null;
  color: string | null;
  license_plate: string | null;
  odometer: number;
  photo_content_type: string | null;
  photo_object_key: string | null;
  created_at: string; // timestamps arrive as ISO 8601 UTC strings (src/db/pool.ts)
  updated_at: string;
}

const COLUMNS = 'id, vin, make, model, year, nickname, color, license_plate, odometer, photo_content_type, photo_object_key, created_at, updated_at';

export function toVehicle(r: VehicleRow): Vehicle {
  return {
    id: r.id,
    vin: r.vin,
    make: r.make,
    model: r.model,
    year: r.year,
    nickname: r.nickname,
    color: r.color,
    licensePlate: r.license_plate,
    odometer: r.odometer,
    hasPhoto: r.photo_content_type !== null,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

export interface NewVehicle {
  id: string;
  vin: string | null;
  make: string;
  model: string;
  year: number;
  nickname: string | null;
  color: string | null;
  licensePlate: string | null;
  odometer: number;
}

export type VehiclePatch = Partial<Pick<NewVehicle, 'make' | 'model' | 'year' | 'nickname' | 'color' | 'licensePlate' | 'odometer'>>;

// API field → column, also the whitelist of what an update may touch.
const PATCH_COLUMNS: Record<keyof VehiclePatch, string> = {
  make: 'make', model: 'model', year: 'year', nickname: 'nickname', color: 'color',
  licensePlate: 'license_plate', odometer: 'odometer',
};

/**
 * One page and the total in one query (count(*) OVER () is computed before LIMIT). A page past the end
 * has no row to carry the total: then (rare) the count is asked for separately. A named (prepared)
 * statement: parsed and planned once per connection.
 */
export async function listVehicles(db: Db, userId: string, limit: number, offset: number): Promise<{ items: Vehicle[]; total: number }> {
  const { rows } = await db.query<VehicleRow & { total: number }>(named({
    text: `SELECT ${COLUMNS}, count(*) OVER ()::int AS total FROM vehicles WHERE user_id = $1 AND deleted_at IS NULL
           ORDER BY created_at, id LIMIT $2 OFFSET $3`,
    values: [userId, limit, offset],
  }));
  if (rows.length > 0) return { items: rows.map(toVehicle), total: rows[0].total };
  if (offset === 0) return { items: [], total: 0 };
  const count = await db.query<{ total: number }>(named({
    text: 'SELECT count(*)::int AS total FROM vehicles WHERE user_id = $1 AND deleted_at IS NULL',
    values: [userId],
  }));
  return { items: [], total: count.rows[0].total };
}

export type FoundVehicle = Vehicle & { photoContentType: string | null; photoObjectKey: string | null };

export async function findVehicle(db: Db, userId: string, id: string): Promise<FoundVehicle | null> {
  const { rows } = await db.query<VehicleRow>(named({
    text: `SELECT ${COLUMNS} FROM vehicles WHERE id = $1 AND user_id = $2 AND deleted_at IS NULL`,
    values: [id, userId],
  }));
  return rows[0] ? { ...toVehicle(rows[0]), photoContentType: rows[0].photo_content_type, photoObjectKey: rows[0].photo_object_key } : null;
}

/** Inserts the vehicle; a live vehicle of the same user with the same VIN → 409. */
export async function insertVehicle(db: Db, userId: string, v: NewVehicle): Promise<Vehicle> {
  try {
    const { rows } = await db.query<VehicleRow>(
      `INSERT INTO vehicles (id, user_id, vin, make, model, year, nickname, color, license_plate, odometer)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING ${COLUMNS}`,
      [v.id, userId, v.vin, v.make, v.model, v.year, v.nickname, v.color, v.licensePlate, v.odometer],
    );
    return toVehicle(rows[0]);
  } catch (err) {
    const e = err as { code?: string; constraint?: string };
    if (e.code === '23505' && e.constraint === 'vehicles_user_vin_live_uniq') throw conflict('A vehicle with this VIN already exists');
    throw err;
  }
}

/** Applies the given fields (absent ones unchanged); null when the vehicle is not the user's live one. */
export async function updateVehicle(db: Db, userId: string, id: string, patch: VehiclePatch): Promise<Vehicle | null> {
  const fields = (Object.keys(PATCH_COLUMNS) as Array<keyof VehiclePatch>).filter((k) => patch[k] !== undefined);
  const sets = fields.map((k, i) => `${PATCH_COLUMNS[k]} = $${i + 3}`);
  const { rows } = await db.query<VehicleRow>(
    `UPDATE vehicles SET ${[...sets, 'updated_at = now()'].join(', ')}
     WHERE id = $1 AND user_id = $2 AND deleted_at IS NULL RETURNING ${COLUMNS}`,
    [id, userId, ...fields.map((k) => patch[k])],
  );
  return rows[0] ? toVehicle(rows[0]) : null;
}

/** Soft delete; false when there was no live vehicle of the user to delete. */
export async function softDeleteVehicle(db: Db, userId: string, id: string): Promise<boolean> {
  const { rowCount } = await db.query(
    'UPDATE vehicles SET deleted_at = now() WHERE id = $1 AND user_id = $2 AND deleted_at IS NULL',
    [id, userId],
  );
  return rowCount === 1;
}

/**
 * Makes `key` the vehicle's photo (one statement, row locked): returns the vehicle and the key it
 * displaced (to delete), or null when the vehicle is gone.
 */
export async function switchPhoto(db: Db, userId: string, id: string, key: string, contentType: string): Promise<{ vehicle: Vehicle; previousKey: string | null } | null> {
  const { rows } = await db.query<VehicleRow & { previous_key: string | null }>(
    `WITH old AS (
       SELECT id, photo_object_key FROM vehicles WHERE id = $1 AND user_id = $2 AND deleted_at IS NULL FOR UPDATE
     )
     UPDATE vehicles v SET photo_object_key = $3, photo_content_type = $4, updated_at = now()
     FROM old WHERE v.id = old.id RETURNING ${prefixed('v')}, old.photo_object_key AS previous_key`,
    [id, userId, key, contentType],
  );
  return rows[0] ? { vehicle: toVehicle(rows[0]), previousKey: rows[0].previous_key } : null;
}

/** Sets the photo to `to` (null: none) if the row's current key is `from`; false when it is not. */
export async function setPhoto(db: Db, userId: string, id: string,
  { from, to }: { from: string | null; to: { key: string; contentType: string } | null }): Promise<boolean> {
  const { rowCount } = await db.query(
    `UPDATE vehicles SET photo_object_key = $4, photo_content_type = $5, updated_at = now()
     WHERE id = $1 AND user_id = $2 AND deleted_at IS NULL AND photo_object_key IS NOT DISTINCT FROM $3`,
    [id, userId, from, to?.key ?? null, to?.contentType ?? null],
  );
  return rowCount === 1;
}

const prefixed = (alias: string) => COLUMNS.split(', ').map((c) => `${alias}.${c}`).join(', ');
