// The hot reads are named statements: PostgreSQL parses and plans each once per connection, not on every
// call (what that buys: docs/performance.md). Checked on
// real PostgreSQL, past the fifth execution where its plan cache may switch to a generic plan, which must
// answer exactly as the first, custom-planned ones did.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { createPool, type Db } from '../../src/db/pool.ts';
import { statementName } from '../../src/db/prepared.ts';
import { requiredEnv } from '../support/env.ts';
import { findLog, listLogs, mpgHistory, statsLogs } from '../../fastify-features/fuel-logs/data/fuel-logs-repository.ts';
import { liveVehicleFuelLogsVersion } from '../../fastify-features/fuel-logs/data/vehicles.ts';
import { findVehicle, listVehicles } from '../../fastify-features/vehicles/data/vehicles-repository.ts';
import { findRecord, listRecords } from '../../fastify-features/maintenance/data/records-repository.ts';
import { findSchedule, listSchedules } from '../../fastify-features/maintenance/data/schedules-repository.ts';
import { findSaved, listSaved } from '../../fastify-features/stations/data/saved-stations-repository.ts';

let db: Db; // one connection, so pg_prepared_statements shows what the reads above prepared on it
const userId = `prepared-${randomUUID()}`;
const vehicleId = randomUUID();
const logIds: string[] = [];

before(async () => {
  db = createPool(requiredEnv('DATABASE_URL'), 1);
  await db.query(`INSERT INTO vehicles (id, user_id, make, model, year, odometer) VALUES ($1, $2, 'Honda', 'Accord', 2003, 0)`, [vehicleId, userId]);
  for (let i = 0; i < 6; i++) {
    const id = randomUUID();
    logIds.push(id);
    await db.query(
      `INSERT INTO fuel_logs (id, user_id, vehicle_id, date, odometer, gallons, price_per_gallon, total_cost, full_tank)
       VALUES ($1, $2, $3, $4, $5, $6, 3.5, 35, $7)`,
      [id, userId, vehicleId, `2026-01-${String(10 + i).padStart(2, '0')}`, 1000 + i * 300, 9 + i / 10, i !== 2],
    );
  }
});

after(async () => {
  await db.query('DELETE FROM fuel_logs WHERE user_id = $1', [userId]);
  await db.query('DELETE FROM vehicles WHERE user_id = $1', [userId]);
  await db.end();
});

/** Runs `read` eight times; every answer must equal the first. */
async function sameEveryTime(read: () => Promise<unknown>): Promise<unknown> {
  const first = await read();
  for (let i = 0; i < 7; i++) assert.deepEqual(await read(), first);
  return first;
}

test('the hot reads are prepared once per connection and answer the same on a generic plan', async () => {
  const page = await sameEveryTime(() => listLogs(db, userId, vehicleId, 50, 0));
  assert.equal((page as Awaited<ReturnType<typeof listLogs>>)?.items.length, 6);
  await sameEveryTime(() => listLogs(db, userId, undefined, 3, 1));
  const log = await sameEveryTime(() => findLog(db, userId, logIds[4]));
  assert.ok(log);
  await sameEveryTime(() => mpgHistory(db, [{ vehicleId, odometer: 2200 }]));
  assert.equal((await sameEveryTime(() => statsLogs(db, vehicleId)) as unknown[]).length, 6);
  assert.equal(await sameEveryTime(() => liveVehicleFuelLogsVersion(db, userId, vehicleId)), 0);
  await sameEveryTime(() => listVehicles(db, userId, 50, 0));
  await sameEveryTime(() => findVehicle(db, userId, vehicleId));
  await sameEveryTime(() => listRecords(db, userId, { vehicleId, limit: 50, offset: 0 }));
  await sameEveryTime(() => findRecord(db, userId, randomUUID()));
  await sameEveryTime(() => listSchedules(db, userId, vehicleId));
  await sameEveryTime(() => findSchedule(db, userId, randomUUID()));
  await sameEveryTime(() => listSaved(db, userId));
  await sameEveryTime(() => findSaved(db, userId, randomUUID()));

  // Each distinct text prepared once, under the name derived from it (the two fuel-logs page variants apart).
  const { rows } = await db.query<{ name: string; statement: string }>('SELECT name, statement FROM pg_prepared_statements');
  assert.equal(rows.length, 15, rows.map((r) => r.name).join(' '));
  for (const r of rows) assert.equal(r.name, statementName(r.statement), r.statement);
});
