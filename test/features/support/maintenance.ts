// Helpers for the maintenance integration tests: vehicles made straight in the database (so these tests
// do not depend on the vehicles feature), UTC dates relative to today, assertions on contract errors,
// and an extra backend pair built with configuration overrides (e.g. no object storage).
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { Deps } from '../../../src/infrastructure/deps.ts';
import type { ApiResponse } from '../../support/client.ts';

export const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
export const ISO_MS_RE = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
export const NOT_FOUND_BODY = { error: { code: 'NOT_FOUND', message: 'Resource not found' } };
export const MIB = 1024 * 1024;

export async function insertVehicle(deps: Deps, userId: string, odometer = 0): Promise<string> {
  const id = randomUUID();
  await deps.db.query(
    `INSERT INTO vehicles (id, user_id, make, model, year, odometer) VALUES ($1, $2, 'Honda', 'Accord', 2003, $3)`,
    [id, userId, odometer]);
  return id;
}

export async function softDeleteVehicle(deps: Deps, vehicleId: string): Promise<void> {
  await deps.db.query('UPDATE vehicles SET deleted_at = now() WHERE id = $1', [vehicleId]);
}

export async function vehicleOdometer(deps: Deps, vehicleId: string): Promise<number> {
  const { rows } = await deps.db.query<{ odometer: number }>('SELECT odometer FROM vehicles WHERE id = $1', [vehicleId]);
  return rows[0].odometer;
}

export async function rowExists(deps: Deps, table: 'maintenance_records' | 'maintenance_schedules', id: string): Promise<boolean> {
  const { rowCount } = await deps.db.query(`SELECT 1 FROM ${table} WHERE id = $1`, [id]);
  return rowCount === 1;
}

/** Today + `days` in UTC as YYYY-MM-DD. */
export function utcDay(days = 0): string {
  const now = new Date();
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + days)).toISOString().slice(0, 10);
}

/** A 400 VALIDATION_ERROR whose details all name `field` (a nullable field's union yields several). */
export function assertValidation(res: Pick<ApiResponse, 'status' | 'body'>, field: string, context = ''): void {
  const where = `${context} ${JSON.stringify(res.body)}`;
  assert.equal(res.status, 400, where);
  assert.equal(res.body?.error?.code, 'VALIDATION_ERROR', where);
  assert.equal(res.body.error.message, 'Request validation failed', where);
  assert.ok(res.body.error.details.length >= 1, where);
  for (const d of res.body.error.details) {
    assert.equal(d.field, field, where);
    assert.equal(typeof d.message, 'string', where);
  }
}

export function assertError(res: Pick<ApiResponse, 'status' | 'body'>, status: number, code: string, context = ''): void {
  const where = `${context} ${JSON.stringify(res.body)}`;
  assert.equal(res.status, status, where);
  assert.equal(res.body?.error?.code, code, where);
  assert.equal(typeof res.body.error.message, 'string', where);
  assert.equal('details' in res.body.error, code === 'VALIDATION_ERROR', where);
}

export function assertNotFound(res: Pick<ApiResponse, 'status' | 'body'>, context = ''): void {
  assert.equal(res.status, 404, context);
  assert.deepEqual(res.body, NOT_FOUND_BODY, context);
}

export { startPair, type BackendPair } from '../../helper.ts';
