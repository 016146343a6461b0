// What the leader does every tick: read the shared window once, judge each side (reads, writes) of every
// feature in canary on that side's own figures since its current step began (guard.ts), and turn a breach
// or a ramp step into a command to the rollout model with compare-and-set on the version it judged — so an
// operator's newer change always wins. No window (Redis down) → no decision at all.
import type { FlagState, FlagStore } from '../../flags/store.ts';
import { RolloutRefusedError } from '../../flags/store.ts';
import { SIDES, type Side } from '../../flags/operations.ts';
import type { Command } from '../../flags/rollout-model.ts';
import { FEATURE_NAMES, type FeatureName } from '../../flags/registry.ts';
import { judge, type GuardThresholds, type Judgement } from './guard.ts';
import type { GuardStateStore } from './guard-state.ts';
import { nextAction, type SideEvidence } from './ramp.ts';
import { figuresOf, type WindowStore } from './shared-window.ts';

export interface ControllerEvents {
  rollback(feature: FeatureName, side: Side, judgement: Judgement): void;
  verdict(feature: FeatureName, side: Side, judgement: Judgement): void;
  rampStep(feature: FeatureName, percent: number | 'fastify'): void;
  /** The model refused what the leader asked (someone changed the feature meanwhile, writes would lead reads …). */
  refused(feature: FeatureName, reason: string): void;
  /** Decisions are held: these instances' counts are late (their link to Redis is down); [] when they resume. */
  held(lateInstances: string[]): void;
}

export interface ControllerOptions {
  flags: FlagStore;
  window: WindowStore;
  guardState: GuardStateStore;
  windowMs: number;
  /** How often every instance pushes its counts (WINDOW_PUSH_INTERVAL_MS): sets how late is late. */
  pushIntervalMs: number;
  thresholds: GuardThresholds;
  events: ControllerEvents;
}

export class Controller {
  private readonly o: ControllerOptions;
  private heldFor = '';

  constructor(opts: ControllerOptions) {
    this.o = opts;
  }

  async tick(now = Date.now()): Promise<void> {
    const states = FEATURE_NAMES.map((f) => this.o.flags.state(f)).filter((s) => s.reads.stage === 'canary' || s.writes.stage === 'canary');
    if (states.length === 0) return;
    const nowSec = Math.floor(now / 1000);
    const windowSec = Math.ceil(this.o.windowMs / 1000);
    // An instance whose counts are late (its Redis link is cut) would make any verdict one on missing data:
    // hold every decision until it catches up, or has been silent for a whole window (then it is gone).
    const late = await this.o.window.lagging(nowSec, 2 * Math.ceil(this.o.pushIntervalMs / 1000) + 3, windowSec);
    if (late.join() !== this.heldFor) {
      this.heldFor = late.join();
      this.o.events.held(late);
    }
    if (late.length) return;
    // Throws WindowUnavailableError when Redis cannot be read: no figures, so no verdict and no ramp step.
    const deltas = await this.o.window.read(nowSec - windowSec, nowSec);
    for (const s of states) {
      const evidence: SideEvidence[] = [];
      let rolledBack = false;
      for (const side of SIDES) {
        if (s[side].stage !== 'canary') continue;
        // Only what happened since this side's step began counts (a new percentage starts a new window).
        const since = s[side].since;
        const from = Math.max(nowSec - windowSec, since ? Math.floor(Date.parse(since) / 1000) + 1 : 0);
        const native = figuresOf(deltas, s.feature, side, 'fastify', from, nowSec);
        const legacy = figuresOf(deltas, s.feature, side, 'express', from, nowSec);
        const j = judge(native, legacy, nowSec - from + 1, this.o.thresholds);
        this.o.events.verdict(s.feature, side, j);
        if (j.verdict === 'breach') {
          if (await this.command(s, { kind: 'guard-rollback', side, figures: { ...j.figures } }, 'guard')) this.o.events.rollback(s.feature, side, j);
          rolledBack = true;
          break;
        }
        await this.o.guardState.write(s.feature, side, j.verdict === 'healthy' ? 'healthy' : 'collecting', j.figures);
        if (s.ramp?.ops.includes(side)) evidence.push({ verdict: j.verdict, nativeRequests: native.requests });
      }
      if (rolledBack || !s.ramp || s.ramp.state !== 'running') continue;
      const action = nextAction(s.ramp, evidence, now);
      if (action.kind === 'wait') continue;
      if (await this.command(s, { kind: 'ramp-step', stepIndex: action.stepIndex, guard: { sides: evidence } }, 'ramp')) {
        const pct = s.ramp.steps[action.stepIndex];
        this.o.events.rampStep(s.feature, pct === undefined ? 'fastify' : pct);
      }
    }
  }

  /** Applies a command on the version judged; false when the model refused it (the refusal is reported). */
  private async command(s: FlagState, command: Command, who: string): Promise<boolean> {
    try {
      await this.o.flags.apply([s.feature], command, { who, ifVersion: s.version });
      return true;
    } catch (err) {
      if (!(err instanceof RolloutRefusedError)) throw err;
      this.o.events.refused(s.feature, err.message);
      return false;
    }
  }
}
