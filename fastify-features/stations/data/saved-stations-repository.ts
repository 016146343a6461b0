// saved_stations on PostgreSQL: every query is scoped to the owner; rows are hard-deleted.
import { randomUUID } from 'node:crypto';
import type { Db } from '../../../src/db/pool.ts';
import type { CreateSavedBody, SavedStation, UpdateSavedBody } from '../model.ts';
import { named } from '../../../src/db/prepared.ts';

interface SavedStationRow {
  id: string;
  place_id: string;
  name: string;
  address: string | null;
  lat: number;
  lng: number;
  nickname: string | null;
  is_favorite: boolean;
  created_at: string; // timestamps arrive as ISO 8601 UTC strings (src/db/pool.ts)
  updated_at: string;
}

const COLUMNS = 'id, place_id, name, address, lat, lng, nickname, is_favorite, created_at, updated_at';

function toSavedStation(r: SavedStationRow): SavedStation {
  return {
    id: r.id,
    placeId: r.place_id,
    name: r.name,
    address: r.address,
    lat: r.lat,
    lng: r.lng,
    nickname: r.nickname,
    isFavorite: r.is_favorite,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

export async function listSaved(db: Db, userId: string): Promise<SavedStation[]> {
  const { rows } = await db.query<SavedStationRow>(named({
    text: `SELECT ${COLUMNS} FROM saved_stations WHERE user_id = $1 ORDER BY created_at, id`,
    values: [userId],
  }));
  return rows.map(toSavedStation);
}

export async function findSaved(db: Db, userId: string, id: string): Promise<SavedStation | null> {
  const { rows } = await db.query<SavedStationRow>(named({
    text: `SELECT ${COLUMNS} FROM saved_stations WHERE id = $1 AND user_id = $2`,
    values: [id, userId],
  }));
  return rows[0] ? toSavedStation(rows[0]) : null;
}

/** The new row, or null when the user already saved this place (UNIQUE (user_id, place_id)). */
export async function insertSaved(db: Db, userId: string, input: CreateSavedBody): Promise<SavedStation | null> {
  const { rows } = await db.query<SavedStationRow>(
    `INSERT INTO saved_stations (id, user_id, place_id, name, address, lat, lng, nickname, is_favorite)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
     ON CONFLICT (user_id, place_id) DO NOTHING
     RETURNING ${COLUMNS}`,
    [randomUUID(), userId, input.placeId, input.name, input.address ?? null, input.lat, input.lng,
      input.nickname ?? null, input.isFavorite ?? false]);
  return rows[0] ? toSavedStation(rows[0]) : null;
}

/** Applies only the fields present in `patch`; null when the row is not the user's. */
export async function updateSaved(db: Db, userId: string, id: string, patch: UpdateSavedBody): Promise<SavedStation | null> {
  const { rows } = await db.query<SavedStationRow>(
    `UPDATE saved_stations SET
       nickname = CASE WHEN $3 THEN $4 ELSE nickname END,
       is_favorite = CASE WHEN $5 THEN $6 ELSE is_favorite END,
       updated_at = now()
     WHERE id = $1 AND user_id = $2
     RETURNING ${COLUMNS}`,
    [id, userId, patch.nickname !== undefined, patch.nickname ?? null, patch.isFavorite !== undefined, patch.isFavorite ?? false]);
  return rows[0] ? toSavedStation(rows[0]) : null;
}

/** True when a row of the user's was deleted. */
export async function deleteSaved(db: Db, userId: string, id: string): Promise<boolean> {
  const { rowCount } = await db.query('DELETE FROM saved_stations WHERE id = $1 AND user_id = $2', [id, userId]);
  return (rowCount ?? 0) > 0;
}
