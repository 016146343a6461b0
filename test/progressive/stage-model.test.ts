// The rollout store against real PostgreSQL: both sides persisted and audited with why, compare-and-set
// for the guard/ramp, refusals with nothing changed, NOTIFY in the transaction, older rows (backend only)
// still read, and the audit chain (each row's `from` is the previous row's `to`) under parallel writers.
import assert from 'node:assert/strict';
import { after, before, beforeEach, test } from 'node:test';
import pg from 'pg';
import { createPool, type Db } from '../../src/db/pool.ts';
import { SIDES, type Side } from '../../flags/operations.ts';
import type { Command } from '../../flags/rollout-model.ts';
import { FLAG_CHANNEL, FlagStore, RolloutRefusedError } from '../../flags/store.ts';
import type { Stage } from '../../flags/registry.ts';
import { requiredEnv } from '../support/env.ts';

let db: Db;
const native = new Set(['vehicles', 'fuel-logs'] as const);
const newStore = (env: Record<string, string> = {}) => new FlagStore(db, env, { syncIntervalMs: 60_000, nativeFeatures: native });
const set = (ops: Side[], stage: Stage, percent?: number, extra: Partial<Extract<Command, { kind: 'set' }>> = {}): Command => ({ kind: 'set', ops, stage, percent, ...extra });
const refused = (status: number, field?: string) => (e: unknown) => e instanceof RolloutRefusedError && e.status === status && (field === undefined || e.field === field);

before(() => { db = createPool(requiredEnv('DATABASE_URL')); });
after(async () => { await db.query('DELETE FROM feature_flag_overrides'); await db.end(); });
beforeEach(async () => { await db.query('DELETE FROM feature_flag_overrides'); });

test('reads on a canary while writes stay on express: persisted, audited, read back by another store; one sticky bucket for both sides', async () => {
  const a = newStore();
  const b = newStore();
  await a.apply(['vehicles'], set(['reads'], 'canary', 30), { who: 'alice' });
  await b.sync();
  const s = b.state('vehicles');
  assert.deepEqual({ reads: [s.reads.stage, s.reads.percent], writes: [s.writes.stage, s.writes.percent], source: s.source, changedBy: s.changedBy, reason: s.reason, backend: s.backend },
    { reads: ['canary', 30], writes: ['express', 0], source: 'override', changedBy: 'alice', reason: 'manual', backend: 'express' });
  let nativeUsers = 0;
  for (let i = 0; i < 2000; i++) {
    const sub = `u${i}`;
    const got = a.backendFor('vehicles', 'reads', sub);
    assert.equal(got, b.backendFor('vehicles', 'reads', sub), 'same user, same backend on every instance');
    assert.equal(a.backendFor('vehicles', 'writes', sub), 'express', 'every write stays on express');
    if (got === 'fastify') nativeUsers++;
  }
  assert.ok(Math.abs(nativeUsers / 2000 - 0.3) < 0.04, `native share ${nativeUsers / 2000}`);
  assert.equal(a.backendFor('vehicles', 'reads', undefined), 'express', 'no readable sub → express');
  // Writes join at a lower share: every user who writes natively also reads natively.
  await a.apply(['vehicles'], set(['writes'], 'canary', 10), { who: 'alice' });
  for (let i = 0; i < 2000; i++) {
    if (a.backendFor('vehicles', 'writes', `u${i}`) === 'fastify') assert.equal(a.backendFor('vehicles', 'reads', `u${i}`), 'fastify');
  }
  const [entry] = await a.audit(1);
  assert.deepEqual([entry.action, entry.from, entry.to, entry.toPercent, entry.fromRollout?.writes.stage, entry.toRollout?.writes.stage, entry.toRollout?.writes.percent],
    ['set', 'canary', 'canary', 30, 'express', 'canary', 10]);
});

test('writes may never lead reads; writes are never shadowed; refusals change nothing and write no audit row', async () => {
  const store = newStore();
  await store.apply(['vehicles'], set(SIDES.slice(), 'canary', 10), { who: 'x' });
  const auditBefore = (await store.audit(1))[0];
  const bad: Array<[Command, number, string?]> = [
    [set(['writes'], 'canary', 20), 409], [set(['writes'], 'fastify'), 409], [set(['reads'], 'express'), 409],
    [set(['writes'], 'shadow'), 400, 'stage'], [set(['reads'], 'canary', 101), 400, 'percent'], [set(['reads'], 'canary', 2.5), 400, 'percent'],
    [set(['reads'], 'canary'), 400, 'percent'], [set(['reads'], 'fastify', 5), 400, 'percent'],
    [{ kind: 'set', ops: ['reads'], stage: 'express', shadowRate: 5 }, 400, 'shadowRate'], [set([], 'express'), 400, 'ops'],
    [{ kind: 'ramp-pause' }, 409], [{ kind: 'guard-rollback', side: 'reads', figures: {} }, 200],
  ];
  for (const [command, status, field] of bad) {
    if (status === 200) continue;
    await assert.rejects(store.apply(['vehicles'], command, { who: 'x' }), refused(status, field), JSON.stringify(command));
  }
  // one feature without a capsule in a multi-feature change refuses the whole change
  await assert.rejects(store.apply(['vehicles', 'stations'], set(SIDES.slice(), 'fastify'), { who: 'x' }), refused(409));
  await store.sync();
  assert.deepEqual([store.stageOf('vehicles'), store.state('vehicles').percent, store.state('vehicles').writes.percent], ['canary', 10, 10]);
  assert.deepEqual((await store.audit(1))[0], auditBefore);
});

test('compare-and-set: the guard rolls back only the version it judged; a reads rollback takes writes along and stays visible', async () => {
  const store = newStore();
  await store.apply(['vehicles'], set(SIDES.slice(), 'canary', 50), { who: 'op' });
  const judged = store.state('vehicles').version;
  await store.apply(['vehicles'], set(SIDES.slice(), 'canary', 60), { who: 'op' });
  await assert.rejects(store.apply(['vehicles'], { kind: 'guard-rollback', side: 'reads', figures: {} }, { who: 'guard', ifVersion: judged }), refused(409));
  assert.equal(store.state('vehicles').percent, 60, 'the operator\'s newer change stands');
  await store.apply(['vehicles'], { kind: 'guard-rollback', side: 'reads', figures: { breaches: ['native 5xx'] } }, { who: 'guard', ifVersion: store.state('vehicles').version });
  const s = store.state('vehicles');
  assert.deepEqual([s.reads.stage, s.writes.stage, s.reason, s.rolledBack?.side, s.rolledBack?.figures], ['express', 'express', 'guard', 'reads', { breaches: ['native 5xx'] }]);
  const [entry] = await store.audit(1);
  assert.deepEqual([entry.action, entry.from, entry.fromPercent, entry.to, entry.reason], ['guard-rollback', 'canary', 60, 'express', 'guard']);
  await store.apply(['vehicles'], set(['reads'], 'shadow'), { who: 'op' });
  assert.equal(store.state('vehicles').rolledBack, null, 'the next change to the feature clears the rollback');
});

test('env defaults: canary percentage from the environment; clear goes back to it; old rows without a stage still read', async () => {
  const store = newStore({ VEHICLES_CANARY_PERCENT: '40', FUEL_LOGS_BACKEND: 'fastify' });
  assert.deepEqual([store.stageOf('vehicles'), store.state('vehicles').percent, store.state('vehicles').source], ['canary', 40, 'env']);
  await db.query(`INSERT INTO feature_flag_overrides (feature, backend, changed_by) VALUES ('fuel-logs', 'express', 'old-release')`);
  await store.sync();
  assert.deepEqual([store.stageOf('fuel-logs'), store.stageOf('fuel-logs', 'writes')], ['express', 'express']);
  await store.apply(['vehicles'], set(SIDES.slice(), 'express'), { who: 'op' });
  await store.apply(['vehicles'], { kind: 'clear' }, { who: 'op' });
  assert.deepEqual([store.stageOf('vehicles'), store.state('vehicles').percent, store.state('vehicles').source], ['canary', 40, 'env']);
  assert.throws(() => newStore({ STATIONS_CANARY_PERCENT: '5' }), /STATIONS_CANARY_PERCENT.*no native capsule/);
});

test('every change NOTIFYs the flag channel when its transaction commits', async () => {
  const listener = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await listener.connect();
  try {
    await listener.query(`LISTEN ${FLAG_CHANNEL}`);
    const got = new Promise<string>((resolve) => listener.once('notification', (n) => resolve(n.payload ?? '')));
    await newStore().apply(['vehicles', 'fuel-logs'], set(SIDES.slice(), 'canary', 5), { who: 'op' });
    assert.equal(await got, 'vehicles,fuel-logs');
  } finally {
    await listener.end();
  }
});

/**
 * A store on a pool of its own, vehicles on canary 10 %, whose next flag-reading SELECT reads the rows and then
 * holds them until `release` (a reload that read before a change committed, answering after it).
 */
async function withHeldReload(fn: (store: FlagStore, release: () => void) => Promise<void>): Promise<void> {
  const slowDb = createPool(requiredEnv('DATABASE_URL'));
  try {
    const store = new FlagStore(slowDb, {}, { syncIntervalMs: 60_000, nativeFeatures: native });
    await store.apply(['vehicles'], set(SIDES.slice(), 'canary', 10), { who: 'op' });
    let release!: () => void;
    const held = new Promise<void>((resolve) => { release = resolve; });
    let holdNext = true;
    const query = slowDb.query.bind(slowDb) as (sql: string, params?: unknown[]) => Promise<unknown>;
    Object.defineProperty(slowDb, 'query', {
      value: async (sql: string, params?: unknown[]) => {
        const hold = holdNext && sql.startsWith('SELECT feature, backend');
        if (hold) holdNext = false;
        const result = await query(sql, params);
        if (hold) await held;
        return result;
      },
    });
    await fn(store, release);
  } finally {
    await slowDb.end();
  }
}

test('a reload that read the rows before this instance\'s own change committed never undoes that change', async () => {
  await withHeldReload(async (store, release) => {
    const reload = store.sync(); // as a NOTIFY sets one off
    await new Promise((r) => setTimeout(r, 100)); // the SELECT has read version 1
    await store.apply(['vehicles'], set(SIDES.slice(), 'express'), { who: 'op' });
    release();
    await reload;
    assert.equal(store.stageOf('vehicles'), 'express', 'the older snapshot did not bring canary back');
    await store.sync(); // a reload after the change reads it
    assert.equal(store.stageOf('vehicles'), 'express');
  });
});

test('of two overlapping reloads, the older read answering last never puts back what the newer one replaced', async () => {
  await withHeldReload(async (store, release) => {
    const older = store.sync(); // held: it has read canary when another instance sets express
    await new Promise((r) => setTimeout(r, 100));
    await newStore().apply(['vehicles'], set(SIDES.slice(), 'express'), { who: 'other instance' });
    await store.sync(); // the NOTIFY's reload: reads express
    assert.equal(store.stageOf('vehicles'), 'express');
    release();
    await older;
    assert.equal(store.stageOf('vehicles'), 'express', 'the older read did not bring canary back');
  });
});

test('sixteen parallel writers on two stores: every audit row\'s from is the previous row\'s to, the version counts the rows', async () => {
  await db.query(`DELETE FROM feature_flag_audit WHERE feature = 'vehicles'`);
  const stores = [newStore(), newStore()];
  const commands: Command[] = [set(['reads'], 'shadow'), set(SIDES.slice(), 'canary', 20), set(['reads'], 'canary', 40), set(SIDES.slice(), 'express'),
    set(['reads'], 'fastify'), set(['writes'], 'canary', 30), set(['reads'], 'canary', 5, { force: true }), { kind: 'clear' }];
  const results = await Promise.allSettled(Array.from({ length: 16 }, (_, i) => stores[i % 2].apply(['vehicles'], commands[i % commands.length], { who: `op${i}` })));
  for (const r of results) if (r.status === 'rejected') assert.ok(r.reason instanceof RolloutRefusedError, String(r.reason));
  const { rows } = await db.query(`SELECT from_rollout, to_rollout, version FROM feature_flag_audit WHERE feature = 'vehicles' ORDER BY id`);
  assert.equal(rows.length, results.filter((r) => r.status === 'fulfilled').length);
  for (let i = 1; i < rows.length; i++) {
    assert.deepEqual(rows[i].from_rollout, rows[i - 1].to_rollout, `row ${i} starts where row ${i - 1} ended`);
    assert.equal(Number(rows[i].version), Number(rows[i - 1].version) + 1);
  }
  const stored = await db.query(`SELECT rollout, version FROM feature_flag_overrides WHERE feature = 'vehicles'`);
  assert.deepEqual(stored.rows[0].rollout, rows.at(-1)?.to_rollout);
});
