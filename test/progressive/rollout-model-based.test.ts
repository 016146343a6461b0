// Model-based test of the rollout machinery (issue 28, point 7): fast-check generates batches of commands —
// stage changes per side through the admin HTTP API of any of three gateways, ramp start/pause/resume/abort,
// the leader's guard verdicts and ramp steps, forced and unforced moves out of shadow (the gate, with no
// comparisons, always fails), and PostgreSQL connection resets (a TCP proxy in front of PostgreSQL) — and runs
// each batch concurrently against three real gateways on one real PostgreSQL. After every batch it checks:
// every stored rollout is one the model allows; every transition has exactly one audit row and each row's
// `from` is the previous row's `to`; nothing left shadow unforced; no answer was a 500; every instance serves
// the stored rollout within 1 s of the batch; and the process (all three gateways) is still alive.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import type { FeatureName } from '../../flags/registry.ts';
import { nativeShare, type Rollout } from '../../flags/rollout-model.ts';
import { RolloutRefusedError, FlagStoreUnavailableError } from '../../flags/store.ts';
import { startGatewayInProcess, type InProcessGateway } from '../../stack/apps.ts';
import { startStack, ALL_EXPRESS, nativeFlags, type Stack } from '../faults/support/stack.ts';
import { call } from '../faults/support/http.ts';

const FEATURES: FeatureName[] = ['vehicles', 'fuel-logs'];
let stack: Stack;
let gateways: InProcessGateway[] = [];
let admin: string;

before(async () => {
  stack = await startStack({ label: 'progressive_model', proxy: { postgres: true } });
  const env: Record<string, string> = { ...stack.appEnv, ...ALL_EXPRESS, ...(await nativeFlags()), LOG_LEVEL: 'fatal', FLAG_SYNC_INTERVAL_MS: '250', GUARD_INTERVAL_MS: '60000' };
  gateways = await Promise.all([0, 1, 2].map(() => startGatewayInProcess({ env })));
  admin = await stack.sign({ sub: 'model', permissions: ['admin:flags'] });
});
after(async () => {
  for (const g of gateways) await g.close();
  await stack?.close();
});

type Cmd =
  | { kind: 'put'; gw: number; feature: FeatureName; body: Record<string, unknown> }
  | { kind: 'delete'; gw: number; feature: FeatureName }
  | { kind: 'ramp'; gw: number; feature: FeatureName; ops: string }
  | { kind: 'ramp-action'; gw: number; feature: FeatureName; action: 'pause' | 'resume' | 'abort' }
  | { kind: 'guard'; gw: number; feature: FeatureName; side: 'reads' | 'writes' }
  | { kind: 'step'; gw: number; feature: FeatureName }
  | { kind: 'reset' };

const gw = fc.integer({ min: 0, max: 2 });
const feature = fc.constantFrom(...FEATURES);
const ops = fc.constantFrom('reads', 'writes', 'both');
const body = fc.oneof(
  fc.record({ stage: fc.constant('canary'), percent: fc.integer({ min: 0, max: 100 }), ops, force: fc.boolean() }),
  fc.record({ stage: fc.constantFrom('express', 'fastify'), ops }),
  fc.record({ stage: fc.constant('shadow'), ops: fc.constantFrom('reads', 'both') }),
  fc.record({ stage: fc.constant('fastify'), force: fc.constant(true) }),
);
const cmd: fc.Arbitrary<Cmd> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('put' as const), gw, feature, body }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('delete' as const), gw, feature }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('ramp' as const), gw, feature, ops }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('ramp-action' as const), gw, feature, action: fc.constantFrom('pause' as const, 'resume' as const, 'abort' as const) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('guard' as const), gw, feature, side: fc.constantFrom('reads' as const, 'writes' as const) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('step' as const), gw, feature }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'reset' as const }) },
);

const problems: string[] = [];
const path = (f: string) => `/admin/flags/${f}`;

async function run(c: Cmd): Promise<void> {
  if (c.kind === 'reset') {
    await stack.proxy('postgres').setMode('reset');
    await new Promise((r) => setTimeout(r, 100));
    await stack.proxy('postgres').setMode('up');
    return;
  }
  const g = gateways[c.gw];
  if (c.kind === 'guard' || c.kind === 'step') {
    // What the leader does: a command on the version it judged, through the same store.
    const s = g.app.flags.state(c.feature);
    const command = c.kind === 'guard'
      ? { kind: 'guard-rollback' as const, side: c.side, figures: { breaches: ['model-based'] } }
      : { kind: 'ramp-step' as const, stepIndex: (s.ramp?.stepIndex ?? 0) + 1, guard: {} };
    await g.app.flags.apply([c.feature], command, { who: c.kind === 'guard' ? 'guard' : 'ramp', ifVersion: s.version }).catch((err) => {
      if (!(err instanceof RolloutRefusedError || err instanceof FlagStoreUnavailableError)) problems.push(`${c.kind}: ${String(err)}`);
    });
    return;
  }
  const res = c.kind === 'put' ? await call(g.url, 'PUT', path(c.feature), { token: admin, body: c.body })
    : c.kind === 'delete' ? await call(g.url, 'DELETE', path(c.feature), { token: admin })
    : c.kind === 'ramp' ? await call(g.url, 'POST', `${path(c.feature)}/ramp`, { token: admin, body: { steps: [10, 50], dwellSeconds: 3600, ops: c.ops } })
    : await call(g.url, 'POST', `${path(c.feature)}/ramp/${c.action}`, { token: admin });
  if (![200, 400, 409, 503].includes(res.status)) problems.push(`${JSON.stringify(c)} → ${res.status} ${res.text}`);
}

function allowed(r: Rollout): string | null {
  for (const side of ['reads', 'writes'] as const) {
    const s = r[side];
    if (!['express', 'shadow', 'canary', 'fastify'].includes(s.stage)) return `${side} stage ${s.stage}`;
    if (!Number.isInteger(s.percent) || s.percent < 0 || s.percent > 100 || (s.stage !== 'canary' && s.percent !== 0)) return `${side} percent ${s.percent}`;
  }
  if (r.writes.stage === 'shadow') return 'writes in shadow';
  if (nativeShare(r.writes) > nativeShare(r.reads)) return 'writes lead reads';
  if (r.ramp && !['running', 'paused', 'done', 'aborted'].includes(r.ramp.state)) return `ramp ${r.ramp.state}`;
  if (r.ramp && (r.ramp.state === 'running' || r.ramp.state === 'paused') && r.ramp.ops.some((s) => r[s].stage !== 'canary')) return 'a live ramp on a side out of canary';
  return null;
}

async function check(): Promise<void> {
  assert.deepEqual(problems.splice(0), [], 'every answer is 200, 400, 409 or 503');
  const stored = new Map<string, { rollout: Rollout; version: number }>();
  for (const r of (await stack.db.query('SELECT feature, rollout, version FROM feature_flag_overrides')).rows) stored.set(r.feature, { rollout: r.rollout, version: Number(r.version) });
  for (const f of FEATURES) {
    const s = stored.get(f);
    if (!s) continue;
    assert.equal(allowed(s.rollout), null, `${f}: ${JSON.stringify(s.rollout)}`);
    const { rows } = await stack.db.query('SELECT action, reason, from_rollout, to_rollout, version FROM feature_flag_audit WHERE feature = $1 ORDER BY id', [f]);
    assert.deepEqual(rows.map((r) => Number(r.version)), Array.from({ length: s.version }, (_, i) => i + 1), `${f}: one audit row per transition`);
    for (let i = 0; i < rows.length; i++) {
      if (i > 0) assert.deepEqual(rows[i].from_rollout, rows[i - 1].to_rollout, `${f}: audit row ${i} starts where row ${i - 1} ended`);
      const { from_rollout: from, to_rollout: to } = rows[i];
      if (from.reads.stage === 'shadow' && (to.reads.stage === 'canary' || to.reads.stage === 'fastify')) {
        assert.equal(rows[i].reason, 'forced', `${f}: left shadow without a passing gate or force (${rows[i].action})`);
      }
    }
    if (rows.length) assert.deepEqual(rows.at(-1)?.to_rollout, s.rollout, `${f}: the last audit row is the stored rollout`);
    // Every instance serves the stored rollout within 1 s.
    const t0 = Date.now();
    for (;;) {
      const lagging = gateways.filter((g) => !isDeepStrictEqual(g.app.flags.rollout(f), s.rollout));
      if (lagging.length === 0) break;
      assert.ok(Date.now() - t0 < 1000, `${f}: ${lagging.length} instance(s) not on the stored rollout after 1 s`);
      await new Promise((r) => setTimeout(r, 25));
    }
  }
  for (const g of gateways) assert.equal((await call(g.url, 'GET', '/admin/flags', { token: admin })).status, 200, 'every gateway still answers');
}

test('concurrent commands and PostgreSQL resets on three gateways keep every invariant of the rollout model', { timeout: 90_000 }, async () => {
  const started = Date.now();
  let batches = 0;
  await fc.assert(fc.asyncProperty(fc.array(fc.array(cmd, { minLength: 1, maxLength: 4 }), { minLength: 1, maxLength: 6 }), async (plan) => {
    await stack.proxy('postgres').setMode('up');
    for (const batch of plan) {
      await Promise.all(batch.map(run));
      await check();
      batches++;
    }
  }), { numRuns: 25, endOnFailure: true });
  console.log(`# model-based: ${batches} batches in ${Date.now() - started} ms`);
});
