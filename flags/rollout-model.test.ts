// The rollout model, pure: the legal moves per side, writes never leading reads, the gate on leaving
// shadow (or force), ramps and guard verdicts; and docs/progressive-delivery.md carries the table the code has.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { SIDES } from './operations.ts';
import { STAGES, type Stage } from './registry.ts';
import { decide, nativeShare, SIDE_MOVES, type Command, type Facts, type Rollout } from './rollout-model.ts';
import { transitionsMarkdown } from './rollout-table.ts';

const at = (reads: [Stage, number?], writes: [Stage, number?] = ['express']): Rollout => ({
  reads: { stage: reads[0], percent: reads[1] ?? 0, since: null },
  writes: { stage: writes[0], percent: writes[1] ?? 0, since: null },
  shadowRate: 100, ramp: null, rolledBack: null,
});
const facts = (extra: Partial<Facts> = {}): Facts => ({ now: '2026-01-01T00:00:00.000Z', native: true, envDefault: at(['express']), ...extra });
const passing = { passed: true, figures: { compared: 1000 } };
const failing = { passed: false, figures: { compared: 3 } };

test('docs/progressive-delivery.md shows exactly the transitions the code has', () => {
  const doc = readFileSync(new URL('../docs/progressive-delivery.md', import.meta.url), 'utf8');
  const m = /<!-- rollout-transitions:begin -->\n([\s\S]*?)\n<!-- rollout-transitions:end -->/.exec(doc);
  assert.ok(m, 'the markers are in the doc');
  assert.equal(m[1], transitionsMarkdown(), 'regenerate the table from flags/rollout-table.ts');
});

test('every manual move of every side is decided as SIDE_MOVES says; no decision lets writes lead reads', () => {
  for (const side of SIDES) {
    for (const from of STAGES) {
      for (const to of STAGES) {
        if (side === 'writes' && from === 'shadow') continue; // unreachable: writes are never in shadow
        const current = side === 'reads' ? at([from, 50], ['express']) : at(['fastify'], [from, 50]);
        const command: Command = { kind: 'set', ops: [side], stage: to, percent: to === 'canary' ? 50 : undefined };
        const move = SIDE_MOVES[side][from][to];
        const d = decide(current, command, facts({ gate: failing }));
        if (move === 'ok') assert.ok(d.ok, `${side} ${from} → ${to}: ${JSON.stringify(d)}`);
        if (move === 'no') assert.deepEqual(d.ok ? 'ok' : [d.status, d.field], [400, 'stage'], `${side} ${from} → ${to}`);
        if (move === 'gate') {
          assert.deepEqual(d.ok ? 'ok' : d.status, 409, `${side} ${from} → ${to} without a passing gate`);
          assert.ok(decide(current, command, facts({ gate: passing })).ok);
          const forced = decide(current, { ...command, force: true }, facts({ gate: failing }));
          assert.deepEqual(forced.ok && [forced.audit.reason, forced.audit.details?.shadowGate], ['forced', failing.figures]);
          assert.deepEqual(decide(current, command, facts({ gate: { unavailable: 'Redis down' } })).ok ? 'ok' : 503, 503);
        }
        if (d.ok) assert.ok(nativeShare(d.next.writes) <= nativeShare(d.next.reads));
      }
    }
  }
});

test('writes may not lead reads: refused with the shares; a reads rollback by the guard takes writes along', () => {
  const d = decide(at(['canary', 20], ['canary', 20]), { kind: 'set', ops: ['writes'], stage: 'canary', percent: 30 }, facts());
  assert.deepEqual(d.ok ? 'ok' : [d.status, /writes may not lead reads/.test(d.reason)], [409, true]);
  const g = decide(at(['canary', 20], ['canary', 10]), { kind: 'guard-rollback', side: 'reads', figures: { breaches: ['x'] } }, facts());
  assert.ok(g.ok);
  assert.deepEqual([g.next.reads.stage, g.next.writes.stage, g.next.rolledBack?.side, g.audit.reason], ['express', 'express', 'reads', 'guard']);
  const w = decide(at(['canary', 20], ['canary', 10]), { kind: 'guard-rollback', side: 'writes', figures: {} }, facts());
  assert.deepEqual(w.ok && [w.next.reads, w.next.writes.stage], [{ stage: 'canary', percent: 20, since: null }, 'express']);
  assert.equal(decide(at(['express']), { kind: 'guard-rollback', side: 'reads', figures: {} }, facts()).ok, false, 'no verdict on a side not in canary');
});

test('ramps: start at the first step (gate out of shadow, no force), step in order, finish on fastify, abort to express', () => {
  const plan = { steps: [10, 50], dwellSeconds: 0, minRequests: 200 };
  const start: Command = { kind: 'ramp-start', ops: ['reads'], plan, who: 'op' };
  assert.equal(decide(at(['shadow']), start, facts({ gate: failing })).ok, false);
  const s = decide(at(['shadow']), start, facts({ gate: passing }));
  assert.ok(s.ok);
  assert.deepEqual([s.next.reads.percent, s.next.writes.stage, s.next.ramp?.state], [10, 'express', 'running']);
  assert.equal(decide(s.next, { kind: 'ramp-step', stepIndex: 2, guard: {} }, facts()).ok, false, 'steps go in order');
  const one = decide(s.next, { kind: 'ramp-step', stepIndex: 1, guard: {} }, facts());
  assert.ok(one.ok);
  const done = decide(one.next, { kind: 'ramp-step', stepIndex: 2, guard: {} }, facts());
  assert.deepEqual(done.ok && [done.next.reads.stage, done.next.ramp?.state, done.audit.action], ['fastify', 'done', 'ramp-done']);
  const aborted = decide(one.next, { kind: 'ramp-abort' }, facts());
  assert.deepEqual(aborted.ok && [aborted.next.reads.stage, aborted.next.ramp?.state], ['express', 'aborted']);
  assert.equal(decide(one.next, { kind: 'ramp-resume' }, facts()).ok, false, 'resume needs a paused ramp');
  const writes = decide(at(['canary', 5]), { kind: 'ramp-start', ops: ['writes'], plan, who: 'op' }, facts());
  assert.deepEqual(writes.ok ? 'ok' : writes.status, 409, 'a writes ramp cannot start above the reads');
  const manual = decide(one.next, { kind: 'set', ops: ['reads'], stage: 'canary', percent: 60 }, facts());
  assert.deepEqual(manual.ok && manual.next.ramp?.state, 'aborted', 'a manual change ends the ramp');
});

test('no native capsule: anything but express is a 409; clear returns to the env default', () => {
  const d = decide(at(['express']), { kind: 'set', ops: ['reads'], stage: 'canary', percent: 5 }, facts({ native: false }));
  assert.deepEqual(d.ok ? 'ok' : d.status, 409);
  const c = decide(at(['canary', 5], ['canary', 5]), { kind: 'clear' }, facts({ envDefault: at(['fastify'], ['fastify']) }));
  assert.deepEqual(c.ok && [c.next.reads.stage, c.next.writes.stage, c.audit.action], ['fastify', 'fastify', 'clear']);
  const fromShadow = (gate: Facts['gate']) => decide(at(['shadow']), { kind: 'clear' }, facts({ envDefault: at(['fastify'], ['fastify']), gate }));
  const refused = fromShadow(failing);
  assert.deepEqual(refused.ok ? 'ok' : refused.status, 409, 'clear cannot take reads out of shadow past a failing gate');
  assert.equal(fromShadow(passing).ok, true);
});
