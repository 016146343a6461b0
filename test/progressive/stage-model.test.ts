// The stage model against real PostgreSQL: stages with percentages persisted and audited with why,
// compare-and-set for the guard/ramp, bad input refused with nothing changed, NOTIFY in the transaction,
// and older rows (backend only) still read.
import assert from 'node:assert/strict';
import { after, before, beforeEach, test } from 'node:test';
import pg from 'pg';
import { createPool, type Db } from '../../src/db/pool.ts';
import { FLAG_CHANNEL, FlagConflictError, FlagInputError, FlagStore } from '../../flags/store.ts';
import { requiredEnv } from '../support/env.ts';

let db: Db;
const native = new Set(['vehicles', 'fuel-logs'] as const);
const newStore = (env: Record<string, string> = {}) => new FlagStore(db, env, { syncIntervalMs: 60_000, nativeFeatures: native });

before(() => { db = createPool(requiredEnv('DATABASE_URL')); });
after(async () => { await db.query('DELETE FROM feature_flag_overrides'); await db.end(); });
beforeEach(async () => { await db.query('DELETE FROM feature_flag_overrides'); });

test('canary with a percentage: persisted, audited with why, read back by another store; backendFor is sticky', async () => {
  const a = newStore();
  const b = newStore();
  await a.setStage(['vehicles'], { stage: 'canary', percent: 30 }, { who: 'alice' });
  await b.sync();
  const s = b.state('vehicles');
  assert.deepEqual({ stage: s.stage, percent: s.percent, source: s.source, changedBy: s.changedBy, reason: s.reason, backend: s.backend },
    { stage: 'canary', percent: 30, source: 'override', changedBy: 'alice', reason: 'manual', backend: 'express' });
  assert.equal(b.stageOf('vehicles'), 'canary');
  let nativeUsers = 0;
  for (let i = 0; i < 2000; i++) {
    const sub = `u${i}`;
    const got = a.backendFor('vehicles', sub);
    assert.equal(got, b.backendFor('vehicles', sub), 'same user, same backend on every instance');
    if (got === 'fastify') nativeUsers++;
  }
  assert.ok(Math.abs(nativeUsers / 2000 - 0.3) < 0.04, `native share ${nativeUsers / 2000}`);
  assert.equal(a.backendFor('vehicles', undefined), 'express', 'no readable sub → express');
  const [entry] = await a.audit(1);
  assert.deepEqual({ ...entry, changedAt: undefined },
    { feature: 'vehicles', action: 'set', from: 'express', to: 'canary', fromPercent: null, toPercent: 30, reason: 'manual', details: null, changedBy: 'alice', changedAt: undefined });
});

test('bad input is refused before anything changes', async () => {
  const store = newStore();
  await store.setStage(['vehicles'], { stage: 'canary', percent: 10 }, { who: 'x' });
  const auditBefore = (await store.audit(1))[0];
  const bad: Array<[Parameters<FlagStore['setStage']>[1], string]> = [
    [{ stage: 'canary', percent: 101 }, 'percent'], [{ stage: 'canary', percent: 2.5 }, 'percent'],
    [{ stage: 'canary', percent: '5' as unknown as number }, 'percent'], [{ stage: 'canary' }, 'percent'],
    [{ stage: 'fastify', percent: 5 }, 'percent'], [{ stage: 'express', shadowRate: 5 }, 'shadowRate'],
    [{ stage: 'shadow', shadowRate: -1 }, 'shadowRate'], [{ stage: 'koa' as never }, 'stage'],
  ];
  for (const [change, field] of bad) {
    await assert.rejects(store.setStage(['vehicles'], change, { who: 'x' }), (e: Error) => e instanceof FlagInputError && e.field === field, JSON.stringify(change));
  }
  // one feature without a capsule in a multi-feature change refuses the whole change
  await assert.rejects(store.setStage(['vehicles', 'stations'], { stage: 'fastify' }, { who: 'x' }), FlagConflictError);
  await store.sync();
  assert.deepEqual([store.stageOf('vehicles'), store.state('vehicles').percent], ['canary', 10]);
  assert.deepEqual((await store.audit(1))[0], auditBefore);
});

test('compare-and-set: the guard rolls back only a feature still in canary, with reason and figures', async () => {
  const store = newStore();
  await store.setStage(['vehicles'], { stage: 'fastify' }, { who: 'op' });
  const skipped = await store.setStage(['vehicles'], { stage: 'express' }, { who: 'guard', reason: 'guard', expectStage: 'canary' });
  assert.deepEqual(skipped, []);
  assert.equal(store.stageOf('vehicles'), 'fastify');
  await store.setStage(['vehicles'], { stage: 'canary', percent: 50 }, { who: 'op' });
  const done = await store.setStage(['vehicles'], { stage: 'express' }, { who: 'guard', reason: 'guard', details: { nativeErrorRate: 0.3 }, expectStage: 'canary' });
  assert.deepEqual(done, ['vehicles']);
  const [entry] = await store.audit(1);
  assert.deepEqual([entry.from, entry.fromPercent, entry.to, entry.reason, entry.details], ['canary', 50, 'express', 'guard', { nativeErrorRate: 0.3 }]);
  assert.equal(store.state('vehicles').reason, 'guard');
});

test('env defaults: canary percentage from the environment; clear goes back to it; old rows without a stage still read', async () => {
  const store = newStore({ VEHICLES_CANARY_PERCENT: '40', FUEL_LOGS_BACKEND: 'fastify' });
  assert.deepEqual([store.stageOf('vehicles'), store.state('vehicles').percent, store.state('vehicles').source], ['canary', 40, 'env']);
  await db.query(`INSERT INTO feature_flag_overrides (feature, backend, changed_by) VALUES ('fuel-logs', 'express', 'old-release')`);
  await store.sync();
  assert.equal(store.stageOf('fuel-logs'), 'express');
  await store.setStage(['vehicles'], { stage: 'express' }, { who: 'op' });
  await store.clear(['vehicles'], { who: 'op' });
  assert.deepEqual([store.stageOf('vehicles'), store.state('vehicles').percent], ['canary', 40]);
  assert.throws(() => newStore({ STATIONS_CANARY_PERCENT: '5' }), /STATIONS_CANARY_PERCENT.*no native capsule/);
});

test('every change NOTIFYs the flag channel when its transaction commits', async () => {
  const listener = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await listener.connect();
  try {
    await listener.query(`LISTEN ${FLAG_CHANNEL}`);
    const got = new Promise<string>((resolve) => listener.once('notification', (n) => resolve(n.payload ?? '')));
    await newStore().setStage(['vehicles', 'fuel-logs'], { stage: 'canary', percent: 5 }, { who: 'op' });
    assert.equal(await got, 'vehicles,fuel-logs');
  } finally {
    await listener.end();
  }
});
