// maintenance_records: every query is scoped to the user's live vehicles, so another user's record or a
// record of a soft-deleted vehicle is simply not found.
import { randomUUID } from 'node:crypto';
import type { Db } from '../../../src/db/pool.ts';
import type { MaintenanceRecord, RecordCreateBody, RecordUpdateBody } from '../model.ts';
import { liveVehicle, setClauses } from './sql.ts';
import { named } from '../../../src/db/prepared.ts';

interface RecordRow {
  id: string;
  vehicle_id: string;
  type: MaintenanceRecord['type'];
  description: string | null;
  date: string;
  odometer: number | null;
  cost: number | null;
  shop: string | null;
  receipt_content_type: string | null;
  receipt_object_key: string | null;
  created_at: string; // timestamps arrive as ISO 8601 UTC strings (src/db/pool.ts)
  updated_at: string;
}

const COLUMNS = 'r.id, r.vehicle_id, r.type, r.description, r.date, r.odometer, r.cost, r.shop, r.receipt_content_type, r.receipt_object_key, r.created_at, r.updated_at';

// Key order matches the response schema so both backends serialise the same bytes.
function toRecord(row: RecordRow): MaintenanceRecord {
  return {
    id: row.id,
    vehicleId: row.vehicle_id,
    type: row.type,
    description: row.description,
    date: row.date,
    odometer: row.odometer,
    cost: row.cost,
    shop: row.shop,
    hasReceipt: row.receipt_content_type !== null,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

const one = (rows: RecordRow[]) => (rows[0] ? toRecord(rows[0]) : null);

// Raising the vehicle's odometer to a newer reading, as fuel logs do (see the feature README).
const BUMP_ODOMETER = `bump AS (
  UPDATE vehicles v SET odometer = w.odometer, updated_at = now()
  FROM written w WHERE v.id = w.vehicle_id AND w.odometer > v.odometer
)`;

export async function listRecords(db: Db, userId: string, q: { vehicleId?: string; limit: number; offset: number }): Promise<{ items: MaintenanceRecord[]; total: number }> {
  const where = `FROM maintenance_records r JOIN vehicles v ON v.id = r.vehicle_id
    WHERE r.user_id = $1 AND ${liveVehicle(1)} AND ($2::uuid IS NULL OR r.vehicle_id = $2::uuid)`;
  const [page, count] = await Promise.all([
    db.query<RecordRow>(named({
      text: `SELECT ${COLUMNS} ${where} ORDER BY r.date DESC, r.created_at DESC, r.id LIMIT $3 OFFSET $4`,
      values: [userId, q.vehicleId ?? null, q.limit, q.offset],
    })),
    db.query<{ total: number }>(named({ text: `SELECT count(*)::int AS total ${where}`, values: [userId, q.vehicleId ?? null] })),
  ]);
  return { items: page.rows.map(toRecord), total: count.rows[0].total };
}

export async function findRecord(db: Db, userId: string, id: string): Promise<MaintenanceRecord | null> {
  return (await findRecordWithReceipt(db, userId, id))?.record ?? null;
}

export interface StoredReceipt { key: string; contentType: string }

/** The record and where its receipt is stored (null without one). */
export async function findRecordWithReceipt(db: Db, userId: string, id: string): Promise<{ record: MaintenanceRecord; receipt: StoredReceipt | null } | null> {
  const { rows } = await db.query<RecordRow>(named({
    text: `SELECT ${COLUMNS} FROM maintenance_records r JOIN vehicles v ON v.id = r.vehicle_id
     WHERE r.id = $1 AND r.user_id = $2 AND ${liveVehicle(2)}`,
    values: [id, userId],
  }));
  const r = rows[0];
  if (!r) return null;
  return { record: toRecord(r), receipt: r.receipt_object_key && r.receipt_content_type ? { key: r.receipt_object_key, contentType: r.receipt_content_type } : null };
}

/** Inserts the record, or returns null when the vehicle is not a live vehicle of the user. */
export async function insertRecord(db: Db, userId: string, input: RecordCreateBody): Promise<MaintenanceRecord | null> {
  const { rows } = await db.query<RecordRow>(
    `WITH written AS (
       INSERT INTO maintenance_records AS r (id, user_id, vehicle_id, type, description, date, odometer, cost, shop)
       SELECT $1::uuid, $2::text, v.id, $4::maintenance_type, $5::varchar, $6::date, $7::integer, $8::numeric, $9::varchar
       FROM vehicles v WHERE v.id = $3::uuid AND ${liveVehicle(2)}
       RETURNING r.*
     ), ${BUMP_ODOMETER}
     SELECT ${COLUMNS} FROM written r`,
    [randomUUID(), userId, input.vehicleId, input.type, input.description ?? null, input.date,
      input.odometer ?? null, input.cost ?? null, input.shop ?? null]);
  return one(rows);
}

const UPDATABLE = { type: 'type', description: 'description', date: 'date', odometer: 'odometer', cost: 'cost', shop: 'shop' };

export async function updateRecord(db: Db, userId: string, id: string, patch: RecordUpdateBody): Promise<MaintenanceRecord | null> {
  const params: unknown[] = [id, userId, patch.odometer !== undefined];
  const sets = [...setClauses(patch, UPDATABLE, params), 'updated_at = now()'];
  const { rows } = await db.query<RecordRow>(
    `WITH updated AS (
       UPDATE maintenance_records r SET ${sets.join(', ')}
       FROM vehicles v WHERE r.id = $1 AND r.user_id = $2 AND v.id = r.vehicle_id AND ${liveVehicle(2)}
       RETURNING r.*
     ), written AS (SELECT * FROM updated WHERE $3::boolean), ${BUMP_ODOMETER}
     SELECT ${COLUMNS} FROM updated r`, params);
  return one(rows);
}

/** Deletes the record; null when not found, else the object key of its receipt (null without one). */
export async function deleteRecord(db: Db, userId: string, id: string): Promise<{ receiptKey: string | null } | null> {
  const { rows } = await db.query<{ receipt_object_key: string | null }>(
    `DELETE FROM maintenance_records r USING vehicles v
     WHERE r.id = $1 AND r.user_id = $2 AND v.id = r.vehicle_id AND ${liveVehicle(2)}
     RETURNING r.receipt_object_key`, [id, userId]);
  return rows[0] ? { receiptKey: rows[0].receipt_object_key } : null;
}

/** Makes `key` the record's receipt (row locked); the record and the key it displaced, or null when gone. */
export async function switchReceipt(db: Db, userId: string, id: string, key: string, contentType: string): Promise<{ record: MaintenanceRecord; previousKey: string | null } | null> {
  const { rows } = await db.query<RecordRow & { previous_key: string | null }>(
    `WITH old AS (
       SELECT r.id, r.receipt_object_key FROM maintenance_records r JOIN vehicles v ON v.id = r.vehicle_id
       WHERE r.id = $1 AND r.user_id = $2 AND ${liveVehicle(2)} FOR UPDATE OF r
     )
     UPDATE maintenance_records r SET receipt_object_key = $3, receipt_content_type = $4, updated_at = now()
     FROM old WHERE r.id = old.id RETURNING ${COLUMNS}, old.receipt_object_key AS previous_key`, [id, userId, key, contentType]);
  return rows[0] ? { record: toRecord(rows[0]), previousKey: rows[0].previous_key } : null;
}

/** Sets the receipt to `to` (null: none) if the row's current key is `from`; false when it is not. */
export async function setReceiptKey(db: Db, userId: string, id: string, { from, to }: { from: string | null; to: StoredReceipt | null }): Promise<boolean> {
  const { rowCount } = await db.query(
    `UPDATE maintenance_records r SET receipt_object_key = $4, receipt_content_type = $5, updated_at = now()
     FROM vehicles v WHERE r.id = $1 AND r.user_id = $2 AND v.id = r.vehicle_id AND ${liveVehicle(2)}
       AND r.receipt_object_key IS NOT DISTINCT FROM $3`, [id, userId, from, to?.key ?? null, to?.contentType ?? null]);
  return rowCount === 1;
}
