// Helpers for the fuel-logs integration tests: vehicles made straight in the database (so these tests do
// not depend on the vehicles feature), dates relative to today in UTC, and a valid create body.
import { randomUUID } from 'node:crypto';
import assert from 'node:assert/strict';
import type { Deps } from '../../../src/infrastructure/deps.ts';
import type { ApiResponse } from '../../support/client.ts';

export async function insertVehicle(deps: Deps, userId: string, odometer = 0): Promise<string> {
  const id = randomUUID();
  await deps.db.query(
    `INSERT INTO vehicles (id, user_id, make, model, year, odometer, created_at, updated_at)
     VALUES ($1, $2, 'Honda', 'Accord', 2003, $3, now() - interval '1 day', now() - interval '1 day')`,
    [id, userId, odometer],
  );
  return id;
}

export async function softDeleteVehicle(deps: Deps, vehicleId: string): Promise<void> {
  await deps.db.query('UPDATE vehicles SET deleted_at = now() WHERE id = $1', [vehicleId]);
}

export async function vehicleRow(deps: Deps, vehicleId: string): Promise<{ odometer: number; updatedAt: string }> {
  const { rows } = await deps.db.query<{ odometer: number; updated_at: string }>('SELECT odometer, updated_at FROM vehicles WHERE id = $1', [vehicleId]);
  return { odometer: rows[0].odometer, updatedAt: rows[0].updated_at };
}

export async function countLogs(deps: Deps, vehicleId: string): Promise<number> {
  const { rows } = await deps.db.query<{ n: number }>('SELECT count(*)::int AS n FROM fuel_logs WHERE vehicle_id = $1', [vehicleId]);
  return rows[0].n;
}

/** Today + `days` in UTC as YYYY-MM-DD. */
export function utcDay(days = 0): string {
  const now = new Date();
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + days)).toISOString().slice(0, 10);
}

export function logBody(vehicleId: string, over: Record<string, unknown> = {}): Record<string, unknown> {
  return { vehicleId, date: '2026-01-10', odometer: 1000, gallons: 10.5, pricePerGallon: 3.499, ...over };
}

export const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
export const ISO_MS_RE = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

/** A 400 VALIDATION_ERROR whose first detail names `field`. */
export function assertValidation(res: Pick<ApiResponse, 'status' | 'body'>, field: string, context = ''): void {
  assert.equal(res.status, 400, `${context} status (${JSON.stringify(res.body)})`);
  assert.equal(res.body?.error?.code, 'VALIDATION_ERROR', context);
  assert.equal(res.body.error.details?.[0]?.field, field, `${context} field (${JSON.stringify(res.body)})`);
}

export const NOT_FOUND_BODY = { error: { code: 'NOT_FOUND', message: 'Resource not found' } };
