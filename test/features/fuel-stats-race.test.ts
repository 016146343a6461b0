// The cache-aside race, made deterministic: a stats reader computes from the rows it saw, then is held
// between computing and storing while a write to the same vehicle commits and is acknowledged; then the
// reader stores. A read that starts after the write must never get the reader's (older) value. With a
// plain per-vehicle key (compute, write deletes, stale store lands) this fails; the versioned key holds.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { loadConfig } from '../../src/config/config.ts';
import { closeDeps, createDeps, type Deps } from '../../src/infrastructure/deps.ts';
import { createFuelLog, getFuelStats } from '../../fastify-features/fuel-logs/service.ts';
import { requiredEnv } from '../support/env.ts';

const skip = !process.env.REDIS_URL && 'REDIS_URL not set';
let deps: Deps;
const userId = `race-${randomUUID()}`;

before(async () => {
  if (skip) return;
  deps = createDeps(loadConfig({
    DATABASE_URL: requiredEnv('DATABASE_URL'), REDIS_URL: requiredEnv('REDIS_URL'), LOG_LEVEL: 'silent',
    AUTH_ISSUER: 'https://issuer.test/', AUTH_AUDIENCE: 'motovaultpro', AUTH_JWKS_URL: 'http://127.0.0.1:9/jwks.json',
  }), { warn: () => {} });
});

after(async () => {
  if (skip) return;
  await deps.db.query('DELETE FROM fuel_logs WHERE user_id = $1', [userId]);
  await deps.db.query('DELETE FROM vehicles WHERE user_id = $1', [userId]);
  await closeDeps(deps);
});

const fillUp = (vehicleId: string, odometer: number) => ({ vehicleId, date: '2026-01-10', odometer, gallons: 10, pricePerGallon: 3 });

test('a reader held between compute and store while a write commits never serves its value after the write', { skip }, async () => {
  const vehicleId = randomUUID();
  await deps.db.query(`INSERT INTO vehicles (id, user_id, make, model, year, odometer) VALUES ($1, $2, 'Honda', 'Fit', 2015, 0)`, [vehicleId, userId]);
  await createFuelLog(deps, userId, fillUp(vehicleId, 1000));

  // The reader's cache holds every store until released; its reads go to the real Redis.
  let computed!: () => void;
  const storeReached = new Promise<void>((resolve) => { computed = resolve; });
  let release!: () => void;
  const released = new Promise<void>((resolve) => { release = resolve; });
  const heldCache = {
    ...deps.cache,
    async setJson(key: string, value: unknown, ttlSeconds: number) {
      computed();
      await released;
      await deps.cache.setJson(key, value, ttlSeconds);
    },
  };
  const reader = getFuelStats({ ...deps, cache: heldCache }, userId, vehicleId);
  await storeReached; // the reader has computed logCount 1 and waits to store it

  await createFuelLog(deps, userId, fillUp(vehicleId, 1300)); // committed and acknowledged
  release();
  assert.equal((await reader).logCount, 1, 'the racing reader itself answered from before the write');

  for (let i = 0; i < 3; i++) {
    const stats = await getFuelStats(deps, userId, vehicleId);
    assert.equal(stats.logCount, 2, `read ${i + 1} after the acknowledged write served a value computed before it`);
  }
});
