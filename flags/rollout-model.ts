// The rollout model: the one place that decides what a feature's rollout may become. Pure: it takes the
// current rollout (read from the locked row), a command and the facts the command needs, and returns the
// next rollout with its audit entry, or a refusal with a reason and the HTTP status it maps to. Every
// writer (admin routes, the leader's guard and ramp, the shadow gate, the console, dev tools) goes
// through `decide`; flags/store.ts only persists what it returns.
import { SIDES, type Side } from './operations.ts';
import type { Stage } from './registry.ts';

export interface SideRollout {
  stage: Stage;
  /** Canary percentage 0..100 (0 unless the stage is canary). */
  percent: number;
  /** When this side's stage or percentage last changed (the guard's window starts there). */
  since: string | null;
}

export type RampState = 'running' | 'paused' | 'done' | 'aborted';
export interface RampPlan { steps: number[]; dwellSeconds: number; minRequests: number }
export interface Ramp extends RampPlan {
  ops: Side[];
  state: RampState;
  stepIndex: number;
  stepStartedAt: string;
  startedBy: string;
}

/** The guard's rollback, kept (with its figures) until the next change to the feature. */
export interface RolledBack { side: Side; at: string; figures: Record<string, unknown> }

export interface Rollout {
  reads: SideRollout;
  writes: SideRollout;
  /** Shadow sampling rate 0..100 of the reads (writes are never shadowed). */
  shadowRate: number;
  ramp: Ramp | null;
  rolledBack: RolledBack | null;
}

/** The shadow gate's verdict on the feature's comparisons, or why there is none. */
export type GateFact = { passed: boolean; figures: Record<string, unknown> } | { unavailable: string };

export interface Facts {
  now: string;
  /** Whether this instance has a native capsule for the feature. */
  native: boolean;
  /** The env default the feature returns to on `clear`. */
  envDefault: Rollout;
  /** Required when the command takes reads out of shadow (see needsGate). */
  gate?: GateFact;
}

export type Command =
  | { kind: 'set'; ops: Side[]; stage: Stage; percent?: number; shadowRate?: number; force?: boolean }
  | { kind: 'clear' }
  | { kind: 'ramp-start'; ops: Side[]; plan: RampPlan; who: string }
  | { kind: 'ramp-pause' } | { kind: 'ramp-resume' } | { kind: 'ramp-abort' }
  | { kind: 'ramp-step'; stepIndex: number; guard: Record<string, unknown> }
  | { kind: 'guard-rollback'; side: Side; figures: Record<string, unknown> };

export type Action = 'set' | 'clear' | 'ramp-start' | 'ramp-pause' | 'ramp-resume' | 'ramp-abort' | 'ramp-step' | 'ramp-done' | 'guard-rollback';
export type Reason = 'manual' | 'ramp' | 'guard' | 'forced';

export type Decision =
  | { ok: true; next: Rollout; audit: { action: Action; reason: Reason; details: Record<string, unknown> | null } }
  | { ok: false; status: 400 | 409 | 503; reason: string; field?: string; gate?: Record<string, unknown> };

// ── The legal moves, in one screen ────────────────────────────────────────────────────────────────────
/** A manual move of one side: `ok`, `gate` (reads leaving shadow: a passing gate or force) or `no`. */
type Move = 'ok' | 'gate' | 'no';
export const SIDE_MOVES: Record<Side, Record<Stage, Record<Stage, Move>>> = {
  reads: {
    express: { express: 'ok', shadow: 'ok', canary: 'ok', fastify: 'ok' },
    shadow: { express: 'ok', shadow: 'ok', canary: 'gate', fastify: 'gate' },
    canary: { express: 'ok', shadow: 'ok', canary: 'ok', fastify: 'ok' },
    fastify: { express: 'ok', shadow: 'ok', canary: 'ok', fastify: 'ok' },
  },
  writes: { // never shadowed: a write through both backends would apply twice
    express: { express: 'ok', shadow: 'no', canary: 'ok', fastify: 'ok' },
    shadow: { express: 'ok', shadow: 'no', canary: 'ok', fastify: 'ok' },
    canary: { express: 'ok', shadow: 'no', canary: 'ok', fastify: 'ok' },
    fastify: { express: 'ok', shadow: 'no', canary: 'ok', fastify: 'ok' },
  },
};
/** The ramp states each ramp command starts from, and where it leaves the ramp. */
export const RAMP_MOVES: Record<'ramp-pause' | 'ramp-resume' | 'ramp-abort' | 'ramp-step', { from: RampState[]; to: RampState }> = {
  'ramp-pause': { from: ['running'], to: 'paused' },
  'ramp-resume': { from: ['paused'], to: 'running' },
  'ramp-abort': { from: ['running', 'paused'], to: 'aborted' },
  'ramp-step': { from: ['running'], to: 'running' }, // past the last step: `done`, the ramped sides on fastify
};
/** The invariant every decision keeps: writes never serve natively a share of users that reads do not. */
export const nativeShare = (s: SideRollout): number => (s.stage === 'fastify' ? 100 : s.stage === 'canary' ? s.percent : 0);
// ──────────────────────────────────────────────────────────────────────────────────────────────────────

const refuse = (status: 400 | 409 | 503, reason: string, field?: string): Decision => ({ ok: false, status, reason, field });
const side = (stage: Stage, percent: number, since: string | null): SideRollout => ({ stage, percent: stage === 'canary' ? percent : 0, since });
const sameSide = (a: SideRollout, b: SideRollout) => a.stage === b.stage && a.percent === b.percent;
const isPercent = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 100;

/** Whether the command would take reads out of shadow into a native stage (then `facts.gate` is needed). */
export function needsGate(current: Rollout, command: Command): boolean {
  if (current.reads.stage !== 'shadow') return false;
  if (command.kind === 'set') return command.ops.includes('reads') && SIDE_MOVES.reads.shadow[command.stage] === 'gate';
  if (command.kind === 'clear') return true; // the env default may be a native stage (decideClear asks only then)
  return command.kind === 'ramp-start' && command.ops.includes('reads');
}

export function decide(current: Rollout, command: Command, facts: Facts): Decision {
  switch (command.kind) {
    case 'set': return decideSet(current, command, facts);
    case 'clear': return decideClear(current, facts);
    case 'ramp-start': return decideRampStart(current, command, facts);
    case 'ramp-pause': case 'ramp-resume': case 'ramp-abort': return decideRampControl(current, command.kind, facts);
    case 'ramp-step': return decideRampStep(current, command, facts);
    case 'guard-rollback': return decideGuard(current, command, facts);
  }
}

function decideSet(current: Rollout, c: Extract<Command, { kind: 'set' }>, facts: Facts): Decision {
  if (c.ops.length === 0) return refuse(400, 'must name reads, writes or both', 'ops');
  if (c.percent !== undefined && !isPercent(c.percent)) return refuse(400, 'must be a whole number 0..100', 'percent');
  if (c.shadowRate !== undefined && !isPercent(c.shadowRate)) return refuse(400, 'must be a whole number 0..100', 'shadowRate');
  if (c.stage === 'canary' && c.percent === undefined) return refuse(400, 'is required with stage canary', 'percent');
  if (c.stage !== 'canary' && c.percent !== undefined) return refuse(400, 'is only allowed with stage canary', 'percent');
  if (c.stage !== 'shadow' && c.shadowRate !== undefined) return refuse(400, 'is only allowed with stage shadow', 'shadowRate');
  if (c.stage === 'shadow' && !c.ops.includes('reads')) return refuse(400, 'writes are never shadowed (a write through both backends would apply twice)', 'stage');
  if (c.force !== undefined && c.stage !== 'canary' && c.stage !== 'fastify') return refuse(400, 'is only allowed with stage canary or fastify', 'force');
  if (c.stage !== 'express' && !facts.native) return refuse(409, 'this feature has no native capsule; it can only run on express');
  const next: Rollout = { ...current, ramp: stopRamp(current.ramp), rolledBack: null };
  let gated = false;
  for (const s of c.ops) {
    // Shadowing the feature keeps its writes on express: only reads can be compared.
    const stage = s === 'writes' && c.stage === 'shadow' ? 'express' : c.stage;
    const move = SIDE_MOVES[s][current[s].stage][stage];
    if (move === 'no') return refuse(400, `${s} cannot move to ${stage}`, 'stage');
    if (move === 'gate') gated = true;
    const target = side(stage, c.percent ?? 0, facts.now);
    next[s] = sameSide(current[s], target) ? current[s] : target;
  }
  if (c.stage === 'shadow') next.shadowRate = c.shadowRate ?? current.shadowRate;
  if (nativeShare(next.writes) > nativeShare(next.reads)) {
    return refuse(409, `writes may not lead reads: writes would serve ${nativeShare(next.writes)} % natively, reads ${nativeShare(next.reads)} % (shadow proves only reads; move reads first, or both)`);
  }
  let gate: Record<string, unknown> | undefined;
  if (gated) {
    const g = facts.gate;
    if (!g) return refuse(503, 'the shadow gate was not consulted');
    if ('unavailable' in g) return refuse(503, g.unavailable);
    gate = g.figures;
    if (!g.passed && !c.force) return { ok: false, status: 409, reason: 'shadow gate not passed; send "force": true to move anyway', gate };
  }
  // `force` is the operator overriding every gate: audited as forced, with the gate's figures when one applied.
  return finish(current, next, 'set', c.force ? 'forced' : 'manual', { ops: c.ops, ...(gate ? { shadowGate: gate } : {}) }, facts);
}

/** Back to the env default — through the gate like any move out of shadow (a DELETE cannot force). */
function decideClear(current: Rollout, facts: Facts): Decision {
  const env = facts.envDefault;
  let details: Record<string, unknown> | null = null;
  if (SIDE_MOVES.reads[current.reads.stage][env.reads.stage] === 'gate') {
    const g = facts.gate;
    if (!g) return refuse(503, 'the shadow gate was not consulted');
    if ('unavailable' in g) return refuse(503, g.unavailable);
    if (!g.passed) return { ok: false, status: 409, reason: `shadow gate not passed: the env default (${env.reads.stage}) would take reads out of shadow`, gate: g.figures };
    details = { shadowGate: g.figures };
  }
  // Exactly the env default (no `since` carried over): an instance reads a row on its default the same way.
  return finish(current, { ...env, ramp: stopRamp(current.ramp), rolledBack: null }, 'clear', 'manual', details, facts, false);
}

function decideRampStart(current: Rollout, c: Extract<Command, { kind: 'ramp-start' }>, facts: Facts): Decision {
  if (c.ops.length === 0) return refuse(400, 'must name reads, writes or both', 'ops');
  if (!facts.native) return refuse(409, 'this feature has no native capsule; it can only run on express');
  if (current.ramp && (current.ramp.state === 'running' || current.ramp.state === 'paused')) return refuse(409, `a ramp is already ${current.ramp.state}; abort it first`);
  if (c.ops.some((s) => current[s].stage === 'fastify')) return refuse(409, `${c.ops.filter((s) => current[s].stage === 'fastify').join(' and ')} already on fastify`);
  const next: Rollout = { ...current, rolledBack: null };
  for (const s of c.ops) next[s] = side('canary', c.plan.steps[0], facts.now);
  if (nativeShare(next.writes) > nativeShare(next.reads)) return refuse(409, `writes may not lead reads: reads serve ${nativeShare(next.reads)} % natively, the ramp's first step is ${c.plan.steps[0]} %`);
  let gate: Record<string, unknown> | undefined;
  if (needsGate(current, c)) {
    const g = facts.gate;
    if (!g) return refuse(503, 'the shadow gate was not consulted');
    if ('unavailable' in g) return refuse(503, g.unavailable);
    if (!g.passed) return { ok: false, status: 409, reason: 'shadow gate not passed (a ramp cannot be forced; move to canary with force first)', gate: g.figures };
    gate = g.figures;
  }
  next.ramp = { ...c.plan, ops: [...c.ops], state: 'running', stepIndex: 0, stepStartedAt: facts.now, startedBy: c.who };
  return finish(current, next, 'ramp-start', 'ramp', { ops: c.ops, ...c.plan, ...(gate ? { shadowGate: gate } : {}) }, facts);
}

function decideRampControl(current: Rollout, kind: 'ramp-pause' | 'ramp-resume' | 'ramp-abort', facts: Facts): Decision {
  const ramp = current.ramp;
  const t = RAMP_MOVES[kind];
  if (!ramp || !t.from.includes(ramp.state)) return refuse(409, `no ${t.from.join(' or ')} ramp to ${kind.slice(5)}`);
  const next: Rollout = { ...current, ramp: { ...ramp, state: t.to }, rolledBack: null };
  // Abort puts the ramped sides back on express (and writes with reads: they may not lead).
  if (kind === 'ramp-abort') {
    for (const s of ramp.ops) next[s] = side('express', 0, facts.now);
    if (nativeShare(next.writes) > nativeShare(next.reads)) next.writes = side('express', 0, facts.now);
  }
  return finish(current, next, kind, 'manual', null, facts);
}

function decideRampStep(current: Rollout, c: Extract<Command, { kind: 'ramp-step' }>, facts: Facts): Decision {
  const ramp = current.ramp;
  if (!ramp || !RAMP_MOVES['ramp-step'].from.includes(ramp.state)) return refuse(409, 'no running ramp');
  if (c.stepIndex !== ramp.stepIndex + 1) return refuse(409, `the ramp is at step ${ramp.stepIndex}, not before ${c.stepIndex}`);
  if (ramp.ops.some((s) => current[s].stage !== 'canary')) return refuse(409, 'a ramped side is no longer in canary');
  const done = c.stepIndex >= ramp.steps.length;
  const next: Rollout = { ...current, rolledBack: null };
  for (const s of ramp.ops) next[s] = done ? side('fastify', 0, facts.now) : side('canary', ramp.steps[c.stepIndex], facts.now);
  if (nativeShare(next.writes) > nativeShare(next.reads)) return refuse(409, `writes may not lead reads: the step to ${nativeShare(next.writes)} % waits for reads (${nativeShare(next.reads)} %)`);
  next.ramp = done ? { ...ramp, state: 'done' } : { ...ramp, stepIndex: c.stepIndex, stepStartedAt: facts.now };
  return finish(current, next, done ? 'ramp-done' : 'ramp-step', 'ramp', { ops: ramp.ops, steps: ramp.steps, stepIndex: c.stepIndex, guard: c.guard }, facts);
}

function decideGuard(current: Rollout, c: Extract<Command, { kind: 'guard-rollback' }>, facts: Facts): Decision {
  if (current[c.side].stage !== 'canary') return refuse(409, `${c.side} are not in canary; the guard judges only canaries`);
  const next: Rollout = { ...current, rolledBack: { side: c.side, at: facts.now, figures: c.figures } };
  next[c.side] = side('express', 0, facts.now);
  // Reads rolled back take writes with them (writes may not lead); writes rolled back leave reads alone.
  if (nativeShare(next.writes) > nativeShare(next.reads)) next.writes = side('express', 0, facts.now);
  if (current.ramp && (current.ramp.state === 'running' || current.ramp.state === 'paused')) next.ramp = { ...current.ramp, state: 'aborted' };
  return finish(current, next, 'guard-rollback', 'guard', { side: c.side, ...c.figures }, facts);
}

/** A manual change ends a running or paused ramp: the operator's decision replaces the plan. */
function stopRamp(ramp: Ramp | null): Ramp | null {
  return ramp && (ramp.state === 'running' || ramp.state === 'paused') ? { ...ramp, state: 'aborted' } : ramp;
}

/** A side that did not move keeps its `since` (its guard window goes on), unless `keepSince` is false. */
function finish(current: Rollout, next: Rollout, action: Action, reason: Reason, details: Record<string, unknown> | null, facts: Facts, keepSince = true): Decision {
  for (const s of SIDES) {
    if (next[s].stage !== 'express' && !facts.native) return refuse(409, 'this feature has no native capsule; it can only run on express');
    if (keepSince && sameSide(current[s], next[s])) next[s] = current[s];
  }
  return { ok: true, next, audit: { action, reason, details } };
}
