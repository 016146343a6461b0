// What the leader does every tick: read the shared window once, judge every feature in canary
// (guard.ts) over the window since its current step began, roll a breaching feature back to express on
// every instance (one compare-and-set override, pushed by NOTIFY), and advance running ramps.
import type { FlagStore } from '../../flags/store.ts';
import { FEATURE_NAMES, type FeatureName } from '../../flags/registry.ts';
import { judge, type GuardThresholds, type Judgement } from './guard.ts';
import type { GuardStateStore } from './guard-state.ts';
import { nextAction, type RampStore } from './ramp.ts';
import { SIDES } from '../../flags/operations.ts';
import type { Backend } from '../../flags/registry.ts';
import { addCell, emptyCell, type Cell, type Deltas } from './recorder.ts';
import { figuresOf, type WindowStore } from './shared-window.ts';

/** One stage covers both sides today: the guard judges their evidence together. */
function bothSides(deltas: Deltas, feature: FeatureName, backend: Backend, from: number, to: number): Cell {
  return SIDES.reduce((sum, side) => addCell(sum, figuresOf(deltas, feature, side, backend, from, to)), emptyCell());
}

export interface ControllerEvents {
  rollback(feature: FeatureName, judgement: Judgement): void;
  verdict(feature: FeatureName, judgement: Judgement): void;
  rampStep(feature: FeatureName, percent: number | 'fastify'): void;
}

export interface ControllerOptions {
  flags: FlagStore;
  window: WindowStore;
  ramps: RampStore;
  guardState: GuardStateStore;
  windowMs: number;
  thresholds: GuardThresholds;
  events: ControllerEvents;
}

export class Controller {
  private readonly o: ControllerOptions;
  private idleWritten = new Set<FeatureName>();

  constructor(opts: ControllerOptions) {
    this.o = opts;
  }

  async tick(now = Date.now()): Promise<void> {
    const { flags } = this.o;
    const canaries = FEATURE_NAMES.filter((f) => flags.stageOf(f) === 'canary');
    for (const f of FEATURE_NAMES) {
      if (canaries.includes(f)) this.idleWritten.delete(f);
      else if (!this.idleWritten.has(f)) {
        await this.o.guardState.write(f, 'idle', null).catch(() => {});
        this.idleWritten.add(f);
      }
    }
    const ramps = await this.o.ramps.all();
    for (const ramp of ramps) {
      if (ramp.state === 'running' || ramp.state === 'paused') {
        if (flags.stageOf(ramp.feature) !== 'canary') await this.o.ramps.transition(ramp.feature, ['running', 'paused'], 'aborted');
      }
    }
    if (canaries.length === 0) return;
    const nowSec = Math.floor(now / 1000);
    const windowSec = Math.ceil(this.o.windowMs / 1000);
    // Throws WindowUnavailableError when Redis cannot be read: no figures, so no verdict and no ramp step.
    const deltas = await this.o.window.read(nowSec - windowSec, nowSec);
    for (const feature of canaries) {
      const state = flags.state(feature);
      // Only what happened since this canary step began counts (a new percentage starts a new window).
      const changedSec = state.changedAt ? Math.floor(Date.parse(state.changedAt) / 1000) + 1 : 0;
      const from = Math.max(nowSec - windowSec, changedSec);
      const native = bothSides(deltas, feature, 'fastify', from, nowSec);
      const legacy = bothSides(deltas, feature, 'express', from, nowSec);
      const j = judge(native, legacy, nowSec - from + 1, this.o.thresholds);
      this.o.events.verdict(feature, j);
      if (j.verdict === 'breach') {
        await this.rollback(feature, j);
        continue;
      }
      await this.o.guardState.write(feature, j.verdict === 'healthy' ? 'healthy' : 'collecting', j.figures);
      const ramp = ramps.find((r) => r.feature === feature && r.state === 'running');
      if (ramp) await this.advance(feature, ramp, j, native.requests, now);
    }
  }

  private async rollback(feature: FeatureName, j: Judgement): Promise<void> {
    const changed = await this.o.flags.setStage([feature], { stage: 'express' }, {
      who: 'guard', reason: 'guard', details: { ...j.figures }, expectStage: 'canary',
    });
    if (changed.length === 0) return; // someone changed it meanwhile: their decision stands
    await this.o.ramps.transition(feature, ['running', 'paused'], 'aborted');
    await this.o.guardState.rolledBack(feature, j.figures);
    this.o.events.rollback(feature, j);
  }

  private async advance(feature: FeatureName, ramp: Awaited<ReturnType<RampStore['all']>>[number], j: Judgement, nativeRequests: number, now: number): Promise<void> {
    const action = nextAction(ramp, j.verdict, nativeRequests, now);
    if (action.kind === 'wait') return;
    const details = { ramp: ramp.steps, stepIndex: action.kind === 'step' ? action.stepIndex : ramp.steps.length, guard: j.figures };
    if (action.kind === 'step') {
      const changed = await this.o.flags.setStage([feature], { stage: 'canary', percent: action.percent }, { who: 'ramp', reason: 'ramp', details, expectStage: 'canary' });
      if (changed.length) {
        await this.o.ramps.advance(feature, action.stepIndex);
        this.o.events.rampStep(feature, action.percent);
      }
      return;
    }
    const changed = await this.o.flags.setStage([feature], { stage: 'fastify' }, { who: 'ramp', reason: 'ramp', details, expectStage: 'canary' });
    if (changed.length && (await this.o.ramps.transition(feature, ['running'], 'done'))) this.o.events.rampStep(feature, 'fastify');
  }
}
