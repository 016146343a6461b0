// A PostgreSQL connection reset in the middle of a flag transaction fails that one change (503
// DATABASE_UNAVAILABLE, nothing half-written) and never the process: in-process, the transaction's own
// backend is terminated between its lock and its write; over real processes, the gateway's connections are
// reset through a TCP proxy while admin PUTs are in flight, and the gateway keeps serving the last known flags.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createPool, type Db } from '../../src/db/pool.ts';
import { SIDES } from '../../flags/operations.ts';
import { FlagStore, FlagStoreUnavailableError } from '../../flags/store.ts';
import { startStack, ALL_EXPRESS, nativeFlags, type Stack } from '../faults/support/stack.ts';
import { call } from '../faults/support/http.ts';
import { requiredEnv } from '../support/env.ts';

let db: Db;
let stack: Stack;
before(() => { db = createPool(requiredEnv('DATABASE_URL')); });
after(async () => { await db.query(`DELETE FROM feature_flag_overrides WHERE feature = 'fuel-logs'`); await db.end(); await stack?.close(); });

test('the transaction\'s backend terminated mid-change: FlagStoreUnavailableError, nothing written, last known flags kept', async () => {
  const store = new FlagStore(db, {}, { syncIntervalMs: 60_000, nativeFeatures: new Set(['fuel-logs']) });
  await store.apply(['fuel-logs'], { kind: 'set', ops: ['reads'], stage: 'shadow' }, { who: 'op' });
  const before = (await db.query(`SELECT rollout, version FROM feature_flag_overrides WHERE feature = 'fuel-logs'`)).rows[0];
  const audits = Number((await db.query(`SELECT count(*) FROM feature_flag_audit WHERE feature = 'fuel-logs'`)).rows[0].count);
  // The gate is consulted inside the transaction, after the row is locked: kill that very backend there.
  const killOwnBackend = async () => {
    const { rows } = await db.query(`SELECT pid FROM pg_locks l JOIN pg_class c ON c.oid = l.relation
      WHERE c.relname = 'feature_flag_overrides' AND l.mode = 'RowShareLock' AND l.pid <> pg_backend_pid()`);
    assert.ok(rows.length > 0, 'the transaction holds its row lock');
    for (const r of rows) await db.query('SELECT pg_terminate_backend($1)', [r.pid]);
    await new Promise((r) => setTimeout(r, 100));
    return { passed: true, figures: {} };
  };
  await assert.rejects(store.apply(['fuel-logs'], { kind: 'set', ops: SIDES.slice(), stage: 'canary', percent: 10 }, { who: 'op' }, killOwnBackend),
    FlagStoreUnavailableError);
  const afterRow = (await db.query(`SELECT rollout, version FROM feature_flag_overrides WHERE feature = 'fuel-logs'`)).rows[0];
  assert.deepEqual(afterRow, before, 'nothing half-written');
  assert.equal(Number((await db.query(`SELECT count(*) FROM feature_flag_audit WHERE feature = 'fuel-logs'`)).rows[0].count), audits);
  assert.equal(store.stageOf('fuel-logs'), 'shadow', 'the last known flags stay in force');
  await store.apply(['fuel-logs'], { kind: 'set', ops: SIDES.slice(), stage: 'express' }, { who: 'op' });
  assert.equal(store.stageOf('fuel-logs'), 'express', 'the next change works on a fresh connection');
});

test('connections reset under admin PUTs in flight: each answers 200, 409 or 503 (never 500), the gateway stays up and serves', async () => {
  stack = await startStack({ label: 'progressive_pg_reset', proxy: { postgres: true }, env: { ...ALL_EXPRESS, ...(await nativeFlags()), FLAG_SYNC_INTERVAL_MS: '500' } });
  const legacy = await stack.spawnLegacy();
  const gw = await stack.spawnGateway(legacy.url, { ...ALL_EXPRESS }, 'gateway');
  const admin = await stack.sign({ sub: 'operator', permissions: ['admin:flags'] });
  const user = await stack.newUser();
  const statuses = new Map<number, number>();
  const bodies: string[] = [];
  let stop = false;
  const writers = Array.from({ length: 4 }, async (_, w) => {
    for (let i = 0; !stop; i++) {
      const body = i % 2 ? { stage: 'canary', percent: 10 + w, ops: 'reads' } : { stage: 'express' };
      const res = await call(gw.url, 'PUT', '/admin/flags/vehicles', { token: admin, body, timeoutMs: 15_000 });
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      if (![200, 409, 503].includes(res.status) || (res.status === 503 && res.body.error.code !== 'DATABASE_UNAVAILABLE')) bodies.push(`${res.status} ${res.text}`);
    }
  });
  for (let cut = 0; cut < 5; cut++) {
    await new Promise((r) => setTimeout(r, 300));
    await stack.proxy('postgres').setMode('reset');
    await new Promise((r) => setTimeout(r, 150));
    await stack.proxy('postgres').setMode('up');
  }
  stop = true;
  await Promise.all(writers);
  assert.deepEqual(bodies, [], `statuses ${JSON.stringify([...statuses])}`);
  assert.ok((statuses.get(503) ?? 0) > 0, `some change hit a reset: ${JSON.stringify([...statuses])}`);
  assert.ok(gw.alive, 'the gateway did not exit');
  const read = await call(gw.url, 'GET', '/api/vehicles', { token: user.token });
  assert.equal(read.status, 200, read.text);
  const { rows } = await stack.db.query(`SELECT from_rollout, to_rollout FROM feature_flag_audit WHERE feature = 'vehicles' ORDER BY id`);
  for (let i = 1; i < rows.length; i++) assert.deepEqual(rows[i].from_rollout, rows[i - 1].to_rollout, `audit row ${i}`);
});
